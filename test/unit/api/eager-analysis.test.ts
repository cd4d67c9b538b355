/**
 * Analysis is eager, as in classic Spark: a transformation naming an unknown column, or mixing types
 * an operator refuses, fails where it is written, before any action. Output-mode rules wait for
 * start(), as Spark's. Spark's answers: spark/eager_analysis.py.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { array, col, isSluiceError, lit, Sluice, to_date } from '../../../src/index.ts'

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
const df = sluice.createDataFrame([{ a: 1 }], 'a long')
const stream = sluice.readStream.format('rate').load()

const fails = (build: () => unknown, code: string, mentions: string) =>
  assert.throws(build, (e: unknown) => {
    assert.ok(isSluiceError(e), `expected a SluiceError, got ${String(e)}`)
    assert.equal(e.code, code)
    assert.match(e.message, new RegExp(mentions))
    return true
  })

describe('eager analysis', () => {
  it('refuses an unknown column in each transformation, without an action', () => {
    fails(() => df.select('nope'), 'COLUMN_NOT_FOUND', '`nope`')
    fails(() => df.filter(col('nope').gt(1)), 'COLUMN_NOT_FOUND', '`nope`')
    fails(() => df.withColumn('x', col('nope')), 'COLUMN_NOT_FOUND', '`nope`')
    fails(() => df.groupBy('nope').count(), 'COLUMN_NOT_FOUND', '`nope`')
    fails(
      () => df.join(df.withColumnRenamed('a', 'b'), col('nope').eqNullSafe(col('b'))),
      'COLUMN_NOT_FOUND',
      '`nope`',
    )
    fails(() => df.orderBy('nope'), 'COLUMN_NOT_FOUND', '`nope`')
  })

  it('refuses an unknown column, or a watermark on a date, on a stream before start()', () => {
    fails(() => stream.select('nope'), 'COLUMN_NOT_FOUND', '`nope`')
    const days = stream.withColumn('d', to_date(col('timestamp')))
    fails(() => days.withWatermark('d', '1 minute'), 'DATATYPE_MISMATCH', '`d`')
  })

  it('refuses a type mismatch where it is written', () => {
    assert.throws(
      () => df.select(col('a').plus(array(lit(1)))),
      (e: unknown) => isSluiceError(e) && /DATATYPE_MISMATCH/.test(`${e.code} ${e.message}`),
    )
  })

  it('leaves output-mode rules to start(): a count without a watermark is built, then refused in append', async () => {
    const counts = stream.groupBy('value').count()
    assert.deepEqual(counts.columns, ['value', 'count'])
    await assert.rejects(
      counts.writeStream.format('memory').queryName('eager_append').outputMode('append').start(),
      (e: unknown) => isSluiceError(e),
    )
  })
})
