/**
 * Sluice.remote errors against the real local Spark Connect server: Spark's error classes kept (with
 * Sluice's code for the same mistake), an unreachable server, and what cannot run on Spark refused
 * by name at plan time.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { col, isSluiceError, lit, SparkConnectError, t, udf } from '../../src/index.ts'
import { remoteSession, sparkConnect } from '../harness/spark-connect.ts'

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
  { id: 2, region: null, amount: 1, qty: null, day: null },
]

describe('Sluice.remote errors', () => {
  it("keeps Spark's error class and takes Sluice's code for the same mistake", async (tc) => {
    if (skip) return tc.skip(skip)
    const spark = remoteSession(url)
    try {
      const df = spark.createDataFrame(sales, Sales).select(col('nope'))
      await assert.rejects(df.collect(), (e: unknown) => {
        assert.ok(e instanceof SparkConnectError, String(e))
        assert.ok(isSluiceError(e, 'COLUMN_NOT_FOUND'), String(e))
        assert.match(e.errorClass ?? '', /^UNRESOLVED_COLUMN/)
        assert.match(e.message, /nope/)
        return true
      })
    } finally {
      spark.close()
    }
  })

  it('raises Spark runtime errors (ANSI division by zero)', async (tc) => {
    if (skip) return tc.skip(skip)
    const spark = remoteSession(url)
    try {
      const df = spark.createDataFrame(sales, Sales).select(col('qty').divide(lit(0)).cast('int').alias('x'))
      await assert.rejects(df.collect(), (e: unknown) => isSluiceError(e) && /DIVIDE_BY_ZERO/.test(String(e)))
    } finally {
      spark.close()
    }
  })

  it('says the server did not answer when nothing listens at the URL', async () => {
    const spark = remoteSession('sc://127.0.0.1:1')
    try {
      await assert.rejects(spark.range(1).collect(), (e: unknown) => isSluiceError(e, 'SOURCE_UNAVAILABLE'))
    } finally {
      spark.close()
    }
  })
})

describe('Sluice.remote refuses what cannot run on Spark, by name', () => {
  const spark = remoteSession('sc://127.0.0.1:1')
  const df = spark.createDataFrame(sales, Sales)
  const refused = (name: RegExp) => (e: unknown) =>
    isSluiceError(e, 'UNSUPPORTED_OPERATION') && name.test(String(e))

  it('refuses JavaScript UDFs at plan time, naming the UDF', async () => {
    const twice = udf(function twice(x: number | null) {
      return x === null ? null : x * 2
    }, t.double())
    await assert.rejects(
      df.select(twice(col('amount'))).collect(),
      refused(/JavaScript UDF 'twice'.*built-in functions/),
    )
  })
  it('refuses map, flatMap and groupByKey with JavaScript functions', () => {
    assert.throws(
      () => df.map((r) => ({ id: r.id }), t.struct({ id: t.long() })),
      refused(/^.*map with a JavaScript function/),
    )
    assert.throws(
      () => df.flatMap((r) => [{ id: r.id }], t.struct({ id: t.long() })),
      refused(/flatMap.*explode/),
    )
    assert.throws(
      () => df.groupByKey((r) => r.id, t.long()),
      refused(/groupByKey with a JavaScript key function/),
    )
  })
  it("refuses Sluice's beyond-Spark features: dead letters, lateRows, idleTimeout, memoryStream", async () => {
    assert.throws(() => df.deadLetter('bad', col('id').isNull()), refused(/deadLetter\('bad'/))
    await assert.rejects(
      df.withWatermark('day', '1 day', { lateRows: 'late' }).collect(),
      refused(/lateRows/),
    )
    await assert.rejects(
      df.withWatermark('day', '1 day', { idleTimeout: '1 minute' }).collect(),
      refused(/idle timeout/),
    )
    assert.throws(() => spark.memoryStream(), refused(/memoryStream/))
  })
})
