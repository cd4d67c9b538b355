/**
 * Decimal arithmetic with Spark 4's result types (DecimalPrecision with
 * `spark.sql.decimalOperations.allowPrecisionLoss=true`, the default) and ANSI overflow:
 *
 *   a + b, a - b   scale max(s1, s2), precision max(p1 - s1, p2 - s2) + scale + 1
 *   a * b          precision p1 + p2 + 1, scale s1 + s2
 *   a / b          scale max(6, s1 + p2 + 1), precision p1 - s1 + s2 + scale
 *   a % b, pmod    precision min(p1 - s1, p2 - s2) + max(s1, s2), scale max(s1, s2)
 *
 * then, past 38 digits, the scale shrinks to keep the integral digits (but stays at least
 * min(scale, 6)). Results are exact, then rounded HALF_UP to the result scale; a result with more
 * digits than the type holds is NUMERIC_VALUE_OUT_OF_RANGE (the try_ forms give NULL). An integral
 * operand is decimal(3,0), (5,0), (10,0) or (20,0) by type, and an int/bigint/smallint literal only
 * as many digits as it has (Spark's literalPickMinimumPrecision); float, double and string operands
 * make the whole operation double.
 */
import {
  type DataType,
  type DecimalType,
  isDecimal,
  isIntegral,
  simpleString,
  t,
} from '../schema/data-type.ts'
import { fitsPrecision, formatDecimal, pow10, rescale, unscaledOf } from '../schema/decimal-value.ts'
import type { BoundExpr, Impl } from './bound-expr.ts'
import { decimalOutOfRange, divideByZero, overflow, remainderByZero } from './runtime-errors.ts'

export type DecimalOp = '+' | '-' | '*' | '/' | '%' | 'pmod' | 'div'

const INTEGRAL_DIGITS: Readonly<Record<string, number>> = { byte: 3, short: 5, int: 10, long: 20 }

/** Spark's `DecimalType.bounded`. */
const bounded = (p: number, s: number): DecimalType => t.decimal(Math.min(p, 38), Math.min(s, 38))

/** Spark's `DecimalType.adjustPrecisionScale` with precision loss allowed. */
export function adjustPrecisionScale(p: number, s: number): DecimalType {
  if (p <= 38) return t.decimal(p, s)
  const intDigits = p - s
  return t.decimal(38, Math.max(38 - intDigits, Math.min(s, 6)))
}

/** The decimal type an integral type widens to (`DecimalType.forType`). @example decimalForType(t.int()) // decimal(10,0) */
export function decimalForType(type: DataType): DecimalType | undefined {
  if (isDecimal(type)) return type
  const digits = INTEGRAL_DIGITS[type.kind]
  return digits === undefined ? undefined : t.decimal(digits, 0)
}

/** Spark's `widerDecimalType`: enough integral digits and scale for both, bounded to 38. */
export function widerDecimal(a: DecimalType, b: DecimalType): DecimalType {
  const scale = Math.max(a.scale, b.scale)
  const range = Math.max(a.precision - a.scale, b.precision - b.scale)
  return bounded(range + scale, scale)
}

/** The decimal type of an arithmetic operand, with Spark's minimum precision for integral literals. */
export function decimalOperandType(e: BoundExpr): DecimalType | undefined {
  if (e.kind === 'literal' && e.value !== null && isIntegral(e.type) && e.type.kind !== 'byte') {
    const digits = String(Math.abs(e.value as number)).length
    return t.decimal(digits, 0)
  }
  return decimalForType(e.type)
}

/** The result type of `a op b` on decimals (Spark's DecimalPrecision rules). */
export function decimalResultType(op: DecimalOp, a: DecimalType, b: DecimalType): DataType {
  const [p1, s1, p2, s2] = [a.precision, a.scale, b.precision, b.scale]
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(s1, s2)
      return adjustPrecisionScale(Math.max(p1 - s1, p2 - s2) + scale + 1, scale)
    }
    case '*':
      return adjustPrecisionScale(p1 + p2 + 1, s1 + s2)
    case '/': {
      const scale = Math.max(6, s1 + p2 + 1)
      return adjustPrecisionScale(p1 - s1 + s2 + scale, scale)
    }
    case 'div':
      return t.long()
    default:
      return adjustPrecisionScale(Math.min(p1 - s1, p2 - s2) + Math.max(s1, s2), Math.max(s1, s2))
  }
}

/** n / d rounded HALF_UP. */
function divHalfUp(n: bigint, d: bigint): bigint {
  const q = n / d
  const r = n - q * d
  if (r === 0n) return q
  const twice = (r < 0n ? -r : r) * 2n
  const dd = d < 0n ? -d : d
  return twice >= dd ? q + (n < 0n !== d < 0n ? -1n : 1n) : q
}

type Compute = (x: bigint, y: bigint, site: string) => bigint | null

/** The exact unscaled result at `scale`, or null (division by zero in try mode). */
function computeFor(op: DecimalOp, s1: number, s2: number, scale: number, tryMode: boolean): Compute {
  const s = Math.max(s1, s2)
  const up1 = pow10(s - s1)
  const up2 = pow10(s - s2)
  const down = (u: bigint, from: number) => rescale(u, from, scale, 'half_up')
  switch (op) {
    case '+':
      return (x, y) => down(x * up1 + y * up2, s)
    case '-':
      return (x, y) => down(x * up1 - y * up2, s)
    case '*':
      return (x, y) => down(x * y, s1 + s2)
    case '/': {
      const num = pow10(s2 + scale)
      const den = pow10(s1)
      return (x, y, site) => {
        if (y === 0n) {
          if (tryMode) return null
          throw divideByZero(site)
        }
        return divHalfUp(x * num, y * den)
      }
    }
    case 'div':
      return (x, y, site) => {
        if (y === 0n) {
          if (tryMode) return null
          throw divideByZero(site)
        }
        return (x * up1) / (y * up2)
      }
    default:
      return (x, y, site) => {
        const a = x * up1
        const b = y * up2
        if (b === 0n) {
          if (tryMode) return null
          throw remainderByZero(site)
        }
        const r = a % b
        return down(op === 'pmod' && r < 0n ? (r + b) % b : r, s)
      }
  }
}

/**
 * The implementation of `a op b` for decimal operands already cast to `a` and `b`.
 *
 * @example
 * decimalArithmetic('+', t.decimal(2, 1), t.decimal(3, 2), false) // decimal(4,2), '1.5' + '2.25' = '3.75'
 */
export function decimalArithmetic(
  op: DecimalOp,
  a: DecimalType,
  b: DecimalType,
  tryMode: boolean,
): { readonly type: DataType; readonly impl: Impl } {
  const type = decimalResultType(op, a, b)
  const scale = type.kind === 'decimal' ? type.scale : 0
  const compute = computeFor(op, a.scale, b.scale, scale, tryMode)
  if (type.kind !== 'decimal') {
    const fn = (x: string, y: string, site: string) => {
      const q = compute(unscaledOf(x), unscaledOf(y), site)
      if (q === null) return null
      if (q > BigInt(Number.MAX_SAFE_INTEGER) || q < -BigInt(Number.MAX_SAFE_INTEGER)) {
        if (tryMode) return null
        throw overflow('bigint', site)
      }
      return Number(q)
    }
    return { type, impl: { kind: 'fn', fn, withSite: !tryMode } }
  }
  const precision = type.precision
  const name = simpleString(type)
  const fn = (x: string, y: string, site: string) => {
    const r = compute(unscaledOf(x), unscaledOf(y), site)
    if (r === null) return null
    if (fitsPrecision(r, precision)) return formatDecimal(r, scale)
    if (tryMode) return null
    throw decimalOutOfRange(formatDecimal(r, scale), name, site)
  }
  return { type, impl: { kind: 'fn', fn, withSite: !tryMode } }
}

/** `-x` for a decimal (never overflows: the type is symmetric). */
export function negateDecimal(x: string): string {
  return x.charCodeAt(0) === 45 ? x.slice(1) : /^[0.]+$/.test(x) ? x : `-${x}`
}
