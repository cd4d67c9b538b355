/**
 * Event-time watermarks (Spark's EventTimeWatermarkSuite): when append mode emits, which rows are
 * late, the watermark in progress, no-data batches, several watermarked inputs under the 'min' and
 * 'max' policies, idle inputs (`idleTimeout`, beyond Spark) and state that stays bounded.
 */
import { describe, it } from 'node:test'
import {
  count,
  ManualClock,
  type MemoryStreamInput,
  Sluice,
  type SluiceConfig,
  type StreamingQueryProgress,
  t,
} from '../../src/index.ts'
import {
  addData,
  advanceClock,
  assertOnQuery,
  assertProgress,
  checkAnswer,
  checkLastBatch,
  checkNewAnswer,
  type StreamAction,
  startStream,
  stopStream,
  testStream,
  testStreamWithRestarts,
} from '../../src/testing/index.ts'
import { STREAM_TEST_CONF } from './session.ts'

const TS = t.struct({ ts: t.timestamp() })
/** Rows at these event times, in seconds. */
const at = (...secs: number[]) => secs.map((s) => ({ ts: s * 1000 }))
const iso = (secs: number) => new Date(secs * 1000).toISOString()
/** A group of the raw-timestamp aggregation: its time in seconds and its count. */
const group = (secs: number, n: number) => ({ ts: secs * 1000, n })

function session(config: SluiceConfig = {}): { sluice: Sluice; clock: ManualClock } {
  const clock = new ManualClock(0)
  const sluice = Sluice.local({ ...STREAM_TEST_CONF, clock, output: () => undefined, ...config })
  return { sluice, clock }
}

type Harness = typeof testStream

/** Registers a scenario twice: as written (testStream), and with a restart after every action. */
function scenario(name: string, run: (harness: Harness) => Promise<void>): void {
  it(name, () => run(testStream))
  it(`${name} (a restart after every action)`, () => run(testStreamWithRestarts))
}

/** Progress assertions, run by testStream only (progress is per run: a restarted run has none yet). */
const progress = (harness: Harness, ...checks: ((p: StreamingQueryProgress) => boolean)[]): StreamAction[] =>
  harness === testStream ? checks.map((c) => assertProgress(c)) : []

/** The count per raw event time, watermarked `delay` behind it. */
const countsPerTime = (input: MemoryStreamInput<typeof TS>, delay = '10 seconds') =>
  input.toDF().withWatermark('ts', delay).groupBy('ts').agg(count('*').alias('n'))

describe('watermark: append mode', () => {
  scenario('emits a group once the watermark reaches its key, and drops late groups', async (harness) => {
    const input = session().sluice.memoryStream(TS)
    await harness(
      countsPerTime(input),
      { outputMode: 'append' },
      addData(input, ...at(5, 5, 7)),
      checkNewAnswer(),
      ...progress(harness, (p) => p.eventTime.watermark === iso(0)),
      addData(input, ...at(14)), // watermark 4 s: 5 s not reached yet
      checkNewAnswer(),
      ...progress(harness, (p) => p.eventTime.watermark === iso(4)),
      stopStream(),
      startStream(),
      addData(input, ...at(15)), // watermark 5 s: the no-data batch emits 5 s
      checkNewAnswer(group(5, 2)),
      ...progress(
        harness,
        (p) => p.eventTime.watermark === '1970-01-01T00:00:05.000Z',
        (p) => p.numInputRows === 0 && p.stateOperators[0].numRowsTotal === 3,
      ),
      addData(input, ...at(17)),
      checkNewAnswer(group(7, 1)),
      // 4 s and 7 s are behind the watermark (7 s): two late groups (Spark counts groups), three rows.
      addData(input, ...at(4, 7, 7, 16)),
      checkNewAnswer(),
      ...progress(
        harness,
        (p) => p.stateOperators[0].numRowsDroppedByWatermark === 2,
        (p) => p.stateOperators[0].numRowsTotal === 4,
      ),
      addData(input, ...at(27)),
      checkNewAnswer(group(14, 1), group(15, 1), group(16, 1), group(17, 1)),
      checkAnswer(group(5, 2), group(7, 1), group(14, 1), group(15, 1), group(16, 1), group(17, 1)),
    )
  })

  it("judges lateness by the previous batch's watermark, not the one the batch moves to", async () => {
    const input = session().sluice.memoryStream(TS)
    await testStream(
      countsPerTime(input),
      { outputMode: 'append' },
      addData(input, ...at(17)), // watermark 7 s
      checkNewAnswer(),
      stopStream(),
      startStream(),
      // 8 s is behind the 20 s this batch moves the watermark to, but not behind 7 s: it counts.
      addData(input, ...at(30, 8)),
      checkNewAnswer(group(8, 1), group(17, 1)),
      assertOnQuery((q) =>
        q.recentProgress.every((p) => p.stateOperators[0].numRowsDroppedByWatermark === 0),
      ),
    )
  })

  it('emits only on the next data batch when no-data batches are off', async () => {
    const { sluice } = session({ 'sluice.sql.streaming.noDataMicroBatches.enabled': false })
    const input = sluice.memoryStream(TS)
    await testStream(
      countsPerTime(input),
      { outputMode: 'append' },
      addData(input, ...at(5, 6)),
      checkNewAnswer(),
      addData(input, ...at(25)), // watermark 15 s, but no batch runs to apply it
      checkNewAnswer(),
      stopStream(),
      startStream(),
      addData(input, ...at(26)),
      checkNewAnswer(group(5, 1), group(6, 1)),
    )
  })
})

describe('watermark: update and complete modes', () => {
  scenario('outputs the changed groups, then evicts, in update mode', async (harness) => {
    const input = session().sluice.memoryStream(TS)
    await harness(
      countsPerTime(input),
      { outputMode: 'update' },
      addData(input, ...at(10, 11, 11, 15)),
      checkNewAnswer(group(10, 1), group(11, 2), group(15, 1)),
      addData(input, ...at(25)), // watermark 15 s: 10, 11 and 15 s evicted
      checkNewAnswer(group(25, 1)),
      ...progress(harness, (p) => p.stateOperators[0].numRowsTotal === 1),
      stopStream(),
      startStream(),
      addData(input, ...at(11, 25)), // 11 s is late
      checkNewAnswer(group(25, 2)),
      addData(input, ...at(15)),
      checkNewAnswer(),
    )
  })

  it('neither drops late rows nor evicts in complete mode', async () => {
    for (const harness of [testStream, testStreamWithRestarts]) {
      const input = session().sluice.memoryStream(TS)
      await harness(
        countsPerTime(input),
        { outputMode: 'complete' },
        addData(input, ...at(10, 11, 11)),
        checkLastBatch(group(10, 1), group(11, 2)),
        addData(input, ...at(25)), // watermark 15 s
        checkLastBatch(group(10, 1), group(11, 2), group(25, 1)),
        stopStream(),
        startStream(),
        addData(input, ...at(10)),
        checkLastBatch(group(10, 2), group(11, 2), group(25, 1)),
      )
    }
  })

  it('keeps state bounded over a long run', async () => {
    const input = session().sluice.memoryStream(TS)
    const batches: StreamAction[] = []
    for (let i = 1; i <= 50; i++) {
      batches.push(addData(input, ...at(i, i)))
      // After batch i (and its no-data batch) the watermark is i - 5 s: keys i - 4 .. i stay.
      batches.push(assertProgress((p) => p.stateOperators[0].numRowsTotal === Math.min(i, 5), `batch ${i}`))
      if (i === 25) batches.push(stopStream(), startStream())
    }
    await testStream(
      countsPerTime(input, '5 seconds'),
      { outputMode: 'append' },
      ...batches,
      checkAnswer(...Array.from({ length: 45 }, (_, i) => group(i + 1, 2))),
      assertOnQuery((q) => q.recentProgress.every((p) => p.stateOperators[0].numRowsTotal <= 6)),
    )
  })
})

/** A processing-time trigger, so two inputs' rows land in one batch (the clock is advanced by hand). */
const EVERY_SECOND = { trigger: { processingTime: '1 second' } } as const

/** Adds a row at 1 s to `input` and checks the watermark the next batch ran with (Spark's checkWatermark). */
const checkWatermark = (input: MemoryStreamInput<typeof TS>, secs: number): StreamAction[] => [
  addData(input, ...at(1)),
  advanceClock(1000),
  assertProgress((p) => p.eventTime.watermark === iso(secs), `watermark ${iso(secs)}`),
]

/** Two inputs watermarked 10 s and 15 s behind (Spark's dfWithMultipleWatermarks). */
function twoInputs(config: SluiceConfig) {
  const { sluice, clock } = session(config)
  const in1 = sluice.memoryStream(TS)
  const in2 = sluice.memoryStream(TS)
  const df = in1.toDF().withWatermark('ts', '10 seconds').union(in2.toDF().withWatermark('ts', '15 seconds'))
  return { clock, in1, in2, df }
}

describe('watermark: several inputs', () => {
  for (const [policy, wm] of [
    ['min', [10, 110, 110]],
    ['max', [15, 115, 140]],
  ] as const) {
    it(`combines the inputs' watermarks with the '${policy}' policy (Spark's MultipleWatermarkPolicy test)`, async () => {
      const { clock, in1, in2, df } = twoInputs({ 'sluice.sql.streaming.multipleWatermarkPolicy': policy })
      await testStream(
        df,
        { clock },
        startStream(EVERY_SECOND),
        addData(in1, ...at(20)),
        addData(in2, ...at(30)),
        advanceClock(1000),
        checkLastBatch(...at(20, 30)),
        ...checkWatermark(in1, wm[0]), // min(20 - 10, 30 - 15) = 10; max = 15
        stopStream(),
        startStream(EVERY_SECOND),
        ...checkWatermark(in1, wm[0]), // recovered
        addData(in1, ...at(120)),
        addData(in2, ...at(130)),
        advanceClock(1000),
        checkLastBatch(...at(120, 130)),
        ...checkWatermark(in2, wm[1]), // min(110, 115) = 110; max = 115
        // Only one input moves: 'min' stays; 'max' follows it (150 - 10 = 140).
        addData(policy === 'min' ? in2 : in1, ...at(150)),
        advanceClock(1000),
        ...checkWatermark(in2, wm[2]),
      )
    })
  }

  it("holds the 'min' watermark at 0 until every input has had data, also after a restart (Spark)", async () => {
    const { clock, in1, in2, df } = twoInputs({})
    await testStream(
      df,
      { clock },
      startStream(EVERY_SECOND),
      addData(in1, ...at(20)),
      advanceClock(1000),
      ...checkWatermark(in1, 0),
      addData(in2, ...at(30)),
      advanceClock(1000),
      ...checkWatermark(in1, 10),
      stopStream(),
      startStream(EVERY_SECOND),
      addData(in2, ...at(200)),
      advanceClock(1000),
      ...checkWatermark(in2, 10), // in1 has had no row since the restart: it counts as 0
    )
  })
  it("keeps the first input's event-time column through a union, so an append aggregation can follow", async () => {
    const { clock, in1, in2, df } = twoInputs({})
    await testStream(
      df.groupBy('ts').agg(count('*').alias('n')),
      { outputMode: 'append', clock },
      startStream(EVERY_SECOND),
      addData(in1, ...at(20)),
      addData(in2, ...at(30)),
      advanceClock(1000),
      addData(in1, ...at(40)),
      addData(in2, ...at(50)),
      advanceClock(1000), // watermark min(40 - 10, 50 - 15) = 30 s
      advanceClock(1000), // the no-data batch emits 20 s and 30 s
      checkNewAnswer(group(20, 1), group(30, 1)),
    )
  })
})

describe('watermark: idle inputs (idleTimeout, beyond Spark)', () => {
  const EVERY_10S = { trigger: { processingTime: '10 seconds' } } as const
  for (const idle of [true, false]) {
    it(`${idle ? 'releases' : 'holds'} the watermark when one input goes quiet ${idle ? 'past its idleTimeout' : 'without idleTimeout'}`, async () => {
      const { sluice, clock } = session()
      const a = sluice.memoryStream(TS)
      const b = sluice.memoryStream(TS)
      const bDf = b.toDF().withWatermark('ts', '5 seconds', idle ? { idleTimeout: '30 seconds' } : {})
      const union = a.toDF().withWatermark('ts', '5 seconds').union(bDf)
      const df = union.groupBy('ts').agg(count('*').alias('n'))
      await testStream(
        df,
        { outputMode: 'append', clock },
        startStream(EVERY_10S),
        addData(a, ...at(10)),
        addData(b, ...at(10)),
        advanceClock(10_000), // both seen at 10 s (processing time): watermark 5 s
        addData(a, ...at(30)),
        advanceClock(10_000), // a's watermark 25 s; b holds the minimum at 5 s
        checkNewAnswer(),
        advanceClock(10_000), // b quiet for 20 s
        checkNewAnswer(),
        advanceClock(10_000), // b quiet for 30 s: idle, so the watermark is a's 25 s
        ...(idle
          ? [
              checkNewAnswer(group(10, 2)),
              assertProgress((p) => p.eventTime.watermark === iso(25)),
              stopStream(),
              startStream(EVERY_10S),
              addData(a, ...at(20)), // behind the restored 25 s: late
              advanceClock(10_000),
              checkNewAnswer(),
              assertProgress((p) => p.stateOperators[0].numRowsDroppedByWatermark === 1),
            ]
          : [
              checkNewAnswer(),
              advanceClock(60_000),
              addData(a, ...at(31)),
              advanceClock(10_000),
              checkNewAnswer(),
              assertProgress((p) => p.eventTime.watermark === iso(5)),
            ]),
      )
    })
  }
})
