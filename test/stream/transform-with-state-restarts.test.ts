/**
 * transformWithState across restarts of a changed or failing query: a processor that throws (the
 * batch fails, nothing is committed, the rerun sees the same state; also a timer handler in a batch
 * without data, whose timer fires again on the rerun), a restart whose processor
 * declares other variables (refused), and Spark 4's allowed evolutions (kept).
 */
import assert from 'node:assert/strict'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { type ListState, type StatefulProcessor, t, type ValueState } from '../../src/index.ts'
import {
  addData,
  checkNewAnswer,
  expectFailure,
  startStream,
  stopStream,
  testStream,
} from '../../src/testing/index.ts'
import { streamSession } from './session.ts'
import { CLICK, type Click, click, N, OUT, PAGE, tracker } from './tracker-processor.ts'

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

  it('a timer handler that throws fails its batch without data; the rerun fires the same timer', async () => {
    const { sluice } = streamSession()
    const EVENT = t.struct({ user: t.string(), ts: t.timestamp() })
    const FIRED = t.struct({ user: t.string(), at: t.long() })
    let fail = true
    const df = sluice.memoryStream(EVENT)
    const input = df
    const query = input
      .toDF()
      .withWatermark('ts', '10 seconds')
      .groupByKey((e) => e.user, t.string())
      .transformWithState(
        (): StatefulProcessor<string | null, { ts: number | null }, { user: string | null; at: number }> => {
          let handle: Parameters<StatefulProcessor<unknown, unknown, unknown>['init']>[0]
          return {
            init: (h) => {
              handle = h
            },
            handleInputRows(_user, rows) {
              for (const r of rows) handle.registerTimer((r.ts ?? 0) + 1000)
              return []
            },
            *handleExpiredTimer(user, _times, info) {
              if (fail) throw new Error('timer boom')
              yield { user, at: info.getExpiryTimeInMs() }
            },
          }
        },
        { outputSchema: FIRED, outputMode: 'append', timeMode: 'EventTime' },
      )
    const checkpointLocation = await mkdtemp(join(tmpdir(), 'tws-timer-throw-'))
    await testStream(
      query,
      { outputMode: 'append', checkpointLocation },
      addData(input, { user: 'a', ts: 5000 }),
      checkNewAnswer(),
      // The watermark passes 6 s: a's timer fires in the batch without data, which fails.
      addData(input, { user: 'b', ts: 30_000 }),
      expectFailure((e) => /for the group with key "a": timer boom/.test(e.message)),
    )
    fail = false
    await testStream(
      query,
      { outputMode: 'append', checkpointLocation },
      startStream(),
      checkNewAnswer({ user: 'a', at: 6000 }),
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

describe('transformWithState initial state', () => {
  it('seeds the state in the first batch only; a restart does not apply it again', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(CLICK)
    const SEED = t.struct({ user: t.string(), n: t.long() })
    const initialState = sluice
      .createDataFrame(
        [
          { user: 'ann', n: 10 },
          { user: 'cat', n: 5 },
        ],
        SEED,
      )
      .groupByKey((r) => r.user, t.string())
    const COUNT_OUT = t.struct({ user: t.string(), n: t.long() })
    const seeded = (): StatefulProcessor<
      string | null,
      Click,
      { user: string | null; n: number },
      { n: number | null }
    > => {
      let count: ValueState<{ n: number | null }>
      return {
        init: (h) => {
          count = h.getValueState('count', N)
        },
        handleInitialState: (_user, seed) => count.update({ n: seed.n }),
        *handleInputRows(user, rows) {
          const n = (count.get()?.n ?? 0) + [...rows].length
          count.update({ n })
          yield { user, n }
        },
      }
    }
    const df = input
      .toDF()
      .groupByKey((c) => c.user, t.string())
      .transformWithState(seeded, { outputSchema: COUNT_OUT, outputMode: 'update', initialState })
    await testStream(
      df,
      { outputMode: 'update' },
      addData(input, click('ann', '/'), click('bob', '/')),
      checkNewAnswer({ user: 'ann', n: 11 }, { user: 'bob', n: 1 }),
      stopStream(),
      startStream(),
      addData(input, click('cat', '/'), click('ann', '/')),
      checkNewAnswer({ user: 'cat', n: 6 }, { user: 'ann', n: 12 }),
    )
  })
})

describe('transformWithState on a batch DataFrame', () => {
  it('calls each group once over in-memory state, after the initial state', () => {
    const { sluice } = streamSession()
    const SEED = t.struct({ user: t.string(), n: t.long() })
    const COUNT_OUT = t.struct({ user: t.string(), n: t.long() })
    const counter = (): StatefulProcessor<
      string | null,
      Click,
      { user: string | null; n: number },
      { n: number | null }
    > => {
      let count: ValueState<{ n: number | null }>
      return {
        init: (h) => {
          count = h.getValueState('count', N)
        },
        handleInitialState: (_user, seed) => count.update({ n: seed.n }),
        *handleInputRows(user, rows) {
          const n = (count.get()?.n ?? 0) + [...rows].length
          count.update({ n })
          yield { user, n }
        },
      }
    }
    const rows = sluice
      .createDataFrame([click('ann', '/'), click('ann', '/a'), click('bob', '/')], CLICK)
      .groupByKey((c) => c.user, t.string())
      .transformWithState(counter, {
        outputSchema: COUNT_OUT,
        outputMode: 'update',
        initialState: sluice
          .createDataFrame([{ user: 'bob', n: 10 }], SEED)
          .groupByKey((r) => r.user, t.string()),
      })
      .collect()
      .sort((a, b) => String(a.user).localeCompare(String(b.user)))
    assert.deepEqual(rows, [
      { user: 'ann', n: 2 },
      { user: 'bob', n: 11 },
    ])
  })
})
