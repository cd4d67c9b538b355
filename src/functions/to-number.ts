/**
 * Spark's `to_number(s, fmt)` and `try_to_number(s, fmt)`: text read by a number format of `0`/`9`
 * digits, `.`/`D` decimal point, `,`/`G` grouping separators, `$`, a sign (`S` or `MI`, first or
 * last) and `PR` (negative in angle brackets), giving decimal(digits, digits after the point).
 * A `0` run before the point needs exactly that many digits, a `9` run (or any after the point) at
 * most that many; grouping must match the format's group sizes; whitespace among the digits is
 * ignored. A bad format is INVALID_FORMAT when the query is bound; text that does not match is
 * INVALID_FORMAT at run time (`to_number`) or NULL (`try_to_number`).
 */
import { SluiceError } from '../errors.ts'
import { type DecimalType, t } from '../schema/data-type.ts'
import { formatDecimal } from '../schema/decimal-value.ts'
import { implicitCast, requireFoldable, scalar } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'

/** A run of `0`/`9` digits; `exact` when it starts with `0` before the point. */
export type Digits = { readonly k: 'digits'; readonly n: number; readonly exact: boolean }
export type Simple = {
  readonly k: 'point' | 'comma' | 'dollar' | 'sign' | 'minus' | 'open' | 'close' | 'bad'
}
/** A run of digits and separators as the format has it, and its digits from the right. */
export type Groups = {
  readonly k: 'groups'
  readonly run: readonly (Digits | Simple)[]
  readonly digits: readonly Digits[]
}
export type Token = Simple | Groups

const SIMPLE: Readonly<Record<string, Simple['k']>> = {
  '.': 'point',
  D: 'point',
  ',': 'comma',
  G: 'comma',
  $: 'dollar',
  S: 'sign',
}

function lex(format: string): (Digits | Simple)[] {
  const out: (Digits | Simple)[] = []
  let point = false
  for (let i = 0; i < format.length; ) {
    const c = format[i]
    if (c === '0' || c === '9') {
      const start = i
      while (i < format.length && (format[i] === '0' || format[i] === '9')) i++
      out.push({ k: 'digits', n: i - start, exact: c === '0' && !point })
    } else if (c === 'M' && format[i + 1] === 'I') {
      out.push({ k: 'minus' })
      i += 2
    } else if (c === 'P' && format[i + 1] === 'R') {
      out.unshift({ k: 'open' })
      out.push({ k: 'close' })
      i += 2
    } else {
      const k = SIMPLE[c] ?? 'bad'
      if (k === 'point') point = true
      out.push({ k })
      i++
    }
  }
  return out
}

/** Consecutive digits and separators become one group, digits listed from the right. */
function group(tokens: readonly (Digits | Simple)[]): Token[] {
  const out: Token[] = []
  let run: (Digits | Simple)[] = []
  const flush = () => {
    if (run.length === 0) return
    const digits = run.filter((x): x is Digits => x.k === 'digits').reverse()
    out.push({ k: 'groups', run, digits })
    run = []
  }
  for (const tok of tokens) {
    if (tok.k === 'digits' || tok.k === 'comma') run.push(tok)
    else {
      flush()
      out.push(tok)
    }
  }
  flush()
  return out
}

const ORDER: readonly (readonly Token['k'][])[] = [
  ['open'],
  ['minus', 'sign'],
  ['dollar'],
  ['groups'],
  ['point'],
  ['groups'],
  ['dollar'],
  ['minus', 'sign', 'close'],
]

export function badFormat(format: string, why: string): SluiceError {
  return new SluiceError('INVALID_FORMAT', `The number format '${format}' is invalid: ${why}.`)
}

function validate(format: string, tokens: readonly Token[]): void {
  if (format === '') throw badFormat(format, 'it is empty')
  const firstDigit = tokens.findIndex((x) => x.k === 'groups')
  if (firstDigit < 0) throw badFormat(format, 'it has no 0 or 9 digit')
  const dollar = tokens.findIndex((x) => x.k === 'dollar')
  const point = tokens.findIndex((x) => x.k === 'point')
  if (firstDigit < dollar) throw badFormat(format, 'a $ must come before the digits')
  if (point >= 0 && point < dollar) throw badFormat(format, 'a $ must come before the decimal point')
  tokens.forEach((x, i) => {
    if (x.k !== 'groups' || x.run.length === x.digits.length) return
    if (point >= 0 && i > point) throw badFormat(format, 'grouping separators must come before the point')
    const run = x.run
    const misplaced = run.some(
      (r, j) => r.k === 'comma' && (j === 0 || j === run.length - 1 || run[j - 1].k === 'comma'),
    )
    if (misplaced) throw badFormat(format, 'each grouping separator needs digits on both sides')
  })
  for (const k of ['point', 'sign', 'minus', 'dollar', 'close'] as const) {
    if (tokens.filter((x) => x.k === k).length > 1) throw badFormat(format, `it repeats a ${k} token`)
  }
  let at = 0
  for (const allowed of ORDER) if (at < tokens.length && allowed.includes(tokens[at].k)) at++
  if (at < tokens.length) throw badFormat(format, 'a token is out of place or unknown')
}

/**
 * The tokens of a number format (letters in any case), checked against Spark's grammar; a bad
 * format is INVALID_FORMAT. Shared by to_number and to_char.
 * @example numberFormatTokens('99G999D9S').map((x) => x.k) // ['groups', 'point', 'groups', 'sign']
 */
export function numberFormatTokens(format: string): readonly Token[] {
  const tokens = group(lex(format.toUpperCase()))
  validate(format, tokens)
  return tokens
}

interface Parser {
  readonly type: DecimalType
  parse(input: string): string | null
}

/** Reads the digit run of one group; the index after it, or -1 when the sizes do not match. */
function readGroups(g: Groups, s: string, from: number, out: { digits: string }): number {
  const sizes: number[] = []
  let current = 0
  let i = from
  for (; i < s.length; i++) {
    const c = s[i]
    if (c >= '0' && c <= '9') {
      current++
      out.digits += c
    } else if (c === ',') {
      sizes.unshift(current)
      current = 0
    } else if (!/\s/.test(c)) break
  }
  sizes.unshift(current)
  if (sizes.length > g.digits.length) return -1
  const ok = g.digits.every((d, j) => {
    const n = sizes[j] ?? 0
    return d.exact ? n === d.n : n <= d.n
  })
  return ok ? i : -1
}

function parserOf(format: string): Parser {
  const tokens = numberFormatTokens(format)
  const point = tokens.findIndex((x) => x.k === 'point')
  const count = (ts: readonly Token[]) =>
    ts.reduce((n, x) => n + (x.k === 'groups' ? x.digits.reduce((m, d) => m + d.n, 0) : 0), 0)
  const scale = point < 0 ? 0 : count(tokens.slice(point))
  const type = t.decimal(Math.min(count(tokens), 38), Math.min(scale, 38))
  const parse = (s: string): string | null => {
    const before = { digits: '' }
    const after = { digits: '' }
    let i = 0
    let reachedPoint = false
    let negate = false
    let open = false
    let closed = false
    for (const tok of tokens) {
      const c = i < s.length ? s[i] : undefined
      if (tok.k === 'groups') {
        i = readGroups(tok, s, i, reachedPoint ? after : before)
        if (i < 0) return null
        continue
      }
      // NOTE: at the end of the text every other token matches nothing, as in Spark.
      if (c === undefined) continue
      if (tok.k === 'point' && c === '.') {
        reachedPoint = true
        i++
      } else if (tok.k === 'dollar') {
        if (c !== '$') return null
        i++
      } else if ((tok.k === 'sign' && (c === '+' || c === '-')) || (tok.k === 'minus' && c === '-')) {
        if (c === '-') negate = !negate
        i++
      } else if (tok.k === 'open' && c === '<') {
        if (open) return null
        open = true
        i++
      } else if (tok.k === 'close' && c === '>') {
        if (!open) return null
        closed = true
        negate = !negate
        i++
      }
    }
    if (i < s.length || open !== closed || before.digits + after.digits === '') return null
    const unscaled = BigInt(before.digits + after.digits.padEnd(scale, '0'))
    return formatDecimal(negate ? -unscaled : unscaled, type.scale)
  }
  return { type, parse }
}

function toNumber(name: 'to_number' | 'try_to_number'): ScalarFunctionDef {
  return scalar(name, [2, 2], ([x, f]) => {
    const format = requireFoldable(name, 1, f)
    if (typeof format !== 'string') throw badFormat(String(format), 'it must be a string')
    const parser = parserOf(format)
    const fn =
      name === 'try_to_number'
        ? (s: string) => parser.parse(s)
        : (s: string) => {
            const r = parser.parse(s)
            if (r !== null) return r
            throw new SluiceError(
              'INVALID_FORMAT',
              `The input '${s}' does not match the number format '${format}'. Use try_to_number to get NULL instead.`,
            )
          }
    return {
      type: parser.type,
      args: [implicitCast(name, 0, x, t.string())],
      impl: { kind: 'fn', fn },
      nullable: name === 'try_to_number' || x.nullable,
    }
  })
}

export const TO_NUMBER: readonly ScalarFunctionDef[] = [toNumber('to_number'), toNumber('try_to_number')]
