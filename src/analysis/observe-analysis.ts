/**
 * `observe(name, ...metrics)` (Spark's CollectMetrics) and Spark's rules for it (CheckAnalysis):
 * the metrics must be named and non-empty; a column, or a non-deterministic function, may appear
 * only inside an aggregate function; aggregates may not nest nor be DISTINCT; and two different
 * observe() nodes of one plan may not share a name (the same node reached twice, as in a
 * self-join, may). A literal is a valid metric (`lit(42)`).
 */
import { SluiceError } from '../errors.ts'
import type { BoundExpr } from '../functions/bound-expr.ts'
import { boundChildren } from '../functions/bound-expr.ts'
import { isAggregateFunction } from '../functions/catalog.ts'
import { childrenOf, type Expr } from '../plan/expr.ts'
import { type LogicalPlan, logicalPlans, type ObserveNode } from '../plan/logical-plan.ts'
import { exprToSql } from '../plan/sql/expr-sql.ts'
import { analyzeAggregate } from './aggregate-analysis.ts'
import { type AnalyzedPlan, schemaOfAttributes } from './analyzed-plan.ts'
import type { Analyzer } from './analyzer.ts'

const invalid = (
  kind:
    | 'MISSING_NAME'
    | 'NON_AGGREGATE_FUNC_ARG_IS_ATTRIBUTE'
    | 'NON_AGGREGATE_FUNC_ARG_IS_NON_DETERMINISTIC'
    | 'AGGREGATE_EXPRESSION_WITH_DISTINCT_UNSUPPORTED'
    | 'NESTED_AGGREGATES_UNSUPPORTED',
  message: string,
): SluiceError => new SluiceError(`INVALID_OBSERVED_METRICS.${kind}`, `Invalid observed metrics. ${message}`)

/** Spark's checkMetric: walks a metric top-down, refusing what may only appear inside an aggregate. */
function checkMetric(name: string, e: Expr, seenAggregate: boolean): void {
  const sql = () => exprToSql(e)
  if (e.kind === 'call' && isAggregateFunction(e.name)) {
    if (seenAggregate)
      throw invalid(
        'NESTED_AGGREGATES_UNSUPPORTED',
        `Nested aggregates are not allowed in observed metrics, but found: ${sql()} in observe('${name}'). Compute the inner aggregate in a groupBy().agg() before observe().`,
      )
    if (e.distinct)
      throw invalid(
        'AGGREGATE_EXPRESSION_WITH_DISTINCT_UNSUPPORTED',
        `Aggregate expressions with DISTINCT are not allowed in observed metrics, but found: ${sql()} in observe('${name}'). Use approx_count_distinct, or observe after dropDuplicates().`,
      )
    for (const c of childrenOf(e)) checkMetric(name, c, true)
    return
  }
  if ((e.kind === 'column' || e.kind === 'star') && !seenAggregate)
    throw invalid(
      'NON_AGGREGATE_FUNC_ARG_IS_ATTRIBUTE',
      `Attribute ${sql()} can only be used as an argument to an aggregate function (in observe('${name}')), e.g. max(${sql()}).`,
    )
  for (const c of childrenOf(e)) checkMetric(name, c, seenAggregate)
}

/** The first non-deterministic call of a bound result expression (results sit above the aggregates). */
function nonDeterministic(e: BoundExpr): BoundExpr | undefined {
  if (e.kind === 'call' && !e.deterministic) return e
  for (const c of boundChildren(e)) {
    const found = nonDeterministic(c)
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * Throws DUPLICATED_METRICS_NAME when two different observe() nodes under `p` share a name.
 *
 * @example checkObservedMetricNames(df.observe('m', count('*')).observe('m', sum('v')).plan) // throws
 */
export function checkObservedMetricNames(p: LogicalPlan): void {
  const seen = new Map<string, number>()
  logicalPlans.walk(p, (n) => {
    if (n.kind !== 'observe') return
    const other = seen.get(n.name)
    if (other !== undefined && other !== n.id)
      throw new SluiceError(
        'DUPLICATED_METRICS_NAME',
        `The metric name is not unique: ${n.name}. The same name cannot be used for metrics with different results (give each observe() of the query its own name).`,
      )
    seen.set(n.name, n.id)
  })
}

/** Analyzes an observe node; its output is its child's. */
export function analyzeObserve(analyzer: Analyzer, p: ObserveNode): AnalyzedPlan {
  if (p.name === '')
    throw invalid(
      'MISSING_NAME',
      'The observed metrics should be named: observe() got an empty name. Pass a name, or an Observation.',
    )
  for (const m of p.metrics) checkMetric(p.name, m, false)
  checkObservedMetricNames(p)
  const child = analyzer.analyze(p.child)
  const agg = analyzeAggregate(analyzer, [], p.metrics, child)
  if (agg.kind !== 'aggregate' || agg.child !== child)
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      `observe('${p.name}'): window() and session_window() cannot be used in observed metrics.`,
    )
  for (const r of agg.results) {
    const found = nonDeterministic(r)
    if (found !== undefined)
      throw invalid(
        'NON_AGGREGATE_FUNC_ARG_IS_NON_DETERMINISTIC',
        `Non-deterministic expression ${found.kind === 'call' ? found.sql : ''} can only be used as an argument to an aggregate function (in observe('${p.name}')).`,
      )
  }
  return {
    kind: 'observe',
    name: p.name,
    aggs: agg.aggs,
    results: agg.results,
    metrics: schemaOfAttributes(agg.output),
    observation: p.observation,
    child,
    output: child.output,
  }
}
