/**
 * CAST to and from DECIMAL(p, s) with Spark 4's ANSI semantics: values are rounded HALF_UP to the
 * target scale; more integral digits than the target holds is NUMERIC_VALUE_OUT_OF_RANGE (the
 * caller's DECIMAL_OVERFLOW marker); malformed text is CAST_INVALID_INPUT (BAD); NaN and the
 * infinities become NULL, as Spark's cast from a double does even in ANSI mode. A decimal cast to
 * an integral type truncates toward zero (CAST_OVERFLOW out of range), to a float or double rounds
 * to the nearest, to a boolean is `value != 0`.
 */
import type { DataType, DecimalType } from '../schema/data-type.ts'
import {
  type DecimalParts,
  fitDecimal,
  numberToDecimalParts,
  parseDecimalText,
  rescale,
  unscaledOf,
} from '../schema/decimal-value.ts'
import { OVERFLOW } from './cast-small-numeric.ts'

/** Marker for a value with more digits than the target decimal holds. */
export const DECIMAL_OVERFLOW = Symbol('decimal overflow')

type Conv = (v: any) => unknown

const INTEGRAL_RANGE: Readonly<Record<string, readonly [bigint, bigint]>> = {
  byte: [-128n, 127n],
  short: [-32768n, 32767n],
  int: [-2147483648n, 2147483647n],
  long: [-BigInt(Number.MAX_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER)],
}

/**
 * The converter for a cast from or to a decimal, `undefined` when Spark has no such cast, or
 * `null` when neither side is a decimal.
 *
 * @example
 * castDecimal(t.string(), t.decimal(5, 2), BAD)!(' 1.555 ') // '1.56'
 */
export function castDecimal(from: DataType, to: DataType, bad: symbol): Conv | undefined | null {
  if (to.kind === 'decimal') return toDecimal(from, to, bad)
  if (from.kind === 'decimal') return fromDecimal(from, to)
  return null
}

function fit(parts: DecimalParts, to: DecimalType): string | symbol {
  return fitDecimal(parts, to.precision, to.scale) ?? DECIMAL_OVERFLOW
}

function toDecimal(from: DataType, to: DecimalType, bad: symbol): Conv | undefined {
  switch (from.kind) {
    case 'decimal': {
      const scale = from.scale
      return (v: string) => fit({ unscaled: unscaledOf(v), scale }, to)
    }
    case 'string':
      return (v: string) => {
        const parts = parseDecimalText(v)
        return parts === undefined ? bad : fit(parts, to)
      }
    case 'byte':
    case 'short':
    case 'int':
    case 'long':
      return (v: number) => fit({ unscaled: BigInt(v), scale: 0 }, to)
    case 'float':
    case 'double':
      return (v: number) => {
        const parts = numberToDecimalParts(v)
        return parts === undefined ? null : fit(parts, to)
      }
    case 'boolean':
      return (v: boolean) => fit({ unscaled: v ? 1n : 0n, scale: 0 }, to)
    case 'timestamp':
      return (ms: number) => fit({ unscaled: BigInt(ms), scale: 3 }, to)
    default:
      return undefined
  }
}

function fromDecimal(from: DecimalType, to: DataType): Conv | undefined {
  const scale = from.scale
  switch (to.kind) {
    case 'double':
      return (v: string) => Number(v)
    case 'float':
      return (v: string) => Math.fround(Number(v))
    case 'boolean':
      return (v: string) => unscaledOf(v) !== 0n
    case 'byte':
    case 'short':
    case 'int':
    case 'long': {
      const [min, max] = INTEGRAL_RANGE[to.kind]
      return (v: string) => {
        const n = rescale(unscaledOf(v), scale, 0, 'down')
        return n < min || n > max ? OVERFLOW : Number(n)
      }
    }
    default:
      return undefined
  }
}
