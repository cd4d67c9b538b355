/**
 * `writeStream.foreachBatch(fn)`: hands each batch to a user function, as Spark's
 * `ForeachBatchSink` (the API layer turns the batch into a DataFrame before calling the user's
 * `(df, batchId)`), and waits for it to finish before the batch commits.
 *
 * Delivery guarantee: at-least-once. A batch rerun after a restart is handed over again with the
 * same id and the same rows; for exactly-once output the function must be idempotent per batchId
 * (e.g. write to a location named after it, or skip ids it has already written).
 */
import { isSluiceError, SluiceError } from '../../errors.ts'
import type { DeliveryGuarantee, Sink, SinkBatch, SinkContext, SinkProvider } from '../spi.ts'
import { checkSinkOptions } from './sink-options.ts'

export type ForeachBatchFunction = (batch: SinkBatch) => void | Promise<void>

/** Calls the user function once per addBatch. */
export class ForeachBatchSink implements Sink {
  readonly description = 'ForeachBatchSink'
  readonly guarantee: DeliveryGuarantee = 'at-least-once'
  private readonly fn: ForeachBatchFunction

  constructor(fn: ForeachBatchFunction) {
    this.fn = fn
  }

  /** Errors from the function fail the batch; non-Sluice ones are wrapped as UDF_FAILED (Spark: FOREACH_BATCH_USER_FUNCTION_ERROR). */
  async addBatch(batch: SinkBatch): Promise<void> {
    try {
      await this.fn(batch)
    } catch (e) {
      if (isSluiceError(e)) throw e
      const reason = e instanceof Error ? e.message : String(e)
      throw new SluiceError(
        'UDF_FAILED',
        `An error occurred in the user provided function in foreach batch sink (batch ${batch.batchId}). Reason: ${reason}`,
        { cause: e },
      )
    }
  }

  async stop(): Promise<void> {}
}

/**
 * A provider for the API's `foreachBatch(fn)`, so the runtime creates it like any sink.
 *
 * @example
 * const provider = foreachBatchSinkProvider(async (batch) => { console.log(batch.batchId, batch.rows.length) })
 */
export function foreachBatchSinkProvider(fn: ForeachBatchFunction): SinkProvider {
  return Object.freeze({
    name: 'foreachBatch',
    validate: (options: Readonly<Record<string, string>>) => checkSinkOptions('foreachBatch sink', options),
    createSink(ctx: SinkContext): Sink {
      checkSinkOptions('foreachBatch sink', ctx.options)
      return new ForeachBatchSink(fn)
    },
  })
}
