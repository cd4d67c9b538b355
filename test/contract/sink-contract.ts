/**
 * The contract every streaming sink keeps (DESIGN §3): it declares its delivery guarantee, it
 * tolerates a replayed batch id (the rerun after a restart), and where the guarantee is
 * exactly-once a replayed batch id is not written twice. A connector's test calls `sinkContract`.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { DeliveryGuarantee, OutputMode, Sink, SinkBatch } from '../../src/connectors/spi.ts'
import { field, structOf, t } from '../../src/schema/data-type.ts'

export interface SinkHarness {
  create(): Sink | Promise<Sink>
  /** Everything the harness's sink has written so far, comparable with deepEqual. */
  output(): unknown
  close?(): Promise<void>
}

export interface SinkContractOptions {
  /** The guarantee the sink must declare. */
  readonly guarantee: DeliveryGuarantee
  /** The output mode of the batches (default append). */
  readonly outputMode?: OutputMode
}

const SCHEMA = structOf([field('id', t.long()), field('name', t.string())])

/** A small batch with distinct rows per id. */
export function contractBatch(batchId: number, outputMode: OutputMode = 'append'): SinkBatch {
  return {
    batchId,
    schema: SCHEMA,
    rows: [
      [batchId * 10, `a${batchId}`],
      [batchId * 10 + 1, null],
    ],
    outputMode,
  }
}

async function withSink(make: () => SinkHarness, fn: (h: SinkHarness, sink: Sink) => Promise<void>) {
  const h = make()
  const sink = await h.create()
  try {
    await fn(h, sink)
  } finally {
    await sink.stop()
    await h.close?.()
  }
}

/**
 * Registers the sink contract's tests for one connector.
 *
 * @example
 * sinkContract('memory', () => ({ create: () => new MemorySink(ctx), output: () => table.rows() }), { guarantee: 'exactly-once' })
 */
export function sinkContract(name: string, make: () => SinkHarness, opts: SinkContractOptions): void {
  const mode = opts.outputMode ?? 'append'
  describe(`${name} sink contract`, () => {
    it(`declares the ${opts.guarantee} guarantee and a description`, () =>
      withSink(make, async (_h, sink) => {
        assert.equal(sink.guarantee, opts.guarantee)
        assert.ok(sink.description.length > 0)
      }))

    it('tolerates a replayed batch id', () =>
      withSink(make, async (_h, sink) => {
        await sink.addBatch(contractBatch(0, mode))
        await sink.addBatch(contractBatch(0, mode))
        await sink.addBatch(contractBatch(1, mode))
      }))

    if (opts.guarantee === 'exactly-once') {
      it('does not write a replayed batch id twice', () =>
        withSink(make, async (h, sink) => {
          await sink.addBatch(contractBatch(0, mode))
          const once = structuredClone(h.output())
          await sink.addBatch(contractBatch(0, mode))
          assert.deepEqual(h.output(), once)
          await sink.addBatch(contractBatch(1, mode))
          const two = structuredClone(h.output())
          assert.notDeepEqual(two, once, 'the next batch id was not written')
          await sink.addBatch(contractBatch(1, mode))
          await sink.addBatch(contractBatch(0, mode))
          assert.deepEqual(h.output(), two)
        }))
    }

    if (opts.guarantee === 'at-least-once') {
      it('delivers a replayed batch id again (at-least-once)', () =>
        withSink(make, async (h, sink) => {
          await sink.addBatch(contractBatch(0, mode))
          const once = structuredClone(h.output())
          await sink.addBatch(contractBatch(0, mode))
          assert.notDeepEqual(h.output(), once)
        }))
    }
  })
}
