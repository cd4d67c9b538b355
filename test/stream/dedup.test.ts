/**
 * Streaming deduplication (Spark's StreamingDeduplicationSuite and
 * StreamingDeduplicationWithinWatermarkSuite): state that grows without a watermark, state evicted
 * by a watermark on a key column, late rows, and dropDuplicatesWithinWatermark's expiry.
 */
import { describe, it } from 'node:test'
import {
  ManualClock,
  type MemoryStreamInput,
  Sluice,
  type StreamingQueryProgress,
  t,
} from '../../src/index.ts'
import {
  addData,
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

const ID = t.struct({ id: t.string() })
const TS = t.struct({ ts: t.timestamp() })
const IDTS = t.struct({ id: t.string(), ts: t.timestamp() })
/** Rows at these event times, in seconds. */
const at = (...secs: number[]) => secs.map((s) => ({ ts: s * 1000 }))
/** Rows of ids. */
const ids = (...xs: string[]) => xs.map((id) => ({ id }))
/** An (id, event time in seconds) row. */
const ev = (id: string, secs: number) => ({ id, ts: secs * 1000 })

function session(): Sluice {
  return Sluice.local({ ...STREAM_TEST_CONF, clock: new ManualClock(0), output: () => undefined })
}

type Harness = typeof testStream

/** Registers a scenario twice: as written (testStream), and with a restart after every action. */
function scenario(name: string, run: (harness: Harness) => Promise<void>): void {
  it(name, () => run(testStream))
  const restarts = `${name} (a restart after every action)`
  it(restarts, () => run(testStreamWithRestarts))
}

type OperatorProgress = StreamingQueryProgress['stateOperators'][number]

/** A check on the last progress's state operator, run by testStream only (a restarted run has none yet). */
const state = (harness: Harness, check: (op: OperatorProgress) => boolean, message = ''): StreamAction[] =>
  harness === testStream ? [assertProgress((p) => check(p.stateOperators[0]), message)] : []

/** A check on the state operator of the last batch that read rows (testStream only). */
const lastWithData = (harness: Harness, check: (op: OperatorProgress) => boolean): StreamAction[] =>
  harness === testStream
    ? [
        assertOnQuery((q) =>
          check(q.recentProgress.filter((p) => p.numInputRows > 0).at(-1)!.stateOperators[0]),
        ),
      ]
    : []

/** Total keys in state, and the rows the batch dropped as late. */
const rows = (harness: Harness, total: number, late = 0) =>
  state(
    harness,
    (op) => op.numRowsTotal === total && op.numRowsDroppedByWatermark === late,
    `${total} keys in state, ${late} late`,
  )

describe('dropDuplicates without a watermark', () => {
  scenario('drops rows whose key was seen in any earlier batch; state only grows', async (harness) => {
    const input = session().memoryStream(ID)
    await harness(
      input.toDF().dropDuplicates(),
      { outputMode: 'append' },
      addData(input, ...ids('a', 'a', 'b')),
      checkLastBatch(...ids('a', 'b')),
      ...state(harness, (op) => op.operatorName === 'dedupe' && op.numRowsTotal === 2),
      ...state(harness, (op) => op.customMetrics.numDroppedDuplicateRows === 1),
      addData(input, ...ids('a', 'c')),
      checkLastBatch(...ids('c')),
      stopStream(),
      addData(input, ...ids('b', 'd', 'd')),
      startStream(),
      checkLastBatch(...ids('d')),
      ...state(harness, (op) => op.numRowsTotal === 4 && op.customMetrics.numDroppedDuplicateRows === 2),
      addData(input, ...ids('e', 'f')),
      checkLastBatch(...ids('e', 'f')),
      ...state(harness, (op) => op.numRowsTotal === 6),
      checkAnswer(...ids('a', 'b', 'c', 'd', 'e', 'f')),
    )
  })

  it('keeps growing over a long run', async () => {
    const input = session().memoryStream(ID)
    const batches: StreamAction[] = []
    for (let i = 1; i <= 30; i++) {
      batches.push(addData(input, ...ids(`k${i}`, `k${i}`, `k${i - 1}`)))
      batches.push(assertProgress((p) => p.stateOperators[0].numRowsTotal === i + 1, `batch ${i}`))
      if (i === 15) batches.push(stopStream(), startStream())
    }
    await testStream(
      input.toDF().dropDuplicates(),
      { outputMode: 'append' },
      addData(input, ...ids('k0')),
      ...batches,
    )
  })
})

describe('dropDuplicates with a watermark', () => {
  const dedup = (input: MemoryStreamInput<typeof TS>) =>
    input.toDF().withWatermark('ts', '10 seconds').dropDuplicates()

  scenario("evicts keys behind the watermark (Spark's 'deduplicate with watermark')", async (harness) => {
    const input = session().memoryStream(TS)
    const tens = [10, 11, 12, 13, 14, 15]
    await harness(
      dedup(input),
      { outputMode: 'append' },
      addData(input, ...at(...tens, ...tens, ...tens, ...tens, ...tens)),
      checkAnswer(...at(...tens)),
      ...rows(harness, 6),
      // Counted by the data batch (the no-data batch after it drops nothing), as Spark's SPARK-35880 test.
      ...lastWithData(harness, (op) => op.customMetrics.numDroppedDuplicateRows === 24),
      stopStream(),
      startStream(),
      addData(input, ...at(25)), // watermark 15 s: the no-data batch evicts 10 .. 15 s
      checkNewAnswer(...at(25)),
      ...rows(harness, 1),
      addData(input, ...at(10)), // behind the watermark: late
      checkNewAnswer(),
      ...rows(harness, 1, 1),
      addData(input, ...at(45)), // watermark 35 s: 25 s evicted
      checkNewAnswer(...at(45)),
      ...rows(harness, 1),
    )
  })

  it('keeps state bounded over a long run', async () => {
    const input = session().memoryStream(TS)
    const batches: StreamAction[] = []
    for (let i = 1; i <= 50; i++) {
      batches.push(addData(input, ...at(i, i, i - 1)))
      // The watermark is i - 10 s: keys i - 9 .. i stay (fewer at first); i - 1 is a duplicate (0 s,
      // at the first watermark, is late).
      batches.push(assertProgress((p) => p.stateOperators[0].numRowsTotal === Math.min(i, 10), `batch ${i}`))
      if (i === 25) batches.push(stopStream(), startStream())
    }
    await testStream(
      dedup(input),
      { outputMode: 'append' },
      ...batches,
      checkAnswer(...at(...Array.from({ length: 50 }, (_, i) => i + 1))),
      assertOnQuery((q) => q.recentProgress.every((p) => p.stateOperators[0].numRowsTotal <= 11)),
    )
  })

  it("filters late rows by the event time in the keys (Spark's SPARK-19841)", async () => {
    const input = session().memoryStream(IDTS)
    const df = input.toDF().withWatermark('ts', '1 second').dropDuplicates(['id', 'ts']).select('id')
    await testStream(
      df,
      { outputMode: 'append' },
      addData(input, ev('1', 1), ev('1', 1), ev('2', 1)),
      checkAnswer(...ids('1', '2')),
      addData(input, ev('1', 1), ev('3', 2), ev('4', 2)),
      checkNewAnswer(...ids('3', '4')),
      stopStream(),
      startStream(),
      addData(input, ev('0', 1), ev('1', 1), ev('5', 3), ev('6', 3)), // 1 s is late (watermark 1 s)
      checkNewAnswer(...ids('5', '6')),
      addData(input, ev('0', 1), ev('7', 4)),
      checkNewAnswer(...ids('7')),
    )
  })

  it("keeps the first row of a key when the event time is not a key (Spark's SPARK-21546)", async () => {
    const input = session().memoryStream(IDTS)
    await testStream(
      input.toDF().withWatermark('ts', '1 second').dropDuplicates(['id']),
      { outputMode: 'append' },
      addData(input, ev('1', 1), ev('1', 2), ev('2', 2)),
      checkAnswer(ev('1', 1), ev('2', 2)),
      stopStream(),
      startStream(),
      // Without the event time in the key nothing is evicted: '1' stays a duplicate for ever.
      addData(input, ev('1', 30), ev('3', 30)),
      checkNewAnswer(ev('3', 30)),
      addData(input, ev('1', 60)),
      checkNewAnswer(),
      assertProgress((p) => p.stateOperators[0].numRowsTotal === 3),
    )
  })
})

describe('dropDuplicatesWithinWatermark', () => {
  scenario(
    "forgets a key once the watermark passes its first event time plus the delay (Spark's subset-of-columns test)",
    async (harness) => {
      const input = session().memoryStream(IDTS)
      const df = input.toDF().withWatermark('ts', '2 seconds').dropDuplicatesWithinWatermark(['id'])
      await harness(
        df,
        { outputMode: 'append' },
        addData(input, ev('a', 17)), // watermark 15 s; 'a' expires at 19 s
        checkNewAnswer(ev('a', 17)),
        ...state(harness, (op) => op.operatorName === 'dedupeWithinWatermark' && op.numRowsTotal === 1),
        addData(input, ev('a', 16)), // a duplicate within the delay
        checkNewAnswer(),
        ...rows(harness, 1),
        addData(input, ev('a', 13)), // behind the watermark (15 s): late
        checkNewAnswer(),
        ...rows(harness, 1, 1),
        stopStream(),
        startStream(),
        addData(input, ev('b', 22), ev('c', 21)), // watermark 20 s: 'a' (19 s) expires
        checkNewAnswer(ev('b', 22), ev('c', 21)),
        ...rows(harness, 2),
        addData(input, ev('a', 21)), // 'a' is new again
        checkNewAnswer(ev('a', 21)),
        ...rows(harness, 3),
        addData(input, ev('d', 25)), // watermark 23 s: 'a' and 'c' (23 s) expire
        checkNewAnswer(ev('d', 25)),
        ...rows(harness, 2),
      )
    },
  )
})
