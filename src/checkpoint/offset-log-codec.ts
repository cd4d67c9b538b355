/**
 * `C/offsets/<batchId>`: the write-ahead record of one batch (Spark's OffsetSeq, an OffsetLogEntry here).
 *
 * Format, version 2 (the lines below, then the `crc32:` checksum line):
 * ```
 * v2
 * {"batchId":3,"batchTimestampMs":1700000000000,"batchWatermarkMs":0,"conf":{"sluice.sql.shuffle.partitions":"8"}}
 * {"sourceId":"bids","offset":"{\"bids\":{\"0\":42}}"}
 * {"sourceId":"rate-1","offset":null}
 * ```
 * - line 2, the batch metadata: Spark's OffsetSeqMetadata (`batchTimestampMs`, `batchWatermarkMs`,
 *   `conf` = the confs that must not change across restarts) plus `batchId`, which must equal the file
 *   name so a copied or renamed file is caught, and (from v2, optional) `queryId`, the id in
 *   `C/metadata` when the batch was planned, so a `metadata` file of another query is caught.
 * - lines 3..: one line per source, sorted by source id: the source's serialized end offset for this
 *   batch, or null when it has none yet (Spark writes `-`). Spark keys offsets by the source's position
 *   in the plan; Sluice keys them by a stable source id, so reordering sources cannot mix them up.
 *
 * Invariant: offsets/N is written, atomically and never overwritten, before batch N reads any data;
 * batch N is done once commits/N exists. A rerun of N reads exactly the range this file names.
 *
 * Versions: v1 (Sluice 0.1), the first, still read; v2 (Sluice 0.2): v1 plus a `crc32:` checksum line (versioned-file.ts); a changed byte is CHECKPOINT_CORRUPT.
 */
import { invalidArgument } from '../errors.ts'
import { checkSourceId } from './layout.ts'
import {
  type DecodeContext,
  type FileCodec,
  FormatProblem,
  parseJsonLine,
  requireInteger,
  requireObject,
  requireString,
  requireStringRecord,
  sortedRecord,
} from './versioned-file.ts'

/** Each source's serialized offset, keyed by source id; null when the source has no offset yet. */
export type SourceOffsets = Readonly<Record<string, string | null>>

export interface OffsetLogEntry {
  readonly batchId: number
  /** The batch's processing time (what current_timestamp() returns in it), epoch ms. */
  readonly batchTimestampMs: number
  /** The event-time watermark the batch runs with, epoch ms. */
  readonly batchWatermarkMs: number
  /** Confs that must not change across restarts, recorded with every batch. */
  readonly conf: Readonly<Record<string, string>>
  /** Each source's end offset for this batch. */
  readonly offsets: SourceOffsets
  /** The query id (`C/metadata`) that planned the batch; absent in v1 files. */
  readonly queryId?: string
}

function freezeEntry(e: OffsetLogEntry): OffsetLogEntry {
  return Object.freeze({
    batchId: e.batchId,
    batchTimestampMs: e.batchTimestampMs,
    batchWatermarkMs: e.batchWatermarkMs,
    conf: Object.freeze(sortedRecord(e.conf)),
    offsets: Object.freeze(sortedRecord(e.offsets)),
    ...(e.queryId === undefined ? {} : { queryId: e.queryId }),
  })
}

/**
 * A validated, frozen offsets log entry.
 *
 * @example
 * offsetLogEntry({ batchId: 0, batchTimestampMs: 1000, batchWatermarkMs: 0, conf: {}, offsets: { rate: '5' } })
 */
export function offsetLogEntry(fields: OffsetLogEntry): OffsetLogEntry {
  for (const key of ['batchId', 'batchTimestampMs', 'batchWatermarkMs'] as const) {
    const v = fields[key]
    if (!Number.isSafeInteger(v) || (key === 'batchId' && v < 0)) {
      throw invalidArgument(
        `An offsets log entry's ${key} must be an integer${key === 'batchId' ? ' >= 0' : ''}, got ${v}.`,
      )
    }
  }
  for (const [k, v] of Object.entries(fields.conf)) {
    if (typeof v !== 'string') throw invalidArgument(`An offsets log entry's conf '${k}' must be a string.`)
  }
  for (const [id, offset] of Object.entries(fields.offsets)) {
    checkSourceId(id)
    if (offset !== null && typeof offset !== 'string') {
      throw invalidArgument(`Source '${id}' has offset ${String(offset)}; an offset is a string or null.`)
    }
  }
  return freezeEntry(fields)
}

function decodeOffsetLine(line: unknown, index: number): [string, string | null] {
  const what = `source offset line ${index + 2}`
  const obj = requireObject(line, what)
  const id = obj.sourceId
  if (typeof id !== 'string' || id.length === 0) {
    throw new FormatProblem(`${what} should have a non-empty string 'sourceId'`)
  }
  const offset = obj.offset
  if (offset !== null && typeof offset !== 'string') {
    throw new FormatProblem(`${what} (source '${id}') should have a string or null 'offset'`)
  }
  return [id, offset]
}

function decode(lines: readonly string[], context: DecodeContext): OffsetLogEntry {
  const meta = requireObject(parseJsonLine(lines, 0, 'the batch metadata'), 'the batch metadata')
  const batchId = requireInteger(meta, 'batchId', 'the batch metadata')
  if (context.batchId !== undefined && batchId !== context.batchId) {
    throw new FormatProblem(`it records batch ${batchId} but its file name says batch ${context.batchId}`)
  }
  const offsets = new Map<string, string | null>()
  for (let i = 1; i < lines.length; i++) {
    const [id, offset] = decodeOffsetLine(parseJsonLine(lines, i, `source offset`), i)
    if (offsets.has(id)) throw new FormatProblem(`source '${id}' appears twice`)
    offsets.set(id, offset)
  }
  const queryId =
    meta.queryId === undefined ? undefined : requireString(meta, 'queryId', 'the batch metadata')
  return freezeEntry({
    ...(queryId === undefined ? {} : { queryId }),
    batchId,
    batchTimestampMs: requireInteger(meta, 'batchTimestampMs', 'the batch metadata'),
    batchWatermarkMs: requireInteger(meta, 'batchWatermarkMs', 'the batch metadata'),
    conf: requireStringRecord(meta, 'conf', 'the batch metadata'),
    offsets: Object.fromEntries(offsets),
  })
}

/**
 * Reads and writes offsets log files (format in this file's header).
 *
 * @example
 * new FileMetadataLog(fs, offsetsDir('/ckpt'), offsetLogCodec)
 */
export const offsetLogCodec: FileCodec<OffsetLogEntry> = Object.freeze({
  version: 2,
  encode(e: OffsetLogEntry): readonly string[] {
    const meta = {
      batchId: e.batchId,
      batchTimestampMs: e.batchTimestampMs,
      batchWatermarkMs: e.batchWatermarkMs,
      conf: sortedRecord(e.conf),
      ...(e.queryId === undefined ? {} : { queryId: e.queryId }),
    }
    const sources = Object.keys(e.offsets)
      .sort()
      .map((id) => JSON.stringify({ sourceId: id, offset: e.offsets[id] }))
    return [JSON.stringify(meta), ...sources]
  },
  decode,
})
