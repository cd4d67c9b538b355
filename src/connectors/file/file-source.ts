/**
 * The streaming file source (Spark's FileStreamSource): each trigger lists the files under its
 * path (a folder or a glob; through `_sluice_metadata` for a file sink's folder), takes the files
 * not seen yet, oldest first (newest first with `latestFirst`), at most `maxFilesPerTrigger` files
 * or about `maxBytesPerTrigger` bytes, and writes them as the next entry of its own log
 * (`file-source-log.ts`) before handing out that entry's number as the offset
 * (`{"logOffset": N}`). A batch (start, end] reads the files of entries start+1 .. end, so a rerun
 * reads the same files, and a restart rebuilds the set of seen files from the log, so no file is
 * read twice. Files are read whole; `cleanSource` archives or deletes them once their batch is
 * committed. With worker threads, the next batch's files decode while the current batch runs when
 * they are known already (file-prefetch.ts).
 */
import { dirname, resolve } from 'node:path'
import { SluiceError } from '../../errors.ts'
import type { FileSystem } from '../../io/fs.ts'
import type {
  AvailableNowSource,
  DeadLetterRecord,
  DeadLetterSource,
  InputRowCounter,
  Offset,
  ReadLimit,
  ScanRequest,
  Source,
  SourceRows,
} from '../spi.ts'
import { basePathsSteps, type ListedFile, listFiles } from './file-listing.ts'
import { FilePrefetch, identitiesOf } from './file-prefetch.ts'
import type { FileReadOptions } from './file-read-options.ts'
import {
  type DecodedFiles,
  FileDecoder,
  type FileRelation,
  type FileToDecode,
  readInputs,
} from './file-relation.ts'
import { FileSourceLog, type SourceFileEntry } from './file-source-log.ts'
import type { FileSourceOptions } from './file-source-options.ts'
import type { FormatReader, MalformedRecord } from './formats/format.ts'
import { isGlobPath } from './glob.ts'
import { runListing } from './listing-io.ts'
import { decodeOnWorkers, type ParallelRead } from './parallel-decode.ts'
import { partitionValuesOf } from './partition-discovery.ts'
import { SeenFiles } from './seen-files.ts'
import { type SourceCleaner, sourceCleaner } from './source-cleaner.ts'
import { MAX_CACHED_UNSEEN_FILES, takeNext } from './take-next.ts'

/** A source that keeps the malformed records of its last batch, for a dead-letter output. */
export interface ReportsMalformedRecords {
  /** The records of the last `getBatch(start, end)` (kept or dropped per the parse mode); undefined for another range. */
  malformedRecords(start: Offset, end: Offset): readonly MalformedRecord[] | undefined
}

/**
 * Whether `s` keeps its malformed records (the file source does).
 *
 * @example if (reportsMalformedRecords(source)) deadLetters.push(...(source.malformedRecords(start, end) ?? []))
 */
export function reportsMalformedRecords(s: Source): s is Source & ReportsMalformedRecords {
  return typeof (s as Partial<ReportsMalformedRecords>).malformedRecords === 'function'
}

/** Everything a file source needs, resolved by its provider. */
export interface FileSourceSpec {
  readonly options: FileSourceOptions
  readonly read: FileReadOptions
  readonly relation: FileRelation
  /** The codec's reader for `relation.dataSchema`. */
  readonly reader: FormatReader
  /** What the query reads (positions in `relation.schema`); everything when absent. */
  readonly scan?: ScanRequest
  /** The session time zone (partition values). */
  readonly timeZone: string
  /** The source's folder in the checkpoint (`C/sources/<id>`): its log. */
  readonly checkpointDir: string
  readonly fs: FileSystem
  /** Reads on the session's worker threads (`sluice.executor.threads` >= 2); on the main thread when absent. */
  readonly parallel?: ParallelRead | null
}

interface FileSourceOffset {
  readonly logOffset: number
}

function logOffsetOf(offset: Offset): number {
  const n = (offset as Partial<FileSourceOffset> | null)?.logOffset
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < -1) {
    throw new SluiceError(
      'CHECKPOINT_CORRUPT',
      `A file source offset should be {"logOffset": <number>}, but is ${JSON.stringify(offset)}. The checkpoint's offsets were not written by a file source; start the query on a new checkpoint.`,
    )
  }
  return n
}

const byTime = (a: ListedFile, b: ListedFile) =>
  a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)

/**
 * @example
 * const source = new FileStreamSource(spec)
 * const end = await source.latestOffset(await source.initialOffset(), READ_ALL) // { logOffset: 0 }
 */
export class FileStreamSource
  implements AvailableNowSource, ReportsMalformedRecords, DeadLetterSource, InputRowCounter
{
  readonly description: string
  readonly deadLetter: string | undefined
  private readonly spec: FileSourceSpec
  private readonly log: FileSourceLog
  private readonly seen: SeenFiles
  private readonly decoder: FileDecoder
  private readonly cleaner: SourceCleaner | null
  private restored = false
  private currentOffset = -1
  private unread: ListedFile[] | null = null
  private availableNow: ListedFile[] | null = null
  /** Entries whose files are cleaned; null until the first commit of this run, which cleans all before it. */
  private cleanedThrough: number | null = null
  private lastMalformed: {
    start: number
    end: number
    records: readonly MalformedRecord[]
    inputRows: number
  } | null = null
  /** The read limit of the last `latestOffset`: the next trigger's, for the prefetch's guess. */
  private lastLimit: ReadLimit | null = null
  private readonly prefetch = new FilePrefetch()

  constructor(spec: FileSourceSpec) {
    this.spec = spec
    const { options } = spec
    this.description = `FileStreamSource[file:${resolve(options.path)}]`
    this.deadLetter = options.deadLetter
    this.log = new FileSourceLog(spec.fs, spec.checkpointDir)
    this.seen = new SeenFiles(options.maxFileAgeMs, options.fileNameOnly)
    this.decoder = new FileDecoder(spec.reader, spec.relation, spec.read.ignoreCorruptFiles, spec.scan)
    this.cleaner = sourceCleaner(options.cleanSource, options.sourceArchiveDir, options.path)
  }

  async initialOffset(): Promise<Offset> {
    return { logOffset: -1 }
  }

  async latestOffset(start: Offset, limit: ReadLimit): Promise<Offset> {
    await this.restore()
    this.checkLogCovers(logOffsetOf(start))
    this.lastLimit = limit
    return { logOffset: await this.fetchMaxOffset(limit) }
  }

  async prepareForAvailableNow(): Promise<void> {
    await this.restore()
    this.availableNow = await this.fetchAllFiles()
  }

  async getBatch(start: Offset, end: Offset): Promise<SourceRows> {
    const from = logOffsetOf(start)
    const to = logOffsetOf(end)
    await this.restore()
    this.checkLogCovers(to)
    const entries = (await this.log.getRange(from + 1, to)).flatMap((r) => r.entry)
    const decodeHere = (inputs: readonly FileToDecode[]) => this.decoder.decodeAll(inputs)
    const decoded =
      (await this.prefetch.take(identitiesOf(entries), decodeHere)) ?? (await this.decode(entries))
    const inputRows = decoded.inputRows ?? decoded.rows.length
    this.lastMalformed = { start: from, end: to, records: decoded.malformed, inputRows }
    await this.prefetchNext()
    return decoded.rows
  }

  private async decode(entries: readonly SourceFileEntry[]): Promise<DecodedFiles> {
    const files = await this.withPartitionValues(entries)
    const parallel = this.spec.parallel ?? null
    return (
      (parallel === null ? null : await decodeOnWorkers(files, parallel)) ??
      (await this.decoder.decodeAll(files))
    )
  }

  /**
   * Starts decoding the next trigger's files on the workers when they are known already (see
   * file-prefetch.ts): the availableNow files or the kept backlog, under the last read limit.
   */
  private async prefetchNext(): Promise<void> {
    const parallel = this.spec.parallel ?? null
    const limit = this.lastLimit
    if (parallel === null || limit === null) return
    const candidates =
      this.unread ?? this.availableNow?.filter((f) => this.seen.isNew(f.path, f.mtimeMs)) ?? null
    const next = candidates === null ? [] : takeNext(candidates, limit, this.spec.options).batch
    const read = (files: readonly ListedFile[]) =>
      this.withPartitionValues(
        files.map((f) => ({ path: f.path, timestamp: f.mtimeMs, size: f.size, batchId: -1 })),
      )
    await this.prefetch.start(next, read, parallel)
  }

  /** The rows the last batch decoded, those the workers' filters dropped included (progress numInputRows). */
  inputRowCount(start: Offset, end: Offset): number | undefined {
    const last = this.lastMalformed
    if (last === null || last.start !== logOffsetOf(start) || last.end !== logOffsetOf(end)) return undefined
    return last.inputRows
  }

  malformedRecords(start: Offset, end: Offset): readonly MalformedRecord[] | undefined {
    const last = this.lastMalformed
    if (last === null || last.start !== logOffsetOf(start) || last.end !== logOffsetOf(end)) return undefined
    return last.records
  }

  deadLetters(start: Offset, end: Offset): readonly DeadLetterRecord[] | undefined {
    return this.malformedRecords(start, end)?.map((m) => ({
      raw: m.raw,
      error: m.field === undefined ? m.error : `${m.field}: ${m.error}`,
      file: m.file,
      line: m.line,
      ...(m.column === undefined ? {} : { column: m.column }),
    }))
  }

  async commit(end: Offset): Promise<void> {
    if (this.cleaner === null) return
    const to = logOffsetOf(end)
    // After a (re)start, files of batches committed just before a crash may not be cleaned yet.
    const from = this.cleanedThrough === null ? 0 : this.cleanedThrough + 1
    for (const { entry } of await this.log.getRange(from, to)) {
      for (const file of entry) await this.cleaner.clean(file)
    }
    this.cleanedThrough = to
  }

  async stop(): Promise<void> {
    this.prefetch.drop()
  }

  /**
   * Throws when the checkpoint's offsets name log entry `offset` but the log ends before it (its
   * entries were deleted): reading on would skip those files now and read them twice later.
   */
  private checkLogCovers(offset: number): void {
    if (offset <= this.currentOffset) return
    throw new SluiceError(
      'CHECKPOINT_CORRUPT',
      `The checkpoint's offsets name file source log entry ${offset} (${this.log.pathOf(offset)}) but the log ends at ${this.currentOffset < 0 ? 'no entry' : `entry ${this.currentOffset}`}: its entries were deleted or the checkpoint was partly restored. Sluice changed nothing. Restore the checkpoint from a backup, or delete it to start the query over.`,
    )
  }

  /** Rebuilds the seen files and the current offset from the log (every entry from 0), once. */
  private async restore(): Promise<void> {
    if (this.restored) return
    for (const { batchId, entry } of await this.log.getRange(0)) {
      for (const f of entry) this.seen.add(f.path, f.timestamp)
      this.currentOffset = batchId
    }
    this.seen.purge()
    this.restored = true
  }

  /** Every file under the path now, oldest first (newest first with latestFirst). */
  private async fetchAllFiles(): Promise<ListedFile[]> {
    const { options, read, fs } = this.spec
    const listing = await listFiles([options.path], { ...read.listing, mustExist: false }, fs)
    if (listing.fromSinkLog && this.cleaner !== null) {
      throw new SluiceError(
        'UNSUPPORTED_OPERATION',
        `Cleaning up source files is not supported when the source path ${options.path} is the output of a file sink (it has _sluice_metadata): set cleanSource to 'off'.`,
      )
    }
    const files = [...listing.files].sort(byTime)
    return options.latestFirst ? files.reverse() : files
  }

  /** Picks the next files within the limit, logs them as the next entry, returns the latest entry. */
  private async fetchMaxOffset(limit: ReadLimit): Promise<number> {
    const { options } = this.spec
    const candidates =
      this.unread ??
      (this.availableNow ?? (await this.fetchAllFiles())).filter((f) => this.seen.isNew(f.path, f.mtimeMs))
    const { batch, rest } = takeNext(candidates, limit, options)
    this.unread = rest !== null && rest.length > 0 ? rest.slice(0, MAX_CACHED_UNSEEN_FILES) : null
    for (const f of batch) this.seen.add(f.path, f.mtimeMs)
    this.seen.purge()
    if (batch.length > 0) await this.logNext(batch)
    return this.currentOffset
  }

  private async logNext(batch: readonly ListedFile[]): Promise<void> {
    const id = this.currentOffset + 1
    const entries: SourceFileEntry[] = batch.map((f) => ({
      path: f.path,
      timestamp: f.mtimeMs,
      size: f.size,
      batchId: id,
    }))
    if (!(await this.log.add(id, entries))) {
      throw new SluiceError(
        'CHECKPOINT_LOCKED',
        `Concurrent update to the file source log ${this.log.dir}: entry ${id} already exists. Another query may be running on the same checkpoint; stop it first.`,
      )
    }
    this.currentOffset = id
  }

  /** The files of some entries with their partition values; files outside partition folders are skipped. */
  private async withPartitionValues(entries: readonly SourceFileEntry[]): Promise<FileToDecode[]> {
    const { relation, options, read, timeZone, fs } = this.spec
    const partitionSchema = relation.partitionSchema
    const bases =
      partitionSchema.fields.length === 0
        ? []
        : read.listing.basePath !== undefined || !isGlobPath(options.path)
          ? [resolve(read.listing.basePath ?? options.path)]
          : await runListing(basePathsSteps([options.path], undefined))
    const kept: { file: ListedFile; values: readonly unknown[] }[] = []
    for (const e of entries) {
      const values = partitionValuesOf(dirname(e.path), bases, partitionSchema, timeZone)
      if (values !== null) kept.push({ file: { path: e.path, size: e.size, mtimeMs: e.timestamp }, values })
    }
    const inputs = await readInputs(
      kept.map((k) => k.file),
      fs,
      read.ignoreMissingFiles,
    )
    const valuesByPath = new Map(kept.map((k) => [k.file.path, k.values] as const))
    return inputs.map((input) => ({ input, partitionValues: valuesByPath.get(input.file)! }))
  }
}
