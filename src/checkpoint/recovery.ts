/**
 * What a query does when it starts on a checkpoint: a pure function of what is on disk (Spark's
 * `MicroBatchExecution.populateStartOffsets`).
 *
 * | on disk (N = latest offsets id)            | decision                                            |
 * |--------------------------------------------|-----------------------------------------------------|
 * | no offsets, no commits                     | fresh: batch 0 from the sources' initial offsets    |
 * | offsets N, latest commit N - 1 (or none, N = 0) | rerun N: start = offsets N-1 (none for 0), end = offsets N |
 * | offsets N, latest commit < N - 1, or none   | rerun N, as Spark (commits purged or removed by hand) |
 * | offsets N, commit N                        | next: batch N+1 with start = offsets N              |
 * | anything else                              | CHECKPOINT_CORRUPT                                   |
 *
 * "Anything else": commits without offsets, a commit newer than the latest offsets, gaps inside
 * either log, offsets N-1 missing when N must be rerun, or an entry whose batch id is not its
 * file's. Spark ignores commits without offsets; Sluice refuses them, since this protocol cannot
 * produce them. A lagging commit Spark only warns about, and so does not Sluice refuse it.
 *
 * On a rerun the logged entry is reused as is (same end offsets, batch timestamp and watermark), so
 * the rerun reads and computes exactly what the first run did. On "next" the watermark is the larger
 * of offsets N's and commit N's `nextBatchWatermarkMs`, as in Spark.
 */
import { checkpointIncompatible, checkpointInconsistent } from './checkpoint-errors.ts'
import type { CommitLogEntry } from './commit-log-codec.ts'
import { missingBatchIds } from './file-metadata-log.ts'
import type { OffsetLogEntry, SourceOffsets } from './offset-log-codec.ts'

export interface RecoveryInput {
  /** The checkpoint, for messages. */
  readonly checkpoint: string
  /** Batch ids in the offsets log, ascending. */
  readonly offsetBatchIds: readonly number[]
  /** Batch ids in the commits log, ascending. */
  readonly commitBatchIds: readonly number[]
  /** The entry of the latest offsets batch id, when there is one. */
  readonly latestOffsets?: OffsetLogEntry
  /** The entry of the batch before the latest offsets batch id, when present. */
  readonly previousOffsets?: OffsetLogEntry
  /** The entry of the latest commit batch id, when there is one. */
  readonly latestCommit?: CommitLogEntry
  /** The query's source ids now; when given, they must be the ones the checkpoint recorded. */
  readonly currentSourceIds?: readonly string[]
}

export type RecoveryDecision =
  | { readonly kind: 'fresh'; readonly batchId: 0 }
  | {
      readonly kind: 'rerun'
      readonly batchId: number
      /** Where the batch starts: offsets N-1; undefined for batch 0 (the sources' initial offsets). */
      readonly startOffsets: SourceOffsets | undefined
      /** The logged entry to run again, unchanged: end offsets, timestamp, watermark. */
      readonly entry: OffsetLogEntry
      /** The watermark batch N-1 ran with (0 for batch 0): late rows are judged by it. */
      readonly previousWatermarkMs: number
    }
  | {
      readonly kind: 'next'
      readonly batchId: number
      /** Where the new batch starts: the previous batch's end offsets. */
      readonly startOffsets: SourceOffsets
      /** The last logged (and committed) entry. */
      readonly previous: OffsetLogEntry
      /** The watermark the new batch runs with. */
      readonly watermarkMs: number
    }

function checkContiguous(checkpoint: string, log: string, ids: readonly number[]): void {
  if (ids.length === 0) return
  const missing = missingBatchIds(ids, ids[0], ids[ids.length - 1])
  if (missing.length > 0) {
    const shown = missing.length > 10 ? `${missing.slice(0, 10).join(', ')}, ...` : missing.join(', ')
    throw checkpointInconsistent(
      checkpoint,
      `${log}/ has batches ${ids[0]} to ${ids[ids.length - 1]} but not ${shown}`,
    )
  }
}

function required<T>(value: T | undefined, checkpoint: string, what: string): T {
  if (value === undefined) throw checkpointInconsistent(checkpoint, `${what} is missing`)
  return value
}

function checkSources(checkpoint: string, entry: OffsetLogEntry, current: readonly string[]): void {
  const logged = Object.keys(entry.offsets)
  const added = current.filter((id) => !(id in entry.offsets))
  const removed = logged.filter((id) => !current.includes(id))
  if (added.length === 0 && removed.length === 0) return
  const parts = [
    added.length > 0 ? `new source(s) ${added.map((s) => `'${s}'`).join(', ')}` : '',
    removed.length > 0 ? `source(s) ${removed.map((s) => `'${s}'`).join(', ')} no longer in the query` : '',
  ].filter((p) => p !== '')
  throw checkpointIncompatible(
    checkpoint,
    `batch ${entry.batchId} recorded sources ${logged.map((s) => `'${s}'`).join(', ') || '(none)'}; the query has ${parts.join(' and ')}`,
    'Adding or removing sources is not allowed on an existing checkpoint (as in Spark): restore the ' +
      'query’s sources, or start it with a new checkpoint location.',
  )
}

/**
 * Decides where a query resumes. Throws CHECKPOINT_CORRUPT when the checkpoint cannot have been
 * written by the batch protocol, CHECKPOINT_INCOMPATIBLE when `currentSourceIds` do not match.
 *
 * @example
 * decideRecovery({ checkpoint: '/ckpt', offsetBatchIds: [0, 1], commitBatchIds: [0],
 *   latestOffsets: offsets1, previousOffsets: offsets0, latestCommit: commit0 })
 * // { kind: 'rerun', batchId: 1, startOffsets: offsets0.offsets, entry: offsets1 }
 */
export function decideRecovery(input: RecoveryInput): RecoveryDecision {
  const { checkpoint, offsetBatchIds: offsetIds, commitBatchIds: commitIds } = input
  checkContiguous(checkpoint, 'offsets', offsetIds)
  checkContiguous(checkpoint, 'commits', commitIds)
  const latestCommitId = commitIds.length > 0 ? commitIds[commitIds.length - 1] : undefined
  if (offsetIds.length === 0) {
    if (latestCommitId !== undefined) {
      throw checkpointInconsistent(checkpoint, `commits/${latestCommitId} exists but offsets/ is empty`)
    }
    return Object.freeze({ kind: 'fresh', batchId: 0 })
  }
  const n = offsetIds[offsetIds.length - 1]
  const latest = required(input.latestOffsets, checkpoint, `the entry of offsets/${n}`)
  checkEntryId(checkpoint, latest, n)
  if (input.currentSourceIds !== undefined) checkSources(checkpoint, latest, input.currentSourceIds)
  if (latestCommitId !== undefined && latestCommitId > n) {
    throw checkpointInconsistent(
      checkpoint,
      `commits/${latestCommitId} exists but offsets/${latestCommitId} does not`,
    )
  }
  if (latestCommitId === n) {
    const commit = required(input.latestCommit, checkpoint, `the entry of commits/${n}`)
    const watermarkMs = Math.max(latest.batchWatermarkMs, commit.nextBatchWatermarkMs)
    return Object.freeze({
      kind: 'next',
      batchId: n + 1,
      startOffsets: latest.offsets,
      previous: latest,
      watermarkMs,
    })
  }
  // NOTE: a latest commit more than one batch behind, or none at all, reruns batch N as Spark does
  // (its populateStartOffsets logs a warning): the commits after it were purged or removed by
  // hand, and offsets N-1 still says where batch N starts. Its state is checked when it is loaded.
  if (n === 0)
    return Object.freeze({
      kind: 'rerun',
      batchId: 0,
      startOffsets: undefined,
      entry: latest,
      previousWatermarkMs: 0,
    })
  const previous = required(input.previousOffsets, checkpoint, `offsets/${n - 1}, where batch ${n} starts,`)
  checkEntryId(checkpoint, previous, n - 1)
  return Object.freeze({
    kind: 'rerun',
    batchId: n,
    startOffsets: previous.offsets,
    entry: latest,
    previousWatermarkMs: previous.batchWatermarkMs,
  })
}

function checkEntryId(checkpoint: string, entry: OffsetLogEntry, batchId: number): void {
  if (entry.batchId !== batchId) {
    throw checkpointInconsistent(checkpoint, `offsets/${batchId} records batch ${entry.batchId}`)
  }
}
