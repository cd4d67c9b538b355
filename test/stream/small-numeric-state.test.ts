/**
 * tinyint, smallint and float in streaming state: as grouping keys and in aggregate buffers, kept
 * across a stop and restart from the checkpoint (with the memory or LMDB provider, see session.ts).
 * Floats are rounded to 32 bits when written into the input; sums widen as Spark's (bigint, double).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { avg, count, ManualClock, max, min, Sluice, sum, t } from '../../src/index.ts'
import { addData, checkLastBatch, startStream, stopStream, testStream } from '../../src/testing/index.ts'
import { STREAM_TEST_CONF } from './session.ts'

const S = t.struct({ b: t.byte(), f: t.float(), s: t.short(), x: t.float() })
const f = Math.fround

describe('tinyint, smallint and float in streaming state', () => {
  it('groups by them and keeps their aggregates across a restart, with Spark result types', async () => {
    const sluice = Sluice.local({ ...STREAM_TEST_CONF, clock: new ManualClock(0), output: () => undefined })
    const input = sluice.memoryStream(S)
    const df = input
      .toDF()
      .groupBy('b', 'f')
      .agg(
        count('*').alias('n'),
        sum('s').alias('ss'),
        sum('x').alias('sx'),
        min('s').alias('lo'),
        max('x').alias('hi'),
        avg('x').alias('ax'),
      )
    assert.deepEqual(
      df.schema.fields.map((fl) => `${fl.name}:${fl.type.kind}`),
      ['b:byte', 'f:float', 'n:long', 'ss:long', 'sx:double', 'lo:short', 'hi:float', 'ax:double'],
    )
    await testStream(
      df,
      { outputMode: 'update' },
      addData(input, { b: 1, f: 0.1, s: 32767, x: 1.1 }, { b: 1, f: 0.1, s: 32767, x: 2.2 }),
      checkLastBatch({
        b: 1,
        f: f(0.1),
        n: 2,
        ss: 65534,
        sx: f(1.1) + f(2.2),
        lo: 32767,
        hi: f(2.2),
        ax: (f(1.1) + f(2.2)) / 2,
      }),
      stopStream(),
      addData(input, { b: 1, f: 0.1, s: -32768, x: 3.3 }, { b: -128, f: -0, s: 1, x: 0.5 }),
      startStream(),
      checkLastBatch(
        {
          b: 1,
          f: f(0.1),
          n: 3,
          ss: 32766,
          sx: f(1.1) + f(2.2) + f(3.3),
          lo: -32768,
          hi: f(3.3),
          ax: (f(1.1) + f(2.2) + f(3.3)) / 3,
        },
        { b: -128, f: 0, n: 1, ss: 1, sx: 0.5, lo: 1, hi: 0.5, ax: 0.5 },
      ),
      stopStream(),
      startStream(),
      addData(input, { b: -128, f: 0, s: 2, x: 1e39 }),
      checkLastBatch({
        b: -128,
        f: 0,
        n: 2,
        ss: 3,
        sx: Number.POSITIVE_INFINITY,
        lo: 1,
        hi: Number.POSITIVE_INFINITY,
        ax: Number.POSITIVE_INFINITY,
      }),
    )
  })

  it('refuses a tinyint out of range in the input with INVALID_ROW', () => {
    const sluice = Sluice.local({ ...STREAM_TEST_CONF, clock: new ManualClock(0), output: () => undefined })
    const input = sluice.memoryStream(S)
    assert.throws(
      () => input.addData({ b: 128, f: 0, s: 0, x: 0 }),
      (e: unknown) => e instanceof Error && /INVALID_ROW/.test(e.message) && /tinyint/.test(e.message),
    )
  })
})
