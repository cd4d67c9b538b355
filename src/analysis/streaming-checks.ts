/**
 * Spark's unsupported-operation checks for streaming queries, run at `start()` so a query that
 * cannot run fails before it reads anything, with a message naming the operation. Stateful
 * operators (aggregation, deduplication, stream-stream joins) need the state store, which this
 * version does not have yet; they are rejected here with a message that says so.
 */
import { SluiceError } from '../errors.ts'
import type { AnalyzedPlan } from './analyzed-plan.ts'

export type StreamingOutputMode = 'append' | 'update' | 'complete'

export function isStreamingAnalyzed(p: AnalyzedPlan): boolean {
  if (p.kind === 'streamingRelation') return true
  if (p.kind === 'localRelation') return false
  if (p.kind === 'union' || p.kind === 'join')
    return isStreamingAnalyzed(p.left) || isStreamingAnalyzed(p.right)
  return isStreamingAnalyzed(p.child)
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
  if (outputMode === 'complete') {
    throw unsupported(
      'Complete output mode not supported when there are no streaming aggregations on streaming DataFrames; use append or update.',
    )
  }
}

function visit(p: AnalyzedPlan, mode: StreamingOutputMode): void {
  if (!isStreamingAnalyzed(p)) return
  switch (p.kind) {
    case 'aggregate':
      throw unsupported(
        'Streaming aggregation (groupBy().agg() on a stream) needs the state store, which this version of Sluice does not have yet.',
      )
    case 'deduplicate':
      throw unsupported(
        'distinct()/dropDuplicates() on a stream needs the state store, which this version of Sluice does not have yet.',
      )
    case 'sort':
      throw unsupported(
        'Sorting is not supported on streaming DataFrames, unless it is on an aggregated DataFrame in complete output mode.',
      )
    case 'limit':
      throw unsupported(
        `limit() on a stream (${mode} output mode) needs the state store, which this version of Sluice does not have yet.`,
      )
    case 'join':
      checkJoin(p)
      break
  }
  if (p.kind === 'union' || p.kind === 'join') {
    visit(p.left, mode)
    visit(p.right, mode)
  } else if (p.kind !== 'localRelation' && p.kind !== 'streamingRelation') {
    visit(p.child, mode)
  }
}

function checkJoin(p: Extract<AnalyzedPlan, { kind: 'join' }>): void {
  const left = isStreamingAnalyzed(p.left)
  const right = isStreamingAnalyzed(p.right)
  if (left && right) {
    throw unsupported(
      'Stream-stream joins need the state store, which this version of Sluice does not have yet.',
    )
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
