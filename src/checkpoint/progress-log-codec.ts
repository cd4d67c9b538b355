/**
 * `C/progress/<batchId>`: the progress report of batch N (Spark's StreamingQueryProgress JSON), kept
 * for the last N batches (`sluice.sql.streaming.numRecentProgressUpdates`, default 100) so that
 * `sluice ui --checkpoint C` can show a finished query's history, as Spark's history server reads
 * event logs.
 *
 * Format, version 2 (the lines below, then the `crc32:` checksum line of versioned-file.ts):
 * ```
 * v2
 * {"id":"5f0c...","runId":"9a1e...","name":"clicks","timestamp":"2026-01-01T00:00:00.000Z","batchId":7,...}
 * ```
 * The JSON line is the batch's `progress.json`: Spark's field names, NaN and infinite rates left
 * out, empty maps left out (`eventTime`, `observedMetrics`, ...).
 *
 * Invariant: progress/N is written atomically, once, after commits/N (a batch without a commit has
 * no progress; a crash between the two leaves the batch without one, which only the UI misses).
 * Only the last N batches' files are kept: older ones are deleted after each write. Nothing in
 * recovery reads them.
 *
 * Versions: v2 (Sluice 0.2) is the first, written straight with the envelope's checksum line;
 * there is no v1.
 */
import {
  expectLineCount,
  type FileCodec,
  FormatProblem,
  parseJsonLine,
  requireInteger,
  requireObject,
  requireString,
} from './versioned-file.ts'

/** One batch's progress as its JSON object (at least `id`, `runId` and `batchId`). */
export type ProgressLogEntry = Readonly<Record<string, unknown>> & {
  readonly id: string
  readonly runId: string
  readonly batchId: number
}

/**
 * Reads and writes progress files (format in this file's header).
 *
 * @example
 * new FileMetadataLog(fs, progressDir('/ckpt'), progressLogCodec)
 */
export const progressLogCodec: FileCodec<ProgressLogEntry> = Object.freeze({
  version: 2,
  encode(e: ProgressLogEntry): readonly string[] {
    return [JSON.stringify(e)]
  },
  decode(lines: readonly string[], context: { readonly batchId?: number }): ProgressLogEntry {
    const what = 'the progress'
    expectLineCount(lines, 1, what)
    const obj = requireObject(parseJsonLine(lines, 0, what), what)
    requireString(obj, 'id', what)
    requireString(obj, 'runId', what)
    const batchId = requireInteger(obj, 'batchId', what)
    if (context.batchId !== undefined && batchId !== context.batchId)
      throw new FormatProblem(
        `${what} is of batch ${batchId}, but the file is named for batch ${context.batchId}`,
      )
    return Object.freeze(obj) as ProgressLogEntry
  },
})
