/**
 * mapGroupsWithState / flatMapGroupsWithState on streams (Spark's FlatMapGroupsWithStateSuite):
 * running counts across restarts, processing-time and event-time timeouts (also in batches without
 * new data), a throwing function, and the refused combinations with Spark's messages.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type GroupState, GroupStateTimeout, type MemoryStreamInput, t } from '../../src/index.ts'
import {
  addData,
  advanceClock,
  assertProgress,
  checkNewAnswer,
  execute,
  expectFailure,
  startStream,
  stopStream,
  testStream,
  testStreamWithRestarts,
} from '../../src/testing/index.ts'
import { streamSession } from './session.ts'

const WORD = t.struct({ word: t.string() })
const COUNT = t.struct({ count: t.long() })
const KEY_COUNT = t.struct({ key: t.string(), count: t.string() })
const words = (...ws: string[]) => ws.map((word) => ({ word }))

describe('mapGroupsWithState', () => {
  const running = (
    key: string | null,
    rows: Iterable<{ word: string | null }>,
    state: GroupState<{ count: number | null }>,
  ) => {
    const n = (state.getOption?.count ?? 0) + [...rows].length
    state.update({ count: n })
    return { key: key ?? '', count: String(n) }
  }

  for (const harness of [testStream, testStreamWithRestarts]) {
    it(`keeps a running count per key across restarts (${harness.name})`, async () => {
      const { sluice } = streamSession()
      const input = sluice.memoryStream(WORD)
      const df = input
        .toDF()
        .groupByKey((r) => r.word, t.string())
        .mapGroupsWithState(running, { stateSchema: COUNT, outputSchema: KEY_COUNT })
      await harness(
        df,
        { outputMode: 'update' },
        addData(input, ...words('a')),
        checkNewAnswer({ key: 'a', count: '1' }),
        addData(input, ...words('a', 'b')),
        checkNewAnswer({ key: 'a', count: '2' }, { key: 'b', count: '1' }),
        stopStream(),
        startStream(),
        addData(input, ...words('a', 'b', 'c', 'c')),
        checkNewAnswer({ key: 'a', count: '3' }, { key: 'b', count: '2' }, { key: 'c', count: '2' }),
      )
    })
  }

  it('runs each group once on a batch DataFrame', () => {
    const { sluice } = streamSession()
    const df = sluice
      .createDataFrame(words('a', 'b', 'a'), WORD)
      .groupByKey((r) => r.word, t.string())
      .mapGroupsWithState(running, { stateSchema: COUNT, outputSchema: KEY_COUNT })
    const rows = df.collect().sort((x, y) => (x.key ?? '').localeCompare(y.key ?? ''))
    assert.deepEqual(rows, [
      { key: 'a', count: '2' },
      { key: 'b', count: '1' },
    ])
  })
})

describe('flatMapGroupsWithState with ProcessingTimeTimeout', () => {
  // Spark's 'flatMapGroupsWithState - streaming with processing time timeout'.
  const fn = (key: string | null, rows: Iterable<unknown>, state: GroupState<{ count: number | null }>) => {
    assert.throws(() => state.getCurrentWatermarkMs(), /Cannot get event time watermark/)
    if (state.hasTimedOut) {
      state.remove()
      return [{ key: key ?? '', count: '-1' }]
    }
    const n = (state.getOption?.count ?? 0) + [...rows].length
    state.update({ count: n })
    state.setTimeoutDuration('10 seconds')
    return [{ key: key ?? '', count: String(n) }]
  }

  it('times a group out after 10 s without data, also in batches without data, across a restart', async () => {
    const { sluice, clock } = streamSession()
    const input = sluice.memoryStream(WORD)
    const df = input
      .toDF()
      .groupByKey((r) => r.word, t.string())
      .flatMapGroupsWithState(fn, {
        stateSchema: COUNT,
        outputSchema: KEY_COUNT,
        outputMode: 'update',
        timeout: GroupStateTimeout.ProcessingTimeTimeout,
      })
    const every1s = { trigger: { processingTime: '1 second' } } as const
    const rows = (total: number) =>
      assertProgress((p) => p.stateOperators[0].numRowsTotal === total, `${total} groups in state`)
    await testStream(
      df,
      { outputMode: 'update', clock },
      startStream(every1s),
      addData(input, ...words('a')),
      advanceClock(1000),
      checkNewAnswer({ key: 'a', count: '1' }),
      rows(1),
      // Spark's name; the timers store is not counted as state rows.
      assertProgress((p) => {
        const op = p.stateOperators[0]
        return (
          op.operatorName === 'flatMapGroupsWithState' &&
          op.numRowsUpdated === 1 &&
          op.numStateStoreInstances === 16
        )
      }, 'progress entry'),
      addData(input, ...words('b')),
      advanceClock(1000),
      checkNewAnswer({ key: 'b', count: '1' }),
      rows(2),
      addData(input, ...words('b')),
      advanceClock(10_000),
      checkNewAnswer({ key: 'a', count: '-1' }, { key: 'b', count: '2' }),
      rows(1),
      stopStream(),
      startStream(every1s),
      addData(input, ...words('c')),
      advanceClock(11_000),
      checkNewAnswer({ key: 'b', count: '-1' }, { key: 'c', count: '1' }),
      rows(1),
      advanceClock(12_000),
      checkNewAnswer({ key: 'c', count: '-1' }),
      assertProgress(
        (p) => p.numInputRows === 0 && p.stateOperators[0].numRowsTotal === 0,
        'a no-data batch',
      ),
    )
  })
})

describe('flatMapGroupsWithState with EventTimeTimeout', () => {
  const EV = t.struct({ key: t.string(), time: t.timestamp() })
  const SESSION = t.struct({ maxTime: t.timestamp() })
  const OUT = t.struct({ key: t.string(), maxTime: t.long() })
  // Spark's 'flatMapGroupsWithState - streaming with event time timeout + watermark': a group times
  // out 5 s (event time) after its latest event; its output is its max event time in seconds.
  const fn = function* (
    key: string | null,
    rows: Iterable<{ key: string | null; time: number | null }>,
    state: GroupState<{ maxTime: number | null }>,
  ) {
    if (state.hasTimedOut) {
      state.remove()
      yield { key: key ?? '', maxTime: -1 }
      return
    }
    let max = state.getOption?.maxTime ?? 0
    for (const r of rows) max = Math.max(max, r.time ?? 0)
    const timeout = Math.max(max, state.getCurrentWatermarkMs()) + 5000
    state.update({ maxTime: max })
    state.setTimeoutTimestamp(timeout)
    yield { key: key ?? '', maxTime: max / 1000 }
  }
  const query = (input: MemoryStreamInput<typeof EV>) =>
    input
      .toDF()
      .withWatermark('time', '10 seconds')
      .groupByKey((r) => r.key, t.string())
      .flatMapGroupsWithState(fn, {
        stateSchema: SESSION,
        outputSchema: OUT,
        outputMode: 'update',
        timeout: GroupStateTimeout.EventTimeTimeout,
      })
  const ev = (key: string, secs: number) => ({ key, time: secs * 1000 })

  for (const harness of [testStream, testStreamWithRestarts]) {
    it(`fires once the watermark passes the timeout, in batches without data too (${harness.name})`, async () => {
      const { sluice } = streamSession()
      const input = sluice.memoryStream(EV)
      await harness(
        query(input),
        { outputMode: 'update' },
        addData(input, ev('a', 1), ev('a', 2), ev('a', 3), ev('a', 4), ev('a', 5)),
        checkNewAnswer({ key: 'a', maxTime: 5 }),
        addData(input, ev('a', 6)),
        checkNewAnswer({ key: 'a', maxTime: 6 }),
        // Watermark 20 s: 'a' (timeout 11 s) times out in the batch without data that follows.
        addData(input, ev('b', 30)),
        checkNewAnswer({ key: 'b', maxTime: 30 }, { key: 'a', maxTime: -1 }),
        // Late for the watermark of 20 s: dropped.
        addData(input, ev('a', 10)),
        checkNewAnswer(),
        addData(input, ev('c', 50)),
        checkNewAnswer({ key: 'c', maxTime: 50 }, { key: 'b', maxTime: -1 }),
      )
    })
  }
})

describe('a function that throws', () => {
  it('fails the batch; nothing is committed, and the rerun sees the same state', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(WORD)
    let fail = true
    const df = input
      .toDF()
      .groupByKey((r) => r.word, t.string())
      .mapGroupsWithState(
        (key, rows, state: GroupState<{ count: number | null }>) => {
          const n = (state.getOption?.count ?? 0) + [...rows].length
          state.update({ count: n })
          if (key === 'boom' && fail) throw new Error('bad row')
          return { key: key ?? '', count: String(n) }
        },
        { stateSchema: COUNT, outputSchema: KEY_COUNT },
      )
    await testStream(
      df,
      { outputMode: 'update' },
      addData(input, ...words('a')),
      checkNewAnswer({ key: 'a', count: '1' }),
      addData(input, ...words('a', 'boom')),
      expectFailure((e) =>
        /mapGroupsWithState function failed for the group with key "boom": bad row/.test(e.message),
      ),
      execute(() => {
        fail = false
      }),
      startStream(),
      // The rerun of the failed batch sees the state before it: a is 2, not 3.
      checkNewAnswer({ key: 'a', count: '2' }, { key: 'boom', count: '1' }),
    )
  })
})
