/**
 * rand(seed) and randn(seed) give Spark's values (spark/rand_seeded.py over one partition wrote
 * spark/rand_seeded.json), start again at each execution, and so draw the same values when a
 * micro-batch is rerun.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { expr, ManualClock, rand, randn, Sluice, t } from '../../../src/index.ts'
import { drain, STREAM_TEST_CONF } from '../../stream/session.ts'

const SPARK = JSON.parse(
  readFileSync(new URL('./spark/rand_seeded.json', import.meta.url), 'utf8'),
) as Record<string, [number, number][]>

describe('rand and randn with a seed', () => {
  const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })

  it("give Spark's values over one partition, for every seed Spark was asked", () => {
    for (const [seed, want] of Object.entries(SPARK)) {
      const rows = sluice
        .range(0, 6)
        .select(rand(Number(seed)).alias('r'), randn(Number(seed)).alias('n'))
        .collect()
      assert.deepEqual(
        rows.map((r) => [r.r, r.n]),
        want,
        `seed ${seed}`,
      )
    }
  })

  it('start again at each action, and random is rand', () => {
    const df = sluice.range(0, 3).select(rand(7).alias('a'), expr('random(7)').alias('b'))
    const first = df.collect()
    assert.deepEqual(df.collect(), first)
    assert.deepEqual(
      first.map((r) => r.a),
      first.map((r) => r.b),
    )
  })

  it('draw the same values in every micro-batch, so a rerun batch gives the same rows', async () => {
    const s = Sluice.local({ ...STREAM_TEST_CONF, clock: new ManualClock(0) })
    const input = s.memoryStream(t.struct({ v: t.long() }))
    const seen: number[][] = []
    const q = await input
      .toDF()
      .select(rand(42).alias('r'))
      .writeStream.foreachBatch((b) => void seen.push(b.collect().map((r) => r.r as number)))
      .start()
    input.addData({ v: 1 }, { v: 2 })
    await drain(q)
    input.addData({ v: 3 }, { v: 4 })
    await drain(q)
    await q.stop()
    const spark = SPARK['42'].slice(0, 2).map(([r]) => r)
    assert.deepEqual(seen, [spark, spark])
  })

  it('refuse a seed that is not an integer literal', () => {
    assert.throws(() => sluice.range(0, 1).select(expr('rand(id)')), { code: 'INVALID_ARGUMENT' })
    assert.throws(() => sluice.range(0, 1).select(expr("rand('x')")), { code: 'DATATYPE_MISMATCH' })
  })
})
