/**
 * Spark's statistical aggregates as code templates (see AggregateImpl): the central-moment family
 * (`stddev`, `variance`, `skewness`, `kurtosis`), `corr` and `covar_*` with Spark's own update and
 * merge formulas (so results agree with Spark to the last bits on one partition), and the
 * aggregates over kept values (`percentile`, `median`, `percentile_approx`, `mode`). Every slot is a
 * number, an array or a Map, so streaming aggregation keeps them in state unchanged.
 *
 * As Spark 4 (`spark.sql.legacy.statisticalAggregate=false`): a sample statistic of one row, and
 * skewness/kurtosis of constant values, are NULL rather than NaN.
 */
import { SluiceError, typeMismatch } from '../errors.ts'
import { isNumeric, simpleString, t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { castTo } from './coercion.ts'
import type { AggregateFunctionDef, AggregateImpl, BindContext, BoundAggregate } from './function-def.ts'

type Ctx = BindContext & { readonly distinct: boolean }

export function aggregateDef(
  name: string,
  arity: readonly [number, number],
  bind: (args: readonly BoundExpr[], ctx: Ctx) => BoundAggregate,
): AggregateFunctionDef {
  return Object.freeze({ kind: 'aggregate', name, minArgs: arity[0], maxArgs: arity[1], bind })
}

/** The argument as a double, refusing non-numeric types as Spark's ANSI mode does. */
export function doubleArg(name: string, a: BoundExpr): BoundExpr {
  if (!isNumeric(a.type) && a.type.kind !== 'null' && a.type.kind !== 'decimal') {
    throw typeMismatch(
      `Cannot resolve \`${name}\`: it requires a numeric argument, but got ${simpleString(a.type)}${a.kind === 'ref' ? ` (column \`${a.name}\`)` : ''}.`,
    )
  }
  return castTo(a, t.double())
}

function noDistinct(name: string, ctx: Ctx): void {
  if (ctx.distinct) {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      `\`${name}(DISTINCT ...)\` is not supported; drop DISTINCT.`,
    )
  }
}

// Slots: n, avg, m2, m3, m4 (Spark's CentralMomentAgg).
const MOMENTS: Omit<AggregateImpl, 'finish'> = {
  init: ['0', '0', '0', '0', '0'],
  update: ([n, avg, m2, m3, m4], [x]) =>
    `{ const nn = ${n} + 1, d = ${x} - ${avg}, dn = d / nn, d2 = d * d, dn2 = dn * dn; ` +
    `const nm2 = ${m2} + d * (d - dn); const nm3 = ${m3} - 3 * dn * nm2 + d * (d2 - dn2); ` +
    `${m4} = ${m4} - 4 * dn * nm3 - 6 * dn2 * nm2 + d * (d * d2 - dn * dn2); ` +
    `${m3} = nm3; ${m2} = nm2; ${avg} = ${avg} + dn; ${n} = nn }`,
  merge: ([n1, a1, p1, q1, r1], [n2, a2, p2, q2, r2]) =>
    `{ const l = ${n1}, r = ${n2}, nn = l + r, d = ${a2} - ${a1}, dn = nn === 0 ? 0 : d / nn; ` +
    `const nm2 = ${p1} + ${p2} + d * dn * l * r; ` +
    `const nm3 = ${q1} + ${q2} + dn * dn * d * l * r * (l - r) + 3 * dn * (l * ${p2} - r * ${p1}); ` +
    `${r1} = ${r1} + ${r2} + dn * dn * dn * d * l * r * (l * l - l * r + r * r) + 6 * dn * dn * (l * l * ${p2} + r * r * ${p1}) + 4 * dn * (l * ${q2} - r * ${q1}); ` +
    `${q1} = nm3; ${p1} = nm2; ${a1} = ${a1} + dn * r; ${n1} = nn }`,
}

function moment(name: string, finish: (s: readonly string[]) => string): AggregateFunctionDef {
  return aggregateDef(name, [1, 1], ([a], ctx) => {
    noDistinct(name, ctx)
    return { type: t.double(), nullable: true, args: [doubleArg(name, a)], impl: { ...MOMENTS, finish } }
  })
}

const varSamp = ([n, , m2]: readonly string[]) => `${n} <= 1 ? null : ${m2} / (${n} - 1)`
const varPop = ([n, , m2]: readonly string[]) => `${n} === 0 ? null : ${m2} / ${n}`
const sqrtOf = (f: (s: readonly string[]) => string) => (s: readonly string[]) =>
  `(${f(s)}) === null ? null : Math.sqrt(${f(s)})`

// Slots: n, xAvg, yAvg, ck, xMk, yMk (Spark's PearsonCorrelation; covariance ignores the last two).
const PAIR: Omit<AggregateImpl, 'finish'> = {
  init: ['0', '0', '0', '0', '0', '0'],
  update: ([n, xa, ya, ck, xm, ym], [x, y]) =>
    `{ const nn = ${n} + 1, dx = ${x} - ${xa}, dy = ${y} - ${ya}; ${xa} = ${xa} + dx / nn; ${ya} = ${ya} + dy / nn; ` +
    `${ck} = ${ck} + dx * (${y} - ${ya}); ${xm} = ${xm} + dx * (${x} - ${xa}); ${ym} = ${ym} + dy * (${y} - ${ya}); ${n} = nn }`,
  merge: ([n1, xa1, ya1, ck1, xm1, ym1], [n2, xa2, ya2, ck2, xm2, ym2]) =>
    `{ const l = ${n1}, r = ${n2}, nn = l + r, dx = ${xa2} - ${xa1}, dy = ${ya2} - ${ya1}; ` +
    `const dxn = nn === 0 ? 0 : dx / nn, dyn = nn === 0 ? 0 : dy / nn; ` +
    `${ck1} = ${ck1} + ${ck2} + dx * dyn * l * r; ${xm1} = ${xm1} + ${xm2} + dx * dxn * l * r; ` +
    `${ym1} = ${ym1} + ${ym2} + dy * dyn * l * r; ${xa1} = ${xa1} + dxn * r; ${ya1} = ${ya1} + dyn * r; ${n1} = nn }`,
}

function pair(name: string, finish: (s: readonly string[]) => string): AggregateFunctionDef {
  return aggregateDef(name, [2, 2], ([x, y], ctx) => {
    noDistinct(name, ctx)
    return {
      type: t.double(),
      nullable: true,
      args: [doubleArg(name, x), doubleArg(name, y)],
      impl: { ...PAIR, finish },
    }
  })
}

/** Spark's regr_* (y, x): over rows where both are non-NULL, from the pair moments of (x, y). */
function regr(
  name: string,
  type: 'long' | 'double',
  finish: (s: readonly string[]) => string,
): AggregateFunctionDef {
  return aggregateDef(name, [2, 2], ([y, x], ctx) => {
    noDistinct(name, ctx)
    return {
      type: type === 'long' ? t.long() : t.double(),
      nullable: type !== 'long',
      args: [doubleArg(name, x), doubleArg(name, y)],
      impl: { ...PAIR, finish },
    }
  })
}

const slope = ([n, , , ck, xm]: readonly string[]) =>
  `(${n} === 0 || ${xm} === 0 ? null : (${ck} / ${n}) / (${xm} / ${n}))`

const REGRESSION: readonly AggregateFunctionDef[] = [
  regr('regr_count', 'long', ([n]) => n),
  regr('regr_avgx', 'double', ([n, xa]) => `${n} === 0 ? null : ${xa}`),
  regr('regr_avgy', 'double', ([n, , ya]) => `${n} === 0 ? null : ${ya}`),
  regr('regr_sxx', 'double', ([n, , , , xm]) => `${n} === 0 ? null : ${xm}`),
  regr('regr_syy', 'double', ([n, , , , , ym]) => `${n} === 0 ? null : ${ym}`),
  regr('regr_sxy', 'double', ([n, , , ck]) => `${n} === 0 ? null : ${ck}`),
  regr('regr_slope', 'double', slope),
  regr('regr_intercept', 'double', (s) => `${slope(s)} === null ? null : ${s[2]} - ${slope(s)} * ${s[1]}`),
  regr(
    'regr_r2',
    'double',
    ([n, , , ck, xm, ym]) =>
      `${n} === 0 || ${xm} === 0 ? null : ${ym} === 0 ? 1 : (${ck} / Math.sqrt(${xm} * ${ym})) ** 2`,
  ),
]

export const STATISTICAL_AGGREGATES: readonly AggregateFunctionDef[] = [
  moment('stddev', sqrtOf(varSamp)),
  moment('std', sqrtOf(varSamp)),
  moment('stddev_samp', sqrtOf(varSamp)),
  moment('stddev_pop', sqrtOf(varPop)),
  moment('variance', varSamp),
  moment('var_samp', varSamp),
  moment('var_pop', varPop),
  moment(
    'skewness',
    ([n, , m2, m3]) =>
      `${n} === 0 || ${m2} === 0 ? null : Math.sqrt(${n}) * ${m3} / Math.sqrt(${m2} * ${m2} * ${m2})`,
  ),
  moment(
    'kurtosis',
    ([n, , m2, , m4]) => `${n} === 0 || ${m2} === 0 ? null : ${n} * ${m4} / (${m2} * ${m2}) - 3`,
  ),
  pair('covar_pop', ([n, , , ck]) => `${n} === 0 ? null : ${ck} / ${n}`),
  pair('covar_samp', ([n, , , ck]) => `${n} <= 1 ? null : ${ck} / (${n} - 1)`),
  pair('corr', ([n, , , ck, xm, ym]) => `${n} <= 1 ? null : ${ck} / Math.sqrt(${xm} * ${ym})`),
  ...REGRESSION,
]
