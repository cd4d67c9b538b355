/**
 * Aggregate functions as code templates for the aggregation compiler (see AggregateImpl). Nulls
 * are skipped unless the aggregate says otherwise, as in Spark: sum/avg/min/max of no non-null
 * values is NULL, count is 0.
 */

import { typeMismatch } from '../errors.ts'
import { type DataType, isFractional, isNumeric, simpleString, t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { castTo } from './coercion.ts'
import { decimalAvg, decimalSum } from './decimal-aggregates.ts'
import { argTypeError, requireFoldable } from './define.ts'
import { distinctImpl } from './distinct-impl.ts'
import type { AggregateFunctionDef, AggregateImpl, BindContext, BoundAggregate } from './function-def.ts'
import { overflow } from './runtime-errors.ts'
import { comparatorFor, compositeKey, containsDecimal, PRIMITIVE_KINDS } from './values.ts'

type Ctx = BindContext & { readonly distinct: boolean }

function agg(
  name: string,
  arity: readonly [number, number],
  bind: (args: readonly BoundExpr[], ctx: Ctx) => BoundAggregate,
): AggregateFunctionDef {
  return Object.freeze({ kind: 'aggregate', name, minArgs: arity[0], maxArgs: arity[1], bind })
}

const count = agg('count', [1, Number.POSITIVE_INFINITY], (_args, ctx) => ({
  type: t.long(),
  nullable: false,
  impl: ctx.distinct
    ? distinctImpl((s) => `${s}.size`)
    : { init: ['0'], update: ([s]) => `${s}++`, merge: ([a], [b]) => `${a} += ${b}`, finish: ([s]) => s },
}))

function numeric(name: string, a: BoundExpr): BoundExpr {
  if (isNumeric(a.type)) return a
  // Spark 4 (ANSI) does not sum strings implicitly: sum(stringCol) is an analysis error.
  if (a.type.kind === 'null') return castTo(a, t.double())
  throw typeMismatch(
    `Cannot resolve \`${name}(${a.kind === 'ref' ? a.name : '...'})\`: it requires a numeric argument, but got ${simpleString(a.type)}.`,
  )
}

const sum = agg('sum', [1, 1], ([a], ctx) => {
  if (a.type.kind === 'decimal') return { ...decimalSum(a.type, ctx.distinct, false), nullable: true }
  const x = numeric('sum', a)
  const type: DataType = isFractional(x.type) ? t.double() : t.long()
  const ovf = () => overflow('bigint', 'sum')
  const check =
    type.kind === 'long'
      ? (s: string) => `; if (${s} > 9007199254740991 || ${s} < -9007199254740991) throw ovf()`
      : () => ''
  const impl: AggregateImpl = ctx.distinct
    ? distinctImpl((s) => `${s}.size === 0 ? null : sumOf(${s})`, {
        sumOf: (set: Set<number>) => [...set].reduce((p, c) => p + c, 0),
      })
    : {
        // A numeric slot plus a flag (not a null-initialised slot) keeps the sum an unboxed double.
        init: ['0', 'false'],
        update: ([s, seen], [v]) => `${s} += ${v}; ${seen} = true${check(s)}`,
        merge: ([a, seenA], [b, seenB]) => `if (${seenB}) { ${a} += ${b}; ${seenA} = true${check(a)} }`,
        finish: ([s, seen]) => `${seen} ? ${s} : null`,
        helpers: { ovf },
      }
  return { type, nullable: true, impl, args: [x] }
})

const avg = agg('avg', [1, 1], ([a], ctx) => {
  if (a.type.kind === 'decimal') return { ...decimalAvg(a.type, ctx.distinct, false), nullable: true }
  const x = numeric('avg', a)
  const impl: AggregateImpl = ctx.distinct
    ? distinctImpl((s) => `${s}.size === 0 ? null : sumOf(${s}) / ${s}.size`, {
        sumOf: (set: Set<number>) => [...set].reduce((p, c) => p + c, 0),
      })
    : {
        init: ['0', '0'],
        update: ([s, n], [v]) => `${s} += ${v}; ${n}++`,
        merge: ([s, n], [s2, n2]) => `${s} += ${s2}; ${n} += ${n2}`,
        finish: ([s, n]) => `${n} === 0 ? null : ${s} / ${n}`,
      }
  return { type: t.double(), nullable: true, impl, args: [x] }
})

function extremum(name: string, greater: boolean): AggregateFunctionDef {
  return agg(name, [1, 1], ([a]) => {
    if (a.type.kind === 'map') throw argTypeError(name, 0, a, 'an orderable type (not map)')
    const op = greater ? '>' : '<'
    const kind = a.type.kind
    // NOTE: helpers are shared by name across a query's aggregates; decimal orders differ by type.
    const cmpName = containsDecimal(a.type) ? `cmp_${simpleString(a.type).replace(/\W/g, '_')}` : 'cmp'
    // NOTE: NaN is the largest double (Spark's order), so it wins max() and loses min().
    const better =
      kind === 'double' || kind === 'float'
        ? greater
          ? (v: string, s: string) => `${v} > ${s} || (${v} !== ${v} && ${s} === ${s})`
          : (v: string, s: string) => `${v} < ${s} || (${s} !== ${s} && ${v} === ${v})`
        : PRIMITIVE_KINDS.has(kind) && kind !== 'string'
          ? (v: string, s: string) => `${v} ${op} ${s}`
          : (v: string, s: string) => `${cmpName}(${v}, ${s}) ${op} 0`
    const numeric = isNumeric(a.type) || kind === 'timestamp' || kind === 'date'
    const impl: AggregateImpl = {
      init: [numeric ? '0' : 'null', 'false'],
      update: ([s, seen], [v]) => `if (!${seen} || ${better(v, s)}) { ${s} = ${v}; ${seen} = true }`,
      merge: ([s, seen], [s2, seen2]) =>
        `if (${seen2} && (!${seen} || ${better(s2, s)})) { ${s} = ${s2}; ${seen} = true }`,
      finish: ([s, seen]) => `${seen} ? ${s} : null`,
      helpers: { [cmpName]: comparatorFor(a.type) },
    }
    return { type: a.type, nullable: true, impl }
  })
}

function firstLast(name: string, first: boolean): AggregateFunctionDef {
  return agg(name, [1, 2], (args) => {
    const ignoreNulls = args.length > 1 && requireFoldable(name, 1, args[1]) === true
    const impl: AggregateImpl = first
      ? {
          init: ['null', 'false'],
          update: ([s, seen], [v]) => `if (!${seen}) { ${s} = ${v}; ${seen} = true }`,
          merge: ([s, seen], [s2, seen2]) => `if (!${seen} && ${seen2}) { ${s} = ${s2}; ${seen} = true }`,
          finish: ([s]) => s,
          acceptsNull: !ignoreNulls,
        }
      : {
          init: ['null', 'false'],
          update: ([s, seen], [v]) => `${s} = ${v}; ${seen} = true`,
          merge: ([s, seen], [s2, seen2]) => `if (${seen2}) { ${s} = ${s2}; ${seen} = true }`,
          finish: ([s]) => s,
          acceptsNull: !ignoreNulls,
        }
    return { type: args[0].type, nullable: true, impl, args: [args[0]] }
  })
}

const collectList = agg('collect_list', [1, 1], ([a]) => ({
  type: t.array(a.type, false),
  nullable: false,
  impl: {
    init: ['[]'],
    slotCodecs: ['list'],
    update: ([s], [v]) => `${s}.push(${v})`,
    merge: ([s], [s2]) => `for (const x of ${s2}) ${s}.push(x)`,
    finish: ([s]) => s,
  },
}))

const collectSet = agg('collect_set', [1, 1], ([a]) => {
  if (a.type.kind === 'map') throw argTypeError('collect_set', 0, a, 'a type other than map')
  // Non-primitive values are deduplicated by their composite key.
  const primitive = PRIMITIVE_KINDS.has(a.type.kind) || isFractional(a.type)
  const impl: AggregateImpl = primitive
    ? {
        init: ['new Set()'],
        slotCodecs: ['set'],
        update: ([s], [v]) => `${s}.add(${v})`,
        merge: ([s], [s2]) => `for (const x of ${s2}) ${s}.add(x)`,
        finish: ([s]) => `[...${s}]`,
      }
    : {
        init: ['new Map()'],
        slotCodecs: ['map'],
        update: ([s], [v]) => `${s}.set(key([${v}]), ${v})`,
        merge: ([s], [s2]) => `for (const [k, x] of ${s2}) ${s}.set(k, x)`,
        finish: ([s]) => `[...${s}.values()]`,
        helpers: { key: compositeKey },
      }
  return { type: t.array(a.type, false), nullable: false, impl }
})

export const AGGREGATE_FUNCTIONS: readonly AggregateFunctionDef[] = [
  count,
  sum,
  avg,
  agg('mean', [1, 1], (args, ctx) => avg.bind(args, ctx)),
  extremum('min', false),
  extremum('max', true),
  firstLast('first', true),
  firstLast('first_value', true),
  firstLast('last', false),
  firstLast('last_value', false),
  firstLast('any_value', true),
  collectList,
  agg('array_agg', [1, 1], (args, ctx) => collectList.bind(args, ctx)),
  collectSet,
]
