/**
 * round, bround, floor, ceil and abs on decimals, with Spark 4's result types: `round(x, d)` of
 * decimal(p, s) is decimal(p - s + 1 + min(s, d), min(s, d)) (for d < 0: decimal(max(p - s + 1,
 * 1 - d), 0)), `floor`/`ceil` are decimal(p - s + 1, 0), `abs` keeps the type. round is HALF_UP,
 * bround HALF_EVEN; a result with more digits than the type holds is NUMERIC_VALUE_OUT_OF_RANGE.
 */
import { type DecimalType, simpleString, t } from '../schema/data-type.ts'
import {
  type DecimalRounding,
  fitsPrecision,
  formatDecimal,
  pow10,
  rescale,
  unscaledOf,
} from '../schema/decimal-value.ts'
import type { Impl } from './bound-expr.ts'
import { decimalOutOfRange } from './runtime-errors.ts'

/** Spark's `RoundBase.dataType` for a decimal argument. @example roundedDecimalType(t.decimal(4, 1), -1) // decimal(4,0) */
export function roundedDecimalType(x: DecimalType, scale: number): DecimalType {
  const integral = x.precision - x.scale + 1
  if (scale < 0) return t.decimal(Math.min(Math.max(integral, -scale + 1), 38), 0)
  const s = Math.min(x.scale, scale)
  return t.decimal(Math.min(integral + s, 38), s)
}

/**
 * Rounds decimal text of `x` to `scale` places (negative: tens, hundreds...) as `to`.
 *
 * @example
 * decimalRounding(t.decimal(2, 1), 0, 'half_up').fn('2.5', 'round(2.5)') // '3'
 */
export function decimalRounding(
  x: DecimalType,
  scale: number,
  mode: DecimalRounding,
  to: DecimalType = roundedDecimalType(x, scale),
): Impl {
  const from = x.scale
  const name = simpleString(to)
  const fn = (v: string, site: string): string => {
    let r = rescale(unscaledOf(v), from, scale, mode)
    r = scale < 0 ? r * pow10(-scale) : rescale(r, scale, to.scale, 'down')
    const text = formatDecimal(r, to.scale)
    if (!fitsPrecision(r, to.precision)) throw decimalOutOfRange(text, name, site)
    return text
  }
  return { kind: 'fn', fn, withSite: true }
}

/** floor or ceil of a decimal: decimal(p - s + 1, 0). */
export function decimalFloorCeil(x: DecimalType, ceil: boolean): { type: DecimalType; impl: Impl } {
  const type = t.decimal(Math.min(x.precision - x.scale + 1, 38), 0)
  return { type, impl: decimalRounding(x, 0, ceil ? 'ceiling' : 'floor', type) }
}

/** abs of decimal text. @example absDecimal('-1.50') // '1.50' */
export function absDecimal(v: string): string {
  return v.charCodeAt(0) === 45 ? v.slice(1) : v
}
