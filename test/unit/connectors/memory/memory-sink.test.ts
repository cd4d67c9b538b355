import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemorySink, memorySinkProvider } from '../../../../src/connectors/memory/memory-sink.ts'
import type { SinkBatch } from '../../../../src/connectors/spi.ts'
import { isSluiceError } from '../../../../src/errors.ts'
import { field, structOf, t } from '../../../../src/schema/data-type.ts'
import { sinkContract } from '../../../contract/sink-contract.ts'
import { sinkContext } from '../fake-context.ts'

for (const outputMode of ['append', 'complete'] as const) {
  sinkContract(
    `memory (${outputMode})`,
    () => {
      const ctx = sinkContext({}, 'q')
      return { create: () => memorySinkProvider.createSink(ctx), output: () => ctx.tables.rows('q') }
    },
    { guarantee: 'exactly-once', outputMode },
  )
}

const Schema = structOf([field('word', t.string()), field('n', t.long())])
const batch = (batchId: number, rows: unknown[][], outputMode: SinkBatch['outputMode']): SinkBatch => ({
  batchId,
  schema: Schema,
  rows,
  outputMode,
})

describe('memory sink', () => {
  it('adds the rows of each batch in append mode', async () => {
    const ctx = sinkContext({}, 'words')
    const sink = memorySinkProvider.createSink(ctx)
    await sink.addBatch(batch(0, [['a', 1]], 'append'))
    await sink.addBatch(batch(1, [['b', 1]], 'append'))
    assert.deepEqual(ctx.tables.rows('words'), [
      ['a', 1],
      ['b', 1],
    ])
    assert.equal(ctx.tables.schemas.get('words'), Schema)
  })

  it('replaces all rows with the batch in complete mode', async () => {
    const ctx = sinkContext({}, 'counts')
    const sink = memorySinkProvider.createSink(ctx)
    await sink.addBatch(batch(0, [['a', 1]], 'complete'))
    await sink.addBatch(
      batch(
        1,
        [
          ['a', 2],
          ['b', 1],
        ],
        'complete',
      ),
    )
    assert.deepEqual(ctx.tables.rows('counts'), [
      ['a', 2],
      ['b', 1],
    ])
  })

  it("skips a batch id at or below the latest written, as Spark's MemorySink", async () => {
    const ctx = sinkContext({}, 'q')
    const sink = new MemorySink(ctx)
    await sink.addBatch(batch(3, [['a', 1]], 'append'))
    await sink.addBatch(batch(2, [['old', 1]], 'append'))
    await sink.addBatch(batch(3, [['again', 1]], 'append'))
    assert.equal(sink.latestBatchId, 3)
    assert.deepEqual(sink.allData(), [['a', 1]])
    assert.deepEqual(sink.latestBatchData(), [['a', 1]])
  })

  it('registers the table at start when the context knows the schema', () => {
    const ctx = { ...sinkContext({}, 'early'), schema: Schema }
    new MemorySink(ctx)
    assert.deepEqual(ctx.tables.rows('early'), [])
  })

  it("requires a query name, with Spark's message", () => {
    assert.throws(
      () => memorySinkProvider.createSink(sinkContext({})),
      (e: unknown) =>
        isSluiceError(e, 'INVALID_OPTION') && /queryName must be specified for memory sink/.test(String(e)),
    )
  })

  it('rejects unknown options but tolerates the writer options', () => {
    memorySinkProvider.validate({ checkpointLocation: '/tmp/c', queryName: 'q' })
    assert.throws(
      () => memorySinkProvider.validate({ path: '/x' }),
      (e: unknown) => isSluiceError(e, 'INVALID_OPTION'),
    )
  })
})
