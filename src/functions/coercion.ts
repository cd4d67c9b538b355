/**
 * Implicit type coercion, following Spark 4 with ANSI mode on: numeric operands widen
 * (tinyint < smallint < int < bigint < float < double, but a float meeting an integral type gives
 * double, as ANSI Spark does); a string meeting an integral number is cast
 * to bigint, one meeting a float or double to double; a string meeting
 * a timestamp or date is cast to it; a date meeting a timestamp becomes a timestamp; NULL takes
 * the other side's type. A decimal meeting a decimal or an integral type is the wider decimal
 * (Spark's widerDecimalType, an integral type as decimal(3|5|10|20, 0)); a decimal meeting a float,
 * a double or a string is double.
 */
import { typeMismatch } from '../errors.ts'
import {
  type DataType,
  isDecimal,
  isIntegral,
  isNumberType,
  isNumeric,
  sameType,
  simpleString,
  t,
} from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { decimalForType, widerDecimal } from './decimal-arithmetic.ts'
import type { BindContext } from './function-def.ts'

export type CastFn = (e: BoundExpr, to: DataType, mode: 'ansi' | 'try', ctx: BindContext) => BoundExpr

let castBinder: CastFn | undefined
let currentContext: BindContext | undefined

/** Registered by cast.ts (which depends on this module) to break the import cycle. */
export function registerCastBinder(fn: CastFn): void {
  castBinder = fn
}

/**
 * Runs `fn` with `ctx` as the context of implicit casts. NOTE: binding is synchronous, so this
 * dynamic scope cannot leak between queries even with several sessions in one process.
 */
export function withBindContext<T>(ctx: BindContext, fn: () => T): T {
  const saved = currentContext
  currentContext = ctx
  try {
    return fn()
  } finally {
    currentContext = saved
  }
}

/** `e` cast to `to`, or `e` itself when it already has that type. */
export function castTo(e: BoundExpr, to: DataType, mode: 'ansi' | 'try' = 'ansi'): BoundExpr {
  if (sameType(e.type, to)) return e
  if (castBinder === undefined || currentContext === undefined)
    throw new Error('castTo called outside binding')
  return castBinder(e, to, mode, currentContext)
}

const NUMERIC_RANK: Record<string, number> = { byte: 1, short: 2, int: 3, long: 4, float: 5, double: 6 }

/** The wider of two numeric types (float with an integral type is double, as in ANSI Spark). */
export function widerNumeric(a: DataType, b: DataType): DataType {
  if ((a.kind === 'float' && isIntegral(b)) || (b.kind === 'float' && isIntegral(a))) return t.double()
  return NUMERIC_RANK[a.kind] >= NUMERIC_RANK[b.kind] ? a : b
}

/** The type a string is cast to when it meets a number of type `n` (ANSI: bigint or double). */
export function stringMeetsNumber(n: DataType): DataType {
  return isIntegral(n) ? t.long() : t.double()
}

/** The common type two operands are compared or combined in, or undefined when there is none. */
export function commonType(a: DataType, b: DataType): DataType | undefined {
  if (sameType(a, b)) return a
  if (a.kind === 'null') return b
  if (b.kind === 'null') return a
  if (isDecimal(a) || isDecimal(b)) return decimalCommonType(a, b)
  if (isNumeric(a) && isNumeric(b)) return widerNumeric(a, b)
  if (a.kind === 'string' && isNumeric(b)) return stringMeetsNumber(b)
  if (b.kind === 'string' && isNumeric(a)) return stringMeetsNumber(a)
  const pair = new Set([a.kind, b.kind])
  if (pair.has('string') && pair.has('timestamp')) return t.timestamp()
  if (pair.has('string') && pair.has('date')) return t.date()
  if (pair.has('date') && pair.has('timestamp')) return t.timestamp()
  if (a.kind === 'array' && b.kind === 'array') {
    const el = nestedCommonType(a.element, b.element)
    return el && t.array(el, a.containsNull || b.containsNull)
  }
  if (a.kind === 'map' && b.kind === 'map') {
    const key = nestedCommonType(a.key, b.key)
    const value = nestedCommonType(a.value, b.value)
    return key && value && t.map(key, value, a.valueContainsNull || b.valueContainsNull)
  }
  return undefined
}

// Inside arrays and maps Spark widens without promoting strings: array_union(array(1),
// array('x')) and map_concat(map(1, 'a'), map('x', 1)) are type mismatches, not casts.
function nestedCommonType(a: DataType, b: DataType): DataType | undefined {
  const stringMix = (a.kind === 'string') !== (b.kind === 'string') && a.kind !== 'null' && b.kind !== 'null'
  return stringMix ? undefined : commonType(a, b)
}

function decimalCommonType(a: DataType, b: DataType): DataType | undefined {
  const da = decimalForType(a)
  const db = decimalForType(b)
  if (da !== undefined && db !== undefined) return widerDecimal(da, db)
  const other = isDecimal(a) ? b : a
  return isNumberType(other) || other.kind === 'string' ? t.double() : undefined
}

/** The common type of many values (CASE branches, coalesce, IN lists, array()). */
export function commonTypeOf(types: readonly DataType[], what: string): DataType {
  let acc: DataType = t.null()
  for (const ty of types) {
    const next = commonType(acc, ty)
    if (next === undefined) {
      throw typeMismatch(
        `${what}: values of types ${types.map(simpleString).join(', ')} have no common type. Cast them to one type.`,
      )
    }
    acc = next
  }
  return acc
}

/**
 * `a` as an array of `v`'s type when `a` is an `array<void>` (an empty `array()` or `array(NULL)`),
 * so (array, element) functions take the element's type as Spark does; otherwise `a` unchanged.
 *
 * @example adoptElementType(bind('array()'), bind('1')).type // array<int>
 */
export function adoptElementType(a: BoundExpr, v: BoundExpr): BoundExpr {
  if (a.type.kind !== 'array' || a.type.element.kind !== 'null' || v.type.kind === 'null') return a
  return castTo(a, t.array(v.type, a.type.containsNull))
}

/** Casts every expression to one common type. */
export function coerceAll(args: readonly BoundExpr[], what: string): { type: DataType; args: BoundExpr[] } {
  const type = commonTypeOf(
    args.map((a) => a.type),
    what,
  )
  return { type, args: args.map((a) => castTo(a, type)) }
}
