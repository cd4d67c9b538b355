/**
 * `writeStream.foreach(writer)`: hands each row to a user writer, as Spark's `ForeachWriter`. Per
 * batch (one partition, id 0): `open(0, batchId)`; if it returns true, `process(row)` for each
 * row (an object keyed by field name); then `close(null)` — also called when `open` returned
 * false. An error in `process` calls `close(error)` and fails the batch with that error; an error
 * in `open` fails it without `close`, since nothing was opened.
 *
 * Delivery guarantee: at-least-once. A rerun batch calls `open(0, batchId)` again with the same
 * id: a writer that returns false for an (partitionId, epochId) it has already written gets
 * exactly-once.
 */
import type { StructType } from '../../schema/data-type.ts'
import { compileRowDecoder } from '../../schema/row-codec.ts'
import type { DeliveryGuarantee, Sink, SinkBatch, SinkContext, SinkProvider } from '../spi.ts'
import { checkSinkOptions } from './sink-options.ts'

/** Spark's ForeachWriter, with promises allowed. */
export interface ForeachWriter<R = Record<string, unknown>> {
  /** Return false to skip this batch's rows (e.g. already written). */
  open?(partitionId: number, epochId: number): boolean | Promise<boolean>
  process(row: R): void | Promise<void>
  close?(error: Error | null): void | Promise<void>
}

/** Feeds each batch's rows to the writer. */
export class ForeachSink implements Sink {
  readonly description = 'ForeachSink'
  readonly guarantee: DeliveryGuarantee = 'at-least-once'
  private readonly writer: ForeachWriter
  private decodedSchema: StructType | undefined
  private decode: ((row: readonly unknown[]) => Record<string, unknown>) | undefined

  constructor(writer: ForeachWriter) {
    this.writer = writer
  }

  async addBatch(batch: SinkBatch): Promise<void> {
    const w = this.writer
    const opened = w.open === undefined ? true : await w.open(0, batch.batchId)
    if (opened) {
      const decode = this.decoder(batch.schema)
      for (const row of batch.rows) {
        try {
          const done = w.process(decode(row))
          // Synchronous writers pay no microtask per row.
          if (done !== undefined) await done
        } catch (e) {
          await w.close?.(e instanceof Error ? e : new Error(String(e)))
          throw e
        }
      }
    }
    await w.close?.(null)
  }

  async stop(): Promise<void> {}

  private decoder(schema: StructType): (row: readonly unknown[]) => Record<string, unknown> {
    if (this.decode === undefined || this.decodedSchema !== schema) {
      this.decode = compileRowDecoder(schema)
      this.decodedSchema = schema
    }
    return this.decode
  }
}

/**
 * A provider for the API's `foreach(writer)`, so the runtime creates it like any sink.
 *
 * @example
 * const provider = foreachSinkProvider({ process: (row) => { seen.push(row) } })
 */
export function foreachSinkProvider(writer: ForeachWriter): SinkProvider {
  return Object.freeze({
    name: 'foreach',
    validate: (options: Readonly<Record<string, string>>) => checkSinkOptions('foreach sink', options),
    createSink(ctx: SinkContext): Sink {
      checkSinkOptions('foreach sink', ctx.options)
      return new ForeachSink(writer)
    },
  })
}
