import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { col, count, session_window, sum, t, window } from '../../src/index.ts'
import {
  addData,
  assertProgress,
  checkAnswer,
  checkLastBatch,
  startStream,
  stopStream,
  testStream,
} from '../../src/testing/index.ts'
import { streamSession } from './session.ts'

describe('stateful smoke', () => {
  it('counts in complete mode across a restart', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(t.struct({ k: t.string(), v: t.long() }))
    await testStream(
      input.toDF().groupBy('k').agg(count('*').alias('n'), sum('v').alias('s')),
      { outputMode: 'complete' },
      addData(input, { k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'a', v: 3 }),
      checkAnswer({ k: 'a', n: 2, s: 4 }, { k: 'b', n: 1, s: 2 }),
      stopStream(),
      addData(input, { k: 'a', v: 10 }),
      startStream(),
      checkAnswer({ k: 'a', n: 3, s: 14 }, { k: 'b', n: 1, s: 2 }),
      assertProgress((p) => p.stateOperators[0]?.numRowsTotal === 2),
    )
  })

  it('emits in append mode when the watermark passes', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(t.struct({ ts: t.timestamp() }))
    const df = input.toDF().withWatermark('ts', '10 seconds').groupBy('ts').agg(count('*').alias('n'))
    await testStream(
      df,
      { outputMode: 'append' },
      addData(input, { ts: 1000 }, { ts: 1000 }, { ts: 2000 }),
      checkLastBatch(),
      addData(input, { ts: 15000 }),
      checkLastBatch({ ts: 1000, n: 2 }, { ts: 2000, n: 1 }),
    )
  })
})

describe('windowed stateful smoke', () => {
  it('emits each tumbling window once the watermark passes its end', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(t.struct({ ts: t.timestamp(), k: t.string() }))
    const df = input
      .toDF()
      .withWatermark('ts', '5 seconds')
      .groupBy(window(col('ts'), '10 seconds'), col('k'))
      .agg(count('*').alias('n'))
      .select(col('window.start').alias('start'), col('k'), col('n'))
    await testStream(
      df,
      { outputMode: 'append' },
      addData(input, { ts: 1000, k: 'a' }, { ts: 9000, k: 'a' }, { ts: 12000, k: 'b' }),
      checkLastBatch(),
      addData(input, { ts: 14000, k: 'a' }),
      checkLastBatch(),
      stopStream(),
      addData(input, { ts: 15000, k: 'a' }),
      startStream(),
      checkLastBatch({ start: 0, k: 'a', n: 2 }),
      addData(input, { ts: 2000, k: 'a' }),
      checkLastBatch(),
      assertProgress((p) => p.stateOperators[0].numRowsDroppedByWatermark === 1),
    )
  })
})

describe('session windows on a stream', () => {
  it('merges sessions across batches and a restart, emitting each once the watermark passes its end', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(t.struct({ ts: t.timestamp(), k: t.string() }))
    const df = input
      .toDF()
      .withWatermark('ts', '10 seconds')
      .groupBy(session_window(col('ts'), '6 seconds'), col('k'))
      .agg(count('*').alias('n'))
      .select(
        col('session_window.start').alias('start'),
        col('session_window.end').alias('end'),
        col('k'),
        col('n'),
      )
    await testStream(
      df,
      { outputMode: 'append' },
      addData(input, { ts: 1000, k: 'a' }, { ts: 12000, k: 'a' }),
      checkLastBatch(),
      stopStream(),
      // [7000, 13000) touches [1000, 7000) and overlaps [12000, 18000): all three merge.
      addData(input, { ts: 7000, k: 'a' }),
      startStream(),
      checkLastBatch(),
      addData(input, { ts: 30000, k: 'b' }),
      checkLastBatch({ start: 1000, end: 18000, k: 'a', n: 3 }),
    )
  })
})

describe('a changed window on the same checkpoint', () => {
  it('fails at start with STATE_SCHEMA_INCOMPATIBLE naming the windows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-window-change-'))
    try {
      const { sluice } = streamSession()
      const input = sluice.memoryStream(t.struct({ ts: t.timestamp() }))
      const windowed = (size: string) =>
        input
          .toDF()
          .withWatermark('ts', '1 second')
          .groupBy(window(col('ts'), size))
          .count()
      await testStream(
        windowed('10 seconds'),
        { outputMode: 'append', checkpointLocation: dir },
        addData(input, { ts: 1 }),
        checkLastBatch(),
      )
      await assert.rejects(
        windowed('5 seconds')
          .writeStream.format('noop')
          .outputMode('append')
          .option('checkpointLocation', dir)
          .start(),
        (e: Error & { code?: string }) =>
          e.code === 'STATE_SCHEMA_INCOMPATIBLE' &&
          /the window changed from \[window\(ts, 10 seconds\)\] to \[window\(ts, 5 seconds\)\]/.test(
            e.message,
          ),
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('session windows keyed by a double', () => {
  it('keeps NaN and NULL keys in separate sessions (Spark groups NaN with NaN only)', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(t.struct({ ts: t.timestamp(), d: t.double() }))
    const df = input
      .toDF()
      .groupBy(session_window(col('ts'), '5 seconds'), col('d'))
      .agg(count('*').alias('n'))
      .select(col('d'), col('n'))
    await testStream(
      df,
      { outputMode: 'complete' },
      addData(input, { ts: 1000, d: Number.NaN }, { ts: 2000, d: null }),
      stopStream(),
      addData(input, { ts: 3000, d: Number.NaN }),
      startStream(),
      checkAnswer({ d: Number.NaN, n: 2 }, { d: null, n: 1 }),
    )
  })
})
