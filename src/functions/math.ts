/** Math functions. `round` is HALF_UP and `bround` HALF_EVEN, as in Spark; decimals in decimal-math.ts. */
import { type DataType, isFractional, isNumeric, t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { castTo, coerceAll } from './coercion.ts'
import { absDecimal, decimalFloorCeil, decimalRounding, roundedDecimalType } from './decimal-math.ts'
import { argTypeError, implicitCast, requireFoldable, scalar, simple } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'
import { javaFloatToString } from './json/index.ts'
import { overflow } from './runtime-errors.ts'
import { comparatorFor } from './values.ts'

const D = t.double()

function numericArg(name: string, a: BoundExpr): BoundExpr {
  if (isNumeric(a.type) || a.type.kind === 'decimal') return a
  if (a.type.kind === 'null' || a.type.kind === 'string') return castTo(a, D)
  throw argTypeError(name, 0, a, 'a numeric type')
}

/** Rounds half away from zero (HALF_UP) or half to even at `scale` decimal places. */
export function roundHalf(x: number, scale: number, even: boolean): number {
  if (!Number.isFinite(x)) return x
  // Work on the decimal string so 2.675 rounds as the written decimal would (Spark uses BigDecimal).
  const [digits, exp] = x.toExponential().split('e')
  const shifted = Number(`${digits}e${Number(exp) + scale}`)
  const floor = Math.floor(Math.abs(shifted))
  const frac = Math.abs(shifted) - floor
  let r = floor
  if (frac > 0.5 || (frac === 0.5 && (!even || floor % 2 === 1))) r = floor + 1
  const signed = shifted < 0 ? -r : r
  const out = Number(`${signed}e${-scale}`)
  return out === 0 ? 0 * Math.sign(x) || 0 : out
}

function rounding(name: string, even: boolean): ScalarFunctionDef {
  return scalar(name, [1, 2], (args) => {
    const x = numericArg(name, args[0])
    const scale = args[1] ? implicitCast(name, 1, args[1], t.int()) : null
    if (x.type.kind === 'decimal') {
      const places = scale === null ? 0 : Number(requireFoldable(name, 1, scale) ?? 0)
      const mode = even ? 'half_even' : 'half_up'
      return {
        type: roundedDecimalType(x.type, places),
        impl: decimalRounding(x.type, places, mode),
        args: [x],
      }
    }
    const isInt = !isFractional(x.type)
    // Spark rounds a float's decimal text (Float.toString), so 0.35F rounds to 0.4F.
    const fn =
      x.type.kind === 'float'
        ? (v: number, s = 0): number => Math.fround(roundHalf(Number(javaFloatToString(v)), s, even))
        : (v: number, s = 0): number => (isInt && s >= 0 ? v : roundHalf(v, s, even))
    return { type: x.type, impl: { kind: 'fn', fn }, args: scale ? [x, scale] : [x] }
  })
}

function floorCeil(name: string, f: (x: number) => number): ScalarFunctionDef {
  return scalar(name, [1, 1], ([a]) => {
    const x = numericArg(name, a)
    if (x.type.kind === 'decimal') return { ...decimalFloorCeil(x.type, name !== 'floor'), args: [x] }
    if (!isFractional(x.type))
      return { type: t.long(), args: [castTo(x, t.long())], impl: { kind: 'template', code: ([v]) => v } }
    const fn = (v: number, site: string): number => {
      const r = f(v)
      if (!Number.isSafeInteger(r)) throw overflow('bigint', site)
      return r + 0 // a bigint has no negative zero: ceil(-0.1) is 0
    }
    return { type: t.long(), args: [x], impl: { kind: 'fn', fn, withSite: true } }
  })
}

function extremum(name: string, pickGreater: boolean): ScalarFunctionDef {
  return scalar(name, [2, Number.POSITIVE_INFINITY], (args) => {
    const { type, args: cast } = coerceAll(args, name)
    const compare = comparatorFor(type)
    // Spark's greatest/least skip nulls and are null only when every argument is null.
    const fn = (...xs: unknown[]): unknown => {
      let best: unknown = null
      for (const x of xs) {
        if (x !== null && (best === null || compare(x, best) * (pickGreater ? 1 : -1) > 0)) best = x
      }
      return best
    }
    return {
      type,
      args: cast,
      impl: { kind: 'fn', fn, nullSafe: true },
      nullable: cast.every((a) => a.nullable),
    }
  })
}

const unaryDouble = (name: string, f: (x: number) => number): ScalarFunctionDef => simple(name, [D], D, f)
const absType = (type: DataType) => type
const ABS_LIMIT: Readonly<Record<string, readonly [number, string]>> = {
  byte: [127, 'tinyint'],
  short: [32767, 'smallint'],
  int: [2147483647, 'integer'],
  long: [Number.MAX_SAFE_INTEGER, 'bigint'],
}

export const MATH_FUNCTIONS: readonly ScalarFunctionDef[] = [
  scalar('abs', [1, 1], ([a]) => {
    const x = numericArg('abs', a)
    if (isFractional(x.type)) return { type: x.type, args: [x], impl: { kind: 'fn', fn: Math.abs } }
    if (x.type.kind === 'decimal') return { type: x.type, args: [x], impl: { kind: 'fn', fn: absDecimal } }
    const [limit, name] = ABS_LIMIT[x.type.kind]
    const fn = (v: number, site: string) => {
      const r = Math.abs(v)
      if (r > limit) throw overflow(name, site)
      return r
    }
    return { type: absType(x.type), args: [x], impl: { kind: 'fn', fn, withSite: true } }
  }),
  rounding('round', false),
  rounding('bround', true),
  floorCeil('floor', Math.floor),
  floorCeil('ceil', Math.ceil),
  floorCeil('ceiling', Math.ceil),
  unaryDouble('sqrt', Math.sqrt),
  unaryDouble('exp', Math.exp),
  // Spark's logarithms are NULL for inputs <= 0.
  simple('ln', [D], D, (x: number) => (x <= 0 ? null : Math.log(x)), { nullable: true }),
  simple('log10', [D], D, (x: number) => (x <= 0 ? null : Math.log10(x)), { nullable: true }),
  simple('log2', [D], D, (x: number) => (x <= 0 ? null : Math.log2(x)), { nullable: true }),
  unaryDouble('sin', Math.sin),
  unaryDouble('cos', Math.cos),
  unaryDouble('tan', Math.tan),
  unaryDouble('signum', Math.sign),
  simple('pow', [D, D], D, Math.pow),
  simple('power', [D, D], D, Math.pow),
  simple(
    'log',
    [D, D],
    D,
    (b: number, x?: number) =>
      x === undefined ? (b <= 0 ? null : Math.log(b)) : b <= 0 || x <= 0 ? null : Math.log(x) / Math.log(b),
    { optional: 1, nullable: true },
  ),
  extremum('greatest', true),
  extremum('least', false),
]
