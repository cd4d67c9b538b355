/**
 * A log of one entry per batch id, one file per entry, in one directory (Spark's HDFSMetadataLog; the
 * offsets and commits logs are two of these). The contract is Spark's `MetadataLog`:
 *
 * - `add` writes an entry atomically and never overwrites one: a second add of the same batch id
 *   returns false and leaves the first entry as it was. This is what makes two writers on one
 *   checkpoint fail instead of corrupting it.
 * - `get` returns undefined for a missing entry and throws for a corrupt or too-new one; `getLatest`
 *   reads the highest batch id and never falls back to an older entry when that one is unreadable.
 * - `getRange` requires the ids in the range to be contiguous, as Spark's `verifyBatchIds` does.
 * - `purge(n)` deletes every entry below `n`, lowest first, so a crash mid-purge leaves a contiguous
 *   suffix.
 *
 * File format: see versioned-file.ts and each codec's header.
 */
import { join } from 'node:path'
import type { FileSystem, WriteOptions } from '../io/fs.ts'
import { checkpointInconsistent } from './checkpoint-errors.ts'
import { batchIdOfFile, checkBatchId } from './layout.ts'
import { decodeVersionedFile, encodeVersionedFile, type FileCodec } from './versioned-file.ts'

/** One entry with its batch id. */
export interface LogRecord<T> {
  readonly batchId: number
  readonly entry: T
}

function describeIds(ids: readonly number[]): string {
  return ids.length <= 10 ? ids.join(', ') : `${ids.slice(0, 10).join(', ')} and ${ids.length - 10} more`
}

/**
 * The ids between `from` and `to` (inclusive) that are not in the sorted `present`.
 *
 * @example
 * missingBatchIds([0, 1, 3], 0, 4) // [2, 4]
 */
export function missingBatchIds(present: readonly number[], from: number, to: number): number[] {
  const have = new Set(present)
  const missing: number[] = []
  for (let id = from; id <= to; id++) if (!have.has(id)) missing.push(id)
  return missing
}

/**
 * @example
 * const offsets = new FileMetadataLog(nodeFileSystem, offsetsDir('/ckpt'), offsetLogCodec)
 * await offsets.add(0, entry) // true; a second add(0, ...) is false
 * await offsets.getLatest() // { batchId: 0, entry }
 */
export class FileMetadataLog<T> {
  readonly dir: string
  private readonly fs: FileSystem
  private readonly codec: FileCodec<T>
  private readonly write: WriteOptions
  private dirReady = false

  /** `options.durable` false: entries a crash may lose (no fsync; see io/fs.ts). */
  constructor(fs: FileSystem, dir: string, codec: FileCodec<T>, options: WriteOptions = {}) {
    this.fs = fs
    this.dir = dir
    this.codec = codec
    this.write = Object.freeze({ durable: options.durable !== false })
  }

  /** The file that holds `batchId`'s entry. @example log.pathOf(3) // '/ckpt/offsets/3' */
  pathOf(batchId: number): string {
    checkBatchId(batchId, `log ${this.dir}`)
    return join(this.dir, String(batchId))
  }

  /** Writes `entry` for `batchId`; false, writing nothing, when the batch id already has an entry. */
  async add(batchId: number, entry: T): Promise<boolean> {
    const path = this.pathOf(batchId)
    const text = encodeVersionedFile(this.codec, entry)
    if (!this.dirReady) {
      await this.fs.mkdirp(this.dir)
      this.dirReady = true
    }
    return this.fs.createExclusive(path, text, this.write)
  }

  /** The entry for `batchId`, or undefined when there is none. */
  async get(batchId: number): Promise<T | undefined> {
    const path = this.pathOf(batchId)
    const bytes = await this.fs.readFile(path)
    return bytes === undefined ? undefined : decodeVersionedFile(path, bytes, this.codec, { batchId })
  }

  /** The entry with the highest batch id, or undefined when the log is empty. */
  async getLatest(): Promise<LogRecord<T> | undefined> {
    const ids = await this.listBatchIds()
    if (ids.length === 0) return undefined
    const batchId = ids[ids.length - 1]
    const entry = await this.get(batchId)
    // NOTE: never fall back to an older entry: that would silently rewind the query.
    if (entry === undefined) {
      throw checkpointInconsistent(this.dir, `batch ${batchId} was listed but vanished before it was read`)
    }
    return { batchId, entry }
  }

  /**
   * The entries with `start <= batchId <= end` (either bound optional), in batch order. Throws
   * CHECKPOINT_CORRUPT when ids in the range are missing (a bound counts as required); `start > end`
   * gives [].
   */
  async getRange(start?: number, end?: number): Promise<LogRecord<T>[]> {
    if (start !== undefined) checkBatchId(start, `log ${this.dir}`)
    if (end !== undefined) checkBatchId(end, `log ${this.dir}`)
    if (start !== undefined && end !== undefined && start > end) return []
    const ids = (await this.listBatchIds()).filter(
      (id) => (start === undefined || id >= start) && (end === undefined || id <= end),
    )
    if (ids.length === 0 && start === undefined && end === undefined) return []
    const from = start ?? ids[0] ?? end!
    const to = end ?? ids[ids.length - 1] ?? start!
    const missing = missingBatchIds(ids, from, to)
    if (missing.length > 0) {
      throw checkpointInconsistent(this.dir, `batches ${describeIds(missing)} are missing`)
    }
    const records: LogRecord<T>[] = []
    for (const batchId of ids) {
      const entry = await this.get(batchId)
      if (entry !== undefined) records.push({ batchId, entry })
    }
    return records
  }

  /** Deletes every entry with a batch id below `thresholdBatchId`; returns the ids deleted. */
  async purge(thresholdBatchId: number): Promise<number[]> {
    const doomed = (await this.listBatchIds()).filter((id) => id < thresholdBatchId)
    for (const id of doomed) await this.fs.delete(this.pathOf(id))
    return doomed
  }

  /** The batch ids present, ascending. Names that are not batch ids (temp files, `007`) are ignored. */
  async listBatchIds(): Promise<number[]> {
    const ids: number[] = []
    for (const name of await this.fs.list(this.dir)) {
      const id = batchIdOfFile(name)
      if (id !== undefined) ids.push(id)
    }
    return ids.sort((a, b) => a - b)
  }
}
