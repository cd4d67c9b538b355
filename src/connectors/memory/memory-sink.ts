/**
 * `format('memory')`: keeps the output in memory as an in-memory table named after the query
 * (`sluice.table(queryName)`), as Spark's `MemorySink`. `append` and `update` add each batch's
 * rows; `complete` replaces them with the batch (Spark truncates the sink first).
 *
 * Delivery guarantee: exactly-once within the sink's life. Like Spark's, it writes a batch only if
 * its id is above the latest id written, so a rerun batch is ignored. It keeps nothing across a
 * restart of the process: for tests and small results only.
 */
import { SluiceError } from '../../errors.ts'
import type { StructType } from '../../schema/data-type.ts'
import { readOptions, WRITER_OPTIONS } from '../connector-options.ts'
import type { DeliveryGuarantee, Sink, SinkBatch, SinkContext, SinkProvider } from '../spi.ts'

type Rows = readonly (readonly unknown[])[]

/** The batches written so far, newest last. */
export class MemorySink implements Sink {
  readonly description = 'MemorySink'
  readonly guarantee: DeliveryGuarantee = 'exactly-once'
  private readonly ctx: SinkContext
  private readonly queryName: string
  private batches: { readonly batchId: number; readonly rows: Rows }[] = []
  private lastBatchId: number | null = null
  private registered: StructType | undefined

  constructor(ctx: SinkContext) {
    if (ctx.queryName === undefined || ctx.queryName === '') {
      throw new SluiceError(
        'INVALID_OPTION',
        "queryName must be specified for memory sink. Name the query with writeStream.queryName('...').",
      )
    }
    this.ctx = ctx
    this.queryName = ctx.queryName
    // Registered at start, so the table is queryable (empty) before the first batch, as in Spark.
    this.register(ctx.schema)
  }

  /** The id of the last batch written (Spark's `latestBatchId`); null before any. */
  get latestBatchId(): number | null {
    return this.lastBatchId
  }

  /** All rows the table holds now. */
  allData(): Rows {
    return this.batches.length === 1 ? this.batches[0].rows : this.batches.flatMap((b) => b.rows)
  }

  /** The rows of the last batch written. */
  latestBatchData(): Rows {
    return this.batches.at(-1)?.rows ?? []
  }

  async addBatch(batch: SinkBatch): Promise<void> {
    if (this.lastBatchId !== null && batch.batchId <= this.lastBatchId) return
    this.register(batch.schema)
    // A shallow copy: the runtime may reuse its batch array.
    const added = { batchId: batch.batchId, rows: batch.rows.slice() }
    if (batch.outputMode === 'complete') this.batches = [added]
    else this.batches.push(added)
    this.lastBatchId = batch.batchId
  }

  async stop(): Promise<void> {}

  private register(schema: StructType): void {
    if (this.registered === schema) return
    this.registered = schema
    this.ctx.tables.register(this.queryName, schema, () => this.allData())
  }
}

/**
 * The `memory` sink provider (needs the query's name: `writeStream.queryName('counts')`).
 *
 * @example
 * const sink = memorySinkProvider.createSink(ctx) // then sluice.table('counts')
 */
export const memorySinkProvider: SinkProvider = Object.freeze({
  name: 'memory',
  validate(options: Readonly<Record<string, string>>): void {
    readOptions('memory sink', options, WRITER_OPTIONS)
  },
  createSink(ctx: SinkContext): Sink {
    readOptions('memory sink', ctx.options, WRITER_OPTIONS)
    return new MemorySink(ctx)
  },
} satisfies SinkProvider)
