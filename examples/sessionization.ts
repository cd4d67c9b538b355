// Sessionization with flatMapGroupsWithState: clicks per user, closed by an event-time timeout 30
// seconds (event time) after the user's last click. A session's row is emitted once, when the
// watermark passes its timeout, so the query runs in append mode. The input is a memory stream fed
// below (a row at event time 0 would be behind the initial watermark of 0, as in Spark); point it
// at Kafka or files the same way.
//
//   npx node examples/sessionization.ts
import { type GroupState, GroupStateTimeout, Sluice, t } from 'sluice'

const Click = t.struct({ user: t.string(), page: t.string(), ts: t.timestamp() })
const Session = t.struct({ start: t.timestamp(), last: t.timestamp(), clicks: t.long() })
const Out = t.struct({ user: t.string(), start: t.timestamp(), end: t.timestamp(), clicks: t.long() })
type SessionState = GroupState<{ start: number | null; last: number | null; clicks: number | null }>

/** One user's clicks of this batch, with the open session: extends it, or emits it on timeout. */
function* sessionize(user: string | null, clicks: Iterable<{ ts: number | null }>, state: SessionState) {
  if (state.hasTimedOut) {
    const { start, last, clicks: n } = state.get
    state.remove()
    yield { user, start, end: last, clicks: n }
    return
  }
  let { start, last, clicks: n } = state.getOption ?? { start: null, last: null, clicks: 0 }
  for (const c of clicks) {
    if (c.ts === null) continue
    start = start === null ? c.ts : Math.min(start, c.ts)
    last = last === null ? c.ts : Math.max(last, c.ts)
    n = (n ?? 0) + 1
  }
  state.update({ start, last, clicks: n })
  if (last !== null) state.setTimeoutTimestamp(last, '30 seconds')
}

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
const clicks = sluice.memoryStream(Click)
const sessions = clicks
  .toDF()
  .withWatermark('ts', '10 seconds')
  .groupByKey((c) => c.user, t.string())
  .flatMapGroupsWithState(sessionize, {
    stateSchema: Session,
    outputSchema: Out,
    outputMode: 'append',
    timeout: GroupStateTimeout.EventTimeTimeout,
  })

const query = await sessions.writeStream.format('console').outputMode('append').start()
const at = (user: string, page: string, secs: number) => ({ user, page, ts: secs * 1000 })
clicks.addData(at('ann', '/', 1), at('ann', '/a', 5), at('bob', '/', 8))
await query.processAllAvailable()
clicks.addData(at('ann', '/b', 20), at('cat', '/', 100))
await query.processAllAvailable()
// The watermark is now 90 s: ann's session (last click 20 s, timeout 50 s) and bob's (8 s,
// timeout 38 s) close in the batch without data that follows. A group that gets rows in a batch
// is called with them instead (its timeout is checked against the batch's watermark), as in Spark.
clicks.addData(at('cat', '/a', 110))
await query.processAllAvailable()
await query.stop()
