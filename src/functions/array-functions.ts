/**
 * Spark's array functions on JS arrays: set operations (`array_distinct`, `array_union`, ...),
 * search (`array_position`), ordering (`sort_array`, `array_sort`) and element edits. Elements are
 * equal as Spark defines it (NaN equals NaN, -0.0 equals 0.0, nested values by content); a NULL
 * element is kept once by the set operations, as in Spark.
 */
import { SluiceError, typeMismatch } from '../errors.ts'
import { type DataType, simpleString, t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { adoptElementType, castTo, commonType } from './coercion.ts'
import { argTypeError, implicitCast, requireSameDecimal, scalar } from './define.ts'
import type { BoundScalar, ScalarFunctionDef } from './function-def.ts'
import { comparatorFor, compareValues, compositeKey, isSelfKeyed, valuesEqual } from './values.ts'

type ArrayT = Extract<DataType, { kind: 'array' }>
type Fn = (...xs: unknown[]) => unknown

export function arrayType(name: string, a: BoundExpr, i = 0): ArrayT {
  if (a.type.kind !== 'array') throw argTypeError(name, i, a, 'array')
  return a.type
}

/** A JS value equal for two elements exactly when Spark calls them equal. */
export function keyFnFor(type: DataType): (x: unknown) => unknown {
  return isSelfKeyed(type) ? (x) => x : (x) => (x === null ? null : compositeKey([x]))
}

/** Two arrays of one element type (the wider of both, as Spark coerces them). */
function twoArrays(name: string, a: BoundExpr, b: BoundExpr): { type: ArrayT; args: BoundExpr[] } {
  const ta = arrayType(name, a, 0)
  const tb = arrayType(name, b, 1)
  const common = commonType(ta, tb)
  if (common === undefined || common.kind !== 'array') {
    throw typeMismatch(
      `\`${name}\`: the arrays' element types differ (${simpleString(ta)} and ${simpleString(tb)}).`,
    )
  }
  return { type: common, args: [castTo(a, common), castTo(b, common)] }
}

function distinctBy(xs: Iterable<unknown>, key: (x: unknown) => unknown, skip?: Set<unknown>): unknown[] {
  const seen = new Set<unknown>(skip)
  const out: unknown[] = []
  for (const x of xs) {
    const k = key(x)
    if (seen.has(k)) continue
    seen.add(k)
    out.push(x)
  }
  return out
}

function setOp(name: string, op: (a: unknown[], b: unknown[], key: (x: unknown) => unknown) => unknown[]) {
  return scalar(name, [2, 2], ([a, b]) => {
    const { type, args } = twoArrays(name, a, b)
    const key = keyFnFor(type.element)
    return { type, args, impl: { kind: 'fn', fn: (x: unknown[], y: unknown[]) => op(x, y, key) } }
  })
}

const union = setOp('array_union', (a, b, key) => distinctBy([...a, ...b], key))
const intersect = setOp('array_intersect', (a, b, key) => {
  const inB = new Set(b.map(key))
  return distinctBy(
    a.filter((x) => inB.has(key(x))),
    key,
  )
})
const except = setOp('array_except', (a, b, key) => distinctBy(a, key, new Set(b.map(key))))

const overlap = scalar('arrays_overlap', [2, 2], ([a, b]) => {
  const { args, type } = twoArrays('arrays_overlap', a, b)
  const key = keyFnFor(type.element)
  const fn = (x: unknown[], y: unknown[]) => {
    const inY = new Set(y.filter((v) => v !== null).map(key))
    if (x.some((v) => v !== null && inY.has(key(v)))) return true
    const hasNull = x.includes(null) || y.includes(null)
    return hasNull && x.length > 0 && y.length > 0 ? null : false
  }
  return { type: t.boolean(), nullable: true, args, impl: { kind: 'fn', fn } }
})

/** A function of (array, element) with the element cast to the array's element type. */
function withElement(
  name: string,
  bind: (type: ArrayT, value: BoundExpr) => Omit<BoundScalar, 'args'>,
): ScalarFunctionDef {
  return scalar(name, [2, 2], ([array, v]) => {
    const a = adoptElementType(array, v)
    const type = arrayType(name, a)
    const binding = bind(type, v)
    return { ...binding, args: [a, implicitCast(name, 1, v, type.element)] }
  })
}

const position = withElement('array_position', (type, v) => {
  requireSameDecimal('array_position', type.element, v)
  return {
    type: t.long(),
    impl: {
      kind: 'fn',
      fn: (xs: unknown[], v: unknown) => xs.findIndex((x) => x !== null && valuesEqual(x, v)) + 1,
    },
  }
})
const remove = withElement('array_remove', (type) => ({
  type,
  impl: { kind: 'fn', fn: (xs: unknown[], v: unknown) => xs.filter((x) => x === null || !valuesEqual(x, v)) },
}))
// array_append/array_prepend add a NULL element too (Spark 3.4+).
const append = (name: string, atEnd: boolean) =>
  scalar(name, [2, 2], ([array, v]) => {
    const a = adoptElementType(array, v)
    const type = arrayType(name, a)
    const value = implicitCast(name, 1, v, type.element)
    const fn = (xs: unknown[] | null, x: unknown) => (xs === null ? null : atEnd ? [...xs, x] : [x, ...xs])
    return {
      type: t.array(type.element, type.containsNull || v.nullable),
      args: [a, value],
      nullable: a.nullable,
      impl: { kind: 'fn', fn, nullSafe: true },
    }
  })

function oneArray(name: string, bind: (type: ArrayT, a: BoundExpr) => Omit<BoundScalar, 'args'>) {
  return scalar(name, [1, 1], ([a]) => ({ ...bind(arrayType(name, a), a), args: [a] }))
}

/** Spark's element order (NaN above all numbers, decimals by value); nulls placed by the caller. */
function sortWithNulls(
  xs: unknown[],
  asc: boolean,
  nullsFirst: boolean,
  ascending: (x: unknown, y: unknown) => number = compareValues,
): unknown[] {
  const vals = xs.filter((x) => x !== null).sort(asc ? ascending : (x, y) => ascending(y, x))
  const nulls = xs.filter((x) => x === null)
  return nullsFirst ? [...nulls, ...vals] : [...vals, ...nulls]
}

function extremumOf(name: string, sign: number) {
  return oneArray(name, (type) => {
    const compare = comparatorFor(type.element)
    return {
      type: type.element,
      nullable: true,
      impl: {
        kind: 'fn',
        fn: (xs: unknown[]) => {
          let best: unknown = null
          for (const x of xs) if (x !== null && (best === null || sign * compare(x, best) > 0)) best = x
          return best
        },
      },
    }
  })
}

function orderable(name: string, type: ArrayT, a: BoundExpr): void {
  if (type.element.kind === 'map') throw argTypeError(name, 0, a, 'an array of orderable elements (not maps)')
}

const sortArray = scalar('sort_array', [1, 2], ([a, asc]) => {
  const type = arrayType('sort_array', a)
  orderable('sort_array', type, a)
  const order = asc === undefined ? [] : [implicitCast('sort_array', 1, asc, t.boolean())]
  const compare = comparatorFor(type.element)
  const fn = (xs: unknown[], up = true) => sortWithNulls(xs, up, up, compare)
  return { type, args: [a, ...order], impl: { kind: 'fn', fn } }
})

// array_sort(xs) puts nulls last; with a comparator (l, r) -> int the lambda decides.
const arraySort = Object.freeze({
  ...scalar('array_sort', [1, 2], ([a, cmp]) => {
    const type = arrayType('array_sort', a)
    if (cmp === undefined) {
      orderable('array_sort', type, a)
      const compare = comparatorFor(type.element)
      const fn = (xs: unknown[]) => sortWithNulls(xs, true, false, compare)
      return { type, args: [a], impl: { kind: 'fn', fn } }
    }
    if (cmp.type.kind !== 'int' && cmp.type.kind !== 'long') {
      throw typeMismatch(
        `The comparator of \`array_sort\` must return an integer, but returns ${simpleString(cmp.type)}.`,
      )
    }
    const fn = (xs: unknown[], f: Fn) =>
      [...xs].sort((x, y) => {
        const r = f(x, y)
        if (r === null) {
          throw new SluiceError('INVALID_ARGUMENT', 'The comparator of `array_sort` returned NULL.')
        }
        return r as number
      })
    return { type, args: [a, cmp], impl: { kind: 'fn', fn } }
  }),
  lambdaParams: (args: readonly (BoundExpr | null)[], _i: number, count: number) => {
    const type = arrayType('array_sort', args[0] as BoundExpr)
    if (count !== 2)
      throw new SluiceError('INVALID_ARGUMENT', 'The comparator of `array_sort` takes 2 parameters.')
    const p = { type: type.element, nullable: type.containsNull }
    return [p, p]
  },
})

export const ARRAY_FUNCTIONS: readonly ScalarFunctionDef[] = [
  oneArray('array_distinct', (type) => ({
    type,
    impl: { kind: 'fn', fn: (xs: unknown[]) => distinctBy(xs, keyFnFor(type.element)) },
  })),
  union,
  intersect,
  except,
  overlap,
  position,
  remove,
  append('array_append', true),
  append('array_prepend', false),
  oneArray('array_compact', (type) => ({
    type: t.array(type.element, false),
    impl: { kind: 'fn', fn: (xs: unknown[]) => xs.filter((x) => x !== null) },
  })),
  extremumOf('array_max', 1),
  extremumOf('array_min', -1),
  sortArray,
  arraySort,
  oneArray('array_size', () => ({ type: t.int(), impl: { kind: 'template', code: ([x]) => `${x}.length` } })),
]
