/**
 * Late-rows outputs (beyond Spark): `withWatermark(col, delay, { lateRows: name })` keeps the rows
 * a stateful operator drops for being behind the watermark, with the reason and the watermark, in
 * the query's checkpoint; `readStream.format('late-rows')` reads them as a stream. A row is late
 * exactly when the operator drops everything it contributes: a row behind the watermark whose
 * window is still open is counted, not reported, and a row a filter removes is not reported.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import {
  col,
  count,
  isSluiceError,
  type MemoryStreamInput,
  session_window,
  t,
  window,
} from '../../src/index.ts'
import {
  addData,
  assertOnQuery,
  checkLastBatch,
  checkLateRows,
  checkNewAnswer,
  startStream,
  stopStream,
  testStream,
  testStreamWithRestarts,
} from '../../src/testing/index.ts'
import { streamSession } from './session.ts'

const EVENTS = t.struct({ user: t.string(), ts: t.timestamp() })
type Events = MemoryStreamInput<typeof EVENTS>
const ev = (user: string, secs: number) => ({ user, ts: secs * 1000 })
/** A late row as the output holds it: the event, then reason, watermark (s) and batch id. */
const late = (user: string, secs: number, reason: string, wmSecs: number, batchId: number) => ({
  user,
  ts: secs * 1000,
  late_reason: reason,
  late_watermark: wmSecs * 1000,
  late_batch_id: batchId,
})
const win = (startSecs: number, endSecs: number, n: number) => ({
  start: startSecs * 1000,
  end: endSecs * 1000,
  n,
})

const dirs: string[] = []
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sluice-late-rows-'))
  dirs.push(d)
  return d
}

/** 10-second tumbling windows counted, watermark 5 s behind, late rows to 'late'. */
const tumblingCounts = (input: Events) =>
  input
    .toDF()
    .withWatermark('ts', '5 seconds', { lateRows: 'late' })
    .groupBy(window(col('ts'), '10 seconds'))
    .agg(count('*').alias('n'))
    .select(col('window.start').alias('start'), col('window.end').alias('end'), col('n'))

describe('late rows: windowed aggregation', () => {
  for (const harness of [testStream, testStreamWithRestarts]) {
    it(`routes rows whose window closed, counts rows behind the watermark in open windows (${harness.name})`, async () => {
      const input = streamSession().sluice.memoryStream(EVENTS)
      await harness(
        tumblingCounts(input),
        { outputMode: 'append' },
        addData(input, ev('a', 1), ev('a', 2), ev('b', 12)), // batch 0; watermark 7 s, no-data batch 1
        checkNewAnswer(),
        // 3 s is behind the watermark (7 s) but its window [0, 10) is still open: counted.
        addData(input, ev('a', 3), ev('c', 26)), // batch 2; watermark 21 s, batch 3 emits [0,10), [10,20)
        checkNewAnswer(win(0, 10, 3), win(10, 20, 1)),
        addData(input, ev('d', 4), ev('e', 15), ev('f', 22)), // batch 4, judged by 21 s
        checkNewAnswer(),
        checkLateRows('late', late('d', 4, 'window_closed', 21, 4), late('e', 15, 'window_closed', 21, 4)),
      )
    })
  }

  it('keeps late rows across a restart, and counts them in numRowsDroppedByWatermark as Spark', async () => {
    const input = streamSession().sluice.memoryStream(EVENTS)
    await testStream(
      tumblingCounts(input),
      { outputMode: 'append' },
      addData(input, ev('a', 30)),
      checkLastBatch(),
      addData(input, ev('x', 1), ev('y', 2), ev('z', 40)), // judged by 25 s: both late, one group
      checkLastBatch(),
      // Spark counts dropped groups after the partial aggregation, not input rows.
      assertOnQuery(
        (q) =>
          q.recentProgress.find((p) => p.batchId === 2)?.stateOperators[0].numRowsDroppedByWatermark === 1,
      ),
      stopStream(),
      startStream(),
      checkLateRows('late', late('x', 1, 'window_closed', 25, 2), late('y', 2, 'window_closed', 25, 2)),
    )
  })

  it('shows a column projected before the watermark whole, though the aggregation never reads it', async () => {
    const input = streamSession().sluice.memoryStream(EVENTS)
    const query = input
      .toDF()
      .selectExpr('*', 'upper(user) AS u')
      .withWatermark('ts', '5 seconds', { lateRows: 'late' })
      .groupBy(window(col('ts'), '10 seconds'))
      .agg(count('*').alias('n'))
    await testStream(
      query,
      { outputMode: 'append' },
      addData(input, ev('a', 30)),
      checkLastBatch(),
      addData(input, ev('x', 1), ev('z', 40)), // judged by 25 s: x is late
      checkLastBatch(),
      checkLateRows('late', { ...late('x', 1, 'window_closed', 25, 2), u: 'X' }),
    )
  })

  it('reports a sliding-window row only when every window containing it has closed', async () => {
    const input = streamSession().sluice.memoryStream(EVENTS)
    const df = input
      .toDF()
      .withWatermark('ts', '0 seconds', { lateRows: 'late' })
      .groupBy(window(col('ts'), '10 seconds', '5 seconds'))
      .agg(count('*').alias('n'))
      .select(col('window.start').alias('start'), col('window.end').alias('end'), col('n'))
    await testStream(
      df,
      { outputMode: 'append' },
      addData(input, ev('a', 12)), // batch 0; watermark 12 s, no-data batch 1
      checkNewAnswer(),
      // 6 s: windows [0,10) closed, [5,15) open -> counted there, not late. 1 s: [-5,5), [0,10) closed.
      addData(input, ev('b', 6), ev('c', 1)),
      checkLateRows('late', late('c', 1, 'window_closed', 12, 2)),
    )
  })

  it('does not report a late row a filter removes before the aggregation', async () => {
    const input = streamSession().sluice.memoryStream(EVENTS)
    const df = input
      .toDF()
      .withWatermark('ts', '0 seconds', { lateRows: 'late' })
      .where(col('user').neq('bot'))
      .groupBy(window(col('ts'), '10 seconds'))
      .agg(count('*').alias('n'))
    await testStream(
      df,
      { outputMode: 'update' },
      addData(input, ev('a', 25)), // batch 0; watermark 25 s, no-data batch 1
      checkLastBatch(),
      addData(input, ev('bot', 1), ev('human', 2)),
      checkLateRows('late', late('human', 2, 'window_closed', 25, 2)),
    )
  })

  it('routes nothing in complete mode, where no row is dropped', async () => {
    const input = streamSession().sluice.memoryStream(EVENTS)
    const df = input
      .toDF()
      .withWatermark('ts', '0 seconds', { lateRows: 'late' })
      .groupBy(window(col('ts'), '10 seconds'))
      .agg(count('*').alias('n'))
      .select(col('window.start').alias('start'), col('window.end').alias('end'), col('n'))
    await testStream(
      df,
      { outputMode: 'complete' },
      addData(input, ev('a', 25)),
      checkLastBatch(win(20, 30, 1)),
      addData(input, ev('b', 1)),
      checkLastBatch(win(0, 10, 1), win(20, 30, 1)),
      checkLateRows('late'),
    )
  })
})

describe('late rows: session windows and deduplication', () => {
  it('routes a row whose session closed, not one that joins an open session in its batch', async () => {
    const input = streamSession().sluice.memoryStream(EVENTS)
    const df = input
      .toDF()
      .withWatermark('ts', '0 seconds', { lateRows: 'late' })
      .groupBy(session_window(col('ts'), '5 seconds'), col('user'))
      .agg(count('*').alias('n'))
    await testStream(
      df,
      { outputMode: 'append' },
      addData(input, ev('a', 20)), // batch 0; watermark 20 s, no-data batch 1
      checkLastBatch(),
      // b@1: session [1, 6) closed. c@14 + c@18: [14, 19) + [18, 23) merge into [14, 23): open.
      addData(input, ev('b', 1), ev('c', 14), ev('c', 18)),
      checkLateRows('late', late('b', 1, 'session_closed', 20, 2)),
    )
  })

  it('routes rows dropDuplicates drops for their event time', async () => {
    const input = streamSession().sluice.memoryStream(EVENTS)
    const df = input
      .toDF()
      .withWatermark('ts', '5 seconds', { lateRows: 'late' })
      .dropDuplicates(['user', 'ts'])
    await testStream(
      df,
      { outputMode: 'append' },
      addData(input, ev('a', 10), ev('a', 10)),
      checkNewAnswer(ev('a', 10)), // batch 0; watermark 5 s, no-data batch 1
      addData(input, ev('b', 5), ev('c', 6)), // judged by 5 s: 5 s is late, 6 s is not
      checkNewAnswer(ev('c', 6)),
      checkLateRows('late', late('b', 5, 'behind_watermark', 5, 2)),
    )
  })
})

describe('late rows: reading them as a stream', () => {
  it('reads each late row once, across restarts of both queries', async () => {
    const { sluice } = streamSession()
    const producerCkpt = await tempDir()
    const consumerCkpt = await tempDir()
    const input = sluice.memoryStream(EVENTS)
    const startProducer = () =>
      tumblingCounts(input)
        .writeStream.outputMode('append')
        .format('noop')
        .option('checkpointLocation', producerCkpt)
        .start()
    const seen: unknown[] = []
    const startConsumer = () =>
      sluice.readStream
        .format('late-rows')
        .option('name', 'late')
        .load(producerCkpt)
        .select(col('user'), col('late_reason'), col('late_batch_id'))
        .writeStream.foreachBatch((df) => {
          seen.push(...df.collect())
        })
        .option('checkpointLocation', consumerCkpt)
        .start()
    let producer = await startProducer()
    input.addData(ev('a', 30))
    await producer.processAllAvailable()
    input.addData(ev('x', 1), ev('z', 40))
    await producer.processAllAvailable()
    let consumer = await startConsumer()
    await consumer.processAllAvailable()
    assert.deepEqual(seen, [{ user: 'x', late_reason: 'window_closed', late_batch_id: 2 }])
    await consumer.stop()
    await producer.stop()
    producer = await startProducer()
    input.addData(ev('y', 2))
    await producer.processAllAvailable()
    consumer = await startConsumer()
    await consumer.processAllAvailable()
    assert.deepEqual(seen, [
      { user: 'x', late_reason: 'window_closed', late_batch_id: 2 },
      { user: 'y', late_reason: 'window_closed', late_batch_id: 4 },
    ])
    await Promise.all([consumer.stop(), producer.stop()])
  })

  it('says how to create the output when a checkpoint has none', async () => {
    const { sluice } = streamSession()
    const ckpt = await tempDir()
    assert.throws(
      () => sluice.readStream.format('late-rows').option('name', 'late').load(ckpt),
      (e) => isSluiceError(e, 'SOURCE_UNAVAILABLE') && /lateRows: 'late'/.test(e.message),
    )
    assert.throws(
      () => sluice.readStream.format('late-rows').load(ckpt),
      (e) => isSluiceError(e, 'INVALID_OPTION') && /'name'/.test(e.message),
    )
  })
})

describe('late rows: errors', () => {
  it('refuses a query without a checkpoint of its own', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(EVENTS)
    await assert.rejects(
      tumblingCounts(input).writeStream.outputMode('append').format('console').start(),
      (e) => isSluiceError(e, 'INVALID_OPTION') && /checkpointLocation/.test(e.message),
    )
  })

  it('refuses a name that cannot be a folder, and two streams sending to one name', async () => {
    const { sluice } = streamSession()
    const df = sluice.memoryStream(EVENTS).toDF()
    assert.throws(
      () => df.withWatermark('ts', '1 second', { lateRows: '../x' }),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
    const a = df.withWatermark('ts', '1 second', { lateRows: 'late' })
    const b = sluice.memoryStream(EVENTS).toDF().withWatermark('ts', '1 second', { lateRows: 'late' })
    await assert.rejects(
      a
        .union(b)
        .dropDuplicates(['user', 'ts'])
        .writeStream.format('noop')
        .option('checkpointLocation', await tempDir())
        .start(),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT') && /'late'/.test(e.message),
    )
  })

  it('refuses a restart that would send other columns to the same output', async () => {
    const { sluice } = streamSession()
    const ckpt = await tempDir()
    const input = sluice.memoryStream(EVENTS)
    const q = await tumblingCounts(input)
      .writeStream.outputMode('append')
      .format('noop')
      .option('checkpointLocation', ckpt)
      .start()
    await q.stop()
    const narrower = input
      .toDF()
      .select(col('ts'))
      .withWatermark('ts', '5 seconds', { lateRows: 'late' })
      .groupBy(window(col('ts'), '10 seconds'))
      .agg(count('*').alias('n'))
    await assert.rejects(
      narrower.writeStream.outputMode('append').format('noop').option('checkpointLocation', ckpt).start(),
      (e) => isSluiceError(e, 'CHECKPOINT_INCOMPATIBLE') && /late-rows output 'late'/.test(e.message),
    )
  })
})
