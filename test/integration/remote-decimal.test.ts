/**
 * DECIMAL(p, s) over Spark Connect, against the real local server: createDataFrame sends decimals
 * as Arrow Decimal128, Spark reports them as decimal(p,s), results come back as the same exact
 * decimal text, and the same expressions and aggregates give the same rows embedded and on Spark.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { avg, col, expr, max, min, sum, t } from '../../src/index.ts'
import { simpleString } from '../../src/schema/data-type.ts'
import { assertRowsClose, bothWays, remoteSession, sorted, sparkConnect } from '../harness/spark-connect.ts'

let url = ''
let skip: string | undefined
before(async () => {
  const server = await sparkConnect()
  if ('skip' in server) skip = server.skip
  else url = server.url
})

const Data = t.struct({ k: t.string(), d: t.decimal(5, 2), e: t.decimal(38, 10), i: t.int() })
const data = [
  { k: 'a', d: '1.50', e: '-1234567890123456789012345678.0123456789', i: 1 },
  { k: 'a', d: '-999.99', e: '0.0000000001', i: 2 },
  { k: 'b', d: null, e: null, i: null },
  { k: 'b', d: '0.05', e: '9999999999999999999999999999.9999999999', i: 4 },
]

describe('decimals over Spark Connect', () => {
  it('round trips exact decimals and reports Spark types as t.decimal(p, s)', async (tc) => {
    if (skip) return tc.skip(skip)
    const spark = remoteSession(url)
    try {
      const df = spark.createDataFrame(data, Data)
      assert.deepEqual(
        (await df.schema()).fields.map((f) => simpleString(f.type)),
        ['string', 'decimal(5,2)', 'decimal(38,10)', 'int'],
      )
      assert.deepEqual(sorted(await df.collect()), sorted(data))
      const lits = await df.limit(1).select(expr('1.5').alias('a'), expr('d * 1.5').alias('b')).schema()
      assert.deepEqual(
        lits.fields.map((f) => simpleString(f.type)),
        ['decimal(2,1)', 'decimal(8,3)'],
      )
    } finally {
      spark.close()
    }
  })

  it('evaluates arithmetic, casts, comparisons and rounding as Spark does', async (tc) => {
    if (skip) return tc.skip(skip)
    const exprs = [
      'd + 1',
      'd * i',
      'd / 3',
      'd % 0.4',
      'e + e',
      'e * 1.5',
      'd - 0.001',
      'd * 1.5D',
      'CAST(d AS STRING)',
      'CAST(d AS INT)',
      'try_cast(e AS DECIMAL(5,2))',
      'd > 1',
      'd = 1.5',
      'round(d, 1)',
      'bround(d, 1)',
      'floor(d)',
      'ceil(e)',
      'abs(d)',
      'hash(d, e)',
      "to_json(named_struct('d', d, 'e', e))",
    ]
    const [embedded, remote] = await bothWays(url, (s) =>
      s.createDataFrame(data, Data).select(col('k'), ...exprs.map((e, i) => expr(e).alias(`e${i}`))),
    )
    assertRowsClose(sorted(remote), sorted(embedded))
  })

  it('aggregates them as Spark does: sum decimal(p+10,s), avg decimal(p+4,s+4)', async (tc) => {
    if (skip) return tc.skip(skip)
    const [embedded, remote] = await bothWays(url, (s) =>
      s
        .createDataFrame(data, Data)
        .groupBy('k')
        .agg(
          sum('d').alias('sd'),
          avg('d').alias('ad'),
          sum('e').alias('se'),
          min('e').alias('me'),
          max('d').alias('xd'),
        ),
    )
    assertRowsClose(sorted(remote), sorted(embedded))
  })
})
