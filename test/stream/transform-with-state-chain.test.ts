/**
 * transformWithState's event-time output (Spark 4's `eventTimeColumnName`, TransformWithStateChainingSuite
 * in spirit): the named output column carries the input's watermark, so a window count above it
 * works in append mode, across restarts; and what Spark refuses around it. Expected rows and
 * errors come from spark/transform-with-state-chain.py (PySpark 4.3.0).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  col,
  count,
  type DataFrame,
  isSluiceError,
  type StatefulProcessor,
  type StatefulProcessorHandle,
  t,
  type ValueState,
  window,
} from '../../src/index.ts'
import {
  addData,
  assertProgress,
  checkNewAnswer,
  expectFailure,
  type StreamAction,
  startStream,
  testStream,
  testStreamWithRestarts,
} from '../../src/testing/index.ts'
import { streamSession } from './session.ts'

type Rows = Record<string, unknown>[]
interface Scenario {
  readonly steps: Rows[]
  readonly error: string | null
}
const spark = JSON.parse(
  readFileSync(new URL('spark/transform-with-state-chain.json', import.meta.url), 'utf8'),
) as Record<string, Scenario>

const EVENT = t.struct({ user: t.string(), ts: t.timestamp() })
const OUT = t.struct({ user: t.string(), ts: t.timestamp(), n: t.long() })
type Event = { user: string | null; ts: number | null }
type Out = { user: string | null; ts: number | null; n: number }

/** Per group and batch: the earliest event time of its rows and how many there were. */
const firstSeen = (): StatefulProcessor<string | null, Event, Out> => ({
  init: () => undefined,
  *handleInputRows(user, rows) {
    let ts: number | null = null
    let n = 0
    for (const r of rows) {
      n++
      if (r.ts !== null && (ts === null || r.ts < ts)) ts = r.ts
    }
    yield { user, ts, n }
  },
})

/** Emits every group at event time 1 ms: behind the watermark once it passes 1 ms. */
const epoch = (): StatefulProcessor<string | null, Event, Out> => ({
  init: () => undefined,
  *handleInputRows(user, rows) {
    yield { user, ts: 1, n: [...rows].length }
  },
})

/**
 * Keeps one event-time timer 5 s after a group's latest row; when it fires, emits the group at the
 * timer's time with how many rows it saw (the Python IdleOut).
 */
const idleOut = (): StatefulProcessor<string | null, Event, Out> => {
  let handle: StatefulProcessorHandle
  let count: ValueState<{ n: number | null }>
  return {
    init(h) {
      handle = h
      count = h.getValueState('count', t.struct({ n: t.long() }))
    },
    handleInputRows(_user, rows) {
      let latest = 0
      let n = 0
      for (const r of rows) {
        n++
        latest = Math.max(latest, r.ts ?? 0)
      }
      count.update({ n: (count.get()?.n ?? 0) + n })
      for (const timer of handle.listTimers()) handle.deleteTimer(timer)
      handle.registerTimer(latest + 5000)
      return []
    },
    *handleExpiredTimer(user, _times, info) {
      const n = count.get()?.n ?? 0
      count.clear()
      yield { user, ts: info.getExpiryTimeInMs(), n }
    },
  }
}

const ev = (user: string, ts: number) => ({ user, ts })
const STEPS = [
  [ev('a', 1000), ev('b', 2000)],
  [ev('a', 30_000)],
  [ev('c', 5000), ev('b', 45_000)],
  [ev('c', 60_000)],
]

function query(
  options: { timeMode?: 'None' | 'EventTime'; eventTimeColumnName?: string; watermark?: boolean },
  processor = firstSeen,
) {
  const input = streamSession().sluice.memoryStream(EVENT)
  const df = options.watermark === false ? input.toDF() : input.toDF().withWatermark('ts', '10 seconds')
  const out = df
    .groupByKey((e) => e.user, t.string())
    .transformWithState(processor, {
      outputSchema: OUT,
      outputMode: 'append',
      timeMode: options.timeMode ?? 'EventTime',
      ...(options.eventTimeColumnName === undefined
        ? {}
        : { eventTimeColumnName: options.eventTimeColumnName }),
    })
  return { input, out }
}

const count10s = (df: DataFrame<any>) =>
  df
    .groupBy(window(col('ts'), '10 seconds'))
    .agg(count('*').as('n'))
    .select(col('window.start').as('start'), col('n'))

/** Spark's steps as a script: add each step's rows, expect Spark's new rows (as many steps as Spark ran). */
function script(input: ReturnType<typeof query>['input'], expected: Rows[]): StreamAction[] {
  return expected.flatMap((rows, i) => [addData(input, ...STEPS[i]), checkNewAnswer(...rows)])
}

describe('transformWithState eventTimeColumnName feeding an append-mode aggregation', () => {
  for (const harness of [testStream, testStreamWithRestarts]) {
    it(`a window count over its output emits Spark's rows, late input dropped (${harness.name})`, async () => {
      assert.equal(spark.chain.error, null)
      const { input, out } = query({ eventTimeColumnName: 'ts' })
      await harness(count10s(out), { outputMode: 'append' }, ...script(input, spark.chain.steps))
    })
  }

  for (const harness of [testStream, testStreamWithRestarts]) {
    it(`rows its event-time timers emit feed the window count too (${harness.name})`, async () => {
      assert.equal(spark.timerChain.error, null)
      const { input, out } = query({ eventTimeColumnName: 'ts' }, idleOut)
      await harness(count10s(out), { outputMode: 'append' }, ...script(input, spark.timerChain.steps))
    })
  }

  it('with TimeMode None, late input reaches the processor and its row behind the watermark fails the batch', async () => {
    const expected = spark.chainTimeModeNone
    assert.equal(expected.error, 'EMITTING_ROWS_OLDER_THAN_WATERMARK_NOT_ALLOWED')
    const { input, out } = query({ timeMode: 'None', eventTimeColumnName: 'ts' })
    await testStream(
      count10s(out),
      { outputMode: 'append' },
      ...script(input, expected.steps),
      addData(input, ...STEPS[expected.steps.length]),
      expectFailure((e) =>
        /\[EMITTING_ROWS_OLDER_THAN_WATERMARK_NOT_ALLOWED\] .*eventTime=5000 /.test(e.message),
      ),
    )
  })

  it('the downstream operator sees the watermark of the input', async () => {
    const { input, out } = query({ eventTimeColumnName: 'ts' })
    await testStream(
      count10s(out),
      { outputMode: 'append' },
      addData(input, ev('a', 30_000)),
      assertProgress((p) => p.eventTime.watermark === '1970-01-01T00:00:20.000Z', 'watermark 20 s'),
      assertProgress((p) => p.stateOperators.length === 2, 'two stateful operators'),
    )
  })
})

describe('transformWithState eventTimeColumnName: refused', () => {
  it('an append-mode aggregation over its output without eventTimeColumnName', async () => {
    assert.equal(spark.withoutEventTimeColumn.error, 'STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION')
    const { out } = query({})
    await assert.rejects(start(count10s(out)), (e) => {
      assert.ok(isSluiceError(e, 'UNSUPPORTED_OPERATION'), String(e))
      assert.match(e.message, /streaming aggregations on streaming DataFrames without watermark/)
      return true
    })
  })

  it('dropDuplicatesWithinWatermark over its output without eventTimeColumnName', async () => {
    const { out } = query({})
    await assert.rejects(start(out.dropDuplicatesWithinWatermark()), (e) => {
      assert.ok(isSluiceError(e, 'UNSUPPORTED_OPERATION'), String(e))
      assert.match(
        e.message,
        /dropDuplicatesWithinWatermark is not supported on streaming DataFrames without a watermark/,
      )
      return true
    })
  })

  it('eventTimeColumnName without a watermark before groupByKey', () => {
    assert.equal(spark.withoutWatermark.error, 'CANNOT_ASSIGN_EVENT_TIME_COLUMN_WITHOUT_WATERMARK')
    assert.throws(
      () => query({ timeMode: 'None', eventTimeColumnName: 'ts', watermark: false }).out.schema,
      (e) => isSluiceError(e, 'CANNOT_ASSIGN_EVENT_TIME_COLUMN_WITHOUT_WATERMARK'),
    )
  })

  it('eventTimeColumnName naming no output column, or one that is not a timestamp', () => {
    assert.throws(
      () => query({ eventTimeColumnName: 'tss' }).out.schema,
      (e) => isSluiceError(e, 'COLUMN_NOT_FOUND') && /`tss`.*Did you mean one of: `ts`/.test(e.message),
    )
    assert.throws(
      () => query({ eventTimeColumnName: 'n' }).out.schema,
      (e) => isSluiceError(e, 'DATATYPE_MISMATCH') && /expected "TIMESTAMP"/.test(e.message),
    )
  })

  it('a row at or behind the watermark fails the batch; nothing is committed, and the rerun emits', async () => {
    const expected = spark.olderThanWatermark
    assert.equal(expected.error, 'EMITTING_ROWS_OLDER_THAN_WATERMARK_NOT_ALLOWED')
    let fixed = false
    const { input, out } = query({ eventTimeColumnName: 'ts' }, () => (fixed ? firstSeen() : epoch()))
    const checkpointLocation = await mkdtemp(join(tmpdir(), 'tws-older-'))
    await testStream(
      out,
      { outputMode: 'append', checkpointLocation },
      ...script(input, expected.steps),
      addData(input, ...STEPS[expected.steps.length]),
      expectFailure((e) =>
        /\[EMITTING_ROWS_OLDER_THAN_WATERMARK_NOT_ALLOWED\] .*eventTime=1 .*current_watermark_value=20000 /.test(
          e.message,
        ),
      ),
    )
    // The failed batch left no commit: a fixed processor reruns it from the same offsets.
    fixed = true
    await testStream(
      out,
      { outputMode: 'append', checkpointLocation },
      startStream(),
      checkNewAnswer({ user: 'b', ts: 45_000, n: 1 }),
    )
  })
})

function start(df: DataFrame<any>) {
  return df.writeStream.format('memory').queryName('refused').outputMode('append').start()
}

/** Counts a group's rows per batch (Spark's InputCountStatefulProcessor). */
const inputCount = (): StatefulProcessor<string | null, Out, { n: number }> => ({
  init: () => undefined,
  *handleInputRows(_user, rows) {
    yield { n: [...rows].length }
  },
})

// As Spark's TransformWithStateChainingSuite answers (its expected rows, in Sluice's terms).
describe('operators chained after transformWithState with eventTimeColumnName', () => {
  const DAY = 86_400_000
  const feb1 = Date.UTC(2024, 1, 1)

  it('a second transformWithState sees every output row, across restarts', async () => {
    const { input, out } = query({ eventTimeColumnName: 'ts' })
    const df = out
      .groupByKey((o) => o.user, t.string())
      .transformWithState(inputCount, { outputSchema: t.struct({ n: t.long() }), outputMode: 'append' })
    await testStreamWithRestarts(
      df,
      { outputMode: 'append' },
      addData(input, ev('k1', Date.UTC(2024, 0, 1))),
      checkNewAnswer({ n: 1 }),
      addData(input, ev('k1', feb1)),
      checkNewAnswer({ n: 1 }),
      addData(input, ev('k1', feb1 + DAY)),
      checkNewAnswer({ n: 1 }),
    )
  })

  it('dropDuplicatesWithinWatermark over its output uses the carried watermark', async () => {
    const { input, out } = query({ eventTimeColumnName: 'ts' })
    await testStream(
      out.dropDuplicatesWithinWatermark(),
      { outputMode: 'append' },
      addData(input, ev('k1', feb1), ev('k1', feb1)),
      checkNewAnswer({ user: 'k1', ts: feb1, n: 2 }),
      assertProgress((p) => p.eventTime.watermark === '2024-01-31T23:59:50.000Z', 'watermark carried'),
    )
  })
})
