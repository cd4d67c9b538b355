/**
 * How much of the offsets and commits logs to keep (Spark's `spark.sql.streaming.minBatchesToRetain`,
 * default 100). As in Spark's MicroBatchExecution, once offsets/N is written every entry below
 * `N - minBatchesToRetain` may go, from both logs: the last `minBatchesToRetain` batches stay
 * recoverable, plus batch N itself.
 */
import { invalidArgument } from '../errors.ts'
import type { CommitLogEntry } from './commit-log-codec.ts'
import type { FileMetadataLog } from './file-metadata-log.ts'
import type { OffsetLogEntry } from './offset-log-codec.ts'

/** Spark's default for `spark.sql.streaming.minBatchesToRetain`. */
export const DEFAULT_MIN_BATCHES_TO_RETAIN = 100

export interface RetentionPlan {
  /** Entries below this batch id may be deleted; undefined when nothing may be. */
  readonly thresholdBatchId: number | undefined
  readonly offsetsToPurge: readonly number[]
  readonly commitsToPurge: readonly number[]
}

function checkMinBatches(minBatchesToRetain: number): void {
  if (!Number.isSafeInteger(minBatchesToRetain) || minBatchesToRetain < 1) {
    throw invalidArgument(
      `minBatchesToRetain must be an integer >= 1 (Spark's spark.sql.streaming.minBatchesToRetain), got ${minBatchesToRetain}.`,
    )
  }
}

/**
 * Which entries may be purged, given the batch ids present in each log. The current batch is the
 * latest id in the offsets log.
 *
 * @example
 * computeRetention([0, 1, 2, 3, 4], [0, 1, 2, 3], 2)
 * // { thresholdBatchId: 2, offsetsToPurge: [0, 1], commitsToPurge: [0, 1] }
 */
export function computeRetention(
  offsetBatchIds: readonly number[],
  commitBatchIds: readonly number[],
  minBatchesToRetain: number = DEFAULT_MIN_BATCHES_TO_RETAIN,
): RetentionPlan {
  checkMinBatches(minBatchesToRetain)
  const current = offsetBatchIds.reduce((a, b) => Math.max(a, b), -1)
  // Spark: `if (minLogEntriesToMaintain < currentBatchId) purge(currentBatchId - minLogEntriesToMaintain)`.
  const threshold = minBatchesToRetain < current ? current - minBatchesToRetain : undefined
  const below = (ids: readonly number[]) =>
    threshold === undefined ? [] : ids.filter((id) => id < threshold).sort((a, b) => a - b)
  return Object.freeze({
    thresholdBatchId: threshold,
    offsetsToPurge: Object.freeze(below(offsetBatchIds)),
    commitsToPurge: Object.freeze(below(commitBatchIds)),
  })
}

/**
 * Applies computeRetention to the two logs: offsets first, then commits, each lowest id first, as
 * Spark does; a crash part-way leaves both logs contiguous.
 *
 * @example
 * await applyRetention(checkpoint.offsets, checkpoint.commits, 100)
 */
export async function applyRetention(
  offsets: FileMetadataLog<OffsetLogEntry>,
  commits: FileMetadataLog<CommitLogEntry>,
  minBatchesToRetain: number = DEFAULT_MIN_BATCHES_TO_RETAIN,
): Promise<RetentionPlan> {
  const plan = computeRetention(
    await offsets.listBatchIds(),
    await commits.listBatchIds(),
    minBatchesToRetain,
  )
  if (plan.thresholdBatchId !== undefined) {
    await offsets.purge(plan.thresholdBatchId)
    await commits.purge(plan.thresholdBatchId)
  }
  return plan
}
