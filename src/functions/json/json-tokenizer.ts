/**
 * A streaming JSON tokenizer with Jackson's grammar and its opt-in relaxations, for the places
 * where `JSON.parse` loses what Spark sees: a number token's spelling (`2.0` vs `2`), the order of
 * an object's keys, the first of duplicate keys, single-quoted strings, `NaN`, and text after the
 * first value (Spark reads one value and ignores the rest).
 *
 * Like Jackson it reads exactly one root value; `next()` then reports END without looking further,
 * except that a root-level number must be followed by whitespace or the end of the text.
 */

import {
  END,
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

const IN_ARRAY = 1
const IN_OBJECT = 2
const HEX4 = /^[0-9a-fA-F]{4}$/
const SIMPLE_ESCAPES = new Map<number, string>([
  [34, '"'],
  [92, '\\'],
  [47, '/'],
  [98, '\b'],
  [102, '\f'],
  [110, '\n'],
  [114, '\r'],
  [116, '\t'],
])

/**
 * Pull tokenizer over one string. Reuse an instance with `reset` to avoid allocation per row.
 *
 * @example
 * const tk = new JsonTokenizer().reset('{"a":2.0}', syntax)
 * tk.next() // START_OBJECT; tk.next() // FIELD_NAME (tk.str === 'a'); tk.next() // FLOAT (tk.numText === '2.0')
 */
/** The deepest nesting of arrays and objects read (Jackson's default maxNestingDepth). */
export const MAX_NESTING_DEPTH = 1000

/**
 * Whether `text` nests arrays and objects deeper than MAX_NESTING_DEPTH (brackets inside strings
 * do not count). Only text longer than the limit can, so shorter text costs nothing.
 *
 * @example nestingTooDeep('['.repeat(2000)) // true
 */
export function nestingTooDeep(text: string): boolean {
  if (text.length <= MAX_NESTING_DEPTH) return false
  let depth = 0
  let quote = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (quote !== 0) {
      if (c === 92) i++
      else if (c === quote) quote = 0
    } else if (c === 34 || c === 39) quote = c
    else if (c === 91 || c === 123) {
      if (++depth > MAX_NESTING_DEPTH) return true
    } else if (c === 93 || c === 125) depth--
  }
  return false
}

export class JsonTokenizer {
  text = ''
  pos = 0
  token = END
  /** Decoded text of the current STRING or FIELD_NAME. */
  str = ''
  /** Source text and value of the current INT or FLOAT (`NaN`, `Infinity` for the non-numeric forms). */
  numText = ''
  num = 0
  private syntax!: JsonSyntax
  private kinds: number[] = [0]
  private counts: number[] = [0]
  private depth = 0
  private valueNext = false

  reset(text: string, syntax: JsonSyntax): this {
    this.text = text
    this.syntax = syntax
    this.pos = 0
    this.token = END
    this.depth = 0
    this.counts[0] = 0
    this.valueNext = false
    return this
  }

  /** Advances to the next token and returns it. */
  next(): number {
    this.skipWs()
    if (this.valueNext) {
      this.valueNext = false
      return this.value()
    }
    const d = this.depth
    if (d === 0) {
      if (this.counts[0]++ > 0 || this.pos >= this.text.length) return (this.token = END)
      return this.rootValue()
    }
    const c = this.text.charCodeAt(this.pos)
    const closer = this.kinds[d] === IN_ARRAY ? 93 : 125
    if (c === closer) {
      this.pos++
      this.depth--
      return (this.token = closer === 93 ? END_ARRAY : END_OBJECT)
    }
    if (this.counts[d]++ > 0) {
      if (c !== 44) this.fail(closer === 93 ? "',' or ']'" : "',' or '}'")
      this.pos++
      this.skipWs()
    }
    if (closer === 93) return this.value()
    this.fieldName()
    return (this.token = FIELD_NAME)
  }

  /** At START_OBJECT or START_ARRAY, moves to the matching end token; otherwise does nothing. */
  skipChildren(): void {
    if (this.token !== START_OBJECT && this.token !== START_ARRAY) return
    // The end of the text inside a container fails in next(), so this loop always ends.
    const target = this.depth - 1
    while (this.depth > target) this.next()
  }

  /** Throws a JsonSyntaxError naming what was expected and where. */
  fail(expected: string): never {
    return this.failAt(this.pos, expected)
  }

  private failAt(at: number, expected: string): never {
    this.pos = at
    const found = at >= this.text.length ? 'the end of the input' : JSON.stringify(this.text[at])
    throw new JsonSyntaxError(`expected ${expected} at position ${at} but found ${found}`)
  }

  private skipWs(): void {
    const t = this.text
    let p = this.pos
    for (;;) {
      const c = t.charCodeAt(p)
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break
      p++
    }
    this.pos = p
  }

  private rootValue(): number {
    const tok = this.value()
    if (tok === INT || tok === FLOAT) {
      // Jackson: "Expected space separating root-level values".
      const c = this.text.charCodeAt(this.pos)
      if (c === c && c !== 32 && c !== 10 && c !== 13 && c !== 9)
        this.fail('whitespace after a root-level number')
    }
    return tok
  }

  private push(kind: number): void {
    // Jackson's StreamReadConstraints (Spark 3.5+): deeper input is malformed, not a stack overflow
    // in the converters that walk it.
    if (this.depth >= MAX_NESTING_DEPTH) {
      throw new JsonSyntaxError(
        `the nesting depth exceeds the maximum allowed (${MAX_NESTING_DEPTH}) at position ${this.pos - 1}`,
      )
    }
    const d = ++this.depth
    this.kinds[d] = kind
    this.counts[d] = 0
  }

  private value(): number {
    const c = this.text.charCodeAt(this.pos)
    switch (c) {
      case 123:
        this.pos++
        this.push(IN_OBJECT)
        return (this.token = START_OBJECT)
      case 91:
        this.pos++
        this.push(IN_ARRAY)
        return (this.token = START_ARRAY)
      case 34:
        this.str = this.readString(34)
        return (this.token = STRING)
      case 39:
        if (!this.syntax.allowSingleQuotes) this.fail('a JSON value (single quotes are not allowed)')
        this.str = this.readString(39)
        return (this.token = STRING)
      case 116:
        return this.literal('true', TRUE)
      case 102:
        return this.literal('false', FALSE)
      case 110:
        return this.literal('null', NULL)
      default:
        return this.numberOrSpecial(c)
    }
  }

  private literal(word: string, tok: number): number {
    if (!this.text.startsWith(word, this.pos)) this.fail('a JSON value')
    this.pos += word.length
    this.checkWordEnd()
    return (this.token = tok)
  }

  private checkWordEnd(): void {
    const c = this.text.charCodeAt(this.pos)
    // Jackson rejects `truex`: the token must not run on into identifier characters.
    if (
      (c >= 48 && c <= 57) ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      c === 95 ||
      c === 36 ||
      c > 127
    ) {
      this.fail('a separator after the literal')
    }
  }

  private numberOrSpecial(c: number): number {
    const t = this.text
    const start = this.pos
    if (this.syntax.allowNonNumericNumbers) {
      const signed = c === 45 || c === 43 ? 1 : 0
      const word = t.startsWith('Infinity', start + signed)
        ? 'Infinity'
        : t.startsWith('INF', start + signed)
          ? 'INF'
          : ''
      if (word !== '' && (signed === 1 || word === 'Infinity')) {
        return this.special(
          start + signed + word.length,
          c === 45 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
        )
      }
      if (c === 78 && t.startsWith('NaN', start)) return this.special(start + 3, Number.NaN)
    }
    if (!(c === 45 || isDigit(c))) this.fail('a JSON value')
    return this.number(start)
  }

  private special(end: number, value: number): number {
    this.numText = this.text.slice(this.pos, end)
    this.pos = end
    this.checkWordEnd()
    this.num = value
    return (this.token = FLOAT)
  }

  private number(start: number): number {
    const t = this.text
    let p = start
    if (t.charCodeAt(p) === 45) p++
    const intStart = p
    while (isDigit(t.charCodeAt(p))) p++
    if (p === intStart) this.failAt(p, 'a digit')
    if (t.charCodeAt(intStart) === 48 && p - intStart > 1 && !this.syntax.allowNumericLeadingZeros)
      this.failAt(intStart, 'a number without leading zeros')
    let tok = INT
    if (t.charCodeAt(p) === 46) {
      tok = FLOAT
      const f = ++p
      while (isDigit(t.charCodeAt(p))) p++
      if (p === f) this.failAt(p, 'a digit after the decimal point')
    }
    const e = t.charCodeAt(p)
    if (e === 101 || e === 69) {
      tok = FLOAT
      p++
      const s = t.charCodeAt(p)
      if (s === 43 || s === 45) p++
      const x = p
      while (isDigit(t.charCodeAt(p))) p++
      if (p === x) this.failAt(p, 'a digit in the exponent')
    }
    this.numText = t.slice(start, p)
    this.num = Number(this.numText)
    this.pos = p
    return (this.token = tok)
  }

  private fieldName(): void {
    const c = this.text.charCodeAt(this.pos)
    if (c === 34) this.str = this.readString(34)
    else if (c === 39 && this.syntax.allowSingleQuotes) this.str = this.readString(39)
    else this.fail('a quoted field name')
    this.skipWs()
    if (this.text.charCodeAt(this.pos) !== 58) this.fail("':'")
    this.pos++
    this.valueNext = true
  }

  private readString(quote: number): string {
    const t = this.text
    const start = this.pos + 1
    let p = start
    for (;;) {
      const c = t.charCodeAt(p)
      if (c === quote) {
        this.pos = p + 1
        return t.slice(start, p)
      }
      if (c === 92 || c < 32 || c !== c) break
      p++
    }
    return this.readEscapedString(quote, start, p)
  }

  private readEscapedString(quote: number, start: number, from: number): string {
    const t = this.text
    let out = t.slice(start, from)
    let p = from
    for (;;) {
      const c = t.charCodeAt(p)
      if (c !== c) this.failAt(p, 'the closing quote of a string')
      if (c === quote) break
      if (c === 92) {
        out += this.escape(p + 1)
        p += t.charCodeAt(p + 1) === 117 ? 6 : 2
        continue
      }
      if (c < 32 && !this.syntax.allowUnquotedControlChars) this.failAt(p, 'an escaped control character')
      out += t[p++]
    }
    this.pos = p + 1
    return out
  }

  private escape(p: number): string {
    const c = this.text.charCodeAt(p)
    const simple = SIMPLE_ESCAPES.get(c)
    if (simple !== undefined) return simple
    if (c === 117) {
      const hex = this.text.slice(p + 1, p + 5)
      if (HEX4.test(hex)) return String.fromCharCode(Number.parseInt(hex, 16))
    } else if (c === 39 && this.syntax.allowSingleQuotes) {
      // Jackson accepts \' only when single quotes are enabled.
      return "'"
    }
    return this.failAt(p, c === 117 ? 'four hex digits after \\u' : 'a valid escape character')
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}
