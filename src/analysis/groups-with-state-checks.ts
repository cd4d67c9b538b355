/**
 * Spark's UnsupportedOperationChecker rules for `[map|flatMap]GroupsWithState` on a stream, with
 * Spark's messages: mapGroupsWithState only in update output mode and without aggregations;
 * flatMapGroupsWithState's declared mode must match the query's when there is no aggregation, must
 * be append when there is one, and must come before it; event-time timeouts need a watermark; a
 * query has at most one mapGroupsWithState, does not mix it with flatMapGroupsWithState, and has
 * several flatMapGroupsWithState only all in append mode in an append-mode query.
 * Spark 4 has no such rule for `transformWithState` (checked in PySpark 4.3: any declared mode
 * runs in any query mode, and EventTime mode runs without a watermark, its watermark staying 0).
 */
import { SluiceError } from '../errors.ts'
import { type AnalyzedPlan, analyzedPlans, eventTimeColumn } from './analyzed-plan.ts'

type OutputMode = 'append' | 'update' | 'complete'

const sparkMode = (m: OutputMode): string => m[0].toUpperCase() + m.slice(1)

const refuse = (message: string): SluiceError => new SluiceError('UNSUPPORTED_OPERATION', message)

function isStreaming(p: AnalyzedPlan): boolean {
  return p.kind === 'streamingRelation' || analyzedPlans.children(p).some(isStreaming)
}

function countAggregates(plan: AnalyzedPlan): number {
  let n = 0
  analyzedPlans.walk(plan, (p) => {
    if (!isStreaming(p)) return false
    if (p.kind === 'aggregate') n++
  })
  return n
}

/** Throws UNSUPPORTED_OPERATION for the first `[map|flatMap]GroupsWithState` `plan` cannot run. */
export function checkGroupsWithState(plan: AnalyzedPlan, outputMode: OutputMode): void {
  checkSeveral(plan, outputMode)
  checkEventTimeTimeoutNotChained(plan)
  const aggs = countAggregates(plan)
  analyzedPlans.walk(plan, (p) => {
    if (!isStreaming(p)) return false
    if (p.kind === 'groupsWithState') checkOne(p, aggs, outputMode)
  })
}

/** Whether `p` is a streaming stateful operator (Spark's `isStatefulOperation`). */
function isStateful(p: AnalyzedPlan): boolean {
  if (!isStreaming(p)) return false
  switch (p.kind) {
    case 'aggregate':
    case 'groupsWithState':
    case 'transformWithState':
      return true
    case 'join':
      return isStreaming(p.left) && isStreaming(p.right)
    case 'deduplicate':
      return p.withinWatermark || p.keys.some((k) => p.child.output[k]?.eventTimeWatermark !== undefined)
    default:
      return false
  }
}

const CORRECTNESS =
  'Detected pattern of possible \'correctness\' issue due to global watermark. The query contains stateful operation which can emit rows older than the current watermark plus allowed late record delay, which are "late rows" in downstream stateful operations and these rows can be discarded. Please refer the programming guide doc for more details.'

/**
 * The `[map|flatMap]GroupsWithState` part of Spark's checkStreamingQueryGlobalWatermarkLimit: one
 * with an event-time timeout emits rows the global watermark may already have passed, so no
 * stateful operator may come after it. The aggregation part is `checkAggregationNotChained`.
 */
function checkEventTimeTimeoutNotChained(plan: AnalyzedPlan): void {
  analyzedPlans.walk(plan, (above) => {
    if (!isStateful(above)) return
    for (const child of analyzedPlans.children(above))
      analyzedPlans.walk(child, (p) => {
        if (!isStreaming(p)) return
        if (p.kind === 'groupsWithState' && p.spec.timeout === 'EventTimeTimeout')
          throw refuse(
            `${CORRECTNESS} Here a flatMapGroupsWithState with EventTimeTimeout is followed by another stateful operator; Sluice has no setting to disable this check.`,
          )
      })
  })
}

/**
 * The aggregation part of Spark's checkStreamingQueryGlobalWatermarkLimit, checked after every
 * per-operator rule (as Spark): in update or complete mode an aggregation's rows are not final, so
 * no stateful operator (isStateful) may come after it. Spark checks it by default
 * (`spark.sql.streaming.statefulOperator.checkCorrectness.enabled`); Sluice has no switch.
 */
export function checkAggregationNotChained(plan: AnalyzedPlan, outputMode: OutputMode): void {
  if (outputMode === 'append') return
  analyzedPlans.walk(plan, (above) => {
    if (!isStateful(above)) return
    for (const child of analyzedPlans.children(above))
      analyzedPlans.walk(child, (p) => {
        if (p.kind === 'aggregate' && isStreaming(p))
          throw refuse(
            `${CORRECTNESS} Here an aggregation in ${outputMode} output mode is followed by another stateful operator (its updated rows are not final): use append output mode with a watermark, or drop the later stateful operator. Sluice has no setting to disable this check.`,
          )
      })
  })
}

/** Spark's rules for several of them in one query: one mapGroupsWithState, not mixed, all-append flatMaps. */
function checkSeveral(plan: AnalyzedPlan, outputMode: OutputMode): void {
  const ops: Extract<AnalyzedPlan, { kind: 'groupsWithState' }>['spec'][] = []
  analyzedPlans.walk(plan, (p) => {
    if (!isStreaming(p)) return false
    if (p.kind === 'groupsWithState') ops.push(p.spec)
  })
  const maps = ops.filter((o) => o.isMapGroupsWithState).length
  const flatMaps = ops.filter((o) => !o.isMapGroupsWithState)
  if (maps >= 2)
    throw refuse('Multiple mapGroupsWithStates are not supported on a streaming DataFrames/Datasets')
  if (maps > 0 && flatMaps.length > 0)
    throw refuse(
      'Mixing mapGroupsWithStates and flatMapGroupsWithStates are not supported on a streaming DataFrames/Datasets',
    )
  if (flatMaps.length >= 2 && (outputMode !== 'append' || flatMaps.some((o) => o.outputMode !== 'append')))
    throw refuse(
      'Multiple flatMapGroupsWithStates are not supported when they are not all in append mode or the output mode is not append on a streaming DataFrames/Datasets',
    )
}

function checkOne(
  p: Extract<AnalyzedPlan, { kind: 'groupsWithState' }>,
  aggsInQuery: number,
  outputMode: OutputMode,
): void {
  const { spec } = p
  const mode = sparkMode(outputMode)
  if (spec.isMapGroupsWithState) {
    if (aggsInQuery > 0)
      throw refuse('mapGroupsWithState is not supported with aggregation on a streaming DataFrame/Dataset')
    if (outputMode !== 'update')
      throw refuse(
        `mapGroupsWithState is not supported with ${mode} output mode on a streaming DataFrame/Dataset`,
      )
  } else if (aggsInQuery === 0) {
    if (spec.outputMode !== outputMode)
      throw refuse(
        `flatMapGroupsWithState in ${spec.outputMode} mode is not supported with ${mode} output mode on a streaming DataFrame/Dataset`,
      )
  } else if (spec.outputMode === 'update') {
    throw refuse(
      'flatMapGroupsWithState in update mode is not supported with aggregation on a streaming DataFrame/Dataset',
    )
  } else if (countAggregates(p) > 0) {
    throw refuse(
      'flatMapGroupsWithState in append mode is not supported after aggregation on a streaming DataFrame/Dataset',
    )
  }
  if (spec.timeout === 'EventTimeTimeout' && eventTimeColumn(p.child.output) < 0)
    throw refuse(
      "Watermark must be specified in the query using '[Dataset/DataFrame].withWatermark()' for using event-time timeout in a [map|flatMap]GroupsWithState. Event-time timeout not supported without watermark.",
    )
}
