/**
 * tinyint, smallint and float over Spark Connect, against the real local server: createDataFrame
 * sends them as Arrow Int8/Int16/Float32, Spark reports them as tinyint/smallint/float, results come
 * back as the same types, and the same expressions give the same rows embedded and on Spark.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { avg, col, expr, lit, max, min, sum, t } from '../../src/index.ts'
import { assertRowsClose, bothWays, remoteSession, sorted, sparkConnect } from '../harness/spark-connect.ts'

let url = ''
let skip: string | undefined
before(async () => {
  const server = await sparkConnect()
  if ('skip' in server) skip = server.skip
  else url = server.url
})

const Data = t.struct({ k: t.string(), b: t.byte(), s: t.short(), f: t.float() })
const data = [
  { k: 'a', b: 1, s: 300, f: 0.1 },
  { k: 'a', b: -128, s: -32768, f: 1.1 },
  { k: 'b', b: 127, s: 32767, f: Number.NEGATIVE_INFINITY },
  { k: 'b', b: null, s: null, f: null },
  { k: 'c', b: 0, s: 2, f: -0.5 },
]

describe('tinyint, smallint and float over Spark Connect', () => {
  it('round trips the values and reports Spark types as t.byte/t.short/t.float', async (tc) => {
    if (skip) return tc.skip(skip)
    const spark = remoteSession(url)
    try {
      const df = spark.createDataFrame(data, Data)
      const schema = await df.schema()
      assert.deepEqual(
        schema.fields.map((f) => f.type.kind),
        ['string', 'byte', 'short', 'float'],
      )
      const rows = await df.orderBy('k', 'b').collect()
      assert.deepEqual(
        sorted(rows),
        sorted(data.map((r) => ({ ...r, f: r.f === null ? null : Math.fround(r.f) }))),
      )
      const lits = await df
        .limit(1)
        .select(lit(5).cast(t.byte()).alias('y'), expr('2S').alias('z'), expr('1.5F').alias('w'))
        .schema()
      assert.deepEqual(
        lits.fields.map((f) => f.type.kind),
        ['byte', 'short', 'float'],
      )
    } finally {
      spark.close()
    }
  })

  it('evaluates arithmetic, casts and comparisons as Spark does', async (tc) => {
    if (skip) return tc.skip(skip)
    const exprs = [
      'b + 1',
      'try_add(b, s)',
      's * 1L',
      'f + f',
      'f * 2',
      'f + b',
      'b / 2Y',
      'CAST(s AS FLOAT)',
      'CAST(f AS STRING)',
      'try_cast(s AS TINYINT)',
      'try_add(b, 1Y)',
      'b % 3Y',
      'f > 0.1',
      'f = CAST(0.1 AS FLOAT)',
      'abs(f)',
      'round(f, 1)',
      'hash(b, s, f)',
      "to_json(named_struct('b', b, 's', s, 'f', f))",
    ]
    const [embedded, remote] = await bothWays(url, (s) =>
      s.createDataFrame(data, Data).select(col('k'), ...exprs.map((e, i) => expr(e).alias(`e${i}`))),
    )
    assertRowsClose(sorted(remote), sorted(embedded))
  })

  it('aggregates them as Spark does: sum to bigint/double, avg double, min/max keep the type', async (tc) => {
    if (skip) return tc.skip(skip)
    const [embedded, remote] = await bothWays(url, (s) =>
      s
        .createDataFrame(data, Data)
        .groupBy('k')
        .agg(
          sum('b').alias('sb'),
          sum('s').alias('ss'),
          sum('f').alias('sf'),
          avg('f').alias('af'),
          min('b').alias('mb'),
          max('f').alias('mf'),
        ),
    )
    assertRowsClose(sorted(remote), sorted(embedded))
    const spark = remoteSession(url)
    try {
      const schema = await spark
        .createDataFrame(data, Data)
        .groupBy('k')
        .agg(sum('b').alias('sb'), sum('f').alias('sf'), min('s').alias('ms'), max('f').alias('mf'))
        .schema()
      assert.deepEqual(
        schema.fields.map((f) => f.type.kind),
        ['string', 'long', 'double', 'short', 'float'],
      )
    } finally {
      spark.close()
    }
  })
})
