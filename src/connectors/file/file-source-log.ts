/**
 * The file source's own log, in its checkpoint folder (`C/sources/<id>/`, Spark's
 * FileStreamSourceLog): entry N lists the files the source handed out as its offset N, written
 * before `latestOffset` returns N, so a batch rerun after a crash reads exactly those files and a
 * restart knows every file already read.
 *
 * ```
 * C/sources/0/3   v2 + one JSON line per file: {"path":"/in/a.json","timestamp":1718000000000,"size":120,"batchId":3} + crc32 checksum
 * ```
 *
 * `path` is absolute; `timestamp` the file's modification time (epoch ms), `batchId` the entry's
 * offset. Versions: v1 (Sluice 0.1), still read; v2 (Sluice 0.2): v1 plus a `crc32:` checksum line (versioned-file.ts); a changed byte is CHECKPOINT_CORRUPT. Readers refuse a newer version.
 */
import { FileMetadataLog } from '../../checkpoint/file-metadata-log.ts'
import {
  type FileCodec,
  FormatProblem,
  parseJsonLine,
  requireInteger,
  requireObject,
  requireString,
} from '../../checkpoint/versioned-file.ts'
import type { FileSystem } from '../../io/fs.ts'

/** One file a source offset covers. */
export interface SourceFileEntry {
  readonly path: string
  /** Modification time, epoch milliseconds. */
  readonly timestamp: number
  readonly size: number
  /** The source offset (log entry) that covers the file. */
  readonly batchId: number
}

export const fileSourceLogCodec: FileCodec<readonly SourceFileEntry[]> = Object.freeze({
  version: 2,
  encode: (files: readonly SourceFileEntry[]) =>
    files.map((f) =>
      JSON.stringify({ path: f.path, timestamp: f.timestamp, size: f.size, batchId: f.batchId }),
    ),
  decode(lines: readonly string[], context: { batchId?: number }) {
    return lines.map((_, i) => {
      const what = `file entry ${i + 1}`
      const o = requireObject(parseJsonLine(lines, i, what), what)
      const entry = {
        path: requireString(o, 'path', what),
        timestamp: requireInteger(o, 'timestamp', what),
        size: requireInteger(o, 'size', what),
        batchId: requireInteger(o, 'batchId', what),
      }
      if (context.batchId !== undefined && entry.batchId !== context.batchId)
        throw new FormatProblem(
          `${what} names offset ${entry.batchId} in the entry of offset ${context.batchId}`,
        )
      return entry
    })
  },
})

/**
 * The log of a file source whose checkpoint folder is `dir`.
 *
 * @example const log = fileSourceLog(nodeFileSystem, '/ckpt/sources/json-0'); await log.add(0, entries)
 */
export function fileSourceLog(fs: FileSystem, dir: string): FileMetadataLog<readonly SourceFileEntry[]> {
  return new FileMetadataLog(fs, dir, fileSourceLogCodec)
}
