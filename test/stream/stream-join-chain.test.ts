/**
 * Stateful operators after a time-range join (Spark 3.4+ chains them in append mode): a second
 * time-range join, inner and left outer, and dropDuplicates. The join's output watermark is its
 * input's less the range (Spark's produceOutputWatermark), and the operators after it judge late
 * rows and evict by that one. Each scenario of stream-join/chain-cases.json runs with a restart
 * between steps and with a restart after every action; each step's new rows must equal what Spark 4
 * wrote (stream-join/spark-chain-expected.json, from stream-join/spark_join_chain.py).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { expr } from '../../src/api/functions.ts'
import { type DataFrame, ManualClock, type MemoryStreamInput, Sluice, t } from '../../src/index.ts'
import {
  addData,
  checkLateRows,
  checkNewAnswer,
  type StreamAction,
  startStream,
  stopStream,
  testStream,
  testStreamWithRestarts,
} from '../../src/testing/index.ts'

const EVENT = t.struct({ k: t.int(), ts: t.timestamp(), v: t.string() })
type Input = MemoryStreamInput<typeof EVENT>
type Rows = [number, number, string][]
const INPUTS = ['a', 'b', 'c'] as const

interface Case {
  readonly name: string
  readonly kind: 'dedup' | 'chain'
  readonly how?: string
  readonly steps: Partial<Record<(typeof INPUTS)[number], Rows>>[]
}

const dir = new URL('./stream-join/', import.meta.url)
const cases: Case[] = JSON.parse(readFileSync(new URL('chain-cases.json', dir), 'utf8')).cases
const expected: Record<string, unknown[][][]> = JSON.parse(
  readFileSync(new URL('spark-chain-expected.json', dir), 'utf8'),
).steps

const RANGE = 'INTERVAL 5 SECONDS'

function query(
  c: Case,
  inputs: Record<string, Input>,
  lateRows: Record<string, string> = {},
): { df: DataFrame; names: string[] } {
  const source = (name: string) =>
    inputs[name]
      .toDF()
      .withWatermark('ts', '2 seconds', lateRows[name] === undefined ? {} : { lateRows: lateRows[name] })
  const joined = source('a')
    .alias('l')
    .join(source('b').alias('r'), expr(`l.k = r.k AND r.ts BETWEEN l.ts AND l.ts + ${RANGE}`))
  if (c.kind === 'dedup') {
    const df = joined
      .selectExpr('l.k AS k', 'l.ts AS ts', 'l.v AS lv')
      .dropDuplicates(['k', 'ts'])
      .selectExpr('k', 'CAST(ts AS LONG) AS t', 'lv')
    return { df, names: ['k', 't', 'lv'] }
  }
  const j = joined.selectExpr('l.k AS k', 'l.ts AS lts', 'l.v AS lv', 'r.v AS rv').alias('j')
  const df = j
    .join(source('c').alias('c'), expr(`c.k = j.k AND c.ts BETWEEN j.lts AND j.lts + ${RANGE}`), c.how)
    .selectExpr('j.k AS k', 'j.lv AS lv', 'j.rv AS rv', 'c.v AS cv')
  return { df, names: ['k', 'lv', 'rv', 'cv'] }
}

function scenario(
  c: Case,
  lateRows: Record<string, string> = {},
): { df: DataFrame; actions: StreamAction[] } {
  const sluice = Sluice.local({
    'sluice.sql.session.timeZone': 'UTC',
    clock: new ManualClock(0),
    output: () => undefined,
    'sluice.streaming.stopOnSignal': false,
  })
  const inputs = Object.fromEntries(INPUTS.map((n) => [n, sluice.memoryStream(EVENT)]))
  const { df, names } = query(c, inputs, lateRows)
  const actions: StreamAction[] = []
  c.steps.forEach((step, i) => {
    actions.push(stopStream())
    for (const n of INPUTS) {
      const rows = step[n] ?? []
      if (rows.length > 0)
        actions.push(addData(inputs[n], ...rows.map(([k, ts, v]) => ({ k, ts: ts * 1000, v }))))
    }
    const want = expected[c.name][i].map((r) => Object.fromEntries(names.map((n, j) => [n, r[j]])))
    actions.push(startStream(), checkNewAnswer(...want))
  })
  return { df, actions }
}

describe('stateful operators after a time-range join, checked against Spark 4 step by step', () => {
  it('has Spark answers for every scenario', () => {
    for (const c of cases) assert.equal(expected[c.name]?.length, c.steps.length, c.name)
  })
  for (const c of cases) {
    it(c.name, async () => {
      const { df, actions } = scenario(c)
      await testStream(df, { outputMode: 'append' }, ...actions)
    })
    it(`${c.name} (a restart after every action)`, async () => {
      const { df, actions } = scenario(c)
      await testStreamWithRestarts(df, { outputMode: 'append' }, ...actions)
    })
  }
})

describe('late rows after a time-range join (beyond Spark)', () => {
  it("reports a late row of the second join's input with the watermark that join judged it by", async () => {
    const c = cases.find((x) => x.name === 'inner join after a time-range join')
    assert.ok(c !== undefined)
    const { df, actions } = scenario(c, { c: 'late-c' })
    await testStream(
      df,
      { outputMode: 'append' },
      ...actions,
      // Step 4's c row at 10 s: behind the second join's watermark, 28 s less the first join's
      // 5 s range and 1 ms (22.999 s), not only behind the global 28 s.
      checkLateRows('late-c', {
        k: 3,
        ts: 10_000,
        v: 'q2',
        late_reason: 'behind_watermark',
        late_watermark: 22_999,
        late_batch_id: 5,
      }),
    )
  })
})
