/**
 * More of Spark's aggregates: conditions (`count_if`, `bool_and`, `bool_or`), arg-extremes
 * (`max_by`, `min_by`), kept-value statistics (`percentile`, `median`, `percentile_approx`, `mode`)
 * and bitwise folds (`bit_and`, ...). Kept values live in an array slot and counts in a
 * Map slot, which streaming state stores as they are.
 *
 * `percentile_approx` is computed exactly (the value Spark's sketch returns while the input is
 * smaller than its accuracy, 10000 by default); `mode` breaks ties by the smallest value, as
 * Spark's `mode(x, true)`.
 */
import { SluiceError, typeMismatch } from '../errors.ts'
import { type DataType, isIntegral, isNumeric, simpleString, t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { castTo } from './coercion.ts'
import { decimalAvg, decimalSum } from './decimal-aggregates.ts'
import { argTypeError, constantValue, requireFoldable } from './define.ts'
import type { AggregateFunctionDef, AggregateImpl } from './function-def.ts'
import { aggregateDef, doubleArg } from './statistical-aggregates.ts'
import { compareValues, compositeKey, isSelfKeyed } from './values.ts'

function booleanArg(name: string, a: BoundExpr): BoundExpr {
  if (a.type.kind !== 'boolean' && a.type.kind !== 'null') throw argTypeError(name, 0, a, 'boolean')
  return castTo(a, t.boolean())
}

const countIf = aggregateDef('count_if', [1, 1], ([a]) => ({
  type: t.long(),
  nullable: false,
  args: [booleanArg('count_if', a)],
  impl: {
    init: ['0'],
    update: ([n], [v]) => `if (${v} === true) ${n}++`,
    merge: ([a1], [b1]) => `${a1} += ${b1}`,
    finish: ([n]) => n,
  },
}))

function boolFold(name: string, and: boolean): AggregateFunctionDef {
  const op = and ? '&&' : '||'
  return aggregateDef(name, [1, 1], ([a]) => ({
    type: t.boolean(),
    nullable: true,
    args: [booleanArg(name, a)],
    impl: {
      init: [String(and), 'false'],
      update: ([s, seen], [v]) => `${s} = ${s} ${op} ${v}; ${seen} = true`,
      merge: ([s, seen], [s2, seen2]) => `if (${seen2}) { ${s} = ${s} ${op} ${s2}; ${seen} = true }`,
      finish: ([s, seen]) => `${seen} ? ${s} : null`,
    },
  }))
}

// max_by(x, ord): x of the row with the largest non-null ord (x may be NULL); on a tie the later
// row wins, as Spark keeps the old value only when its ord is strictly better.
function argExtreme(name: string, greater: boolean): AggregateFunctionDef {
  return aggregateDef(name, [2, 2], ([x, ord]) => {
    if (ord.type.kind === 'map') throw argTypeError(name, 1, ord, 'an orderable type (not map)')
    const sign = greater ? '>=' : '<='
    const impl: AggregateImpl = {
      init: ['null', 'null', 'false'],
      update: ([v, o, seen], [xv, ov]) =>
        `if (${ov} !== null && (!${seen} || cmp(${ov}, ${o}) ${sign} 0)) { ${v} = ${xv}; ${o} = ${ov}; ${seen} = true }`,
      merge: ([v, o, seen], [v2, o2, seen2]) =>
        `if (${seen2} && (!${seen} || cmp(${o2}, ${o}) ${sign} 0)) { ${v} = ${v2}; ${o} = ${o2}; ${seen} = true }`,
      finish: ([v]) => v,
      acceptsNull: true,
      helpers: { cmp: compareValues },
    }
    return { type: x.type, nullable: true, args: [x, ord], impl }
  })
}

/** Spark's exact percentile: linear interpolation between the closest ranks. */
export function percentileOf(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => compareValues(a, b))
  const pos = (sorted.length - 1) * p
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return lo === hi ? sorted[lo] : sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo])
}

/** The smallest kept value with at least `p` of the values at or below it (percentile_approx). */
export function approxPercentileOf(values: readonly unknown[], p: number): unknown {
  if (values.length === 0) return null
  const sorted = [...values].sort(compareValues)
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]
}

/** A literal, or `array(literals...)` (not folded before binding), as its value. */
function constantOf(name: string, i: number, arg: BoundExpr): unknown {
  if (arg.kind === 'call' && arg.name === 'array' && arg.args.every((a) => literalOf(a) !== undefined)) {
    return arg.args.map((a) => literalOf(a)!.value)
  }
  return (literalOf(arg) ?? { value: requireFoldable(name, i, arg) }).value
}

// A literal or a cast of one (array(0.1, 1.0) casts 0.1 to decimal(2,1)), decimals as numbers.
function literalOf(a: BoundExpr): { value: unknown } | undefined {
  const lit = a.kind === 'call' && a.name === 'cast' ? a.args[0] : a
  return lit.kind === 'literal' ? { value: constantValue(lit.value, lit.type) } : undefined
}

function percentages(name: string, arg: BoundExpr): { list: number[]; array: boolean } {
  const v = constantOf(name, 1, arg)
  const list = (Array.isArray(v) ? v : [v]) as unknown[]
  for (const p of list) {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `\`${name}\`: each percentage must be between 0.0 and 1.0, got ${String(p)}.`,
      )
    }
  }
  return { list: list as number[], array: Array.isArray(v) }
}

const KEEP: Omit<AggregateImpl, 'finish'> = {
  init: ['[]'],
  // NOTE: 'list' copies the array on restore from streaming state; as a plain 'value' the stored
  // array itself would be pushed into, changing a committed state version.
  slotCodecs: ['list'],
  update: ([s], [v]) => `${s}.push(${v})`,
  merge: ([s], [s2]) => `for (const x of ${s2}) ${s}.push(x)`,
}

function percentile(name: 'percentile' | 'median'): AggregateFunctionDef {
  return aggregateDef(name, name === 'median' ? [1, 1] : [2, 2], (args) => {
    const x = doubleArg(name, args[0])
    const { list, array } = name === 'median' ? { list: [0.5], array: false } : percentages(name, args[1])
    const ps = JSON.stringify(list)
    const finish = array
      ? ([s]: readonly string[]) => `${s}.length === 0 ? null : ${ps}.map((p) => pctOf(${s}, p))`
      : ([s]: readonly string[]) => `pctOf(${s}, ${list[0]})`
    return {
      type: array ? t.array(t.double(), false) : t.double(),
      nullable: true,
      args: [x],
      impl: { ...KEEP, finish, helpers: { pctOf: percentileOf } },
    }
  })
}

function percentileApprox(name: string): AggregateFunctionDef {
  return aggregateDef(name, [2, 3], (args) => {
    const x = args[0]
    const kind = x.type.kind
    if (!(isNumeric(x.type) || kind === 'date' || kind === 'timestamp')) {
      throw argTypeError(name, 0, x, 'a numeric, date or timestamp column')
    }
    if (args[2] !== undefined) requireFoldable(name, 2, args[2])
    const { list, array } = percentages(name, args[1])
    const ps = JSON.stringify(list)
    const finish = array
      ? ([s]: readonly string[]) => `${s}.length === 0 ? null : ${ps}.map((p) => apctOf(${s}, p))`
      : ([s]: readonly string[]) => `apctOf(${s}, ${list[0]})`
    return {
      type: array ? t.array(x.type, false) : x.type,
      nullable: true,
      args: [x],
      impl: { ...KEEP, finish, helpers: { apctOf: approxPercentileOf } },
    }
  })
}

/** The most frequent kept value; ties go to the smallest value. */
export function modeOf(counts: Map<unknown, [unknown, number]>): unknown {
  let best: [unknown, number] | null = null
  for (const e of counts.values()) {
    if (best === null || e[1] > best[1] || (e[1] === best[1] && compareValues(e[0], best[0]) < 0)) best = e
  }
  return best === null ? null : best[0]
}

const mode = aggregateDef('mode', [1, 2], (args) => {
  const x = args[0]
  if (x.type.kind === 'map') throw argTypeError('mode', 0, x, 'a type other than map')
  const key = (v: string) => (isSelfKeyed(x.type) ? v : `ckey([${v}])`)
  const impl: AggregateImpl = {
    init: ['new Map()'],
    // NOTE: entries are replaced, never changed in place: restored state shares them with the store.
    update: ([s], [v]) => `{ const k = ${key(v)}; ${s}.set(k, [${v}, (${s}.get(k)?.[1] ?? 0) + 1]) }`,
    merge: ([s], [s2]) =>
      `for (const [k, e2] of ${s2}) ${s}.set(k, [e2[0], (${s}.get(k)?.[1] ?? 0) + e2[1]])`,
    finish: ([s]) => `modeOf(${s})`,
    helpers: { modeOf, ckey: compositeKey },
  }
  return { type: x.type, nullable: true, args: [x], impl }
})

function integralArg(name: string, a: BoundExpr): DataType {
  if (!isIntegral(a.type))
    throw typeMismatch(`\`${name}\` requires an integer argument, but got ${simpleString(a.type)}.`)
  return a.type
}

function bitFold(name: string, op: string): AggregateFunctionDef {
  return aggregateDef(name, [1, 1], ([a]) => {
    const type = integralArg(name, a)
    // Bitwise folds on 32-bit ints only; a bigint fold goes through BigInt.
    const combine = (x: string, y: string) =>
      type.kind !== 'long'
        ? `(${x} ${op} ${y})`
        : `Number(BigInt.asIntN(64, BigInt(${x}) ${op} BigInt(${y})))`
    return {
      type,
      nullable: true,
      args: [a],
      impl: {
        init: ['0', 'false'],
        update: ([s, seen], [v]) => `${s} = ${seen} ? ${combine(s, v)} : ${v}; ${seen} = true`,
        merge: ([s, seen], [s2, seen2]) =>
          `if (${seen2}) { ${s} = ${seen} ? ${combine(s, s2)} : ${s2}; ${seen} = true }`,
        finish: ([s, seen]) => `${seen} ? ${s} : null`,
      },
    }
  })
}

// try_sum/try_avg: NULL instead of an overflow error (bigint sums beyond 2^53, Sluice's exact range).
function trySum(name: 'try_sum' | 'try_avg'): AggregateFunctionDef {
  return aggregateDef(name, [1, 1], ([a], ctx) => {
    if (a.type.kind === 'decimal') {
      const of = name === 'try_sum' ? decimalSum : decimalAvg
      return { ...of(a.type, ctx.distinct, true), nullable: true }
    }
    const integral = isIntegral(a.type)
    const x = integral ? a : doubleArg(name, a)
    const check = integral
      ? (s: string, bad: string) => `; if (!Number.isSafeInteger(${s})) ${bad} = true`
      : () => ''
    const result = name === 'try_sum' ? (s: string) => s : (s: string, n: string) => `${s} / ${n}`
    return {
      type: name === 'try_sum' && integral ? t.long() : t.double(),
      nullable: true,
      args: [x],
      impl: {
        init: ['0', '0', 'false'],
        update: ([s, n, bad], [v]) => `${s} += ${v}; ${n}++${check(s, bad)}`,
        merge: ([s, n, bad], [s2, n2, bad2]) =>
          `${s} += ${s2}; ${n} += ${n2}; ${bad} = ${bad} || ${bad2}${check(s, bad)}`,
        finish: ([s, n, bad]) => `${bad} || ${n} === 0 ? null : ${result(s, n)}`,
      },
    }
  })
}

// listagg/string_agg(x[, delimiter]): non-NULL values joined in input order.
function listagg(name: string): AggregateFunctionDef {
  return aggregateDef(name, [1, 2], (args) => {
    const delim = args.length > 1 ? String(requireFoldable(name, 1, args[1]) ?? '') : ''
    return {
      type: t.string(),
      nullable: true,
      args: [castTo(args[0], t.string())],
      impl: { ...KEEP, finish: ([s]) => `${s}.length === 0 ? null : ${s}.join(${JSON.stringify(delim)})` },
    }
  })
}

export const VALUE_AGGREGATES: readonly AggregateFunctionDef[] = [
  countIf,
  boolFold('bool_and', true),
  boolFold('every', true),
  boolFold('bool_or', false),
  boolFold('some', false),
  boolFold('any', false),
  argExtreme('max_by', true),
  argExtreme('min_by', false),
  percentile('percentile'),
  percentile('median'),
  percentileApprox('percentile_approx'),
  percentileApprox('approx_percentile'),
  mode,
  bitFold('bit_and', '&'),
  bitFold('bit_or', '|'),
  bitFold('bit_xor', '^'),
  trySum('try_sum'),
  trySum('try_avg'),
  listagg('listagg'),
  listagg('string_agg'),
]
