/**
 * transformWithState (Spark 4's TransformWithStateSuite, in spirit): value, list and map state
 * across restarts; processing-time and event-time timers (registered, deleted, firing in batches
 * without data); TTL; progress's custom metrics; a processor that throws; a restart with a changed
 * processor.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { type ListState, type MapState, type StatefulProcessor, t, type ValueState } from '../../src/index.ts'
import {
  addData,
  advanceClock,
  assertProgress,
  checkNewAnswer,
  expectFailure,
  startStream,
  stopStream,
  testStream,
  testStreamWithRestarts,
} from '../../src/testing/index.ts'
import { streamSession } from './session.ts'

/** Spark's answers to the scenarios marked below (spark/transform-with-state.py, PySpark 4.3.0). */
type Rows = Record<string, unknown>[]
const spark = JSON.parse(
  readFileSync(new URL('spark/transform-with-state.json', import.meta.url), 'utf8'),
) as {
  tracker: Rows[]
  eventTimeTimers: Rows[]
}

const CLICK = t.struct({ user: t.string(), page: t.string(), ts: t.timestamp() })
type Click = { user: string | null; page: string | null; ts: number | null }
const OUT = t.struct({ user: t.string(), n: t.long(), history: t.string(), pages: t.long() })
const N = t.struct({ n: t.long() })
const PAGE = t.struct({ page: t.string() })

/** Counts clicks (value), keeps the page history (list) and clicks per page (map). */
function tracker(): StatefulProcessor<
  string | null,
  Click,
  { user: string | null; n: number; history: string; pages: number }
> {
  let count: ValueState<{ n: number | null }>
  let history: ListState<{ page: string | null }>
  let perPage: MapState<string | null, { n: number | null }>
  return {
    init(handle) {
      count = handle.getValueState('count', N)
      history = handle.getListState('history', PAGE)
      perPage = handle.getMapState('perPage', t.string(), N)
    },
    *handleInputRows(user, rows) {
      let n = count.get()?.n ?? 0
      for (const r of rows) {
        n++
        history.appendValue({ page: r.page })
        perPage.updateValue(r.page, { n: (perPage.getValue(r.page)?.n ?? 0) + 1 })
      }
      count.update({ n })
      yield {
        user,
        n,
        history: history
          .get()
          .map((h) => h.page)
          .join(','),
        pages: perPage.keys().length,
      }
    },
  }
}

const click = (user: string, page: string, secs = 1) => ({ user, page, ts: secs * 1000 })

describe('transformWithState: value, list and map state', () => {
  for (const harness of [testStream, testStreamWithRestarts]) {
    it(`keeps all three across restarts (${harness.name})`, async () => {
      const { sluice } = streamSession()
      const input = sluice.memoryStream(CLICK)
      const df = input
        .toDF()
        .groupByKey((c) => c.user, t.string())
        .transformWithState(tracker, { outputSchema: OUT, outputMode: 'update' })
      await harness(
        df,
        { outputMode: 'update' },
        addData(input, click('ann', '/'), click('ann', '/a'), click('bob', '/')),
        // As Spark answers (transformWithStateInPandas).
        checkNewAnswer(...spark.tracker[0]),
        stopStream(),
        startStream(),
        addData(input, click('ann', '/')),
        checkNewAnswer(...spark.tracker[1]),
        ...(harness === testStream
          ? [
              assertProgress((p) => {
                const op = p.stateOperators[0]
                return (
                  op.operatorName === 'transformWithStateExec' &&
                  op.customMetrics.numValueStateVars === 1 &&
                  op.customMetrics.numListStateVars === 1 &&
                  op.customMetrics.numMapStateVars === 1
                )
              }, 'custom metrics'),
            ]
          : []),
      )
    })
  }
})

const EVENT = t.struct({ user: t.string(), ts: t.timestamp() })
const FIRED = t.struct({ user: t.string(), what: t.string(), at: t.long() })
type Fired = { user: string | null; what: string; at: number }

/** Keeps a timer 10 s after each group's latest row (the older one deleted); emits when one fires. */
function idleAlarm(
  delayMs: number,
  eventTime: boolean,
): () => StatefulProcessor<string | null, { ts: number | null }, Fired> {
  return () => {
    let handle: Parameters<StatefulProcessor<string | null, unknown, Fired>['init']>[0]
    return {
      init(h) {
        handle = h
      },
      *handleInputRows(user, rows, timers) {
        let latest = 0
        for (const r of rows) latest = Math.max(latest, r.ts ?? 0)
        for (const old of handle.listTimers()) handle.deleteTimer(old)
        const base = eventTime ? latest : timers.getCurrentProcessingTimeInMs()
        handle.registerTimer(base + delayMs)
        yield { user, what: 'seen', at: base }
      },
      *handleExpiredTimer(user, _timers, info) {
        yield { user, what: 'idle', at: info.getExpiryTimeInMs() }
      },
    }
  }
}

describe('transformWithState timers', () => {
  it('processing-time timers fire once the clock passes them, in batches without data, across a restart', async () => {
    const { sluice, clock } = streamSession()
    const input = sluice.memoryStream(EVENT)
    const df = input
      .toDF()
      .groupByKey((e) => e.user, t.string())
      .transformWithState(idleAlarm(10_000, false), {
        outputSchema: FIRED,
        outputMode: 'update',
        timeMode: 'ProcessingTime',
      })
    const every1s = { trigger: { processingTime: '1 second' } } as const
    await testStream(
      df,
      { outputMode: 'update', clock },
      startStream(every1s),
      addData(input, { user: 'a', ts: 1 }),
      advanceClock(1000),
      checkNewAnswer({ user: 'a', what: 'seen', at: 1000 }),
      addData(input, { user: 'a', ts: 2 }, { user: 'b', ts: 2 }),
      advanceClock(1000),
      checkNewAnswer({ user: 'a', what: 'seen', at: 2000 }, { user: 'b', what: 'seen', at: 2000 }),
      assertProgress(
        (p) => p.stateOperators[0].customMetrics.numDeletedTimers === 1,
        'the older timer deleted',
      ),
      stopStream(),
      startStream(every1s),
      advanceClock(10_000),
      checkNewAnswer({ user: 'a', what: 'idle', at: 12_000 }, { user: 'b', what: 'idle', at: 12_000 }),
      assertProgress(
        (p) => p.numInputRows === 0 && p.stateOperators[0].customMetrics.numExpiredTimers === 2,
        'fired in a batch without data',
      ),
    )
  })

  for (const harness of [testStream, testStreamWithRestarts]) {
    it(`event-time timers fire once the watermark passes them (${harness.name})`, async () => {
      const { sluice } = streamSession()
      const input = sluice.memoryStream(EVENT)
      const df = input
        .toDF()
        .withWatermark('ts', '10 seconds')
        .groupByKey((e) => e.user, t.string())
        .transformWithState(idleAlarm(5000, true), {
          outputSchema: FIRED,
          outputMode: 'update',
          timeMode: 'EventTime',
        })
      await harness(
        df,
        { outputMode: 'update' },
        addData(input, { user: 'a', ts: 5000 }),
        // As Spark answers (transformWithStateInPandas, timeMode EventTime).
        checkNewAnswer(...spark.eventTimeTimers[0]),
        // Watermark 20 s: a's timer at 10 s fires in the batch without data that follows.
        addData(input, { user: 'b', ts: 30_000 }),
        checkNewAnswer(...spark.eventTimeTimers[1]),
        // Late for the watermark: dropped.
        addData(input, { user: 'a', ts: 1000 }),
        checkNewAnswer(...spark.eventTimeTimers[2]),
      )
    })
  }
})

describe('transformWithState TTL', () => {
  it('a value with a TTL reads as gone once its TTL passed, and is removed', async () => {
    const { sluice, clock } = streamSession()
    const input = sluice.memoryStream(EVENT)
    const OUT2 = t.struct({ user: t.string(), n: t.long() })
    const df = input
      .toDF()
      .groupByKey((e) => e.user, t.string())
      .transformWithState(
        (): StatefulProcessor<string | null, unknown, { user: string | null; n: number }> => {
          let count: ValueState<{ n: number | null }>
          return {
            init: (h) => {
              count = h.getValueState('count', N, { ttlDurationMs: 5000 })
            },
            *handleInputRows(user, rows) {
              const n = (count.get()?.n ?? 0) + [...rows].length
              count.update({ n })
              yield { user, n }
            },
          }
        },
        { outputSchema: OUT2, outputMode: 'update' },
      )
    await testStream(
      df,
      { outputMode: 'update', clock },
      addData(input, { user: 'a', ts: 1 }),
      checkNewAnswer({ user: 'a', n: 1 }),
      advanceClock(3000),
      addData(input, { user: 'a', ts: 1 }, { user: 'b', ts: 1 }),
      checkNewAnswer({ user: 'a', n: 2 }, { user: 'b', n: 1 }),
      advanceClock(6000),
      addData(input, { user: 'a', ts: 1 }),
      // a's count (written at 3 s, TTL to 8 s) expired: it starts over; b's is removed too.
      checkNewAnswer({ user: 'a', n: 1 }),
      assertProgress(
        (p) =>
          p.stateOperators[0].customMetrics.numValuesRemovedDueToTTLExpiry === 1 &&
          p.stateOperators[0].numRowsTotal === 1,
        'b removed by TTL',
      ),
    )
  })
})

describe('transformWithState failures', () => {
  it('a processor that throws fails the batch; the rerun sees the same state', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(CLICK)
    let fail = false
    const df = input
      .toDF()
      .groupByKey((c) => c.user, t.string())
      .transformWithState(
        () => {
          const p = tracker()
          const inner = p.handleInputRows.bind(p)
          p.handleInputRows = function* (user, rows, timers) {
            yield* inner(user, rows, timers)
            if (fail && user === 'bob') throw new Error('bad click')
          }
          return p
        },
        { outputSchema: OUT, outputMode: 'update' },
      )
    const checkpointLocation = await mkdtemp(join(tmpdir(), 'tws-throw-'))
    await testStream(
      df,
      { outputMode: 'update', checkpointLocation },
      addData(input, click('ann', '/')),
      checkNewAnswer({ user: 'ann', n: 1, history: '/', pages: 1 }),
    )
    fail = true
    await testStream(
      df,
      { outputMode: 'update', checkpointLocation },
      addData(input, click('ann', '/b'), click('bob', '/')),
      expectFailure((e) =>
        /transformWithState function failed for the group with key "bob": bad click/.test(e.message),
      ),
    )
    fail = false
    await testStream(
      df,
      { outputMode: 'update', checkpointLocation },
      startStream(),
      checkNewAnswer(
        { user: 'ann', n: 2, history: '/,/b', pages: 2 },
        { user: 'bob', n: 1, history: '/', pages: 1 },
      ),
    )
  })

  it('a restart whose processor declares other state variables fails clearly', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(CLICK)
    const checkpointLocation = await mkdtemp(join(tmpdir(), 'tws-changed-'))
    const grouped = input.toDF().groupByKey((c) => c.user, t.string())
    await testStream(
      grouped.transformWithState(tracker, { outputSchema: OUT, outputMode: 'update' }),
      { outputMode: 'update', checkpointLocation },
      addData(input, click('ann', '/')),
      checkNewAnswer({ user: 'ann', n: 1, history: '/', pages: 1 }),
    )
    const changed = (): StatefulProcessor<
      string | null,
      Click,
      { user: string | null; n: number; history: string; pages: number }
    > => ({
      init: (h) => void h.getValueState('count', t.struct({ n: t.string() })),
      handleInputRows: () => [],
    })
    await assert.rejects(
      testStream(grouped.transformWithState(changed, { outputSchema: OUT, outputMode: 'update' }), {
        outputMode: 'update',
        checkpointLocation,
      }),
      (e: Error) => /STATE_SCHEMA_INCOMPATIBLE/.test(e.message),
    )
  })

  it("a restart with Spark 4's allowed evolutions (a new variable, a new nullable field) keeps the state", async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(CLICK)
    const checkpointLocation = await mkdtemp(join(tmpdir(), 'tws-evolved-'))
    const grouped = input.toDF().groupByKey((c) => c.user, t.string())
    const OUT3 = t.struct({ user: t.string(), n: t.long(), label: t.string(), pages: t.long() })
    const v1 = (): StatefulProcessor<string | null, Click, any> => {
      let count: ValueState<{ n: number | null }>
      return {
        init: (h) => {
          count = h.getValueState('count', N)
        },
        *handleInputRows(user, rows) {
          const n = (count.get()?.n ?? 0) + [...rows].length
          count.update({ n })
          yield { user, n, label: null, pages: 0 }
        },
      }
    }
    const v2 = (): StatefulProcessor<string | null, Click, any> => {
      let count: ValueState<{ n: number | null; label: string | null }>
      let pages: ListState<{ page: string | null }>
      return {
        init: (h) => {
          count = h.getValueState('count', t.struct({ n: t.long(), label: t.string() }))
          pages = h.getListState('pages', PAGE)
        },
        *handleInputRows(user, rows) {
          const old = count.get()
          let n = old?.n ?? 0
          for (const r of rows) {
            n++
            pages.appendValue({ page: r.page })
          }
          yield { user, n, label: old?.label === null ? 'was null' : 'other', pages: pages.get().length }
          count.update({ n, label: 'v2' })
        },
      }
    }
    await testStream(
      grouped.transformWithState(v1, { outputSchema: OUT3, outputMode: 'update' }),
      { outputMode: 'update', checkpointLocation },
      addData(input, click('ann', '/')),
      checkNewAnswer({ user: 'ann', n: 1, label: null, pages: 0 }),
    )
    await testStream(
      grouped.transformWithState(v2, { outputSchema: OUT3, outputMode: 'update' }),
      { outputMode: 'update', checkpointLocation },
      addData(input, click('ann', '/a')),
      checkNewAnswer({ user: 'ann', n: 2, label: 'was null', pages: 1 }),
      stopStream(),
      startStream(),
      addData(input, click('ann', '/b')),
      checkNewAnswer({ user: 'ann', n: 3, label: 'other', pages: 2 }),
    )
  })
})
