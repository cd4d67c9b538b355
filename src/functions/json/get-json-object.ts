/**
 * Spark's `get_json_object(json, path)`: a port of its streaming evaluator over a Jackson-like
 * tokenizer, so subtrees that do not match are skipped without being built. Results follow Spark:
 * a string matched directly comes back unquoted, anything else as compact JSON (Jackson's number
 * and escape forms); `[*]` collects matches into an array, but unwraps a single match; a path that
 * matches nothing, invalid JSON (in the first value) and an invalid path all give null. Like Spark,
 * single-quoted strings and raw control characters in strings are accepted, the first of duplicate
 * keys wins, and text after the first JSON value is ignored.
 */
import { jacksonDouble, jacksonIntToken, quoteJsonStringUtf8 } from './jackson-text.ts'
import { type CompiledJsonPath, compileJsonPath, type PathOp } from './json-path.ts'
import {
  END_ARRAY,
  END_OBJECT,
  FALSE,
  FIELD_NAME,
  FLOAT,
  INT,
  type JsonSyntax,
  JsonSyntaxError,
  NULL,
  START_ARRAY,
  START_OBJECT,
  STRING,
  TRUE,
} from './json-token.ts'
import { JsonTokenizer } from './json-tokenizer.ts'

// Spark's get_json_object factory enables exactly these two relaxations (for Hive compatibility).
const SYNTAX: JsonSyntax = Object.freeze({
  allowSingleQuotes: true,
  allowUnquotedControlChars: true,
  allowNonNumericNumbers: false,
  allowNumericLeadingZeros: false,
})

const RAW = 0
const QUOTED = 1
const FLATTEN = 2

const tokenizer = new JsonTokenizer()

/**
 * Extracts the value at `path` from `json` as Spark does; null when nothing matches.
 *
 * @example
 * getJsonObject('{"a":"b"}', '$.a') // 'b'
 * getJsonObject('{"a":[{"b":1},{"b":2.0}]}', '$.a[*].b') // '[1,2.0]'
 */
export function getJsonObject(json: string | null, path: string | null): string | null {
  if (json === null || path === null) return null
  const compiled = compileJsonPath(path)
  return compiled === null ? null : evaluateJsonPath(json, compiled)
}

/**
 * `getJsonObject` with a path compiled once by `compileJsonPath`.
 *
 * @example
 * const p = compileJsonPath('$.a')!
 * evaluateJsonPath('{"a":1}', p) // '1'
 */
export function evaluateJsonPath(json: string, path: CompiledJsonPath): string | null {
  const p = tokenizer.reset(json, SYNTAX)
  const g = new Generator()
  try {
    p.next()
    return evaluate(p, g, RAW, path, 0) ? g.out : null
  } catch (e) {
    if (e instanceof JsonSyntaxError) return null
    throw e
  }
}

/** Jackson's generator, reduced to what the evaluator needs: separators between values. */
class Generator {
  out = ''
  private counts: number[] = [0]
  private inArray: boolean[] = [false]

  /** A complete value; Jackson separates root values with a space and array elements with a comma. */
  value(text: string): void {
    const d = this.counts.length - 1
    if (this.counts[d]++ > 0) this.out += this.inArray[d] ? ',' : ' '
    this.out += text
  }

  /** Text with no separator and no effect on the context (Jackson's `writeRaw`). */
  raw(text: string): void {
    this.out += text
  }

  startArray(): void {
    this.value('[')
    this.counts.push(0)
    this.inArray.push(true)
  }

  endArray(): void {
    this.counts.pop()
    this.inArray.pop()
    this.out += ']'
  }
}

function isWildcardSubscript(path: CompiledJsonPath, at: number): boolean {
  return path[at]?.kind === 'subscript' && path[at + 1]?.kind === 'wildcard'
}

/** Spark's `evaluatePath`: true when something was written for the current token. */
function evaluate(
  p: JsonTokenizer,
  g: Generator,
  style: number,
  path: CompiledJsonPath,
  at: number,
): boolean {
  const tok = p.token
  if (at === path.length) return evaluateLeaf(p, g, style)
  const op = path[at]
  if (tok === START_OBJECT && op.kind === 'key') {
    let dirty = false
    while (p.next() !== END_OBJECT) {
      // Once a match is written the remaining fields are only skipped (so the first duplicate wins).
      if (dirty) p.skipChildren()
      else dirty = evaluate(p, g, style, path, at + 1)
    }
    return dirty
  }
  if (tok === START_ARRAY && op.kind === 'subscript') {
    const next = path[at + 1]
    if (next.kind === 'wildcard') return evaluateWildcard(p, g, style, path, at)
    if (next.kind === 'index') {
      // A wildcard after the index can match several values, so they are written quoted.
      const inner = isWildcardSubscript(path, at + 2) ? QUOTED : style
      p.next()
      return arrayIndex(p, next.index, () => evaluate(p, g, inner, path, at + 2))
    }
  }
  if (tok === FIELD_NAME) return evaluateField(p, g, style, path, at, op)
  p.skipChildren()
  return false
}

function evaluateLeaf(p: JsonTokenizer, g: Generator, style: number): boolean {
  if (p.token === STRING && style === RAW) {
    g.raw(p.str)
    return true
  }
  if (p.token === START_ARRAY && style === FLATTEN) {
    let dirty = false
    while (p.next() !== END_ARRAY) if (evaluateLeaf(p, g, style)) dirty = true
    return dirty
  }
  g.value(copyStructure(p))
  return true
}

function evaluateField(
  p: JsonTokenizer,
  g: Generator,
  style: number,
  path: CompiledJsonPath,
  at: number,
  op: PathOp,
): boolean {
  if (op.kind === 'named' && p.str === op.name) {
    // A null value counts as no match.
    return p.next() !== NULL && evaluate(p, g, style, path, at + 1)
  }
  if (op.kind === 'wildcard') {
    p.next()
    return evaluate(p, g, style, path, at + 1)
  }
  return false
}

function evaluateWildcard(
  p: JsonTokenizer,
  g: Generator,
  style: number,
  path: CompiledJsonPath,
  at: number,
): boolean {
  let dirty = false
  if (isWildcardSubscript(path, at + 2)) {
    // Hive's `[*][*]`: one flat array of everything below.
    g.startArray()
    while (p.next() !== END_ARRAY) if (evaluate(p, g, FLATTEN, path, at + 4)) dirty = true
    g.endArray()
    return dirty
  }
  if (style === QUOTED) {
    g.startArray()
    while (p.next() !== END_ARRAY) if (evaluate(p, g, QUOTED, path, at + 2)) dirty = true
    g.endArray()
    return dirty
  }
  // Buffer the matches: one match is written without the enclosing array, as Hive does.
  const buffer = new Generator()
  buffer.startArray()
  let matches = 0
  const inner = style === RAW ? QUOTED : FLATTEN
  while (p.next() !== END_ARRAY) if (evaluate(p, buffer, inner, path, at + 2)) matches++
  buffer.endArray()
  if (matches > 1) g.value(buffer.out)
  else if (matches === 1) g.value(buffer.out.slice(1, -1))
  return matches > 0
}

/** Spark's `arrayIndex`: evaluates element `index` (the tokenizer is on its first element). */
function arrayIndex(p: JsonTokenizer, index: number, f: () => boolean): boolean {
  for (let i = index; ; i--) {
    if (p.token === END_ARRAY) return false
    if (i === 0) {
      const dirty = f()
      while (p.next() !== END_ARRAY) p.skipChildren()
      return dirty
    }
    p.skipChildren()
    p.next()
  }
}

/** The current token's whole value as compact JSON (Jackson's `copyCurrentStructure`). */
function copyStructure(p: JsonTokenizer): string {
  switch (p.token) {
    case START_OBJECT: {
      let out = '{'
      let first = true
      while (p.next() !== END_OBJECT) {
        const key = quoteJsonStringUtf8(p.str)
        p.next()
        out += (first ? '' : ',') + key + ':' + copyStructure(p)
        first = false
      }
      return out + '}'
    }
    case START_ARRAY: {
      let out = '['
      let first = true
      while (p.next() !== END_ARRAY) {
        out += (first ? '' : ',') + copyStructure(p)
        first = false
      }
      return out + ']'
    }
    case STRING:
      return quoteJsonStringUtf8(p.str)
    case INT:
      return jacksonIntToken(p.numText)
    case FLOAT:
      return jacksonDouble(p.num)
    case TRUE:
      return 'true'
    case FALSE:
      return 'false'
    case NULL:
      return 'null'
    default:
      return p.fail('a JSON value')
  }
}
