/**
 * The statistical and kept-value aggregates (stddev, corr, median, percentile, mode, max_by, ...)
 * carried in streaming state across restarts: the stream's final answer equals the batch
 * aggregation over all rows (itself checked against Spark in test/unit/functions/spark-functions).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  any_value,
  bool_and,
  type Column,
  col,
  corr,
  count_if,
  covar_samp,
  expr,
  kurtosis,
  ManualClock,
  max_by,
  median,
  min_by,
  mode,
  percentile,
  percentile_approx,
  Sluice,
  skewness,
  stddev,
  t,
  var_pop,
} from '../../src/index.ts'
import {
  addData,
  assertOnQuery,
  startStream,
  stopStream,
  testStream,
  testStreamWithRestarts,
} from '../../src/testing/index.ts'

const ROW = t.struct({ k: t.string(), x: t.long(), y: t.double(), s: t.string() })
const r = (k: string, x: number | null, y: number | null, s: string | null) => ({ k, x, y, s })

const session = () =>
  Sluice.local({
    'sluice.sql.session.timeZone': 'UTC',
    clock: new ManualClock(0),
    output: () => undefined,
    'sluice.streaming.stopOnSignal': false,
  })

const aggregates = (): Column[] => [
  stddev('y').alias('sd'),
  var_pop('x').alias('vp'),
  skewness('y').alias('sk'),
  kurtosis('x').alias('ku'),
  corr('x', 'y').alias('co'),
  covar_samp('x', 'y').alias('cs'),
  count_if(col('x').gt(1)).alias('ci'),
  bool_and(col('y').gt(0)).alias('ba'),
  max_by('s', 'x').alias('mx'),
  min_by('s', 'y').alias('mn'),
  median('x').alias('md'),
  percentile('y', [0.25, 0.75]).alias('pc'),
  percentile_approx('x', 0.5).alias('pa'),
  mode('s').alias('mo'),
  expr('bit_xor(x)').alias('bx'),
  any_value('k').alias('av'),
]

/** Rows sorted by key, doubles compared to 1e-9 relative (merges reorder floating additions). */
function assertClose(actual: unknown, expected: unknown, path = ''): void {
  if (typeof actual === 'number' && typeof expected === 'number') {
    const tol = 1e-9 * Math.max(1, Math.abs(expected))
    assert.ok(Math.abs(actual - expected) <= tol, `${path}: ${actual} vs ${expected}`)
  } else if (Array.isArray(actual) && Array.isArray(expected)) {
    assert.equal(actual.length, expected.length, path)
    for (const [i, a] of actual.entries()) assertClose(a, expected[i], `${path}[${i}]`)
  } else if (
    actual !== null &&
    expected !== null &&
    typeof actual === 'object' &&
    typeof expected === 'object'
  ) {
    for (const k of Object.keys(expected))
      assertClose((actual as never)[k], (expected as never)[k], `${path}.${k}`)
  } else assert.deepEqual(actual, expected, path)
}

const byKey = (rows: readonly Record<string, unknown>[]) =>
  [...rows].sort((a, b) => String(a.k).localeCompare(String(b.k)))

describe('statistical aggregates in streaming state', () => {
  for (const harness of [testStream, testStreamWithRestarts]) {
    it(`agree with the batch aggregation over all rows (${harness === testStream ? 'one run' : 'a restart after every action'})`, async () => {
      const batches = [
        [r('a', 1, 2.5, 'p'), r('a', 2, 3.5, 'q'), r('b', 5, null, 'r')],
        [r('a', 4, 1, 'q'), r('b', null, 4, 'r'), r('c', 7, 7, 't')],
        [r('c', 10, -3.5, 't'), r('a', 2, 8.25, null)],
        [r('c', -4, 0.125, 'u'), r('c', 0, 11, 'u'), r('c', 7, 7, null)],
      ]
      const sluice = session()
      const all = sluice
        .createDataFrame(batches.flat(), ROW)
        .groupBy('k')
        .agg(...aggregates())
      const expected = byKey(all.collect())
      assert.equal(expected.length, 3)
      const input = sluice.memoryStream(ROW)
      await harness(
        input
          .toDF()
          .groupBy('k')
          .agg(...aggregates()),
        { outputMode: 'complete' },
        addData(input, ...batches[0]),
        addData(input, ...batches[1]),
        stopStream(),
        addData(input, ...batches[2]),
        startStream(),
        addData(input, ...batches[3]),
        assertOnQuery((_, ctx) => {
          const rows = ctx.sinkRows() as Record<string, unknown>[]
          assertClose(byKey(rows), expected)
        }, 'the stream agrees with the batch aggregation'),
      )
    })
  }
})
