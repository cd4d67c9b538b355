/**
 * The scanner under the per-schema JSON decoder (`json-fast-decoder.ts`): one cursor over a text
 * range and readers for the tokens the decoder handles without building `JSON.parse` objects. Every
 * reader either returns a value exactly as `JSON.parse` plus the generic converters would, or
 * `BAIL`, after which the caller reads the record again on the generic path. So the readers accept
 * only the common spellings (plain integers of at most 15 digits, strings without raw control
 * characters, objects without duplicate keys) and leave everything unusual to that path.
 */

/** Returned when a record needs the generic path (anything unusual, or malformed). */
export const BAIL: unique symbol = Symbol('BAIL')
export type Bail = typeof BAIL

/**
 * The text being read, the position, and where the record ends (exclusive). `clean` says the
 * record holds no backslash and no control character (see `isCleanJsonText`), so a string ends at
 * the next quote.
 */
export const cursor = { t: '', p: 0, e: 0, clean: false }

const DIRTY = /[\x00-\x1f\\]/
const DIRTY_LINES = /[\x00-\x09\x0b-\x1f\\]/

/**
 * True when `text` (one record) holds no backslash and no control character: its strings end at
 * the next quote, found with `indexOf` instead of a loop per character.
 *
 * @example isCleanJsonText('{"a":"b"}') // true
 * @example isCleanJsonText('{"a":"\\n"}') // false
 */
export function isCleanJsonText(text: string): boolean {
  return !DIRTY.test(text)
}

/**
 * As `isCleanJsonText` for a block of JSON lines, where `\n` only separates records (the decoder
 * never reads past a record's end, so no string can hold one).
 *
 * @example isCleanJsonLines('{"a":"b"}\n{"a":"c"}\n') // true
 */
export function isCleanJsonLines(text: string): boolean {
  return !DIRTY_LINES.test(text)
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]
/** Deepest nesting an unknown field's value may have here; deeper values go the generic way. */
const MAX_SKIP_DEPTH = 64

/**
 * Skips JSON whitespace; returns the character code at the new position (NaN at the record's end).
 *
 * @example cursor.t = ' {'; cursor.p = 0; cursor.e = 2; ws() // 123
 */
export function ws(): number {
  const t = cursor.t
  const e = cursor.e
  let p = cursor.p
  let c = p < e ? t.charCodeAt(p) : Number.NaN
  while (c === 32 || c === 9 || c === 10 || c === 13) c = ++p < e ? t.charCodeAt(p) : Number.NaN
  cursor.p = p
  return c
}

/** Reads the literal `word` (null, true, false) at the cursor; false when it is not there. */
export function literal(word: string): boolean {
  if (!cursor.t.startsWith(word, cursor.p) || cursor.p + word.length > cursor.e) return false
  cursor.p += word.length
  return true
}

/**
 * Reads a string token at the cursor (on its opening quote). Strings with escapes are decoded by
 * `JSON.parse` of the token alone; a raw control character gives BAIL, as `JSON.parse` rejects it.
 *
 * @example cursor.t = '"ab"'; cursor.p = 0; cursor.e = 4; readString() // 'ab'
 */
export function readString(): string | Bail {
  const t = cursor.t
  const start = cursor.p
  let q = start + 1
  if (cursor.clean) {
    q = t.indexOf('"', q)
    if (q < 0 || q >= cursor.e) return BAIL
    cursor.p = q + 1
    return t.slice(start + 1, q)
  }
  for (;;) {
    const c = t.charCodeAt(q)
    if (c === 34) break
    // !(c >= 32) is also true for NaN, past the end of the text.
    if (c === 92 || !(c >= 32)) return readEscapedString(start)
    q++
  }
  if (q >= cursor.e) return BAIL
  cursor.p = q + 1
  return t.slice(start + 1, q)
}

function readEscapedString(start: number): string | Bail {
  const t = cursor.t
  const e = cursor.e
  let q = start + 1
  while (q < e) {
    const c = t.charCodeAt(q)
    if (c === 34) break
    if (c < 32) return BAIL
    q += c === 92 ? 2 : 1
  }
  if (q >= e) return BAIL
  let s: unknown
  try {
    s = JSON.parse(t.slice(start, q + 1))
  } catch {
    return BAIL
  }
  cursor.p = q + 1
  return s as string
}

/**
 * Reads an integer token of at most 15 digits (exact in a double); BAIL for a fraction, an exponent,
 * a leading zero or more digits. `-0` reads as 0, as the generic converters make it.
 *
 * @example cursor.t = '-12,'; cursor.p = 0; cursor.e = 4; readInteger() // -12
 */
export function readInteger(): number | Bail {
  const t = cursor.t
  let p = cursor.p
  let c = t.charCodeAt(p)
  const neg = c === 45
  if (neg) c = t.charCodeAt(++p)
  let n = c - 48
  if (!(n >= 0 && n <= 9)) return BAIL
  const first = p
  c = t.charCodeAt(++p)
  if (n !== 0) {
    while (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48)
      c = t.charCodeAt(++p)
    }
  }
  if (c === 46 || c === 101 || c === 69 || (c >= 48 && c <= 57) || p - first > 15 || p > cursor.e) return BAIL
  cursor.p = p
  return neg ? 0 - n : n
}

/**
 * Reads a number token as `JSON.parse` does (BAIL when it is not valid JSON number grammar).
 * Up to 15 significant digits without an exponent are divided out exactly; others use `Number`.
 *
 * @example cursor.t = '2.5}'; cursor.p = 0; cursor.e = 4; readDouble() // 2.5
 */
export function readDouble(): number | Bail {
  const t = cursor.t
  const start = cursor.p
  let p = start
  let c = t.charCodeAt(p)
  const neg = c === 45
  if (neg) c = t.charCodeAt(++p)
  let m = 0
  let digits = 0
  if (c === 48) c = t.charCodeAt(++p)
  else if (c >= 49 && c <= 57) {
    do {
      m = m * 10 + (c - 48)
      digits++
      c = t.charCodeAt(++p)
    } while (c >= 48 && c <= 57)
  } else return BAIL
  let frac = 0
  if (c === 46) {
    c = t.charCodeAt(++p)
    if (!(c >= 48 && c <= 57)) return BAIL
    do {
      m = m * 10 + (c - 48)
      frac++
      c = t.charCodeAt(++p)
    } while (c >= 48 && c <= 57)
  }
  let exact = digits + frac <= 15
  if (c === 101 || c === 69) {
    exact = false
    c = t.charCodeAt(++p)
    if (c === 43 || c === 45) c = t.charCodeAt(++p)
    if (!(c >= 48 && c <= 57)) return BAIL
    do c = t.charCodeAt(++p)
    while (c >= 48 && c <= 57)
  }
  if (p > cursor.e) return BAIL
  cursor.p = p
  if (!exact) return Number(t.slice(start, p))
  const v = m / POW10[frac]
  return neg ? -v : v
}

/**
 * Skips one JSON value (of a key the schema does not have), checking it as `JSON.parse` would;
 * BAIL for anything it does not check itself (nesting deeper than 64, non-JSON spellings).
 *
 * @example cursor.t = '[1,{"a":null}]'; cursor.p = 0; cursor.e = 14; skipValue(0) // true
 */
export function skipValue(depth: number): true | Bail {
  const c = cursor.t.charCodeAt(cursor.p)
  if (c === 34) return readString() === BAIL ? BAIL : true
  if (c === 123 || c === 91) return depth >= MAX_SKIP_DEPTH ? BAIL : skipContainer(c === 123, depth + 1)
  if (c === 110) return literal('null') || BAIL
  if (c === 116) return literal('true') || BAIL
  if (c === 102) return literal('false') || BAIL
  return readDouble() === BAIL ? BAIL : true
}

function skipContainer(object: boolean, depth: number): true | Bail {
  cursor.p++
  const close = object ? 125 : 93
  let c = ws()
  if (c === close) {
    cursor.p++
    return true
  }
  for (;;) {
    if (object) {
      if (c !== 34 || readString() === BAIL || ws() !== 58) return BAIL
      cursor.p++
      ws()
    }
    if (skipValue(depth) === BAIL) return BAIL
    c = ws()
    cursor.p++
    if (c === close) return true
    if (c !== 44) return BAIL
    c = ws()
  }
}
