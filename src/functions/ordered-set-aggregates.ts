/**
 * Spark's ordered-set aggregates `percentile_cont(p) WITHIN GROUP (ORDER BY x [ASC|DESC])` and
 * `percentile_disc(...)`. The SQL parser turns the WITHIN GROUP form into
 * `percentile_cont(x, p, descending)`. percentile_cont interpolates linearly between the closest
 * ranks (as `percentile`); percentile_disc takes the value at position ceil(p * n) (the first for
 * p = 0) of the ordered values. Both return a double, as in Spark.
 */
import { SluiceError } from '../errors.ts'
import { t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { requireFoldable } from './define.ts'
import type { AggregateFunctionDef } from './function-def.ts'
import { aggregateDef, doubleArg } from './statistical-aggregates.ts'

/** The percentile `p` of `values` ordered ascending (or descending). */
export function orderedPercentile(
  values: readonly number[],
  p: number,
  desc: boolean,
  discrete: boolean,
): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => (desc ? b - a : a - b))
  if (discrete) return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]
  const pos = (sorted.length - 1) * p
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return lo === hi ? sorted[lo] : sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo])
}

function constant(name: string, i: number, arg: BoundExpr | undefined, fallback: unknown): unknown {
  if (arg === undefined) return fallback
  if (arg.kind === 'call' && arg.name === 'cast' && arg.args[0].kind === 'literal') return arg.args[0].value
  return requireFoldable(name, i, arg)
}

function orderedSet(name: 'percentile_cont' | 'percentile_disc'): AggregateFunctionDef {
  return aggregateDef(name, [2, 3], (args) => {
    const x = doubleArg(name, args[0])
    const p = constant(name, 1, args[1], null)
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `\`${name}\`: the percentage must be a literal between 0.0 and 1.0, got ${String(p)}; write ${name}(0.5) WITHIN GROUP (ORDER BY x).`,
      )
    }
    const desc = constant(name, 2, args[2], false) === true
    const discrete = name === 'percentile_disc'
    return {
      type: t.double(),
      nullable: true,
      args: [x],
      impl: {
        init: ['[]'],
        // Copied on restore from streaming state, so a stored list is never pushed into.
        slotCodecs: ['list'],
        update: ([s], [v]) => `${s}.push(${v})`,
        merge: ([s], [s2]) => `for (const v of ${s2}) ${s}.push(v)`,
        finish: ([s]) => `pct(${s}, ${p}, ${desc}, ${discrete})`,
        helpers: { pct: orderedPercentile },
      },
    }
  })
}

export const ORDERED_SET_AGGREGATES: readonly AggregateFunctionDef[] = [
  orderedSet('percentile_cont'),
  orderedSet('percentile_disc'),
]
