import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { valueAtSecond } from '../../../../src/connectors/rate/rate-source.ts'
import {
  parseRateOptions,
  RATE_SCHEMA,
  rateSourceProvider,
} from '../../../../src/connectors/rate/rate-source-provider.ts'
import { timeStringAsSeconds } from '../../../../src/connectors/rate/time-string.ts'
import { READ_ALL, type Source } from '../../../../src/connectors/spi.ts'
import { isSluiceError } from '../../../../src/errors.ts'
import { ManualClock } from '../../../../src/io/clock.ts'
import { field, structOf, t } from '../../../../src/schema/data-type.ts'
import { sourceContract } from '../../../contract/source-contract.ts'
import { sourceContext } from '../fake-context.ts'

function rateHarness(options: Record<string, string>) {
  return () => {
    const clock = new ManualClock(1_700_000_000_000)
    return {
      schema: RATE_SCHEMA,
      create: () => rateSourceProvider.createSource(sourceContext(options, clock), RATE_SCHEMA),
      produce: async () => clock.advance(1000),
    }
  }
}
sourceContract('rate', rateHarness({ rowsPerSecond: '7' }))
sourceContract(
  'rate (3 partitions, ramp-up)',
  rateHarness({ rowsPerSecond: '9', rampUpTime: '2s', numPartitions: '3' }),
)

/** Reads second by second from a clock starting at 0, as Spark's RateStreamProviderSuite does. */
async function secondBySecond(options: Record<string, string>, seconds: number): Promise<unknown[][][]> {
  const clock = new ManualClock(0)
  const source: Source = rateSourceProvider.createSource(sourceContext(options, clock), RATE_SCHEMA)
  let start = await source.initialOffset()
  const batches: unknown[][][] = []
  for (let i = 0; i < seconds; i++) {
    clock.advance(1000)
    const end = await source.latestOffset(start, READ_ALL)
    batches.push(await source.getBatch(start, end))
    start = end
  }
  return batches
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i)

describe('rate source', () => {
  it('computes valueAtSecond as Spark does', () => {
    // Spark's RateStreamProviderSuite "valueAtSecond" cases.
    const cases: [number, number, number, number][] = [
      [0, 5, 0, 0],
      [1, 5, 0, 5],
      [0, 5, 2, 0],
      [1, 5, 2, 1],
      [2, 5, 2, 3],
      [3, 5, 2, 8],
      [0, 10, 4, 0],
      [1, 10, 4, 2],
      [2, 10, 4, 6],
      [3, 10, 4, 12],
      [4, 10, 4, 20],
      [5, 10, 4, 30],
    ]
    for (const [seconds, rps, rampUp, expected] of cases) {
      assert.equal(
        valueAtSecond(seconds, rps, rampUp),
        expected,
        `valueAtSecond(${seconds}, ${rps}, ${rampUp})`,
      )
    }
  })

  it('emits rowsPerSecond rows a second with timestamps spread over the second', async () => {
    // Spark's "microbatch - basic": rowsPerSecond 10, one second -> (v * 100 ms, v) for v in 0..9.
    const [batch] = await secondBySecond({ rowsPerSecond: '10' }, 1)
    assert.deepEqual(
      batch,
      range(0, 10).map((v) => [v * 100, v]),
    )
  })

  it('rounds timestamps to the millisecond as Spark does', async () => {
    // Spark's "uniform distribution of event timestamps": ts = Math.round(v * 1000 / 1500).
    const [batch] = await secondBySecond({ rowsPerSecond: '1500' }, 1)
    assert.deepEqual(
      batch,
      range(0, 1500).map((v) => [Math.round(v * (1000 / 1500)), v]),
    )
  })

  it('ramps up linearly over rampUpTime', async () => {
    // Spark's RateStreamProviderSuite "rampUpTime": rowsPerSecond 10, rampUpTime 4s. Per second
    // the speed is 2, 4, 6, 8, then 10; each batch's rows are spread evenly over its second
    // (RateStreamMicroBatchStream.planInputPartitions: relativeMsPerValue).
    const batches = await secondBySecond({ rowsPerSecond: '10', rampUpTime: '4s' }, 7)
    const ts = (b: unknown[][]) => b.map(([t0, v]) => [t0, v])
    assert.deepEqual(
      ts(batches[0]),
      range(0, 2).map((v) => [v * 500, v]),
    )
    assert.deepEqual(
      ts(batches[1]),
      range(2, 6).map((v) => [1000 + (v - 2) * 250, v]),
    )
    assert.deepEqual(ts(batches[2]), [
      [2000, 6],
      [2167, 7],
      [2333, 8],
      [2500, 9],
      [2667, 10],
      [2833, 11],
    ])
    assert.deepEqual(
      ts(batches[3]),
      range(12, 20).map((v) => [3000 + (v - 12) * 125, v]),
    )
    assert.deepEqual(
      ts(batches[4]),
      range(20, 30).map((v) => [4000 + (v - 20) * 100, v]),
    )
    assert.deepEqual(
      ts(batches[6]),
      range(40, 50).map((v) => [6000 + (v - 40) * 100, v]),
    )
  })

  it('emits no rows while the ramp-up speed rounds down to zero', async () => {
    // speedDeltaPerSecond = 1 / (5 + 1) = 0 in Spark's integer division.
    const batches = await secondBySecond({ rowsPerSecond: '1', rampUpTime: '5s' }, 7)
    assert.deepEqual(batches.slice(0, 5), [[], [], [], [], []])
    assert.deepEqual(batches[5], [[5000, 0]])
    assert.deepEqual(batches[6], [[6000, 1]])
  })

  it('orders rows partition by partition, as Spark reads its partitions', async () => {
    // Partition p of n holds rangeStart + p, + p + n, ...
    const [batch] = await secondBySecond({ rowsPerSecond: '6', numPartitions: '2' }, 1)
    assert.deepEqual(
      batch.map((r) => r[1]),
      [0, 2, 4, 1, 3, 5],
    )
    assert.deepEqual(
      batch.map((r) => r[0]),
      [0, 333, 667, 167, 500, 833],
    )
  })

  it('offers only whole seconds that have passed, from the start time in the offset', async () => {
    const clock = new ManualClock(10_000)
    const source = rateSourceProvider.createSource(sourceContext({}, clock), RATE_SCHEMA)
    const start = await source.initialOffset()
    assert.deepEqual(start, { startTimeMs: 10_000, seconds: 0 })
    clock.advance(999)
    assert.deepEqual(await source.latestOffset(start, READ_ALL), start)
    clock.advance(1)
    assert.deepEqual(await source.latestOffset(start, READ_ALL), { startTimeMs: 10_000, seconds: 1 })
    clock.set(5_000)
    assert.deepEqual(await source.latestOffset(start, READ_ALL), { startTimeMs: 10_000, seconds: 1 })
  })

  it('reads a rerun batch with the original start time after a restart', async () => {
    const before = rateSourceProvider.createSource(sourceContext({}, new ManualClock(0)), RATE_SCHEMA)
    const rows = await before.getBatch({ startTimeMs: 0, seconds: 2 }, { startTimeMs: 0, seconds: 4 })
    const later = new ManualClock(3_600_000)
    const after = rateSourceProvider.createSource(sourceContext({}, later), RATE_SCHEMA)
    assert.deepEqual(
      await after.getBatch({ startTimeMs: 0, seconds: 2 }, { startTimeMs: 0, seconds: 4 }),
      rows,
    )
    assert.deepEqual(rows, [
      [2000, 2],
      [3000, 3],
    ])
    // The restarted source continues from the logged start time.
    assert.deepEqual(await after.latestOffset({ startTimeMs: 0, seconds: 4 }, READ_ALL), {
      startTimeMs: 0,
      seconds: 3600,
    })
  })

  it('fails a batch whose values would pass 2^53 - 1', async () => {
    const source = rateSourceProvider.createSource(
      sourceContext({ rowsPerSecond: String(2 ** 52) }, new ManualClock(0)),
      RATE_SCHEMA,
    )
    await assert.rejects(
      source.getBatch({ startTimeMs: 0, seconds: 0 }, { startTimeMs: 0, seconds: 3 }),
      /Max offset with 4503599627370496 rowsPerSecond is 1, but it's 3 now/,
    )
  })

  it('describes itself as Spark does', () => {
    const source = rateSourceProvider.createSource(sourceContext({ rowsPerSecond: '5' }), RATE_SCHEMA)
    assert.equal(
      source.description,
      'RateStreamV2[rowsPerSecond=5, rampUpTimeSeconds=0, numPartitions=default]',
    )
  })
})

describe('rate source options', () => {
  const rejects = (options: Record<string, string>, ...parts: (string | RegExp)[]) => {
    assert.throws(
      () => rateSourceProvider.validate(options),
      (e: unknown) => {
        assert.ok(isSluiceError(e, 'INVALID_OPTION'), String(e))
        for (const p of parts) {
          assert.ok(typeof p === 'string' ? String(e).includes(p) : p.test(String(e)), `${e} lacks ${p}`)
        }
        return true
      },
    )
  }

  it('rejects non-positive rowsPerSecond and numPartitions, naming option and value', () => {
    rejects({ rowsPerSecond: '-1' }, "'-1'", 'rowsPerSecond', 'positive')
    rejects({ rowsPerSecond: '0' }, "'0'", 'rowsPerSecond', 'positive')
    rejects({ numPartitions: '-1' }, "'-1'", 'numPartitions', 'positive')
    rejects({ rowsPerSecond: 'abc' }, "'abc'", 'rowsPerSecond', 'whole number')
    rejects({ rowsPerSecond: '1.5' }, "'1.5'", 'rowsPerSecond')
  })

  it('rejects a negative or malformed rampUpTime', () => {
    rejects({ rampUpTime: '-1s' }, "'-1s'", 'rampUpTime', 'must not be negative')
    rejects({ rampUpTime: '5 parsecs' }, 'rampUpTime', 'Time must be specified as seconds (s)')
    rejects({ rampUpTime: '5y' }, "'y' is not a time unit")
  })

  it('rejects an unknown option and suggests the close one', () => {
    rejects(
      { rowPerSecond: '5' },
      "Unknown option 'rowPerSecond'",
      "Did you mean 'rowsPerSecond'?",
      'rampUpTime',
    )
  })

  it('reads option keys case-insensitively, as Spark does', () => {
    assert.equal(parseRateOptions({ ROWSPERSECOND: '8' }).rowsPerSecond, 8)
  })

  it('parses Spark time strings, truncating to whole seconds', () => {
    assert.equal(timeStringAsSeconds('rampUpTime', '5s'), 5)
    assert.equal(timeStringAsSeconds('rampUpTime', '1500ms'), 1)
    assert.equal(timeStringAsSeconds('rampUpTime', '2min'), 120)
    assert.equal(timeStringAsSeconds('rampUpTime', '1m'), 60)
    assert.equal(timeStringAsSeconds('rampUpTime', '1h'), 3600)
    assert.equal(timeStringAsSeconds('rampUpTime', '7'), 7)
    assert.equal(timeStringAsSeconds('rampUpTime', ' 3S '), 3)
    assert.equal(timeStringAsSeconds('rampUpTime', '5 seconds'), 5)
  })

  it('rejects a user-specified schema, as Spark does', () => {
    assert.throws(
      () => rateSourceProvider.schema({}, structOf([field('id', t.long())])),
      (e: unknown) => isSluiceError(e, 'UNSUPPORTED_OPERATION') && /user-specified schema/.test(String(e)),
    )
  })

  it('has Spark’s columns: timestamp and value, nullable', () => {
    assert.deepEqual(rateSourceProvider.schema({}, undefined), RATE_SCHEMA)
    assert.deepEqual(
      RATE_SCHEMA.fields.map((f) => [f.name, f.type.kind, f.nullable]),
      [
        ['timestamp', 'timestamp', true],
        ['value', 'long', true],
      ],
    )
  })
})
