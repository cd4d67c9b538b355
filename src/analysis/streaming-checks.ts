/**
 * Spark's unsupported-operation checks for streaming queries (UnsupportedOperationChecker), run at
 * `start()` so a query that cannot run fails before it reads anything, with a message naming the
 * operation and what to do (joins of two streams: stream-join-checks.ts). Streaming limit is not
 * built yet and is rejected with a message that says so.
 */
import { SluiceError } from '../errors.ts'
import { type AnalyzedPlan, analyzedPlans, eventTimeColumn } from './analyzed-plan.ts'
import { checkAggregationNotChained, checkGroupsWithState } from './groups-with-state-checks.ts'
import { checkStreamStreamJoin } from './stream-join-checks.ts'

export type StreamingOutputMode = 'append' | 'update' | 'complete'

export function isStreamingAnalyzed(p: AnalyzedPlan): boolean {
  if (p.kind === 'streamingRelation') return true
  return analyzedPlans.children(p).some(isStreamingAnalyzed)
}

const unsupported = (message: string): SluiceError => new SluiceError('UNSUPPORTED_OPERATION', message)

/** Throws UNSUPPORTED_OPERATION for the first operation of `plan` that cannot run as a stream. */
export function checkStreamingPlan(plan: AnalyzedPlan, outputMode: StreamingOutputMode): void {
  if (!isStreamingAnalyzed(plan)) {
    throw unsupported(
      'writeStream can only be used on a streaming DataFrame (one read with readStream); use write for batch data.',
    )
  }
  visit(plan, outputMode)
  const aggregates = streamingAggregates(plan)
  if (aggregates.length > 1 && outputMode !== 'append') {
    throw unsupported(
      `Multiple streaming aggregations are only supported in append output mode (this query has ${aggregates.length} and uses ${outputMode}); each needs a watermark so its output is final.`,
    )
  }
  if (outputMode === 'append') {
    for (const a of aggregates) {
      if (!hasEventTimeKey(a)) {
        throw unsupported(
          'Append output mode not supported when there are streaming aggregations on streaming DataFrames without watermark: group by the watermarked event-time column or a window of it (withWatermark first), or use update or complete output mode.',
        )
      }
    }
  }
  if (outputMode === 'complete' && aggregates.length === 0) {
    throw unsupported(
      'Complete output mode not supported when there are no streaming aggregations on streaming DataFrames; use append or update.',
    )
  }
  checkGroupsWithState(plan, outputMode)
  checkAggregationNotChained(plan, outputMode)
}

function visit(p: AnalyzedPlan, mode: StreamingOutputMode): void {
  if (!isStreamingAnalyzed(p)) return
  switch (p.kind) {
    case 'deduplicate':
      if (p.withinWatermark && eventTimeColumn(p.child.output) < 0) {
        throw unsupported(
          'dropDuplicatesWithinWatermark is not supported on streaming DataFrames without a watermark: call withWatermark(eventTimeColumn, delay) before it.',
        )
      }
      break
    case 'sort':
      if (mode !== 'complete' || streamingAggregates(p.child).length === 0) {
        throw unsupported(
          'Sorting is not supported on streaming DataFrames, unless it is on an aggregated DataFrame in complete output mode.',
        )
      }
      break
    case 'sessionize':
      if (p.keys.length === 0) {
        throw unsupported(
          'Global aggregation with session window in streaming query is not supported: group by session_window(...) and at least one other column (Spark refuses it too).',
        )
      }
      if (mode === 'update') {
        throw unsupported(
          'Update output mode is not supported for a session window aggregation on a stream (a session can still merge with a later one, so an updated row is not final); use append or complete.',
        )
      }
      break
    case 'limit':
      throw unsupported(
        `limit() on a stream (${mode} output mode) is not supported by this version of Sluice; apply it in foreachBatch instead.`,
      )
    case 'join':
      checkJoin(p, mode)
      break
  }
  for (const c of analyzedPlans.children(p)) visit(c, mode)
}

/** The streaming aggregations of a plan (aggregates over a stream, not over static data). */
function streamingAggregates(plan: AnalyzedPlan): AnalyzedPlan[] {
  const out: AnalyzedPlan[] = []
  analyzedPlans.walk(plan, (p) => {
    if (!isStreamingAnalyzed(p)) return false
    if (p.kind === 'aggregate') out.push(p)
  })
  return out
}

/** Whether an aggregation groups by a watermarked event-time column (or a window of one). */
function hasEventTimeKey(a: AnalyzedPlan): boolean {
  if (a.kind !== 'aggregate') return false
  return a.groupBy.some((k) => k.kind === 'ref' && a.child.output[k.ordinal].eventTimeWatermark !== undefined)
}

function checkJoin(p: Extract<AnalyzedPlan, { kind: 'join' }>, mode: StreamingOutputMode): void {
  const left = isStreamingAnalyzed(p.left)
  const right = isStreamingAnalyzed(p.right)
  if (left && right) {
    checkStreamStreamJoin(p, mode)
    return
  }
  const ok =
    p.joinType === 'inner' ||
    p.joinType === 'cross' ||
    (left && (p.joinType === 'left' || p.joinType === 'left_semi' || p.joinType === 'left_anti')) ||
    (right && p.joinType === 'right')
  if (!ok) {
    throw unsupported(
      `A ${p.joinType} join with a streaming DataFrame on the ${left ? 'left' : 'right'} and a static one on the ${left ? 'right' : 'left'} is not supported: the static side's unmatched rows would never be final.`,
    )
  }
}
