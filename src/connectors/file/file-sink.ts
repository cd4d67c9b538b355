/**
 * `writeStream.format('json' | 'csv' | 'text' | 'parquet').option('path', dir)`: the streaming file
 * sink (Spark's FileStreamSink), exactly-once.
 *
 * Batch N writes its files under deterministic names, `part-<N, 8 digits>-<i, 5 digits><ext>`
 * (inside `key=value/` folders with `partitionBy`), each atomically; then it commits them by adding
 * `_sluice_metadata/N` (sink-metadata-log.ts). A replayed batch whose entry exists writes nothing;
 * one that crashed before its entry rewrites the same names, replacing any file it left. Readers
 * that read through the log (Sluice's batch reader and file source) never see an uncommitted file.
 *
 * Options: `path` (required), `maxRecordsPerFile` (0, the default: no limit), the format's own
 * options, and `partitionBy(...)` from the writer. Append output mode only, as Spark.
 */

import { join } from 'node:path'
import { commitsDir } from '../../checkpoint/layout.ts'
import { SluiceError } from '../../errors.ts'
import { type FileSystem, nodeFileSystem } from '../../io/fs.ts'
import { PARTITION_COLUMNS_OPTION } from '../../plan/write-options.ts'
import { optionOf, readOptions, WRITER_OPTIONS } from '../connector-options.ts'
import type {
  CommitCheckedSink,
  DeliveryGuarantee,
  Sink,
  SinkBatch,
  SinkContext,
  SinkProvider,
} from '../spi.ts'
import { PartitionedFileWriter } from './file-writer.ts'
import { fileFormat } from './formats/index.ts'
import { SINK_METADATA_DIR, type SinkFileEntry, SinkMetadataLog } from './sink-metadata-log.ts'

export { PARTITION_COLUMNS_OPTION }

const SINK_OPTIONS = ['path', 'maxRecordsPerFile', PARTITION_COLUMNS_OPTION, ...WRITER_OPTIONS]

/**
 * The partition columns a writer passed in the options.
 *
 * @example partitionColumnsOf({ __partition_columns: '["day"]' }) // ['day']
 */
export function partitionColumnsOf(options: Readonly<Record<string, string>>): string[] {
  const raw = optionOf(options, PARTITION_COLUMNS_OPTION)
  return raw === undefined ? [] : (JSON.parse(raw) as string[])
}

const OWN = new Set(SINK_OPTIONS.map((k) => k.toLowerCase()))

/** The options split into the sink's own keys and the format's. */
function splitOptions(options: Readonly<Record<string, string>>): {
  own: Record<string, string>
  format: Record<string, string>
} {
  const own: Record<string, string> = {}
  const format: Record<string, string> = {}
  for (const [k, v] of Object.entries(options)) (OWN.has(k.toLowerCase()) ? own : format)[k] = v
  return { own, format }
}

export class FileSink implements CommitCheckedSink {
  readonly description: string
  readonly guarantee: DeliveryGuarantee = 'exactly-once'
  private readonly path: string
  private readonly log: SinkMetadataLog
  private readonly fs: FileSystem
  private readonly writer: PartitionedFileWriter

  constructor(format: string, ctx: SinkContext) {
    const split = splitOptions(ctx.options)
    const o = readOptions(`${format} sink`, split.own, SINK_OPTIONS)
    const path = o.get('path')
    if (path === undefined || path === '')
      throw o.invalid(
        'path',
        `the output folder is required: option('path', '/data/out') or start('/data/out')`,
      )
    const maxRecordsPerFile = o.long('maxRecordsPerFile', 0)
    if (ctx.outputMode !== undefined && ctx.outputMode !== 'append') {
      throw new SluiceError(
        'UNSUPPORTED_OPERATION',
        `Data source ${format} does not support ${ctx.outputMode} output mode: a file sink only appends files. Use outputMode('append') (with a watermark for an aggregation), or foreachBatch to rewrite files yourself.`,
      )
    }
    this.path = path
    this.description = `FileSink[${path}]`
    this.fs = ctx.fs ?? nodeFileSystem
    this.log = new SinkMetadataLog(this.fs, path)
    this.writer = new PartitionedFileWriter({
      format,
      schema: ctx.schema,
      partitionBy: partitionColumnsOf(ctx.options),
      options: split.format,
      ctx: { timeZone: ctx.timeZone ?? 'UTC' },
      maxRecordsPerFile,
      renderCells: ctx.renderCells,
    })
  }

  async addBatch(batch: SinkBatch): Promise<void> {
    if (await this.log.has(batch.batchId)) return
    const id = String(batch.batchId).padStart(8, '0')
    const written = await this.writer.write(
      this.fs,
      this.path,
      batch.rows,
      (i) => `part-${id}-${String(i).padStart(5, '0')}`,
    )
    const entries: SinkFileEntry[] = written.map((f) => ({ ...f, batchId: batch.batchId }))
    await this.log.add(batch.batchId, entries)
  }

  /**
   * Refuses to run when this folder's log is damaged (CHECKPOINT_CORRUPT naming the entry) or lacks
   * a batch the checkpoint committed: its files would stay hidden from readers (they read through
   * the log) and the next batch would leave a gap.
   */
  async checkCommitted(lastCommittedBatchId: number, checkpointLocation: string): Promise<void> {
    if (lastCommittedBatchId < 0) return
    // Reads (and so verifies) the entries readers read: the latest compaction and those after it.
    await this.log.allFiles()
    const latest = await this.log.latestBatchId()
    if (latest >= lastCommittedBatchId) return
    const entry = join(this.path, SINK_METADATA_DIR, String(lastCommittedBatchId))
    const commit = join(commitsDir(checkpointLocation), String(lastCommittedBatchId))
    throw new SluiceError(
      'CHECKPOINT_CORRUPT',
      `The checkpoint committed batch ${lastCommittedBatchId} (${commit}) but the file sink log has no entry for it (${entry}; its latest entry is ${latest < 0 ? 'none' : `batch ${latest}`}): the sink folder's log was damaged or the output path changed. Restore the sink folder's ${SINK_METADATA_DIR} from a backup, or write to a new output path with a new checkpoint location.`,
    )
  }

  async stop(): Promise<void> {}
}

/** The sink provider of one file format. @example fileSinkProvider('json').createSink(ctx) */
export function fileSinkProvider(format: 'json' | 'csv' | 'text' | 'parquet'): SinkProvider {
  return Object.freeze({
    name: format,
    validate(options: Readonly<Record<string, string>>): void {
      const split = splitOptions(options)
      readOptions(`${format} sink`, split.own, SINK_OPTIONS)
      fileFormat(format).validateOptions(split.format, 'write')
    },
    createSink: (ctx: SinkContext): Sink => new FileSink(format, ctx),
  } satisfies SinkProvider)
}
