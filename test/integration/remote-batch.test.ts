/**
 * Sluice.remote against a real local Spark Connect server: the same batch programs give the same rows
 * embedded and on Spark (bothWays), values of every type survive the trip, and what cannot run on
 * Spark is refused by name.
 */
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import {
  avg,
  coalesce,
  col,
  concat_ws,
  count,
  desc,
  expr,
  isSluiceError,
  lit,
  max,
  round,
  Sluice,
  sum,
  t,
  transform,
  upper,
  when,
} from '../../src/index.ts'
import { assertRowsClose, bothWays, remoteSession, sorted, sparkConnect } from '../harness/spark-connect.ts'
import { withTempDir } from '../harness/temp-dir.ts'

let url = ''
let skip: string | undefined
before(async () => {
  const server = await sparkConnect()
  if ('skip' in server) skip = server.skip
  else url = server.url
})

const Sales = t.struct({ id: t.long(), region: t.string(), amount: t.double(), qty: t.int(), day: t.date() })
const sales = [
  { id: 1, region: 'eu', amount: 10.5, qty: 2, day: 19000 },
  { id: 2, region: 'us', amount: 3, qty: 1, day: 19001 },
  { id: 3, region: 'eu', amount: 7.25, qty: null, day: 19001 },
  { id: 4, region: null, amount: 1, qty: 5, day: null },
  { id: 5, region: 'us', amount: 20, qty: 3, day: 19002 },
]
const Regions = t.struct({ region: t.string(), name: t.string() })
const regions = [
  { region: 'eu', name: 'Europe' },
  { region: 'us', name: 'Americas' },
  { region: 'ap', name: 'Asia' },
]

describe('Sluice.remote: the same rows as embedded', () => {
  it('round-trips every type through createDataFrame and collect', async (tc) => {
    if (skip) return tc.skip(skip)
    const All = t.struct({
      s: t.string(),
      b: t.boolean(),
      i: t.int(),
      l: t.long(),
      d: t.double(),
      ts: t.timestamp(),
      day: t.date(),
      bin: t.binary(),
      arr: t.array(t.long()),
      m: t.map(t.string(), t.int()),
      st: t.struct({ x: t.int(), y: t.string() }),
    })
    const rows = [
      {
        s: 'héllo',
        b: true,
        i: -7,
        l: 2 ** 53 - 1,
        d: 0.1,
        ts: 1_700_000_000_123,
        day: 19_000,
        bin: new Uint8Array([1, 2, 255]),
        arr: [1, null, 3],
        m: new Map([['k', 1]]),
        st: { x: 1, y: null },
      },
      {
        s: null,
        b: null,
        i: null,
        l: null,
        d: null,
        ts: null,
        day: null,
        bin: null,
        arr: null,
        m: null,
        st: null,
      },
    ]
    const [embedded, remote] = await bothWays(url, (s) => s.createDataFrame(rows, All))
    assert.deepEqual(remote, embedded)
    assert.deepEqual(remote, rows)
  })

  it('truncates Spark microseconds to the millisecond, as embedded', async (tc) => {
    if (skip) return tc.skip(skip)
    const [embedded, remote] = await bothWays(url, (s) =>
      s.range(1).select(lit('2023-11-14 22:13:20.123456').cast('timestamp').alias('ts')),
    )
    assert.deepEqual(remote, [{ ts: 1_700_000_000_123 }])
    assert.deepEqual(remote, embedded)
  })

  it('runs select, filter, withColumn, functions and orderBy identically', async (tc) => {
    if (skip) return tc.skip(skip)
    const [embedded, remote] = await bothWays(url, (s) =>
      s
        .createDataFrame(sales, Sales)
        .filter(col('amount').gt(2))
        .withColumn('total', col('amount').multiply(coalesce(col('qty'), lit(0))))
        .select(
          col('id'),
          upper(coalesce(col('region'), lit('none'))).alias('r'),
          round(col('total'), 1).alias('total'),
          when(col('qty').isNull(), 'missing').otherwise('ok').alias('q'),
          concat_ws('-', col('region'), col('id').cast('string')).alias('tag'),
          col('day'),
        )
        .orderBy(col('total').desc(), col('id')),
    )
    assert.equal(remote.length, 4)
    assert.deepEqual(remote, embedded)
  })

  it('sends higher-order functions with lambdas, from SQL text and from the TypeScript API', async (tc) => {
    if (skip) return tc.skip(skip)
    const [embedded, remote] = await bothWays(url, (s) =>
      s
        .range(4)
        .selectExpr('id', 'sequence(0, id) AS xs')
        .selectExpr(
          'id',
          'transform(xs, x -> x * 10) AS tens',
          'filter(xs, (x, i) -> x % 2 = 0 AND i >= 0) AS evens',
          'aggregate(xs, 0L, (acc, x) -> acc + x) AS total',
        )
        .withColumn(
          'shifted',
          transform(col('tens'), (x) => x.plus(col('id'))),
        )
        .orderBy('id'),
    )
    assert.deepEqual(remote[3], {
      id: 3,
      tens: [0, 10, 20, 30],
      evens: [0, 2],
      total: 6,
      shifted: [3, 13, 23, 33],
    })
    assert.deepEqual(remote, embedded)
  })

  it('aggregates by group with the same sums, counts and averages', async (tc) => {
    if (skip) return tc.skip(skip)
    const [embedded, remote] = await bothWays(url, (s) =>
      s
        .createDataFrame(sales, Sales)
        .groupBy('region')
        .agg(
          sum('amount').alias('total'),
          count('*').alias('n'),
          avg('qty').alias('avg_qty'),
          max('day').alias('last'),
        ),
    )
    assertRowsClose(sorted(remote), sorted(embedded))
    assert.equal(remote.length, 3)
  })

  it('joins (inner with df.col, left using a column), unions and removes duplicates', async (tc) => {
    if (skip) return tc.skip(skip)
    const [embedded, remote] = await bothWays(url, (s) => {
      const a = s.createDataFrame(sales, Sales)
      const r = s.createDataFrame(regions, Regions)
      const inner = a.join(r, a.col('region').eq(r.col('region'))).select(a.col('id'), r.col('name'))
      const left = a.join(r, ['region'], 'left').select(col('id'), col('name'))
      return inner.union(left).distinct()
    })
    assert.deepEqual(sorted(remote), sorted(embedded))
    assert.equal(remote.length, 5) // the inner rows are the left rows with a region, so distinct keeps one each
  })

  it('unions by name with missing columns, limits and drops duplicates by key', async (tc) => {
    if (skip) return tc.skip(skip)
    const [embedded, remote] = await bothWays(url, (s) => {
      const a = s.createDataFrame(sales, Sales).select('id', 'region')
      const b = s.createDataFrame(regions, Regions).select('name', 'region')
      return a
        .unionByName(b, { allowMissingColumns: true })
        .dropDuplicates(['region'])
        .orderBy('region')
        .limit(3)
    })
    assert.deepEqual(
      remote.map((r: any) => r.region),
      embedded.map((r: any) => r.region),
    )
    assert.equal(remote.length, 3)
  })

  it('reads JSON, CSV (with options) and a user schema from files on the cluster', async (tc) => {
    if (skip) return tc.skip(skip)
    await withTempDir(async (dir) => {
      await writeFile(
        join(dir, 'a.json'),
        '{"user":"ann","n":1}\n{"user":"bob","n":2}\n{"user":"ann","n":3}\n',
      )
      await writeFile(join(dir, 'a.csv'), 'user;n\nann;1\nbob;2\n')
      const [ej, rj] = await bothWays(url, async (s) =>
        (await s.read.schema('user STRING, n BIGINT').json(join(dir, 'a.json')))
          .groupBy('user')
          .agg(sum('n').alias('n')),
      )
      assert.deepEqual(sorted(rj), sorted(ej))
      assert.deepEqual(sorted(rj), [
        { user: 'ann', n: 4 },
        { user: 'bob', n: 2 },
      ])
      const [ec, rc] = await bothWays(url, async (s) =>
        (await s.read.options({ header: true, sep: ';', inferSchema: true }).csv(join(dir, 'a.csv'))).orderBy(
          'user',
        ),
      )
      assert.deepEqual(rc, ec)
      assert.deepEqual(rc, [
        { user: 'ann', n: 1 },
        { user: 'bob', n: 2 },
      ])
    })
  })
})

describe("the README's batch program", () => {
  it('gives the same rows embedded and on Spark', async (tc) => {
    if (skip) return tc.skip(skip)
    const Bid = t.struct({ auction: t.notNull(t.long()), price: t.long(), channel: t.string() })
    const rows = Array.from({ length: 40 }, (_, i) => ({
      auction: i % 6,
      price: 500 + ((i * 397) % 1500),
      channel: i % 4 === 0 ? null : `ch${i % 3}`,
    }))
    const [embedded, remote] = await bothWays(url, (s) =>
      s
        .createDataFrame(rows, Bid)
        .filter(col('price').gt(1000))
        .select(
          col('auction'),
          col('price').multiply(0.908).alias('euros'),
          expr("coalesce(channel, 'direct') AS ch"),
        )
        .groupBy('auction')
        .agg(count('*').alias('bids'), max('euros').alias('top'), avg('euros'))
        .orderBy(desc('bids'), 'auction'),
    )
    assert.ok(remote.length > 0)
    assertRowsClose(remote, embedded)
  })
})

describe('Sluice.remote writes', () => {
  it('writes partitioned Parquet on Spark that Sluice embedded reads back row for row', async (tc) => {
    if (skip) return tc.skip(skip)
    const spark = remoteSession(url)
    try {
      await withTempDir(async (dir) => {
        const out = join(dir, 'sales')
        const df = spark.createDataFrame(sales, Sales).select('id', 'region', 'amount')
        await df.write.mode('overwrite').partitionBy('region').parquet(out)
        await df.filter(col('id').eq(5)).write.mode('append').partitionBy('region').parquet(out)
        await assert.rejects(df.write.parquet(out), (e: unknown) => isSluiceError(e, 'PATH_ALREADY_EXISTS'))
        const local = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
        const back = (await local.read.parquet(out)).select('id', 'region', 'amount').collect()
        const expected = [...sales, sales[4]].map(({ id, region, amount }) => ({ id, region, amount }))
        assert.deepEqual(sorted(back), sorted(expected))
      })
    } finally {
      spark.close()
    }
  })
})

describe('Sluice.remote actions', () => {
  it('counts, takes, shows and reports the schema as t.* types', async (tc) => {
    if (skip) return tc.skip(skip)
    const printed: string[] = []
    const spark = remoteSession(url)
    const sparkOut = Sluice.remote(url, {
      'sluice.sql.session.timeZone': 'UTC',
      output: (text) => printed.push(text),
    })
    try {
      const df = spark.createDataFrame(sales, Sales)
      assert.equal(await df.count(), 5)
      assert.deepEqual(
        (await df.orderBy('id').take(2)).map((r) => r.id),
        [1, 2],
      )
      const schema = await df.select('id', 'region', 'day').schema()
      assert.deepEqual(
        schema.fields.map((f) => [f.name, f.type.kind]),
        [
          ['id', 'long'],
          ['region', 'string'],
          ['day', 'date'],
        ],
      )
      await sparkOut.createDataFrame(sales, Sales).select('id', 'region').orderBy('id').show(2)
      assert.match(printed.join('\n'), /\|\s+1\|\s+eu\|\n\|\s+2\|\s+us\|\n\+/)
      assert.match(printed.join('\n'), /only showing top 2 rows/)
    } finally {
      spark.close()
      sparkOut.close()
    }
  })
})
