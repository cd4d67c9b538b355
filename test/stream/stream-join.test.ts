/**
 * Stream-stream joins (Spark's StreamingInnerJoinSuite / StreamingOuterJoinSuite): each scenario of
 * stream-join/cases.json runs as a testStream script, with a restart between steps and again with
 * a restart after every action, and each step's new rows must equal what Spark 4 wrote for the same
 * step (stream-join/spark-expected.json, from stream-join/spark_stream_join.py).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { expr } from '../../src/api/functions.ts'
import {
  col,
  count,
  type DataFrame,
  ManualClock,
  type MemoryStreamInput,
  Sluice,
  t,
  window,
} from '../../src/index.ts'
import {
  addData,
  checkNewAnswer,
  type StreamAction,
  startStream,
  stopStream,
  testStream,
  testStreamWithRestarts,
} from '../../src/testing/index.ts'

const EVENT = t.struct({ k: t.int(), ts: t.timestamp(), v: t.string() })
type Input = MemoryStreamInput<typeof EVENT>

interface SideSpec {
  readonly watermark?: string
  readonly window?: string
  /** A windowed count per key (`w`, `k`, `n`) on this side before the join. */
  readonly aggregate?: string
}
interface Step {
  readonly left?: [number, number, string][]
  readonly right?: [number, number, string][]
}
interface Case {
  readonly name: string
  readonly how: string
  readonly self?: boolean
  readonly left: SideSpec
  readonly right: SideSpec
  readonly condition: string
  readonly select: string[]
  /** A window size: a windowed count of the joined rows (by the left event time) follows the join. */
  readonly aggregate?: string
  readonly steps: Step[]
}

const dir = new URL('./stream-join/', import.meta.url)
const cases: Case[] = JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')).cases
const expected: Record<string, unknown[][][]> = JSON.parse(
  readFileSync(new URL('spark-expected.json', dir), 'utf8'),
).steps

function session(): Sluice {
  return Sluice.local({
    'sluice.sql.session.timeZone': 'UTC',
    clock: new ManualClock(0),
    output: () => undefined,
    'sluice.streaming.stopOnSignal': false,
  })
}

function sideOf(input: Input, spec: SideSpec): DataFrame {
  let df: DataFrame = input.toDF()
  if (spec.watermark !== undefined) df = df.withWatermark('ts', spec.watermark)
  if (spec.aggregate !== undefined)
    df = df.groupBy(window(col('ts'), spec.aggregate).alias('w'), col('k')).agg(count('*').alias('n'))
  if (spec.window !== undefined) df = df.selectExpr('k', `window(ts, '${spec.window}') AS w`, 'v')
  return df
}

/** The query of a case, and the actions of its steps (a stop and start around each step's data). */
function scenario(c: Case): { df: DataFrame; actions: StreamAction[] } {
  const s = session()
  const [a, b] = [s.memoryStream(EVENT), s.memoryStream(EVENT)]
  const left = sideOf(a, c.left).alias('l')
  const right = sideOf(c.self ? a : b, c.right).alias('r')
  const joined = left.join(right, expr(c.condition), c.how)
  const df = (
    c.aggregate === undefined
      ? joined
      : joined.groupBy(window(col('l.ts'), c.aggregate)).agg(count('*').alias('n'))
  ).selectExpr(...c.select)
  const names = c.select.map((e) => e.split(/ AS /i)[1] ?? e)
  const rows = (xs: [number, number, string][] = []) => xs.map(([k, ts, v]) => ({ k, ts: ts * 1000, v }))
  const actions: StreamAction[] = []
  c.steps.forEach((step, i) => {
    actions.push(stopStream())
    if (step.left?.length) actions.push(addData(a, ...rows(step.left)))
    if (step.right?.length) actions.push(addData(b, ...rows(step.right)))
    const want = expected[c.name][i].map((r) => Object.fromEntries(names.map((n, j) => [n, r[j]])))
    actions.push(startStream(), checkNewAnswer(...want))
  })
  return { df, actions }
}

describe('stream-stream joins, checked against Spark 4 step by step', () => {
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
