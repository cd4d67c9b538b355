import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RATE_SCHEMA } from '../../../../src/connectors/rate/rate-source-provider.ts'
import {
  parseRateMicroBatchOptions,
  rateMicroBatchSourceProvider,
} from '../../../../src/connectors/rate-micro-batch/rate-micro-batch-source-provider.ts'
import { isAvailableNowSource, type Offset, READ_ALL, type Source } from '../../../../src/connectors/spi.ts'
import { isSluiceError } from '../../../../src/errors.ts'
import { field, structOf, t } from '../../../../src/schema/data-type.ts'
import { sourceContract } from '../../../contract/source-contract.ts'
import { sourceContext } from '../fake-context.ts'

const create = (options: Record<string, string>): Source =>
  rateMicroBatchSourceProvider.createSource(sourceContext(options), RATE_SCHEMA)

sourceContract(
  'rate-micro-batch',
  () => ({
    schema: RATE_SCHEMA,
    create: () => create({ rowsPerBatch: '5', numPartitions: '2', startTimestamp: '1000' }),
    // Every latestOffset call is one more batch: there is nothing to produce.
    produce: async () => {},
  }),
  { supportsMaxRows: true },
)

/** The next `n` batches from the initial offset, one latestOffset call each. */
async function batches(source: Source, n: number): Promise<{ ends: Offset[]; rows: unknown[][][] }> {
  let start = await source.initialOffset()
  const ends: Offset[] = []
  const rows: unknown[][][] = []
  for (let i = 0; i < n; i++) {
    const end = await source.latestOffset(start, READ_ALL)
    ends.push(end)
    rows.push(await source.getBatch(start, end))
    start = end
  }
  return { ends, rows }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i)

describe('rate-micro-batch source', () => {
  it('gives batch k the values k*rowsPerBatch.. and the timestamp startTimestamp + k*advanceMillisPerBatch', async () => {
    // Spark's RatePerMicroBatchProviderSuite "basic": rowsPerBatch 10, startTimestamp 1000, advance 50.
    const source = create({ rowsPerBatch: '10', startTimestamp: '1000', advanceMillisPerBatch: '50' })
    const { rows } = await batches(source, 3)
    assert.deepEqual(
      rows[0],
      range(0, 10).map((v) => [1000, v]),
    )
    assert.deepEqual(
      rows[1],
      range(10, 20).map((v) => [1050, v]),
    )
    assert.deepEqual(
      rows[2],
      range(20, 30).map((v) => [1100, v]),
    )
  })

  it("keeps Spark's offset JSON: {offset, timestamp}", async () => {
    // Spark's "restart" awaits RatePerMicroBatchStreamOffset(20, 2000) after two batches of 10.
    const source = create({ rowsPerBatch: '10' })
    assert.deepEqual(await source.initialOffset(), { offset: 0, timestamp: 0 })
    const { ends } = await batches(source, 2)
    assert.equal(JSON.stringify(ends[1]), '{"offset":20,"timestamp":2000}')
  })

  it('advances exactly one batch per latestOffset call, whatever the time', async () => {
    const source = create({ rowsPerBatch: '3' })
    const start = await source.initialOffset()
    assert.deepEqual(await source.latestOffset(start, READ_ALL), { offset: 3, timestamp: 1000 })
    assert.deepEqual(await source.latestOffset(start, READ_ALL), { offset: 3, timestamp: 1000 })
  })

  it('shortens a batch to a smaller maxRows limit', async () => {
    const source = create({ rowsPerBatch: '10' })
    const end = await source.latestOffset({ offset: 0, timestamp: 0 }, { kind: 'maxRows', maxRows: 4 })
    assert.deepEqual(end, { offset: 4, timestamp: 1000 })
    assert.deepEqual(
      await source.getBatch({ offset: 0, timestamp: 0 }, end),
      range(0, 4).map((v) => [0, v]),
    )
  })

  it('orders rows partition by partition, as Spark reads its partitions', async () => {
    const source = create({ rowsPerBatch: '5', numPartitions: '2' })
    const { rows } = await batches(source, 1)
    assert.deepEqual(
      rows[0].map((r) => r[1]),
      [0, 2, 4, 1, 3],
    )
  })

  it('offers one fixed batch under availableNow, as Spark does', async () => {
    const source = create({ rowsPerBatch: '4' })
    assert.ok(isAvailableNowSource(source))
    await source.prepareForAvailableNow()
    const start = await source.initialOffset()
    const end = await source.latestOffset(start, READ_ALL)
    assert.deepEqual(end, { offset: 4, timestamp: 1000 })
    assert.deepEqual(await source.latestOffset(end, READ_ALL), end)
  })

  it('describes itself as Spark does', () => {
    assert.equal(
      create({ rowsPerBatch: '10' }).description,
      'RatePerMicroBatchStream[rowsPerBatch=10, numPartitions=1, startTimestamp=0, advanceMsPerBatch=1000]',
    )
  })
})

describe('rate-micro-batch source options', () => {
  const rejects = (options: Record<string, string>, ...parts: string[]) =>
    assert.throws(
      () => rateMicroBatchSourceProvider.validate(options),
      (e: unknown) => isSluiceError(e, 'INVALID_OPTION') && parts.every((p) => String(e).includes(p)),
    )

  it('requires a positive rowsPerBatch', () => {
    rejects({}, 'rowsPerBatch', 'required')
    rejects({ rowsPerBatch: '-1' }, "'-1'", 'rowsPerBatch', 'positive')
    rejects({ rowsPerBatch: '0' }, "'0'", 'rowsPerBatch', 'positive')
  })

  it("checks the other options' ranges as Spark does", () => {
    // Spark's RatePerMicroBatchProviderSuite "illegal option values".
    rejects({ rowsPerBatch: '1', numPartitions: '-1' }, "'-1'", 'numPartitions', 'positive')
    rejects({ rowsPerBatch: '1', numPartitions: '0' }, "'0'", 'numPartitions', 'positive')
    rejects(
      { rowsPerBatch: '1', advanceMillisPerBatch: '-1' },
      "'-1'",
      'advanceMillisPerBatch',
      'non-negative',
    )
    rejects({ rowsPerBatch: '1', startTimestamp: '-1' }, "'-1'", 'startTimestamp', 'non-negative')
    rejects({ rowsPerBatch: '1', advanceMillisPerBatch: '3000000000' }, 'advanceMillisPerBatch', '32-bit')
    rejects({ rowsPerBatch: '1', rowsPerSecond: '1' }, "Unknown option 'rowsPerSecond'")
  })

  it('accepts zero advanceMillisPerBatch and startTimestamp', () => {
    assert.deepEqual(parseRateMicroBatchOptions({ rowsPerBatch: '2', advanceMillisPerBatch: '0' }), {
      rowsPerBatch: 2,
      numPartitions: 1,
      startTimestamp: 0,
      advanceMillisPerBatch: 0,
    })
  })

  it('rejects a user-specified schema, as Spark does', () => {
    assert.throws(
      () => rateMicroBatchSourceProvider.schema({ rowsPerBatch: '1' }, structOf([field('id', t.long())])),
      (e: unknown) => isSluiceError(e, 'UNSUPPORTED_OPERATION'),
    )
  })
})
