/**
 * transformWithState (Spark 4's TransformWithStateSuite, in spirit): value, list and map state
 * across restarts; processing-time and event-time timers (registered, deleted, firing in batches
 * without data); TTL; progress's custom metrics. Event-time output feeding an aggregation is in
 * transform-with-state-chain.test.ts; failures and changed processors across restarts
 * are in transform-with-state-restarts.test.ts.
 */
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import {
  type ListState,
  type MapState,
  type StatefulProcessor,
  type StreamingQuery,
  t,
  type ValueState,
} from '../../src/index.ts'
import {
  addData,
  advanceClock,
  assertOnQuery,
  assertProgress,
  checkNewAnswer,
  startStream,
  stopStream,
  testStream,
  testStreamWithRestarts,
} from '../../src/testing/index.ts'
import { streamSession } from './session.ts'
import { CLICK, click, N, OUT, PAGE, tracker } from './tracker-processor.ts'

/** Spark's answers to the scenarios marked below (spark/transform-with-state.py, PySpark 4.3.0). */
type Rows = Record<string, unknown>[]
const spark = JSON.parse(
  readFileSync(new URL('spark/transform-with-state.json', import.meta.url), 'utf8'),
) as {
  tracker: Rows[]
  eventTimeTimers: Rows[]
  timerReplaced: Rows[]
}

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

    it(`a timer deleted in a later batch never fires; its replacement does (${harness.name})`, async () => {
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
      // With testStreamWithRestarts the timer at 10 s is registered before a restart and deleted after it.
      await harness(
        df,
        { outputMode: 'update' },
        addData(input, { user: 'a', ts: 5000 }),
        checkNewAnswer(...spark.timerReplaced[0]),
        addData(input, { user: 'a', ts: 6000 }),
        checkNewAnswer(...spark.timerReplaced[1]),
        addData(input, { user: 'b', ts: 30_000 }),
        checkNewAnswer(...spark.timerReplaced[2]),
      )
    })
  }
})

/** numValuesRemovedDueToTTLExpiry over the query's batches since its last start. */
const ttlRemoved = (q: StreamingQuery) =>
  q.recentProgress.reduce(
    (n, p) => n + (p.stateOperators[0]?.customMetrics.numValuesRemovedDueToTTLExpiry ?? 0),
    0,
  )

describe('transformWithState TTL', () => {
  it('a value with a TTL reads as gone once its TTL passed, and is removed, across a restart', async () => {
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
        { outputSchema: OUT2, outputMode: 'update', timeMode: 'ProcessingTime' },
      )
    await testStream(
      df,
      { outputMode: 'update', clock },
      addData(input, { user: 'a', ts: 1 }),
      checkNewAnswer({ user: 'a', n: 1 }),
      advanceClock(3000),
      addData(input, { user: 'a', ts: 1 }, { user: 'b', ts: 1 }),
      checkNewAnswer({ user: 'a', n: 2 }, { user: 'b', n: 1 }),
      // The expiry times are state: they survive a restart.
      stopStream(),
      startStream(),
      advanceClock(6000),
      addData(input, { user: 'a', ts: 1 }),
      // a's count (written at 3 s, TTL to 8 s) expired: it starts over. Both a's and b's were
      // removed by the batch without data that the clock's move ran (ProcessingTime mode).
      checkNewAnswer({ user: 'a', n: 1 }),
      assertOnQuery((q) => ttlRemoved(q) === 2, 'a and b removed by TTL'),
      assertProgress((p) => p.stateOperators[0].numRowsTotal === 1, 'only the new a left'),
    )
  })
})

describe('transformWithState TTL on lists and maps', () => {
  it('each list element and map entry expires on its own across a restart, counted in numValuesRemovedDueToTTLExpiry', async () => {
    const { sluice, clock } = streamSession()
    const input = sluice.memoryStream(CLICK)
    const OUT4 = t.struct({ user: t.string(), recent: t.string(), pages: t.string() })
    const df = input
      .toDF()
      .groupByKey((c) => c.user, t.string())
      .transformWithState(
        (): StatefulProcessor<
          string | null,
          { page: string | null },
          { user: string | null; recent: string; pages: string }
        > => {
          let recent: ListState<{ page: string | null }>
          let pages: MapState<string | null, { n: number | null }>
          return {
            init: (h) => {
              recent = h.getListState('recent', PAGE, { ttlDurationMs: 5000 })
              pages = h.getMapState('pages', t.string(), N, { ttlDurationMs: 5000 })
            },
            *handleInputRows(user, rows) {
              for (const r of rows) {
                recent.appendValue({ page: r.page })
                pages.updateValue(r.page, { n: 1 })
              }
              const list = recent.get().map((p) => p.page)
              yield { user, recent: list.join(','), pages: pages.keys().sort().join(',') }
            },
          }
        },
        { outputSchema: OUT4, outputMode: 'update', timeMode: 'ProcessingTime' },
      )
    await testStream(
      df,
      { outputMode: 'update', clock },
      addData(input, click('ann', '/a')),
      checkNewAnswer({ user: 'ann', recent: '/a', pages: '/a' }),
      advanceClock(3000),
      addData(input, click('ann', '/b')),
      checkNewAnswer({ user: 'ann', recent: '/a,/b', pages: '/a,/b' }),
      stopStream(),
      startStream(),
      // At 6 s the entries written at 0 s (TTL to 5 s) are gone; those from 3 s stay until 8 s.
      advanceClock(3000),
      addData(input, click('ann', '/c')),
      checkNewAnswer({ user: 'ann', recent: '/b,/c', pages: '/b,/c' }),
      assertOnQuery((q) => ttlRemoved(q) === 2, 'two expired'),
    )
  })
})
