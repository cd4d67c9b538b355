/**
 * Implicit type coercion, following Spark 4 with ANSI mode on: numeric operands widen
 * (int < long < double); a string meeting a number is cast to that number's type; a string meeting
 * a timestamp or date is cast to it; a date meeting a timestamp becomes a timestamp; NULL takes
 * the other side's type.
 */
import { typeMismatch } from '../errors.ts'
import { type DataType, isNumeric, sameType, simpleString, t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
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

const NUMERIC_RANK: Record<string, number> = { int: 1, long: 2, double: 3 }

/** The wider of two numeric types. */
export function widerNumeric(a: DataType, b: DataType): DataType {
  return NUMERIC_RANK[a.kind] >= NUMERIC_RANK[b.kind] ? a : b
}

/** The common type two operands are compared or combined in, or undefined when there is none. */
export function commonType(a: DataType, b: DataType): DataType | undefined {
  if (sameType(a, b)) return a
  if (a.kind === 'null') return b
  if (b.kind === 'null') return a
  if (isNumeric(a) && isNumeric(b)) return widerNumeric(a, b)
  if (a.kind === 'string' && isNumeric(b)) return b.kind === 'int' ? t.long() : b
  if (b.kind === 'string' && isNumeric(a)) return a.kind === 'int' ? t.long() : a
  const pair = new Set([a.kind, b.kind])
  if (pair.has('string') && pair.has('timestamp')) return t.timestamp()
  if (pair.has('string') && pair.has('date')) return t.date()
  if (pair.has('date') && pair.has('timestamp')) return t.timestamp()
  if (a.kind === 'array' && b.kind === 'array') {
    const el = commonType(a.element, b.element)
    return el && t.array(el, a.containsNull || b.containsNull)
  }
  return undefined
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

/** Casts every expression to one common type. */
export function coerceAll(args: readonly BoundExpr[], what: string): { type: DataType; args: BoundExpr[] } {
  const type = commonTypeOf(
    args.map((a) => a.type),
    what,
  )
  return { type, args: args.map((a) => castTo(a, type)) }
}
