/**
 * mapGroupsWithState / flatMapGroupsWithState scenarios checked against Spark's own answers:
 * spark/groups-with-state.py runs them in PySpark (applyInPandasWithState) and commits, in
 * spark/groups-with-state.json, the rows each step adds; here Sluice runs the same steps, with a
 * restart after every action too, and must add the same rows.
 */
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { type GroupState, GroupStateTimeout, t } from '../../src/index.ts'
import {
  addData,
  checkNewAnswer,
  type StreamAction,
  testStream,
  testStreamWithRestarts,
} from '../../src/testing/index.ts'
import { streamSession } from './session.ts'

type Rows = Record<string, unknown>[]
const spark = JSON.parse(readFileSync(new URL('spark/groups-with-state.json', import.meta.url), 'utf8')) as {
  runningCount: Rows[]
  eventTimeTimeout: Rows[]
}

const WORD = t.struct({ word: t.string() })
const EV = t.struct({ key: t.string(), time: t.timestamp() })
const ev = (key: string, secs: number) => ({ key, time: secs * 1000 })

function runningCount(
  key: string | null,
  rows: Iterable<unknown>,
  state: GroupState<{ count: number | null }>,
) {
  const n = (state.getOption?.count ?? 0) + [...rows].length
  state.update({ count: n })
  return [{ key, count: String(n) }]
}

function* eventTime(
  key: string | null,
  rows: Iterable<{ time: number | null }>,
  state: GroupState<{ maxTime: number | null }>,
) {
  if (state.hasTimedOut) {
    state.remove()
    yield { key, maxTime: -1 }
    return
  }
  let max = state.getOption?.maxTime ?? 0
  for (const r of rows) max = Math.max(max, r.time ?? 0)
  state.update({ maxTime: max })
  state.setTimeoutTimestamp(Math.max(max, state.getCurrentWatermarkMs()) + 5000)
  yield { key, maxTime: Math.floor(max / 1000) }
}

/** Each step's rows, then Spark's new rows for that step. */
function steps<S extends object>(
  add: (rows: S[]) => StreamAction,
  inputs: S[][],
  expected: Rows[],
): StreamAction[] {
  return inputs.flatMap((rows, i) => [add(rows), checkNewAnswer(...expected[i])])
}

for (const harness of [testStream, testStreamWithRestarts]) {
  describe(`as Spark 4 answers (${harness.name})`, () => {
    it('a running count per key (mapGroupsWithState semantics, update mode)', async () => {
      const input = streamSession().sluice.memoryStream(WORD)
      const df = input
        .toDF()
        .groupByKey((r) => r.word, t.string())
        .flatMapGroupsWithState(runningCount, {
          stateSchema: t.struct({ count: t.long() }),
          outputSchema: t.struct({ key: t.string(), count: t.string() }),
          outputMode: 'update',
        })
      const inputs = [['a'], ['a', 'b'], ['a', 'b', 'c', 'c']].map((ws) => ws.map((word) => ({ word })))
      await harness(
        df,
        { outputMode: 'update' },
        ...steps((r) => addData(input, ...r), inputs, spark.runningCount),
      )
    })

    it('an event-time timeout, firing in batches without data; late rows dropped', async () => {
      const input = streamSession().sluice.memoryStream(EV)
      const df = input
        .toDF()
        .withWatermark('time', '10 seconds')
        .groupByKey((r) => r.key, t.string())
        .flatMapGroupsWithState(eventTime, {
          stateSchema: t.struct({ maxTime: t.long() }),
          outputSchema: t.struct({ key: t.string(), maxTime: t.long() }),
          outputMode: 'update',
          timeout: GroupStateTimeout.EventTimeTimeout,
        })
      const inputs = [
        [1, 2, 3, 4, 5].map((s) => ev('a', s)),
        [ev('a', 6)],
        [ev('b', 30)],
        [ev('a', 10)],
        [ev('c', 50)],
      ]
      await harness(
        df,
        { outputMode: 'update' },
        ...steps((r) => addData(input, ...r), inputs, spark.eventTimeTimeout),
      )
    })
  })
}
