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
 * line and treats a missing one as a truncated file. Beyond Spark, `sideOutputs` (left out when
 * empty) lists the side outputs (`dead-letter/bad`, `late/late-events`) batch N wrote an entry to,
 * so a deleted entry of a committed batch is CHECKPOINT_CORRUPT rather than "it had no rows":
 * `{"nextBatchWatermarkMs":5000,"sideOutputs":["dead-letter/bad"]}`. Commits without the field
 * (written before it) say nothing about side outputs; Spark and older Sluice ignore it.
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
  FormatProblem,
  parseJsonLine,
  requireInteger,
  requireObject,
} from './versioned-file.ts'

export interface CommitLogEntry {
  /** The watermark batch N+1 runs with, epoch ms. */
  readonly nextBatchWatermarkMs: number
  /** The side outputs (`<kind>/<name>`) batch N wrote an entry to (absent: unknown, or none). */
  readonly sideOutputs?: readonly string[]
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
  const { sideOutputs } = fields
  return Object.freeze({
    nextBatchWatermarkMs: fields.nextBatchWatermarkMs,
    ...(sideOutputs === undefined || sideOutputs.length === 0
      ? {}
      : { sideOutputs: Object.freeze([...sideOutputs].sort()) }),
  })
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
    const sideOutputs =
      e.sideOutputs === undefined || e.sideOutputs.length === 0 ? {} : { sideOutputs: e.sideOutputs }
    return [JSON.stringify({ nextBatchWatermarkMs: e.nextBatchWatermarkMs, ...sideOutputs })]
  },
  decode(lines: readonly string[]): CommitLogEntry {
    const what = 'the commit metadata'
    expectLineCount(lines, 1, what)
    const obj = requireObject(parseJsonLine(lines, 0, what), what)
    const { sideOutputs } = obj
    if (
      sideOutputs !== undefined &&
      !(Array.isArray(sideOutputs) && sideOutputs.every((s) => typeof s === 'string'))
    )
      throw new FormatProblem(`${what} field 'sideOutputs' should be a list of strings`)
    return commitLogEntry({
      nextBatchWatermarkMs: requireInteger(obj, 'nextBatchWatermarkMs', what),
      ...(sideOutputs === undefined ? {} : { sideOutputs: sideOutputs as string[] }),
    })
  },
})
