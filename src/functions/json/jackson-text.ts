/**
 * JSON text exactly as Spark's Jackson generators write it: compact, control characters escaped with
 * upper-case hex (`\u001F`), doubles in Java's `Double.toString` form, and non-finite doubles as
 * quoted strings (`"NaN"`). Two string flavours exist because Spark uses two generators:
 * `to_json` writes through a character writer (surrogate pairs stay as they are), while
 * `get_json_object` and `from_json`'s string fields copy through a UTF-8 generator, which escapes
 * each surrogate (`\uD83D\uDE00`).
 */
import { javaDoubleToString, javaFloatToString } from './java-double.ts'
import { JsonNumber } from './json-tree.ts'

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/
const NEEDS_ESCAPE_UTF8 = /["\\\u0000-\u001f\ud800-\udfff]/
const HEX = '0123456789ABCDEF'

/**
 * Quotes `s` as `to_json` does.
 *
 * @example
 * quoteJsonString('a"b\u0001') // '"a\\"b\\u0001"'
 */
export function quoteJsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? escapeString(s, false) : '"' + s + '"'
}

/**
 * Quotes `s` as Jackson's UTF-8 generator does (`get_json_object`, `from_json` string fields).
 *
 * @example
 * quoteJsonStringUtf8('😀') // '"\\uD83D\\uDE00"'
 */
export function quoteJsonStringUtf8(s: string): string {
  return NEEDS_ESCAPE_UTF8.test(s) ? escapeString(s, true) : '"' + s + '"'
}

function escapeString(s: string, surrogates: boolean): string {
  let out = '"'
  let from = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    let esc: string
    if (c === 34) esc = '\\"'
    else if (c === 92) esc = '\\\\'
    else if (c < 32) esc = shortEscape(c)
    else if (surrogates && c >= 0xd800 && c <= 0xdfff) esc = unicodeEscape(c)
    else continue
    out += s.slice(from, i) + esc
    from = i + 1
  }
  return out + s.slice(from) + '"'
}

function shortEscape(c: number): string {
  switch (c) {
    case 8:
      return '\\b'
    case 9:
      return '\\t'
    case 10:
      return '\\n'
    case 12:
      return '\\f'
    case 13:
      return '\\r'
    default:
      return unicodeEscape(c)
  }
}

function unicodeEscape(c: number): string {
  return '\\u' + HEX[(c >> 12) & 15] + HEX[(c >> 8) & 15] + HEX[(c >> 4) & 15] + HEX[c & 15]
}

/**
 * A double as Jackson writes it: Java's form, or a quoted string for NaN and the infinities.
 *
 * @example
 * jacksonDouble(1) // '1.0'
 * jacksonDouble(Number.NaN) // '"NaN"'
 */
export function jacksonDouble(d: number): string {
  return d - d === 0 ? javaDoubleToString(d) : '"' + javaDoubleToString(d) + '"'
}

/**
 * A float as Jackson writes it: Java's `Float.toString`, or a quoted string for NaN and infinities.
 *
 * @example
 * jacksonFloat(Math.fround(0.1)) // '0.1'
 */
export function jacksonFloat(f: number): string {
  return f - f === 0 ? javaFloatToString(f) : '"' + javaFloatToString(f) + '"'
}

/**
 * An integer token as Jackson copies it: canonical digits (`-0` -> `0`, `007` -> `7`), exact
 * beyond 2^53.
 *
 * @example
 * jacksonIntToken('12345678901234567890') // '12345678901234567890'
 */
export function jacksonIntToken(text: string): string {
  const n = Number(text)
  return Number.isSafeInteger(n) ? String(n) : BigInt(text).toString()
}

/**
 * Compact JSON text of a parsed value, as Jackson's `copyCurrentStructure` writes it (Spark's text
 * for a non-string JSON value read into a string field). `exact` says the value comes from
 * `parseJsonExact`; from `JSON.parse` an integral number or an object with integer-like keys is
 * ambiguous (was it `2` or `2.0`? in which order were the keys?) and the result is undefined,
 * meaning: parse the text again exactly.
 *
 * @example
 * renderJsonValue(parseJsonExact('[1, {"b": 2.50}]'), true) // '[1,{"b":2.5}]'
 */
export function renderJsonValue(v: unknown, exact: boolean): string | undefined {
  if (typeof v === 'string') return quoteJsonStringUtf8(v)
  if (typeof v === 'number') return exact ? String(v) : Number.isInteger(v) ? undefined : jacksonDouble(v)
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (v === null) return 'null'
  if (v instanceof JsonNumber) return v.isInt ? jacksonIntToken(v.text) : jacksonDouble(v.value)
  if (Array.isArray(v)) return renderArray(v, exact)
  if (v instanceof Map) return renderEntries(v.entries(), exact)
  if (typeof v === 'object') {
    if (!exact && hasIndexLikeKey(v as object)) return undefined
    return renderEntries(Object.entries(v as object), exact)
  }
  return undefined
}

function renderArray(a: readonly unknown[], exact: boolean): string | undefined {
  let out = '['
  for (let i = 0; i < a.length; i++) {
    const s = renderJsonValue(a[i], exact)
    if (s === undefined) return undefined
    out += i === 0 ? s : ',' + s
  }
  return out + ']'
}

function renderEntries(entries: Iterable<[string, unknown]>, exact: boolean): string | undefined {
  let out = '{'
  let first = true
  for (const [k, x] of entries) {
    const s = renderJsonValue(x, exact)
    if (s === undefined) return undefined
    out += (first ? '' : ',') + quoteJsonStringUtf8(k) + ':' + s
    first = false
  }
  return out + '}'
}

/**
 * True when a plain object has a key JS orders before the others (an array index such as "1"), so
 * its key order may differ from the document's.
 *
 * @example
 * hasIndexLikeKey({ b: 1, '1': 2 }) // true: JS lists '1' first
 */
export function hasIndexLikeKey(o: object): boolean {
  let seen = false
  for (const k in o) {
    // Index keys come first in JS order, so the first key tells; one key alone has no order.
    if (seen) return true
    const c = k.charCodeAt(0)
    if (c < 48 || c > 57 || String(Number(k) >>> 0) !== k) return false
    seen = true
  }
  return false
}
