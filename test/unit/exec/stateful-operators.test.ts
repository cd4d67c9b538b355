/**
 * The stateful operators driven one at a time by the operator harness: rows, watermarks chosen by
 * the test, real stores; each checks the operator's output, its counters and the state it leaves,
 * across a restart from the checkpoint folder.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { col, count, ManualClock, Sluice, session_window, sum, t, window } from '../../../src/index.ts'
import { OperatorHarness } from '../../harness/operator-harness.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const sluice = Sluice.local({
  'sluice.sql.session.timeZone': 'UTC',
  clock: new ManualClock(0),
  output: () => undefined,
  'sluice.streaming.stopOnSignal': false,
})
const KV = t.struct({ k: t.string(), v: t.long() })
const EVENTS = t.struct({ ts: t.timestamp(), k: t.string() })
const sorted = (rows: readonly unknown[][]) => rows.map((r) => JSON.stringify(r)).sort()

describe('streaming aggregate operator', () => {
  it('emits the groups a batch changed (update) and merges them into state across a restart', () =>
    withTempDir(async (dir) => {
      const df = sluice.memoryStream(KV).toDF().groupBy('k').agg(count('*').alias('n'), sum('v').alias('s'))
      const h = new OperatorHarness(df, 'update', dir)
      assert.deepEqual(h.plan.statefulOperators[0].kind, 'aggregate')
      const b0 = await h.batch([
        ['a', 1],
        ['b', 2],
        ['a', 3],
      ])
      assert.deepEqual(
        sorted(b0.output),
        sorted([
          ['a', 2, 4],
          ['b', 1, 2],
        ]),
      )
      assert.equal(b0.state.length, 2)
      await h.restart()
      const b1 = await h.batch([['a', 10]])
      assert.deepEqual(b1.output, [['a', 3, 14]])
      assert.equal(b1.state.length, 2)
      await h.close()
    }))

  it('emits a window once the watermark passes its end (append), drops late rows and evicts', () =>
    withTempDir(async (dir) => {
      const df = sluice
        .memoryStream(EVENTS)
        .toDF()
        .withWatermark('ts', '5 seconds')
        .groupBy(window(col('ts'), '10 seconds'), col('k'))
        .agg(count('*').alias('n'))
      const h = new OperatorHarness(df, 'append', dir)
      const b0 = await h.batch([
        [1000, 'a'],
        [2000, 'a'],
        [12_000, 'b'],
      ])
      assert.deepEqual(b0.output, [], 'nothing is final before the watermark passes a window end')
      assert.equal(b0.state.length, 2)
      const b1 = await h.batch([[3000, 'a']], 10_000)
      assert.deepEqual(b1.output, [[{ start: 0, end: 10_000 }, 'a', 3]])
      assert.equal(b1.state.length, 1, 'the emitted window left state')
      await h.restart()
      const b2 = await h.batch([[4000, 'a']], 20_000)
      assert.equal(b2.metrics.numRowsDroppedByWatermark, 1, 'a row of a closed window is late')
      assert.deepEqual(b2.output, [[{ start: 10_000, end: 20_000 }, 'b', 1]])
      assert.equal(b2.state.length, 0)
      await h.close()
    }))
})

describe('streaming dedup operator', () => {
  it('drops keys seen in this or an earlier batch, across a restart, and forgets keys the watermark passed', () =>
    withTempDir(async (dir) => {
      const df = sluice
        .memoryStream(EVENTS)
        .toDF()
        .withWatermark('ts', '1 second')
        .dropDuplicates(['k', 'ts'])
      const h = new OperatorHarness(df, 'append', dir)
      const b0 = await h.batch([
        [1000, 'a'],
        [1000, 'a'],
        [2000, 'a'],
      ])
      assert.deepEqual(
        sorted(b0.output),
        sorted([
          [1000, 'a'],
          [2000, 'a'],
        ]),
      )
      assert.equal(b0.metrics.custom.numDroppedDuplicateRows, 1)
      await h.restart()
      const b1 = await h.batch(
        [
          [2000, 'a'],
          [3000, 'b'],
        ],
        1500,
      )
      assert.deepEqual(b1.output, [[3000, 'b']])
      assert.deepEqual(
        sorted(b1.state.map((e) => [...e.key])),
        sorted([
          ['a', 2000],
          ['b', 3000],
        ]),
      )
      const b2 = await h.batch([[1000, 'c']], 2500)
      assert.equal(b2.metrics.numRowsDroppedByWatermark, 1)
      assert.deepEqual(
        b2.state.map((e) => [...e.key]),
        [['b', 3000]],
      )
      await h.close()
    }))
})

describe('session window operator', () => {
  it('merges sessions across batches and emits a session once the watermark passes its end', () =>
    withTempDir(async (dir) => {
      const df = sluice
        .memoryStream(EVENTS)
        .toDF()
        .withWatermark('ts', '1 second')
        .groupBy(session_window(col('ts'), '5 seconds'), col('k'))
        .agg(count('*').alias('n'))
      const h = new OperatorHarness(df, 'append', dir)
      assert.equal(h.plan.statefulOperators[0].kind, 'session-window-aggregate')
      const b0 = await h.batch([
        [1000, 'a'],
        [20_000, 'a'],
      ])
      assert.deepEqual(b0.output, [])
      await h.restart()
      // 5 s joins [1 s, 6 s) and [5 s, 10 s) into one session of two rows.
      const b1 = await h.batch([[5000, 'a']])
      assert.deepEqual(b1.output, [])
      assert.equal((b1.state[0].value as unknown[]).length, 2, 'two sessions of key a in state')
      const b2 = await h.batch([], 15_000)
      assert.deepEqual(b2.output, [[{ start: 1000, end: 10_000 }, 'a', 2]])
      assert.equal((b2.state[0].value as unknown[]).length, 1)
      await h.close()
    }))
})
