/**
 * `C/commits/<batchId>`: the mark that batch N finished (Spark's CommitLog / CommitMetadata).
 *
 * Format, version 2 (the lines below, then the `crc32:` checksum line):
 * ```
 * v2
 * {"nextBatchWatermarkMs":5000}
 * ```
 * `nextBatchWatermarkMs` is the event-time watermark computed while running batch N, which batch N+1
 * runs with (on restart the next batch takes the larger of it and offsets/N's `batchWatermarkMs`, as
 * Spark does). Spark reads a missing metadata line as `{}` (watermark 0); Sluice always writes the
 * line and treats a missing one as a truncated file.
 *
 * Invariant: commits/N is written, atomically and never overwritten, only after batch N's output and
 * state are committed, and only when offsets/N exists. A batch is done exactly when this file exists.
 *
 * Versions: v1 (Sluice 0.1), the first, still read; v2 (Sluice 0.2): v1 plus a `crc32:` checksum line (versioned-file.ts); a changed byte is CHECKPOINT_CORRUPT.
 */
import { invalidArgument } from '../errors.ts'
import {
  expectLineCount,
  type FileCodec,
  parseJsonLine,
  requireInteger,
  requireObject,
} from './versioned-file.ts'

export interface CommitLogEntry {
  /** The watermark batch N+1 runs with, epoch ms. */
  readonly nextBatchWatermarkMs: number
}

/**
 * A validated, frozen commit log entry.
 *
 * @example
 * commitLogEntry({ nextBatchWatermarkMs: 5000 })
 */
export function commitLogEntry(fields: CommitLogEntry): CommitLogEntry {
  if (!Number.isSafeInteger(fields.nextBatchWatermarkMs)) {
    throw invalidArgument(
      `A commit log entry's nextBatchWatermarkMs must be an integer, got ${fields.nextBatchWatermarkMs}.`,
    )
  }
  return Object.freeze({ nextBatchWatermarkMs: fields.nextBatchWatermarkMs })
}

/**
 * Reads and writes commit log files (format in this file's header).
 *
 * @example
 * new FileMetadataLog(fs, commitsDir('/ckpt'), commitLogCodec)
 */
export const commitLogCodec: FileCodec<CommitLogEntry> = Object.freeze({
  version: 2,
  encode(e: CommitLogEntry): readonly string[] {
    return [JSON.stringify({ nextBatchWatermarkMs: e.nextBatchWatermarkMs })]
  },
  decode(lines: readonly string[]): CommitLogEntry {
    const what = 'the commit metadata'
    expectLineCount(lines, 1, what)
    const obj = requireObject(parseJsonLine(lines, 0, what), what)
    return Object.freeze({ nextBatchWatermarkMs: requireInteger(obj, 'nextBatchWatermarkMs', what) })
  },
})
