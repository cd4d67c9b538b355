/**
 * The state of a stream-stream join as progress shows it (a `symmetricHashJoin` entry of
 * `stateOperators[]`, with each side's buffered rows as custom metrics): bounded by a time-range
 * condition over a long run with restarts, growing without a watermark (as Spark), and late rows
 * dropped by each side's watermark.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { expr } from '../../src/api/functions.ts'
import { ManualClock, Sluice, type StreamingQueryProgress, t } from '../../src/index.ts'
import {
  addData,
  assertOnQuery,
  assertProgress,
  checkLateRows,
  checkNewAnswer,
  execute,
  type StreamAction,
  startStream,
  stopStream,
  testStream,
} from '../../src/testing/index.ts'

const EVENT = t.struct({ k: t.int(), ts: t.timestamp(), v: t.string() })
type Op = StreamingQueryProgress['stateOperators'][number]

function inputs(watermark: boolean) {
  const sluice = Sluice.local({
    'sluice.sql.session.timeZone': 'UTC',
    clock: new ManualClock(0),
    output: () => undefined,
    'sluice.streaming.stopOnSignal': false,
  })
  const [a, b] = [sluice.memoryStream(EVENT), sluice.memoryStream(EVENT)]
  const side = (i: typeof a) => (watermark ? i.toDF().withWatermark('ts', '2 seconds') : i.toDF())
  const df = side(a)
    .alias('l')
    .join(side(b).alias('r'), expr('l.k = r.k AND r.ts BETWEEN l.ts AND l.ts + INTERVAL 1 SECOND'))
    .selectExpr('l.v AS lv', 'r.v AS rv')
  return { a, b, df }
}

/** Asserts on the join's entry in the last progress. */
const joinState = (check: (op: Op) => boolean, message: string): StreamAction =>
  assertProgress((p) => {
    const op = p.stateOperators[0]
    return op.operatorName === 'symmetricHashJoin' && check(op)
  }, message)

describe('stream-stream join state', () => {
  it('stays bounded over a long run with a time-range condition, across restarts', async () => {
    const { a, b, df } = inputs(true)
    const actions: StreamAction[] = []
    const totals: number[] = []
    for (let i = 1; i <= 40; i++) {
      const ts = i * 1000
      actions.push(
        addData(a, { k: i % 3, ts, v: `a${i}` }),
        addData(b, { k: i % 3, ts: ts + 500, v: `b${i}` }),
        execute((q) => q?.processAllAvailable()),
        execute((q) => {
          totals.push(q?.lastProgress?.stateOperators[0].numRowsTotal ?? -1)
        }),
      )
      if (i % 10 === 0) actions.push(stopStream(), startStream())
    }
    await testStream(df, { outputMode: 'append' }, ...actions)
    // Each side keeps only the rows of the last few seconds: a few rows, never the whole run.
    assert.ok(Math.max(...totals.slice(5)) <= 10, `rows in state: ${totals.join(',')}`)
  })

  it('grows without a watermark, reports each side, and evicts nothing', async () => {
    const { a, b, df } = inputs(false)
    await testStream(
      df,
      { outputMode: 'append' },
      addData(a, { k: 1, ts: 1000, v: 'a1' }, { k: 2, ts: 1000, v: 'a2' }),
      addData(b, { k: 1, ts: 1500, v: 'b1' }),
      checkNewAnswer({ lv: 'a1', rv: 'b1' }),
      joinState(
        (op) =>
          op.numRowsTotal === 3 &&
          op.customMetrics.numLeftStateRows === 2 &&
          op.customMetrics.numRightStateRows === 1,
        '3 rows: 2 left, 1 right',
      ),
      stopStream(),
      addData(a, { k: 1, ts: 100_000, v: 'a3' }),
      addData(b, { k: 2, ts: 100_000, v: 'b2' }),
      startStream(),
      checkNewAnswer(),
      joinState((op) => op.numRowsTotal === 5 && op.numRowsRemoved === 0, '5 rows, none removed'),
    )
  })

  it('drops rows behind the watermark on either side and counts them', async () => {
    const { a, b, df } = inputs(true)
    await testStream(
      df,
      { outputMode: 'append' },
      stopStream(),
      addData(a, { k: 1, ts: 10_000, v: 'a10' }),
      addData(b, { k: 1, ts: 10_500, v: 'b10' }),
      startStream(),
      checkNewAnswer({ lv: 'a10', rv: 'b10' }),
      stopStream(),
      // The watermark is 8 s now: a 7 s row is late on either side.
      addData(a, { k: 1, ts: 7000, v: 'late-a' }, { k: 1, ts: 9000, v: 'a9' }),
      addData(b, { k: 1, ts: 7500, v: 'late-b' }, { k: 1, ts: 9500, v: 'b9' }),
      startStream(),
      checkNewAnswer({ lv: 'a9', rv: 'b9' }),
      assertOnQuery(
        (q) =>
          q.recentProgress.filter((p) => p.numInputRows > 0).at(-1)?.stateOperators[0]
            .numRowsDroppedByWatermark === 2,
        'the two 7 s rows dropped',
      ),
    )
  })

  it("sends each side's rows behind the watermark to its late-rows output (beyond Spark)", async () => {
    const sluice = Sluice.local({
      'sluice.sql.session.timeZone': 'UTC',
      clock: new ManualClock(0),
      output: () => undefined,
      'sluice.streaming.stopOnSignal': false,
    })
    const [a, b] = [sluice.memoryStream(EVENT), sluice.memoryStream(EVENT)]
    const left = a.toDF().withWatermark('ts', '2 seconds', { lateRows: 'late-left' }).alias('l')
    const right = b.toDF().withWatermark('ts', '2 seconds').alias('r')
    const df = left
      .join(right, expr('l.k = r.k AND r.ts BETWEEN l.ts AND l.ts + INTERVAL 1 SECOND'))
      .selectExpr('l.v AS lv', 'r.v AS rv')
    await testStream(
      df,
      { outputMode: 'append' },
      stopStream(),
      addData(a, { k: 1, ts: 10_000, v: 'a10' }),
      addData(b, { k: 1, ts: 10_500, v: 'b10' }),
      startStream(),
      checkNewAnswer({ lv: 'a10', rv: 'b10' }),
      stopStream(),
      addData(a, { k: 1, ts: 7000, v: 'late-a' }, { k: 1, ts: 9000, v: 'a9' }),
      addData(b, { k: 1, ts: 7500, v: 'late-b' }),
      startStream(),
      checkNewAnswer(),
      checkLateRows('late-left', {
        k: 1,
        ts: 7000,
        v: 'late-a',
        late_reason: 'behind_watermark',
        late_watermark: 8000,
        late_batch_id: 2,
      }),
    )
  })
})
