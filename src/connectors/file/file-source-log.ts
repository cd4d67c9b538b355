/**
 * The file source's own log, in its checkpoint folder (`C/sources/<id>/`, Spark's
 * FileStreamSourceLog): entry N lists the files the source handed out as its offset N, written
 * before `latestOffset` returns N, so a batch rerun after a crash reads exactly those files and a
 * restart knows every file already read.
 *
 * ```
 * C/sources/0/3           v2 + one JSON line per file: {"path":"/in/a.json","timestamp":1718000000000,"size":120,"batchId":3} + crc32 checksum
 * C/sources/0/9.compact   v2 + the files of every entry 0..9, each line with its own batchId + crc32 checksum
 * ```
 *
 * Compaction (Spark's `fileSource.log.compactInterval`, default 10): entry N with (N + 1) a multiple
 * of the interval is written as `N.compact`, holding every file of entries 0..N, and the plain entries
 * below N are then deleted, so a start reads one compact file and fewer than `interval` entries
 * instead of one file per batch ever run. A crash before the deletions leaves plain entries that the
 * compact file covers; they are ignored and deleted at the next compaction.
 *
 * `path` is absolute; `timestamp` the file's modification time (epoch ms), `batchId` the entry's
 * offset. Versions: v1 (Sluice 0.1), still read; v2 (Sluice 0.2): v1 plus a `crc32:` checksum line (versioned-file.ts); a changed byte is CHECKPOINT_CORRUPT. Readers refuse a newer version.
 */
import { join } from 'node:path'
import { checkpointCorrupt, checkpointInconsistent } from '../../checkpoint/checkpoint-errors.ts'
import type { LogRecord } from '../../checkpoint/file-metadata-log.ts'
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

/** Spark's `spark.sql.streaming.fileSource.log.compactInterval` default. */
export const DEFAULT_SOURCE_LOG_COMPACT_INTERVAL = 10

const ENTRY = /^(0|[1-9][0-9]*)(\.compact)?$/

interface EntryFile {
  readonly id: number
  readonly compact: boolean
  readonly name: string
}

/**
 * The log of a file source whose checkpoint folder is `dir`, compacted every `compactInterval`
 * entries.
 *
 * @example
 * const log = new FileSourceLog(nodeFileSystem, '/ckpt/sources/json-0')
 * await log.add(0, entries) // false when entry 0 exists
 * await log.getRange(0, 3) // the files of entries 0..3, in entry order
 */
export class FileSourceLog {
  readonly dir: string
  private readonly fs: FileSystem
  private readonly compactInterval: number

  constructor(fs: FileSystem, dir: string, compactInterval = DEFAULT_SOURCE_LOG_COMPACT_INTERVAL) {
    this.fs = fs
    this.dir = dir
    this.compactInterval = compactInterval
  }

  /** The file of plain entry `id`. @example log.pathOf(3) // '/ckpt/sources/json-0/3' */
  pathOf(id: number): string {
    return join(this.dir, String(id))
  }

  /** Writes entry `id` (a compaction when it is due); false, writing nothing, when it exists. */
  async add(id: number, files: readonly SourceFileEntry[]): Promise<boolean> {
    await this.fs.mkdirp(this.dir)
    const compact = (id + 1) % this.compactInterval === 0
    const content = compact ? [...(await this.getRange(0, id - 1)).flatMap((r) => r.entry), ...files] : files
    const name = compact ? `${id}.compact` : String(id)
    const written = await this.fs.createExclusive(
      join(this.dir, name),
      encodeVersionedFile(fileSourceLogCodec, content),
    )
    if (written && compact) {
      // Older entries, plain or compact, are all inside this one now.
      for (const name of await this.fs.list(this.dir)) {
        const m = ENTRY.exec(name)
        if (m !== null && Number(m[1]) < id) await this.fs.delete(join(this.dir, name))
      }
    }
    return written
  }

  /** The highest entry id, or -1 for an empty log. */
  async latestId(): Promise<number> {
    return (await this.list()).at(-1)?.id ?? -1
  }

  /**
   * The entries with `start <= id <= end` (end: the latest when omitted), from the latest compact
   * file at or below them and the plain entries after it. CHECKPOINT_CORRUPT when one is missing.
   */
  async getRange(start: number, end?: number): Promise<LogRecord<readonly SourceFileEntry[]>[]> {
    const files = await this.list()
    const last = end ?? files.at(-1)?.id ?? -1
    if (start > last) return []
    // Compact file N holds every entry 0..N: the latest one at or below `last` and the plain
    // entries after it hold the whole range.
    const base = files.filter((f) => f.compact && f.id <= last).at(-1)
    const covered = base?.id ?? -1
    const byId = new Map<number, SourceFileEntry[]>()
    if (base !== undefined && base.id >= start) for (const e of await this.read(base)) push(byId, e)
    for (const f of files) {
      if (f.compact || f.id <= covered || f.id < start || f.id > last) continue
      for (const e of await this.read(f)) push(byId, e)
    }
    let missing = missingIds(byId, start, last)
    // A range below a later compaction (its plain entries deleted) is inside that compact file.
    const later = files.find((f) => f.compact && f.id > last)
    if (missing.length > 0 && later !== undefined) {
      byId.clear()
      for (const e of await this.read(later)) if (e.batchId >= start && e.batchId <= last) push(byId, e)
      missing = missingIds(byId, start, last)
    }
    if (missing.length > 0) {
      throw checkpointInconsistent(
        this.dir,
        `file source log entries ${missing.slice(0, 10).join(', ')} are missing`,
      )
    }
    const out: LogRecord<readonly SourceFileEntry[]>[] = []
    for (let id = start; id <= last; id++) {
      const entry = byId.get(id)
      if (entry !== undefined) out.push({ batchId: id, entry })
    }
    return out
  }

  private async read(f: EntryFile): Promise<readonly SourceFileEntry[]> {
    const path = join(this.dir, f.name)
    const bytes = await this.fs.readFile(path)
    if (bytes === undefined) throw checkpointInconsistent(this.dir, `${f.name} vanished while it was read`)
    const entries = decodeVersionedFile(path, bytes, fileSourceLogCodec, f.compact ? {} : { batchId: f.id })
    if (f.compact && entries.some((e) => e.batchId > f.id)) {
      throw checkpointCorrupt(path, `it holds an entry after ${f.id}`)
    }
    return entries
  }

  /** The entry files by id (a compact file wins over a plain entry of its id), ascending. */
  private async list(): Promise<EntryFile[]> {
    const byId = new Map<number, EntryFile>()
    for (const name of await this.fs.list(this.dir)) {
      const m = ENTRY.exec(name)
      if (m === null) continue
      const id = Number(m[1])
      const compact = m[2] !== undefined
      if (!byId.has(id) || compact) byId.set(id, { id, compact, name })
    }
    return [...byId.values()].sort((a, b) => a.id - b.id)
  }
}

function push(byId: Map<number, SourceFileEntry[]>, e: SourceFileEntry): void {
  const list = byId.get(e.batchId)
  if (list === undefined) byId.set(e.batchId, [e])
  else list.push(e)
}

function missingIds(byId: ReadonlyMap<number, unknown>, start: number, last: number): number[] {
  const missing: number[] = []
  for (let id = start; id <= last; id++) if (!byId.has(id)) missing.push(id)
  return missing
}
