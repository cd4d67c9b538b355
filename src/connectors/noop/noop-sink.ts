/**
 * `format('noop')`: discards every batch, as Spark's `NoopDataSource` — for benchmarks, where
 * the work is the query itself and writing would only add noise.
 *
 * Delivery guarantee: not applicable (nothing is written); replays are as harmless as first writes.
 */
import { readOptions, WRITER_OPTIONS } from '../connector-options.ts'
import type { DeliveryGuarantee, Sink, SinkBatch, SinkContext, SinkProvider } from '../spi.ts'

/** Does nothing with the batches it is given. */
export class NoopSink implements Sink {
  readonly description = 'NoopTable'
  // The SPI has no "not applicable": nothing is delivered, so nothing is guaranteed.
  readonly guarantee: DeliveryGuarantee = 'none'

  async addBatch(_batch: SinkBatch): Promise<void> {}

  async stop(): Promise<void> {}
}

/**
 * The `noop` sink provider.
 *
 * @example
 * const sink = noopSinkProvider.createSink(ctx)
 */
export const noopSinkProvider: SinkProvider = Object.freeze({
  name: 'noop',
  validate(options: Readonly<Record<string, string>>): void {
    readOptions('noop sink', options, WRITER_OPTIONS)
  },
  createSink(ctx: SinkContext): Sink {
    readOptions('noop sink', ctx.options, WRITER_OPTIONS)
    return new NoopSink()
  },
} satisfies SinkProvider)
