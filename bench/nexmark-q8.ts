/**
 * Nexmark q8, "monitor new users" (nexmark-flink queries/q8.sql): the persons who opened an auction
 * in the same 10 s tumbling window in which they registered, as (id, name, stime = window start).
 *
 * Flink joins the persons of each window with the distinct sellers of the same window. Sluice has
 * no stream-stream join yet, so the same rows come from ONE append-mode aggregation over the
 * all-events view (`view = all`): person and auction events grouped by (`window(dateTime, 10 s)`,
 * `coalesce(person.id, auction.seller)`), keeping `max(person.name)` and the counts of person and
 * auction events, then the groups with at least one of each. Person ids are unique in the stream,
 * so a group holds at most one person and emits at most one row, as Flink's join does (its person
 * side is grouped by id and name, its auction side by seller). The watermark (`dateTime - 4 s`)
 * closes the windows. Flink's is on every event at the source; here the filter on `event_type`
 * names no event time, so it runs below `withWatermark` (Spark's PushPredicateThroughNonJoin, which
 * Sluice follows) and only persons and auctions move the watermark. Windows still open when the
 * stream ends stay in state (see nexmark-windowed-queries.ts).
 */
import { BID, type NexmarkEvent } from '../src/connectors/nexmark/index.ts'
import { coalesce, col, count, max, window } from '../src/index.ts'
import { type BenchQuery, Watermark } from './nexmark-hand-loop.ts'
import type { QueryRow } from './nexmark-queries.ts'
import { WATERMARK_DELAY_MS } from './nexmark-windowed-queries.ts'

const WINDOW_MS = 10_000

/** One tumbling window's two join inputs, kept apart as Flink's join keeps them. */
interface WindowSides {
  /** Person id -> name, of the persons who registered in the window. */
  readonly persons: Map<number, string>
  /** The distinct sellers of the auctions opened in the window. */
  readonly sellers: Set<number>
}

/** Joins and forgets the windows the watermark has closed: persons whose id is a seller there. */
function emitNewUsers(windows: Map<number, WindowSides>, watermark: number): QueryRow[] {
  const out: QueryRow[] = []
  for (const [start, w] of windows) {
    if (start + WINDOW_MS > watermark) continue
    for (const [id, name] of w.persons) if (w.sellers.has(id)) out.push({ id, name, stime: start })
    windows.delete(start)
  }
  return out
}

/** The window (start) of event time `t`, with its sides created on first use. */
function sidesOf(windows: Map<number, WindowSides>, t: number): WindowSides {
  const start = t - (((t % WINDOW_MS) + WINDOW_MS) % WINDOW_MS)
  let w = windows.get(start)
  if (w === undefined) windows.set(start, (w = { persons: new Map(), sellers: new Set() }))
  return w
}

/** Adds one event to its window's side; every event moves the watermark. */
function addEvent(windows: Map<number, WindowSides>, wm: Watermark, e: NexmarkEvent): void {
  // The query's filter (event_type < BID) does not name the event time, so it runs below
  // withWatermark, as Spark's optimizer puts it: bids do not move the watermark.
  if (e.bid !== undefined) return
  wm.observe(e.dateTime)
  if (e.person !== undefined) sidesOf(windows, e.dateTime).persons.set(e.person.id, e.person.name)
  else if (e.auction !== undefined) sidesOf(windows, e.dateTime).sellers.add(e.auction.seller)
}

/** q8: monitor new users, over every event (`view: 'all'`). @example q8.run(events, sluice) */
export const q8: BenchQuery = {
  name: 'q8',
  title: 'Monitor new users',
  sql:
    "SELECT P.id, P.name, P.starttime FROM (SELECT id, name, window_start AS starttime, window_end AS endtime FROM TUMBLE(person, dateTime, INTERVAL '10' SECOND) GROUP BY id, name, window) P " +
    "JOIN (SELECT seller, window_start AS starttime, window_end AS endtime FROM TUMBLE(auction, dateTime, INTERVAL '10' SECOND) GROUP BY seller, window) A " +
    'ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime',
  outputMode: 'append',
  view: 'all',
  run: (events) =>
    events
      .withWatermark('dateTime', `${WATERMARK_DELAY_MS / 1000} seconds`)
      .where(col('event_type').lt(BID))
      .groupBy(
        window(col('dateTime'), '10 seconds'),
        coalesce(col('person.id'), col('auction.seller')).alias('id'),
      )
      .agg(
        max('person.name').alias('name'),
        count('person.id').alias('persons'),
        count('auction.id').alias('auctions'),
      )
      .where(col('persons').gt(0).and(col('auctions').gt(0)))
      .select('id', 'name', col('window.start').alias('stime')),
  handLoop: () => {
    const wm = new Watermark(WATERMARK_DELAY_MS)
    // window start -> its persons and sellers
    const windows = new Map<number, WindowSides>()
    return {
      batch(events) {
        for (const e of events) addEvent(windows, wm, e)
        const out = emitNewUsers(windows, wm.current)
        wm.endBatch()
        return out
      },
      final: () => emitNewUsers(windows, wm.current),
    }
  },
}
