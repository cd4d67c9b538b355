/**
 * Spark 4's `to_char(x, fmt)` and its alias `to_varchar`. A number (decimal, integral, float or
 * text cast to decimal) is written by the number format `to_number` reads (the same tokens and
 * grammar, src/functions/to-number.ts): a `9` position without a digit is a space, a `0` position
 * a `0`; a value with more digits than the format has, before or after the point, is `#` in every
 * digit position. A date or timestamp is `date_format(x, fmt)`; binary is encoded by `fmt` `hex`,
 * `base64` or `utf-8`.
 */
import { SluiceError } from '../errors.ts'
import { type DataType, t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { DATETIME_FUNCTIONS } from './datetime-functions.ts'
import { implicitCast, requireFoldable, scalar } from './define.ts'
import type { BindContext, BoundScalar, ScalarFunctionDef } from './function-def.ts'
import { badFormat, type Groups, numberFormatTokens, type Token } from './to-number.ts'

const SIGNS = new Set(['-', '+', '<'])

/** How many digit positions the format has before and after the point. */
type Positions = { readonly before: number; readonly after: number }

function positionsOf(tokens: readonly Token[]): Positions {
  let before = 0
  let after = 0
  let point = false
  for (const tok of tokens) {
    if (tok.k === 'point') point = true
    if (tok.k !== 'groups') continue
    const n = tok.digits.reduce((m, d) => m + d.n, 0)
    if (point) after += n
    else before += n
  }
  return { before, after }
}

/** The value's digits before and after the point as the format's digit positions show them. */
function digitsOf(n: Positions, value: string): { before: string; after: string } {
  const [whole, fraction = ''] = value.replace('-', '').split('.')
  const before = whole.replace(/^0+/, '')
  const after = fraction.replace(/0+$/, '')
  if (before.length > n.before || after.length > n.after)
    return { before: '#'.repeat(n.before), after: '#'.repeat(n.after) }
  return { before: before.padStart(n.before, ' '), after: after.padEnd(n.after, '0') }
}

const last = (out: readonly string[]): string | undefined => out[out.length - 1]

/** A digit position's space goes before a leading sign or `<` already written. */
function pushSpace(out: string[]): void {
  let i = out.length
  while (i > 0 && SIGNS.has(out[i - 1])) i--
  out.splice(i, 0, ' ')
}

/** A trailing sign or `>` goes before any trailing spaces. */
function pushTrailing(out: string[], c: string): void {
  let i = out.length
  while (i > 0 && out[i - 1] === ' ') i--
  out.splice(i, 0, c)
}

/** A point with no digit after it becomes a space. */
function stripLonePoint(out: string[]): void {
  if (last(out) === '.') out[out.length - 1] = ' '
}

function writeGroups(g: Groups, src: { text: string; at: number }, out: string[]): void {
  for (const r of g.run) {
    if (r.k === 'digits') {
      for (let i = 0; i < r.n; i++) {
        const c = src.text[src.at++]
        if (c !== ' ') out.push(c)
        else if (r.exact) out.push('0')
        else pushSpace(out)
      }
    } else if (/[0-9]/.test(last(out) ?? '')) out.push(',')
    else pushSpace(out)
  }
}

/**
 * The writer of decimal values (plain notation) by a number format; a bad format is INVALID_FORMAT.
 * @example numberFormatter('99G999D9S')('-12454.8') // '12,454.8-'
 */
export function numberFormatter(format: string): (value: string) => string {
  const tokens = numberFormatTokens(format)
  const positions = positionsOf(tokens)
  return (value) => formatNumber(tokens, positions, value)
}

function formatNumber(tokens: readonly Token[], positions: Positions, value: string): string {
  const negative = value.startsWith('-') && /[1-9]/.test(value)
  const { before, after } = digitsOf(positions, value)
  const src = { before: { text: before, at: 0 }, after: { text: after, at: 0 } }
  const out: string[] = []
  let point = false
  for (const tok of tokens) {
    if (tok.k === 'groups') writeGroups(tok, point ? src.after : src.before, out)
    else if (tok.k === 'point') {
      if (last(out) === ' ') out[out.length - 1] = '0'
      out.push('.')
      point = true
    } else if (tok.k === 'dollar') out.push('$')
    else if (tok.k === 'sign') {
      stripLonePoint(out)
      pushTrailing(out, negative ? '-' : '+')
    } else if (tok.k === 'minus') {
      if (negative) {
        stripLonePoint(out)
        pushTrailing(out, '-')
      } else out.push(' ')
    } else if (tok.k === 'open') {
      if (negative) out.push('<')
    } else if (tok.k === 'close') {
      stripLonePoint(out)
      if (negative) pushTrailing(out, '>')
      else out.push(' ', ' ')
    }
  }
  stripLonePoint(out)
  const s = out.join('')
  return s === '' || s === '+' || s === '-' ? '0' : s
}

const BINARY: Readonly<Record<string, (b: Uint8Array) => string>> = {
  hex: (b) => Buffer.from(b).toString('hex').toUpperCase(),
  base64: (b) => Buffer.from(b).toString('base64'),
  'utf-8': (b) => Buffer.from(b).toString('utf8'),
}

const DATE_FORMAT = DATETIME_FUNCTIONS.find((f) => f.name === 'date_format') as ScalarFunctionDef

/** Spark casts an integral to the decimal that holds it, anything else to decimal(38, 18). */
const INTEGRAL: Readonly<Record<string, number>> = { byte: 3, short: 5, int: 10, long: 20 }

function decimalArg(name: string, x: BoundExpr): BoundExpr {
  if (x.type.kind === 'decimal') return x
  const type: DataType = t.decimal(INTEGRAL[x.type.kind] ?? 38, INTEGRAL[x.type.kind] === undefined ? 18 : 0)
  return implicitCast(name, 0, x, type)
}

function bindToChar(name: string, args: readonly BoundExpr[], ctx: BindContext): BoundScalar {
  const [x, f] = args
  const kind = x.type.kind
  if (kind === 'date' || kind === 'timestamp') return DATE_FORMAT.bind(args, ctx)
  const format = requireFoldable(name, 1, f)
  if (typeof format !== 'string') throw badFormat(String(format), 'it must be a string')
  if (kind === 'binary') {
    const encode = BINARY[format.toLowerCase()]
    if (encode === undefined) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `[INVALID_PARAMETER_VALUE.BINARY_FORMAT] \`${name}\`: the format '${format}' of a binary value must be one of 'base64', 'hex', 'utf-8'.`,
      )
    }
    return { type: t.string(), args: [x], impl: { kind: 'fn', fn: encode } }
  }
  return {
    type: t.string(),
    args: [decimalArg(name, x)],
    impl: { kind: 'fn', fn: numberFormatter(format) },
  }
}

const toChar = (name: string): ScalarFunctionDef =>
  scalar(name, [2, 2], (args, ctx) => bindToChar(name, args, ctx))

export const TO_CHAR: readonly ScalarFunctionDef[] = [toChar('to_char'), toChar('to_varchar')]
