/**
 * Higher-order functions: array and map functions taking lambdas (`transform(xs, x -> x + 1)`).
 * Binding gives each lambda its parameter types through `lambdaParams`; the compiler passes the
 * lambda as a JS closure, so the implementations below call `f(x, i)` per element. Predicates
 * follow Spark's three-valued logic: `exists` is NULL when no element matched but one gave NULL.
 */
import { SluiceError, typeMismatch } from '../errors.ts'
import { type DataType, sameType, simpleString, t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { argTypeError, scalar } from './define.ts'
import type { LambdaParam, ScalarFunctionDef } from './function-def.ts'
import { compositeKey, isSelfKeyed } from './values.ts'

type Fn = (...xs: unknown[]) => unknown

const INT_PARAM: LambdaParam = Object.freeze({ type: t.int(), nullable: false })

function arrayArg(
  name: string,
  args: readonly (BoundExpr | null)[],
  i = 0,
): Extract<DataType, { kind: 'array' }> {
  const a = args[i]
  if (a === null || a.type.kind !== 'array') throw argTypeError(name, i, a as BoundExpr, 'array')
  return a.type
}

function mapArg(
  name: string,
  args: readonly (BoundExpr | null)[],
  i = 0,
): Extract<DataType, { kind: 'map' }> {
  const a = args[i]
  if (a === null || a.type.kind !== 'map') throw argTypeError(name, i, a as BoundExpr, 'map')
  return a.type
}

function checkCount(name: string, count: number, allowed: readonly number[]): void {
  if (allowed.includes(count)) return
  throw new SluiceError(
    'INVALID_ARGUMENT',
    `The lambda of \`${name}\` takes ${allowed.join(' or ')} parameter(s), but ${count} were given.`,
  )
}

function booleanBody(name: string, lambda: BoundExpr): void {
  if (lambda.type.kind !== 'boolean' && lambda.type.kind !== 'null') {
    throw typeMismatch(
      `The lambda of \`${name}\` must return boolean, but returns ${simpleString(lambda.type)}.`,
    )
  }
}

/** A higher-order function over one array whose lambda takes (element) or (element, index). */
function overArray(
  name: string,
  withIndex: boolean,
  bind: (arr: BoundExpr, lambda: BoundExpr) => ReturnType<ScalarFunctionDef['bind']>,
): ScalarFunctionDef {
  const def = scalar(name, [2, 2], ([arr, lambda]) => bind(arr, lambda))
  return Object.freeze({
    ...def,
    lambdaParams: (args: readonly (BoundExpr | null)[], _i: number, count: number) => {
      const type = arrayArg(name, args)
      checkCount(name, count, withIndex ? [1, 2] : [1])
      return [{ type: type.element, nullable: type.containsNull }, INT_PARAM].slice(0, count)
    },
  })
}

const lambdaBody = (lambda: BoundExpr): BoundExpr => (lambda.kind === 'lambda' ? lambda.body : lambda)

const transform = overArray('transform', true, (arr, lambda) => ({
  type: t.array(lambda.type, lambdaBody(lambda).nullable),
  impl: { kind: 'fn', fn: (xs: unknown[], f: Fn) => xs.map((x, i) => f(x, i)) },
  args: [arr, lambda],
}))

const filter = overArray('filter', true, (arr, lambda) => {
  booleanBody('filter', lambda)
  return {
    type: arr.type,
    impl: { kind: 'fn', fn: (xs: unknown[], f: Fn) => xs.filter((x, i) => f(x, i) === true) },
    args: [arr, lambda],
  }
})

function quantifier(name: 'exists' | 'forall'): ScalarFunctionDef {
  const decisive = name === 'exists'
  return overArray(name, false, (arr, lambda) => {
    booleanBody(name, lambda)
    const fn = (xs: unknown[], f: Fn) => {
      let sawNull = false
      for (const x of xs) {
        const r = f(x)
        if (r === decisive) return decisive
        if (r === null) sawNull = true
      }
      return sawNull ? null : !decisive
    }
    return { type: t.boolean(), nullable: true, impl: { kind: 'fn', fn }, args: [arr, lambda] }
  })
}

function aggregate(name: 'aggregate' | 'reduce'): ScalarFunctionDef {
  const def = scalar(name, [3, 4], ([arr, zero, merge, finish]) => {
    if (!sameType(merge.type, zero.type) && merge.type.kind !== 'null') {
      throw typeMismatch(
        `\`${name}\`: the merge lambda returns ${simpleString(merge.type)} but the start value is ${simpleString(zero.type)}. Cast the start value to ${simpleString(merge.type)}.`,
      )
    }
    const fn = (xs: unknown[] | null, acc0: unknown, m: Fn, f?: Fn) => {
      if (xs === null) return null
      let acc = acc0
      for (const x of xs) acc = m(acc, x)
      return f === undefined ? acc : f(acc)
    }
    return {
      type: finish === undefined ? zero.type : finish.type,
      nullable: true,
      impl: { kind: 'fn', fn, nullSafe: true },
      args: finish === undefined ? [arr, zero, merge] : [arr, zero, merge, finish],
    }
  })
  return Object.freeze({
    ...def,
    lambdaParams: (args: readonly (BoundExpr | null)[], i: number, count: number) => {
      const type = arrayArg(name, args)
      const zero = args[1]
      if (zero === null) throw typeMismatch(`\`${name}\`: the start value cannot be a lambda.`)
      const acc = { type: zero.type, nullable: true }
      if (i === 2) {
        checkCount(name, count, [2])
        return [acc, { type: type.element, nullable: type.containsNull }]
      }
      checkCount(name, count, [1])
      return [acc]
    },
  })
}

const zipWith = Object.freeze({
  ...scalar('zip_with', [3, 3], ([a, b, lambda]) => ({
    type: t.array(lambda.type, true),
    impl: {
      kind: 'fn',
      fn: (xs: unknown[], ys: unknown[], f: Fn) =>
        Array.from({ length: Math.max(xs.length, ys.length) }, (_, i) => f(xs[i] ?? null, ys[i] ?? null)),
    },
    args: [a, b, lambda],
  })),
  lambdaParams: (args: readonly (BoundExpr | null)[], _i: number, count: number) => {
    const a = arrayArg('zip_with', args, 0)
    const b = arrayArg('zip_with', args, 1)
    checkCount('zip_with', count, [2])
    return [
      { type: a.element, nullable: true },
      { type: b.element, nullable: true },
    ]
  },
})

/** A higher-order function over one map whose lambda takes (key, value). */
function overMap(
  name: string,
  bind: (m: BoundExpr, lambda: BoundExpr) => ReturnType<ScalarFunctionDef['bind']>,
): ScalarFunctionDef {
  return Object.freeze({
    ...scalar(name, [2, 2], ([m, lambda]) => bind(m, lambda)),
    lambdaParams: (args: readonly (BoundExpr | null)[], _i: number, count: number) => {
      const type = mapArg(name, args)
      checkCount(name, count, [2])
      return [
        { type: type.key, nullable: false },
        { type: type.value, nullable: type.valueContainsNull },
      ]
    },
  })
}

/** Builds a map from entries, refusing NULL and duplicate keys as Spark's default dedup policy does. */
export function buildMap(
  entries: Iterable<readonly [unknown, unknown]>,
  fn: string,
  keyType: DataType,
): Map<unknown, unknown> {
  const out = new Map<unknown, unknown>()
  const seen = isSelfKeyed(keyType) ? null : new Set<string>()
  for (const [k, v] of entries) {
    if (k === null) throw new SluiceError('NULL_MAP_KEY', `\`${fn}\`: a map key cannot be NULL.`)
    const dup = seen === null ? out.has(k) : seen.has(compositeKey([k]))
    if (dup) {
      throw new SluiceError(
        'DUPLICATED_MAP_KEY',
        `\`${fn}\`: duplicate map key ${JSON.stringify(k)}. Make the keys unique (Spark's spark.sql.mapKeyDedupPolicy=EXCEPTION).`,
      )
    }
    seen?.add(compositeKey([k]))
    out.set(k, v)
  }
  return out
}

const mapFilter = overMap('map_filter', (m, lambda) => {
  booleanBody('map_filter', lambda)
  const fn = (x: Map<unknown, unknown>, f: Fn) => new Map([...x].filter(([k, v]) => f(k, v) === true))
  return { type: m.type, impl: { kind: 'fn', fn }, args: [m, lambda] }
})

const transformKeys = overMap('transform_keys', (m, lambda) => {
  const type = m.type as Extract<DataType, { kind: 'map' }>
  const fn = (x: Map<unknown, unknown>, f: Fn) =>
    buildMap(
      [...x].map(([k, v]) => [f(k, v), v] as const),
      'transform_keys',
      lambda.type,
    )
  return {
    type: t.map(lambda.type, type.value, type.valueContainsNull),
    impl: { kind: 'fn', fn },
    args: [m, lambda],
  }
})

const transformValues = overMap('transform_values', (m, lambda) => {
  const type = m.type as Extract<DataType, { kind: 'map' }>
  const fn = (x: Map<unknown, unknown>, f: Fn) => new Map([...x].map(([k, v]) => [k, f(k, v)]))
  return {
    type: t.map(type.key, lambda.type, lambdaBody(lambda).nullable),
    impl: { kind: 'fn', fn },
    args: [m, lambda],
  }
})

const mapZipWith = Object.freeze({
  ...scalar('map_zip_with', [3, 3], ([a, b, lambda]) => {
    const type = a.type as Extract<DataType, { kind: 'map' }>
    const fn = (x: Map<unknown, unknown>, y: Map<unknown, unknown>, f: Fn) => {
      const keys = new Map<unknown, unknown>()
      for (const k of [...x.keys(), ...y.keys()]) keys.set(isSelfKeyed(type.key) ? k : compositeKey([k]), k)
      const get = (m: Map<unknown, unknown>, k: unknown) => (m.has(k) ? m.get(k) : null)
      return new Map([...keys.values()].map((k) => [k, f(k, get(x, k), get(y, k))]))
    }
    return { type: t.map(type.key, lambda.type, true), impl: { kind: 'fn', fn }, args: [a, b, lambda] }
  }),
  lambdaParams: (args: readonly (BoundExpr | null)[], _i: number, count: number) => {
    const a = mapArg('map_zip_with', args, 0)
    const b = mapArg('map_zip_with', args, 1)
    if (!sameType(a.key, b.key)) {
      throw typeMismatch(
        `\`map_zip_with\`: the maps' key types differ (${simpleString(a.key)} and ${simpleString(b.key)}).`,
      )
    }
    checkCount('map_zip_with', count, [3])
    return [
      { type: a.key, nullable: false },
      { type: a.value, nullable: true },
      { type: b.value, nullable: true },
    ]
  },
})

export const HIGHER_ORDER_FUNCTIONS: readonly ScalarFunctionDef[] = [
  transform,
  filter,
  quantifier('exists'),
  quantifier('forall'),
  aggregate('aggregate'),
  aggregate('reduce'),
  zipWith,
  mapFilter,
  transformKeys,
  transformValues,
  mapZipWith,
]
