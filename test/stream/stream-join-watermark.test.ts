/**
 * Watermarks through stream-stream joins, beyond what stream-join/cases.json checks against Spark:
 * an idle join input (`idleTimeout`, beyond Spark) stops holding the other side's outer rows and
 * state back, also after a restart; the rows it sends late once it comes back go to its late-rows
 * output. And a time-range conjunct on a column that is not the side's watermarked one, read as
 * Spark reads it (stream-join/spark_lifetime_bound.py prints Spark 4.3's answers).
 */
import { describe, it } from 'node:test'
import { expr } from '../../src/api/functions.ts'
import { ManualClock, Sluice, t } from '../../src/index.ts'
import {
  addData,
  advanceClock,
  assertProgress,
  checkLateRows,
  checkNewAnswer,
  startStream,
  stopStream,
  testStream,
} from '../../src/testing/index.ts'

const EVENT = t.struct({ k: t.int(), ts: t.timestamp(), v: t.string() })
const EVERY_10S = { trigger: { processingTime: '10 seconds' } } as const
const row = (k: number, secs: number, v: string) => ({ k, ts: secs * 1000, v })
const iso = (secs: number) => new Date(secs * 1000).toISOString()

function session() {
  const clock = new ManualClock(0)
  const sluice = Sluice.local({
    'sluice.sql.session.timeZone': 'UTC',
    clock,
    output: () => undefined,
    'sluice.streaming.stopOnSignal': false,
  })
  return { sluice, clock }
}

/** `l LEFT OUTER JOIN r ON l.k = r.k AND r.ts BETWEEN l.ts AND l.ts + 1 s`, the right side maybe idle. */
function outerJoin(idle: boolean) {
  const { sluice, clock } = session()
  const [a, b] = [sluice.memoryStream(EVENT), sluice.memoryStream(EVENT)]
  const left = a.toDF().withWatermark('ts', '5 seconds').alias('l')
  const right = b
    .toDF()
    .withWatermark('ts', '5 seconds', {
      lateRows: 'late-right',
      ...(idle ? { idleTimeout: '30 seconds' } : {}),
    })
    .alias('r')
  const df = left
    .join(right, expr('l.k = r.k AND r.ts BETWEEN l.ts AND l.ts + INTERVAL 1 SECOND'), 'left_outer')
    .selectExpr('l.v AS lv', 'r.v AS rv')
  return { a, b, df, clock }
}

describe('stream-stream join: an idle input (idleTimeout, beyond Spark)', () => {
  it("emits the other side's outer rows once the quiet input is idle, again after a restart", async () => {
    const { a, b, df, clock } = outerJoin(true)
    await testStream(
      df,
      { outputMode: 'append', clock },
      startStream(EVERY_10S),
      addData(a, row(1, 10, 'a10')),
      addData(b, row(2, 10, 'b10')),
      advanceClock(10_000), // both seen at 10 s (processing time): watermark 5 s
      addData(a, row(1, 30, 'a30')),
      advanceClock(10_000), // l's watermark 25 s; r holds the minimum at 5 s
      checkNewAnswer(),
      advanceClock(10_000), // r quiet for 20 s
      checkNewAnswer(),
      advanceClock(10_000), // r quiet for 30 s: idle, the watermark is l's 25 s
      checkNewAnswer({ lv: 'a10', rv: null }),
      assertProgress((p) => p.eventTime.watermark === iso(25)),
      assertProgress((p) => p.stateOperators[0].numRowsTotal === 1, 'only a30 left in state'),
      stopStream(),
      startStream(EVERY_10S), // r has seen no row since this start: it holds the watermark again
      addData(a, row(1, 50, 'a50')),
      advanceClock(10_000),
      checkNewAnswer(),
      assertProgress((p) => p.eventTime.watermark === iso(25)),
      advanceClock(20_000), // r quiet for 30 s since the restart: idle again, watermark 45 s
      checkNewAnswer({ lv: 'a30', rv: null }),
      // r comes back: its row behind the watermark goes to its late-rows output, a fresh one joins.
      addData(b, row(1, 20, 'late-b'), row(1, 50.5, 'b50')),
      advanceClock(10_000),
      checkNewAnswer({ lv: 'a50', rv: 'b50' }),
      checkLateRows('late-right', {
        ...row(1, 20, 'late-b'),
        late_reason: 'behind_watermark',
        late_watermark: 45_000,
        late_batch_id: 5,
      }),
    )
  })

  it('holds the outer rows while the quiet input has no idleTimeout (as Spark)', async () => {
    const { a, b, df, clock } = outerJoin(false)
    await testStream(
      df,
      { outputMode: 'append', clock },
      startStream(EVERY_10S),
      addData(a, row(1, 10, 'a10')),
      addData(b, row(2, 10, 'b10')),
      advanceClock(10_000),
      addData(a, row(1, 30, 'a30')),
      advanceClock(10_000),
      advanceClock(60_000),
      checkNewAnswer(),
      assertProgress((p) => p.eventTime.watermark === iso(5)),
      assertProgress((p) => p.stateOperators[0].numRowsTotal === 3, 'a10, a30 and b10 stay'),
    )
  })
})

describe('stream-stream join: a time-range bound on a column that is not watermarked', () => {
  const AUCTION = t.struct({ id: t.int(), ts: t.timestamp(), expires: t.timestamp() })
  const BID = t.struct({ id: t.int(), ts: t.timestamp() })
  for (const bound of [false, true]) {
    it(`${bound ? 'keeps the auction with' : 'evicts the auction by A.ts without'} a bound on A.ts, as Spark`, async () => {
      const { sluice } = session()
      const [a, b] = [sluice.memoryStream(AUCTION), sluice.memoryStream(BID)]
      const auctions = a.toDF().withWatermark('ts', '2 seconds').alias('A')
      const bids = b.toDF().withWatermark('ts', '2 seconds').alias('B')
      // `B.ts <= A.expires` bounds A's watermarked column (A.ts) as Spark's StreamingJoinHelper reads it.
      const condition = `A.id = B.id AND B.ts >= A.ts AND B.ts <= A.expires${bound ? ' AND B.ts <= A.ts + INTERVAL 60 SECONDS' : ''}`
      const df = auctions.join(bids, expr(condition)).selectExpr('A.id', 'CAST(B.ts AS LONG) AS bt')
      await testStream(
        df,
        { outputMode: 'append' },
        stopStream(),
        addData(a, { id: 1, ts: 10_000, expires: 100_000 }),
        addData(b, { id: 9, ts: 10_000 }),
        startStream(),
        checkNewAnswer(),
        stopStream(),
        addData(a, { id: 2, ts: 30_000, expires: 31_000 }),
        addData(b, { id: 9, ts: 30_000 }),
        startStream(),
        checkNewAnswer(),
        stopStream(),
        addData(b, { id: 1, ts: 50_000 }), // within auction 1's lifetime
        startStream(),
        checkNewAnswer(...(bound ? [{ id: 1, bt: 50 }] : [])),
      )
    })
  }
})
