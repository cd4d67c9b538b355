/**
 * observe(name, ...metrics) on streams (Spark's observable metrics): each batch's progress carries
 * the aggregates over the rows that passed that point in that batch (progress.observedMetrics),
 * in every output mode, across restarts, and never for a batch that failed.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { avg, col, count, lit, max, progressToJson, sum, t, window } from '../../src/index.ts'
import {
  addData,
  assertOnQuery,
  assertProgress,
  checkAnswer,
  checkLateRows,
  startStream,
  stopStream,
  testStream,
  testStreamWithRestarts,
} from '../../src/testing/index.ts'
import { streamSession } from './session.ts'

const KV = t.struct({ k: t.string(), v: t.long() })

describe('observe() on a stream', () => {
  it('reports each batch’s metrics in progress, across restarts', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(KV)
    const df = input
      .toDF()
      .observe('input', count('*').alias('rows'), sum('v').alias('total'), max(col('v')))
      .filter(col('v').gt(1))
      .observe('kept', count('*').alias('rows'), avg('v').alias('mean'))
    await testStream(
      df,
      {},
      addData(input, { k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'a', v: 4 }),
      assertProgress((p) => {
        assert.equal(p.batchId, 0)
        assert.deepEqual(p.observedMetrics, {
          input: { rows: 3, total: 7, 'max(v)': 4 },
          kept: { rows: 2, mean: 3 },
        })
        return true
      }),
      stopStream(),
      startStream(),
      addData(input, { k: 'c', v: 10 }),
      // Per batch, not cumulative: only the new row counts.
      assertProgress((p) => {
        assert.equal(p.batchId, 1)
        assert.deepEqual(p.observedMetrics, {
          input: { rows: 1, total: 10, 'max(v)': 10 },
          kept: { rows: 1, mean: 10 },
        })
        return true
      }),
    )
  })

  it('passes the rows through unchanged, with a restart after every action', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(KV)
    await testStreamWithRestarts(
      input.toDF().observe('m', count('*')).groupBy('k').agg(sum('v').alias('total')),
      { outputMode: 'complete' },
      addData(input, { k: 'a', v: 1 }, { k: 'b', v: 2 }),
      checkAnswer({ k: 'a', total: 1 }, { k: 'b', total: 2 }),
      addData(input, { k: 'a', v: 5 }),
      checkAnswer({ k: 'a', total: 6 }, { k: 'b', total: 2 }),
    )
  })

  it('observes the rows an aggregation emits, in update and complete mode', async () => {
    for (const [mode, expected] of [
      ['update', { groups: 1, rows: 2 }],
      ['complete', { groups: 2, rows: 3 }],
    ] as const) {
      const { sluice } = streamSession()
      const input = sluice.memoryStream(KV)
      const df = input
        .toDF()
        .groupBy('k')
        .agg(count('*').alias('n'))
        .observe('groups', count('*').alias('groups'), sum('n').alias('rows'))
      await testStream(
        df,
        { outputMode: mode },
        addData(input, { k: 'a', v: 1 }),
        assertProgress((p) => p.observedMetrics.groups.groups === 1),
        addData(input, { k: 'b', v: 1 }, { k: 'b', v: 2 }),
        assertProgress((p) => {
          assert.deepEqual(p.observedMetrics, { groups: expected }, mode)
          return true
        }),
      )
    }
  })

  it('writes observedMetrics into the progress JSON as Spark does, and leaves it out when empty', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(KV)
    await testStream(
      input.toDF().observe('m', count('*').alias('rows'), lit(42).alias('answer')),
      {},
      addData(input, { k: 'a', v: 1 }),
      assertProgress((p) => {
        const json = JSON.parse(p.json)
        assert.deepEqual(json.observedMetrics, { m: { rows: 1, answer: 42 } })
        assert.deepEqual(Object.keys(json).slice(-2), ['sink', 'observedMetrics'])
        return true
      }),
    )
    const plain = sluice.memoryStream(KV)
    await testStream(
      plain.toDF(),
      {},
      addData(plain, { k: 'a', v: 1 }),
      assertProgress((p) => !('observedMetrics' in JSON.parse(progressToJson(p)))),
    )
  })

  it('reports no metrics for a batch that fails, and the rerun’s once it succeeds', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(KV)
    const dir = await mkdtemp(join(tmpdir(), 'sluice-observe-fail-'))
    let failing = true
    const seen: string[] = []
    const query = async () =>
      input
        .toDF()
        .observe('m', count('*').alias('rows'))
        .writeStream.option('checkpointLocation', dir)
        .foreachBatch((batch, id) => {
          if (id === 1 && failing) throw new Error('sink down')
          seen.push(`${id}:${batch.count()}`)
        })
        .start()
    try {
      let q = await query()
      input.addData({ k: 'a', v: 1 })
      await q.processAllAvailable()
      input.addData({ k: 'b', v: 2 }, { k: 'c', v: 3 })
      await assert.rejects(q.processAllAvailable(), /sink down/)
      assert.deepEqual(
        q.recentProgress.map((p) => [p.batchId, p.observedMetrics.m]),
        [[0, { rows: 1 }]],
        'the failed batch 1 reports nothing',
      )
      failing = false
      q = await query()
      await q.processAllAvailable()
      assert.deepEqual(
        q.recentProgress.map((p) => [p.batchId, p.observedMetrics.m]),
        [[1, { rows: 2 }]],
        'batch 1, rerun after the restart',
      )
      await q.stop()
      assert.deepEqual(seen, ['0:1', '1:2'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses a name used by two observe() of one query (DUPLICATED_METRICS_NAME), where it is written', () => {
    const { sluice } = streamSession()
    const observed = sluice.memoryStream(KV).toDF().observe('m', count('*'))
    // Eager, as Spark's analysis (test/unit/api/spark/eager_analysis.py).
    assert.throws(() => observed.observe('m', sum('v')), { code: 'DUPLICATED_METRICS_NAME' })
  })

  it('counts each row once although late-row routing replays late rows through it', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(t.struct({ k: t.string(), ts: t.timestamp() }))
    const df = input
      .toDF()
      .withWatermark('ts', '5 seconds', { lateRows: 'late' })
      .observe('seen', count('*').alias('rows'))
      .groupBy(window(col('ts'), '10 seconds'))
      .agg(count('*').alias('n'))
    await testStream(
      df,
      { outputMode: 'append' },
      addData(input, { k: 'a', ts: 30_000 }),
      // Batch 0 reads the row; the watermark's no-data batch 1 observes none.
      assertOnQuery((q) => {
        assert.deepEqual(
          q.recentProgress.map((p) => p.observedMetrics.seen.rows),
          [1, 0],
        )
        return true
      }),
      // Judged by the 25 s watermark: both rows are late (replayed as candidates), one is not.
      addData(input, { k: 'x', ts: 1_000 }, { k: 'y', ts: 2_000 }, { k: 'z', ts: 40_000 }),
      checkLateRows('late', ...lateRows),
      assertOnQuery((q) => {
        const batch = q.recentProgress.find((p) => p.numInputRows === 3)
        assert.deepEqual(batch?.observedMetrics, { seen: { rows: 3 } })
        return true
      }),
    )
  })
})

const lateRows = [
  { k: 'x', ts: 1_000, late_reason: 'window_closed', late_watermark: 25_000, late_batch_id: 2 },
  { k: 'y', ts: 2_000, late_reason: 'window_closed', late_watermark: 25_000, late_batch_id: 2 },
]
