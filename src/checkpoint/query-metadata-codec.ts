/**
 * `C/metadata`: who the query is (Spark's StreamMetadata), written once, at the query's first start.
 *
 * Format, version 2 (the lines below, then the `crc32:` checksum line):
 * ```
 * v2
 * {"id":"6f1c1a52-3f0e-4d5e-9a51-2f0c8b8d1e77","createdAtMs":1700000000000,"conf":{"sluice.sql.shuffle.partitions":"8"}}
 * ```
 * `id` is the query id, stable across restarts (a new run gets a new run id, not a new query id);
 * `conf` holds the confs fixed at the first start (checked on every restart). Spark's file is the
 * bare JSON `{"id":"..."}`; Sluice adds the version line every checkpoint file has, the creation time
 * and the fixed confs.
 *
 * Invariant: created exclusively (the first writer wins; a racing second start reads the winner's)
 * and never rewritten.
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
  requireString,
  requireStringRecord,
  sortedRecord,
} from './versioned-file.ts'

export interface QueryMetadata {
  /** The query id: a UUID, stable across restarts. */
  readonly id: string
  readonly createdAtMs: number
  /** Confs fixed at the first start. */
  readonly conf: Readonly<Record<string, string>>
}

/**
 * A validated, frozen query metadata value.
 *
 * @example
 * queryMetadata({ id: crypto.randomUUID(), createdAtMs: clock.now(), conf: {} })
 */
export function queryMetadata(fields: QueryMetadata): QueryMetadata {
  if (typeof fields.id !== 'string' || fields.id.length === 0) {
    throw invalidArgument('A query id must be a non-empty string.')
  }
  if (!Number.isSafeInteger(fields.createdAtMs)) {
    throw invalidArgument(`A query's createdAtMs must be an integer, got ${fields.createdAtMs}.`)
  }
  for (const [k, v] of Object.entries(fields.conf)) {
    if (typeof v !== 'string') throw invalidArgument(`The query conf '${k}' must be a string.`)
  }
  return Object.freeze({
    id: fields.id,
    createdAtMs: fields.createdAtMs,
    conf: Object.freeze(sortedRecord(fields.conf)),
  })
}

/**
 * Reads and writes `C/metadata` (format in this file's header).
 *
 * @example
 * encodeVersionedFile(queryMetadataCodec, meta)
 */
export const queryMetadataCodec: FileCodec<QueryMetadata> = Object.freeze({
  version: 2,
  encode(m: QueryMetadata): readonly string[] {
    return [JSON.stringify({ id: m.id, createdAtMs: m.createdAtMs, conf: sortedRecord(m.conf) })]
  },
  decode(lines: readonly string[]): QueryMetadata {
    const what = 'the query metadata'
    expectLineCount(lines, 1, what)
    const obj = requireObject(parseJsonLine(lines, 0, what), what)
    return Object.freeze({
      id: requireString(obj, 'id', what),
      createdAtMs: requireInteger(obj, 'createdAtMs', what),
      conf: requireStringRecord(obj, 'conf', what),
    })
  },
})
