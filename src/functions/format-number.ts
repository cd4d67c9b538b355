/**
 * Spark's `format_number(x, d)`: `x` rounded HALF_EVEN to `d` decimal places and written with
 * grouping commas, as Java's `DecimalFormat("#,##0.00")` (Locale.US) writes it. Doubles round on
 * their exact binary value (as the JDK does), so `format_number(2.675D, 2)` is `2.67`; a negative
 * value that rounds to zero keeps its sign (`-0.00`); a negative `d` gives NULL.
 */
import { isNumberType, t } from '../schema/data-type.ts'
import {
  type DecimalParts,
  formatDecimal,
  parseDecimalText,
  rescale,
  scaleOf,
  unscaledOf,
} from '../schema/decimal-value.ts'
import { argTypeError, implicitCast, scalar } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'

const F64 = new Float64Array(1)
const U64 = new BigUint64Array(F64.buffer)

/** The exact decimal value of a finite double. @example exactDoubleParts(0.5) // { unscaled: 5n, scale: 1 } */
export function exactDoubleParts(x: number): DecimalParts {
  F64[0] = x
  const bits = U64[0]
  const exponent = Number((bits >> 52n) & 0x7ffn)
  const fraction = bits & 0xfffffffffffffn
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n)
  const e = (exponent === 0 ? 1 : exponent) - 1075
  const sign = bits >> 63n === 1n ? -1n : 1n
  if (e >= 0) return { unscaled: sign * (mantissa << BigInt(e)), scale: 0 }
  return { unscaled: sign * mantissa * 5n ** BigInt(-e), scale: -e }
}

function group(digits: string): string {
  let out = ''
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ','
    out += digits[i]
  }
  return out
}

/**
 * `parts` rounded HALF_EVEN to `places` and written as DecimalFormat writes it.
 *
 * @example
 * formatNumberParts({ unscaled: -12345678n, scale: 3 }, 2, true) // '-12,345.68'
 */
export function formatNumberParts(parts: DecimalParts, places: number, negative: boolean): string {
  const u =
    parts.scale >= 0
      ? rescale(parts.unscaled, parts.scale, places, 'half_even')
      : parts.unscaled * 10n ** BigInt(-parts.scale + places)
  const text = formatDecimal(u < 0n ? -u : u, places)
  const dot = text.indexOf('.')
  const whole = dot < 0 ? text : text.slice(0, dot)
  return `${negative ? '-' : ''}${group(whole)}${dot < 0 ? '' : text.slice(dot)}`
}

function formatValue(kind: string, v: number | string, places: number): string {
  if (kind === 'decimal') {
    const u = unscaledOf(v as string)
    return formatNumberParts({ unscaled: u, scale: scaleOf(v as string) }, places, u < 0n)
  }
  const x = v as number
  if (Number.isNaN(x)) return 'NaN'
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞'
  if (kind === 'double' || kind === 'float') {
    return formatNumberParts(exactDoubleParts(x), places, x < 0 || Object.is(x, -0))
  }
  return formatNumberParts(parseDecimalText(String(x))!, places, x < 0)
}

export const FORMAT_NUMBER: ScalarFunctionDef = scalar('format_number', [2, 2], ([x, d]) => {
  if (!isNumberType(x.type) && x.type.kind !== 'null')
    throw argTypeError('format_number', 0, x, 'a numeric type')
  const kind = x.type.kind
  const fn = (v: number | string, places: number): string | null =>
    places < 0 ? null : formatValue(kind, v, places)
  return {
    type: t.string(),
    args: [x, implicitCast('format_number', 1, d, t.int())],
    impl: { kind: 'fn', fn },
    nullable: true,
  }
})
