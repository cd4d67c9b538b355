/**
 * The joins of two streams that start() refuses, with Spark's wording (UnsupportedOperationChecker
 * and its stream-stream join planning): each case of stream-join/refused.json must be refused with
 * UNSUPPORTED_OPERATION and the message Spark 4 gave for the same query, or run where Spark runs it
 * (stream-join/spark-refused.json, from stream-join/spark_refused.py). Spark refuses some of them
 * only when it plans the first batch; Sluice refuses all of them at start().
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { expr } from '../../src/api/functions.ts'
import { col, count, type DataFrame, isSluiceError, t, window } from '../../src/index.ts'
import { streamSession } from './session.ts'

interface RefusedCase {
  readonly name: string
  readonly how: string
  readonly mode: 'append' | 'update' | 'complete'
  readonly left: boolean
  readonly right: boolean
  readonly condition: string
  /** A windowed count after the join. */
  readonly aggregate?: boolean
}

const dir = new URL('./stream-join/', import.meta.url)
const cases: RefusedCase[] = JSON.parse(readFileSync(new URL('refused.json', dir), 'utf8')).cases
const spark: Record<string, string | null> = JSON.parse(
  readFileSync(new URL('spark-refused.json', dir), 'utf8'),
).messages

const EVENT = t.struct({ k: t.int(), ts: t.timestamp(), v: t.string() })

/** The query of a case over two memory streams, each with one row added. */
function queryOf(c: RefusedCase): DataFrame {
  const { sluice } = streamSession()
  const side = (watermark: boolean): DataFrame => {
    const input = sluice.memoryStream(EVENT)
    input.addData({ k: 1, ts: 10_000, v: 'a' })
    const df = input.toDF()
    return watermark ? df.withWatermark('ts', '10 seconds') : df
  }
  const joined = side(c.left).alias('l').join(side(c.right).alias('r'), expr(c.condition), c.how)
  return c.aggregate ? joined.groupBy(window(col('l.ts'), '10 seconds')).agg(count('*').alias('n')) : joined
}

describe('stream-stream joins at start(), refused exactly when Spark 4 refuses them, with its message', () => {
  for (const c of cases) {
    const want = spark[c.name]
    it(`${c.name}: ${want === null ? 'runs' : 'refused'}`, async () => {
      assert.ok(want !== undefined, `spark-refused.json has ${c.name}`)
      const start = async () => {
        const q = await queryOf(c)
          .writeStream.format('memory')
          .queryName('refused')
          .outputMode(c.mode)
          .start()
        await q.processAllAvailable()
        await q.stop()
      }
      if (want === null) return start()
      await assert.rejects(start, (e: unknown) => {
        assert.ok(isSluiceError(e), String(e))
        assert.equal(e.code, 'UNSUPPORTED_OPERATION')
        assert.ok(e.message.includes(want), `${e.message}\n  does not contain Spark's\n${want}`)
        return true
      })
    })
  }
})
