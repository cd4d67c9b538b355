/**
 * `<path>/_sluice_metadata/`: the file sink's log of committed files (Spark's FileStreamSinkLog in
 * `_spark_metadata`). Batch N's entry lists the files batch N wrote; a batch's files count only
 * once its entry exists, so a batch appears whole or not at all, and a replayed batch whose entry
 * exists writes nothing. Every `compactInterval`-th batch (Spark's default 10) the entry is a
 * compaction, `N.compact`, holding every file of batches 0..N, so a reader reads one compact file
 * and the entries after it; entries older than the latest compaction are then deleted.
 *
 * ```
 * _sluice_metadata/0           v2 + one JSON line per file: {"path":"part-00000-b0.json","size":120,"batchId":0} + crc32 checksum
 * _sluice_metadata/9.compact   v2 + every file of batches 0..9 + crc32 checksum
 * ```
 *
 * Paths are relative to the sink's folder, with `/` separators. Versions: v1 (Sluice 0.1), still read; v2 (Sluice 0.2): v1 plus a `crc32:` checksum line (versioned-file.ts); a changed byte is CHECKPOINT_CORRUPT. Readers refuse a newer version.
 */
import { join } from 'node:path'
import {
  decodeVersionedFile,
  encodeVersionedFile,
  type FileCodec,
  FormatProblem,
  parseJsonLine,
  requireInteger,
  requireObject,
  requireString,
} from '../../checkpoint/versioned-file.ts'
import { SluiceError } from '../../errors.ts'
import type { FileSystem } from '../../io/fs.ts'

export const SINK_METADATA_DIR = '_sluice_metadata'
export const DEFAULT_COMPACT_INTERVAL = 10

/** One file a batch committed. */
export interface SinkFileEntry {
  /** Relative to the sink's folder, `/`-separated (`k=1/part-00000-b3.parquet`). */
  readonly path: string
  readonly size: number
  readonly batchId: number
}

const codec: FileCodec<readonly SinkFileEntry[]> = {
  version: 2,
  encode: (files) => files.map((f) => JSON.stringify({ path: f.path, size: f.size, batchId: f.batchId })),
  decode(lines) {
    return lines.map((_, i) => {
      const o = requireObject(parseJsonLine(lines, i, `file entry ${i + 1}`), `file entry ${i + 1}`)
      const path = requireString(o, 'path', `file entry ${i + 1}`)
      if (path.startsWith('/') || path.split('/').includes('..'))
        throw new FormatProblem(`file entry ${i + 1} has a path outside the sink folder: ${path}`)
      return {
        path,
        size: requireInteger(o, 'size', `file entry ${i + 1}`),
        batchId: requireInteger(o, 'batchId', `file entry ${i + 1}`),
      }
    })
  },
}

const ENTRY = /^(0|[1-9][0-9]*)(\.compact)?$/

/**
 * @example
 * const log = new SinkMetadataLog(nodeFileSystem, '/out')
 * if (!(await log.has(3))) { ...write files...; await log.add(3, files) }
 * await log.allFiles() // every committed file
 */
export class SinkMetadataLog {
  readonly dir: string
  private readonly fs: FileSystem
  private readonly compactInterval: number

  constructor(fs: FileSystem, sinkPath: string, compactInterval = DEFAULT_COMPACT_INTERVAL) {
    this.fs = fs
    this.dir = join(sinkPath, SINK_METADATA_DIR)
    this.compactInterval = compactInterval
  }

  /** Whether the folder has a sink log (then readers read only the files it lists). */
  static async exists(fs: FileSystem, sinkPath: string): Promise<boolean> {
    return fs.exists(join(sinkPath, SINK_METADATA_DIR))
  }

  /** The latest committed batch id, or -1. */
  async latestBatchId(): Promise<number> {
    const ids = await this.entries()
    return ids.length === 0 ? -1 : ids[ids.length - 1].batchId
  }

  /** Whether batch `batchId` is committed (at or before the latest entry: a compaction covers older ones). */
  async has(batchId: number): Promise<boolean> {
    return batchId <= (await this.latestBatchId())
  }

  /**
   * Commits batch `batchId`'s files; false when it already has an entry (a replay). A compaction
   * batch folds in every file since the previous compaction, then deletes the older entries.
   */
  async add(batchId: number, files: readonly SinkFileEntry[]): Promise<boolean> {
    await this.fs.mkdirp(this.dir)
    const compact = (batchId + 1) % this.compactInterval === 0
    const content = compact ? [...(await this.filesUpTo(batchId - 1)), ...files] : files
    const name = compact ? `${batchId}.compact` : String(batchId)
    const written = await this.fs.createExclusive(join(this.dir, name), encodeVersionedFile(codec, content))
    if (written && compact) {
      // Spark deletes old entries after a delay for slow readers; ours list through the compaction.
      for (const e of await this.entries())
        if (e.batchId < batchId) await this.fs.delete(join(this.dir, e.name))
    }
    return written
  }

  /** Every committed file, in batch order. */
  async allFiles(): Promise<SinkFileEntry[]> {
    return this.filesUpTo(Number.MAX_SAFE_INTEGER)
  }

  private async filesUpTo(batchId: number): Promise<SinkFileEntry[]> {
    const entries = (await this.entries()).filter((e) => e.batchId <= batchId)
    let from = 0
    for (let i = entries.length - 1; i >= 0; i--) {
      if (entries[i].compact) {
        from = i
        break
      }
    }
    const out: SinkFileEntry[] = []
    for (const e of entries.slice(from)) out.push(...(await this.read(e.name)))
    return out
  }

  private async read(name: string): Promise<readonly SinkFileEntry[]> {
    const file = join(this.dir, name)
    const bytes = await this.fs.readFile(file)
    if (bytes === undefined) {
      throw new SluiceError(
        'CHECKPOINT_CORRUPT',
        `The file sink log entry ${file} vanished while it was read; another process may be compacting this sink's log. Read again.`,
      )
    }
    return decodeVersionedFile(file, bytes, codec, {
      remedy: `The sink folder's log is damaged: restore ${file} from a backup, or move the folder aside and rerun the query on a new checkpoint.`,
    })
  }

  /** The log's entries by batch id (a compaction and a plain entry of one id: the compaction). */
  private async entries(): Promise<{ batchId: number; compact: boolean; name: string }[]> {
    const byId = new Map<number, { batchId: number; compact: boolean; name: string }>()
    for (const name of await this.fs.list(this.dir)) {
      const m = ENTRY.exec(name)
      if (m === null) continue
      const batchId = Number(m[1])
      const compact = m[2] !== undefined
      if (!byId.has(batchId) || compact) byId.set(batchId, { batchId, compact, name })
    }
    return [...byId.values()].sort((a, b) => a.batchId - b.batchId)
  }
}
