/**
 * The JSONPath subset of Spark's `get_json_object` (its `JsonPathParser`, a Scala regex-combinator
 * grammar, reproduced here including where it skips whitespace):
 *
 *   path    := '$' node*
 *   node    := '.*' | "['*']"            child wildcard (parsed, but never matches, as in Spark)
 *            | '.' name                  name: one or more chars other than '.' and '['
 *            | "['" quoted "']"          quoted: one or more chars other than "'"
 *            | '[' '*' ']' | '[' digits ']'
 *
 * Anything else (`$..a`, `$[-1]`, `$.`, no leading `$`) is invalid, and Spark returns null for it.
 */

/** One step of a compiled path, Spark's `PathInstruction`s. */
export type PathOp =
  | { readonly kind: 'subscript' }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'key' }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'named'; readonly name: string }

export type CompiledJsonPath = readonly PathOp[]

const SUBSCRIPT: PathOp = Object.freeze({ kind: 'subscript' })
const WILDCARD: PathOp = Object.freeze({ kind: 'wildcard' })
const KEY: PathOp = Object.freeze({ kind: 'key' })

const CACHE_LIMIT = 1024
const cache = new Map<string, CompiledJsonPath | null>()

/**
 * Parses a `get_json_object` path once (cached); null when Spark would reject it.
 *
 * @example
 * compileJsonPath('$.store.book[0]') // [key, named 'store', key, named 'book', subscript, index 0]
 * compileJsonPath('$..a') // null
 */
export function compileJsonPath(path: string): CompiledJsonPath | null {
  const hit = cache.get(path)
  if (hit !== undefined) return hit
  const compiled = parsePath(path)
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(path, compiled)
  return compiled
}

function parsePath(s: string): CompiledJsonPath | null {
  if (s.charCodeAt(0) !== 36 /* $ */) return null
  const ops: PathOp[] = []
  let pos = 1
  for (;;) {
    const next = parseNode(s, pos, ops)
    if (next < 0) break
    pos = next
  }
  // The grammar is wrapped in `phrase`, which allows only trailing whitespace.
  return skipWs(s, pos) === s.length ? Object.freeze(ops) : null
}

/** Parses one node at `pos` into `ops`; returns the position after it, or -1 when none matches. */
function parseNode(s: string, pos: number, ops: PathOp[]): number {
  // String literals and regexes skip leading whitespace; single-character parsers do not.
  const w = skipWs(s, pos)
  if (s.startsWith('.*', w)) {
    ops.push(WILDCARD)
    return w + 2
  }
  if (s.startsWith("['*']", w)) {
    ops.push(WILDCARD)
    return w + 5
  }
  if (s.charCodeAt(pos) === 46 /* . */) {
    const start = skipWs(s, pos + 1)
    const end = scanWhile(s, start, (c) => c !== 46 && c !== 91)
    if (end > start) {
      ops.push(KEY, Object.freeze({ kind: 'named', name: s.slice(start, end) }))
      return end
    }
  }
  if (s.startsWith("['", w)) {
    const start = skipWs(s, w + 2)
    const end = scanWhile(s, start, (c) => c !== 39)
    const close = skipWs(s, end)
    if (end > start && s.startsWith("']", close)) {
      ops.push(KEY, Object.freeze({ kind: 'named', name: s.slice(start, end) }))
      return close + 2
    }
  }
  if (s.charCodeAt(pos) === 91 /* [ */) return parseSubscript(s, pos, ops)
  return -1
}

function parseSubscript(s: string, pos: number, ops: PathOp[]): number {
  if (s.charCodeAt(pos + 1) === 42 /* * */ && s.charCodeAt(pos + 2) === 93) {
    ops.push(SUBSCRIPT, WILDCARD)
    return pos + 3
  }
  const start = skipWs(s, pos + 1)
  const end = scanWhile(s, start, (c) => c >= 48 && c <= 57)
  if (end === start || s.charCodeAt(end) !== 93 /* ] */) return -1
  ops.push(SUBSCRIPT, Object.freeze({ kind: 'index', index: Number(s.slice(start, end)) }))
  return end + 1
}

/** Java's `\s`: space, tab, newline, vertical tab, form feed, carriage return. */
function skipWs(s: string, pos: number): number {
  return scanWhile(s, pos, (c) => c === 32 || (c >= 9 && c <= 13))
}

function scanWhile(s: string, pos: number, ok: (c: number) => boolean): number {
  let p = pos
  while (p < s.length && ok(s.charCodeAt(p))) p++
  return p
}
