/**
 * Decimals in streaming state: as a grouping key and in aggregate buffers (sum, avg, min, max),
 * kept across a stop and restart from the checkpoint (with the memory or LMDB provider, see
 * session.ts; SLUICE_TEST_STATE_STORE=lmdb runs this file on LMDB). The result types and the
 * rounding are those checked against PySpark in test/unit/functions/decimal.test.ts: sum of
 * decimal(5,2) is decimal(15,2), avg decimal(9,6).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { avg, col, count, expr, ManualClock, max, min, Sluice, sum, t } from '../../src/index.ts'
import { simpleString } from '../../src/schema/data-type.ts'
import { addData, checkLastBatch, startStream, stopStream, testStream } from '../../src/testing/index.ts'
import { STREAM_TEST_CONF } from './session.ts'

const S = t.struct({ k: t.decimal(3, 1), d: t.decimal(5, 2) })

describe('decimals in streaming state', () => {
  it('groups by a decimal and keeps exact decimal sums and averages across restarts', async () => {
    const sluice = Sluice.local({ ...STREAM_TEST_CONF, clock: new ManualClock(0), output: () => undefined })
    const input = sluice.memoryStream(S)
    const df = input
      .toDF()
      .groupBy('k')
      .agg(
        count('*').alias('n'),
        sum('d').alias('total'),
        avg('d').alias('mean'),
        min('d').alias('lo'),
        max('d').alias('hi'),
        max(expr('d * 1.5')).alias('hi15'),
      )
    assert.deepEqual(
      df.schema.fields.map((f) => `${f.name}:${simpleString(f.type)}`),
      [
        'k:decimal(3,1)',
        'n:bigint',
        'total:decimal(15,2)',
        'mean:decimal(9,6)',
        'lo:decimal(5,2)',
        'hi:decimal(5,2)',
        'hi15:decimal(8,3)',
      ],
    )
    await testStream(
      df.filter(col('n').gt(0)),
      { outputMode: 'update' },
      addData(input, { k: '1.0', d: '1.50' }, { k: 1, d: 2.25 }),
      checkLastBatch({
        k: '1.0',
        n: 2,
        total: '3.75',
        mean: '1.875000',
        lo: '1.50',
        hi: '2.25',
        hi15: '3.375',
      }),
      stopStream(),
      addData(input, { k: '1', d: '-3.10' }, { k: '-0.5', d: '999.99' }),
      startStream(),
      checkLastBatch(
        { k: '1.0', n: 3, total: '0.65', mean: '0.216667', lo: '-3.10', hi: '2.25', hi15: '3.375' },
        {
          k: '-0.5',
          n: 1,
          total: '999.99',
          mean: '999.990000',
          lo: '999.99',
          hi: '999.99',
          hi15: '1499.985',
        },
      ),
      stopStream(),
      startStream(),
      addData(input, { k: 1n, d: 10n }, { k: '-0.5', d: '999.99' }),
      checkLastBatch(
        { k: '1.0', n: 4, total: '10.65', mean: '2.662500', lo: '-3.10', hi: '10.00', hi15: '15.000' },
        {
          k: '-0.5',
          n: 2,
          total: '1999.98',
          mean: '999.990000',
          lo: '999.99',
          hi: '999.99',
          hi15: '1499.985',
        },
      ),
    )
  })
})
