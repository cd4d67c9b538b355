/**
 * The expressions a stateful operator's state depends on, as one canonical text recorded in its
 * `state/<op>/_metadata` (detail `expressions`) and compared on restart: a query whose grouping
 * expressions, aggregate arguments, dedup keys or join keys changed to others of the same type has
 * the same state schema, and Spark would run it and mix old and new results; Sluice refuses it
 * (STATE_SCHEMA_INCOMPATIBLE) unless `sluice.sql.streaming.stateStore.acceptExpressionChanges` is set.
 *
 * Column references are written by name, without their position (`k`, not `k#3`), so a column
 * added elsewhere in the input does not count as a change.
 */
import type { BoundExpr } from '../functions/bound-expr.ts'
import { sqlOf } from './stage-codegen.ts'

/** The detail key the fingerprint is recorded under. */
export const EXPRESSIONS_DETAIL = 'expressions'

/**
 * `keys=[k, upper(name)]; aggregates=[count(1), sum(n)]`: each part's expressions in order.
 *
 * @example
 * expressionFingerprint({ keys: groupBy, aggregates: aggs.map((a) => a.sql) })
 */
export function expressionFingerprint(
  parts: Readonly<Record<string, readonly (BoundExpr | string)[]>>,
): string {
  return Object.entries(parts)
    .map(([name, exprs]) => `${name}=[${exprs.map(textOf).join(', ')}]`)
    .join('; ')
}

function textOf(e: BoundExpr | string): string {
  return (typeof e === 'string' ? e : sqlOf(e)).replace(/#[0-9]+/g, '')
}
