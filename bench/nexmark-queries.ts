/**
 * The stateless Nexmark queries (shared BENCH.md "Nexmark queries"; nexmark-flink's queries/*.sql)
 * written with Sluice's DataFrame API over the `bid` view (`readStream.format('nexmark')
 * .option('view', 'bid')`), each with a plain-JS reference that computes the expected rows from the
 * same generated events, so a query's output is checked against an independent computation.
 *
 * Where Sluice differs from Flink's SQL, and why:
 * - `0.908 * price` (q1, q14): Flink types it DECIMAL(23, 3); Sluice has no decimal type yet, so it
 *   is a DOUBLE (the IEEE product, which the reference computes the same way). No integer price puts
 *   0.908 * price within rounding distance of q14's bounds (1e6 / 0.908 and 5e7 / 0.908 are far
 *   from integers), so the filter keeps the same bids as an exact decimal would.
 * - `HOUR(dateTime)` (q14) is the hour in the session time zone (Flink's TIMESTAMP(3) has none):
 *   run with `sluice.sql.session.timeZone = UTC` for Flink's answer; the reference uses UTC.
 * - `REGEXP_EXTRACT` (q21): Flink returns NULL when the pattern does not match, Spark an empty
 *   string, so the query guards it with `url RLIKE pattern` (a find, as both extracts do).
 * - `SPLIT_INDEX(url, '/', i)` (q22): Flink's index is 0-based and an index past the last field is
 *   NULL. Spark has no split_index; `element_at(split(url, '/'), i + 1)` is 1-based and fails past
 *   the end under ANSI, so the query guards it with `size >= i + 1`. Both keep empty fields:
 *   `https://www.nexmark.com/a/b/c/item.htm?...` splits into `https:`, ``, `www.nexmark.com`, `a`,
 *   `b`, `c`, `item.htm?...`, so indices 3/4/5 (Flink) = element_at 4/5/6 = `a`/`b`/`c`.
 */

import { BID, type Bid, type NexmarkEvent } from '../src/connectors/nexmark/index.ts'
import {
  col,
  type DataFrame,
  element_at,
  hour,
  lit,
  lower,
  regexp_extract,
  size,
  split,
  t,
  udf,
  when,
} from '../src/index.ts'

/** One output row, keyed by column name (what `collect()` returns). */
export type QueryRow = Record<string, unknown>

export interface NexmarkQuery {
  readonly name: string
  /** Flink's definition, condensed. */
  readonly sql: string
  /** The query over the `bid` view. */
  readonly run: (bids: DataFrame) => DataFrame
  /** The expected rows for these events (the bids among them), computed in plain JS. */
  readonly reference: (events: Iterable<NexmarkEvent>) => QueryRow[]
}

/**
 * The bids among `events`, in order.
 * @example [...bidsOf(nexmarkEvents({ maxEvents: 50 }))].length // 46
 */
export function* bidsOf(events: Iterable<NexmarkEvent>): Generator<Bid, void, undefined> {
  for (const e of events) if (e.type === BID && e.bid !== undefined) yield e.bid
}

/** Rows of `f(bid)` for each bid where `f` returns a row. */
function mapBids(events: Iterable<NexmarkEvent>, f: (b: Bid) => QueryRow | undefined): QueryRow[] {
  const out: QueryRow[] = []
  for (const b of bidsOf(events)) {
    const row = f(b)
    if (row !== undefined) out.push(row)
  }
  return out
}

const EURO_RATE = 0.908

/**
 * Flink's `count_char(s, c)` UDF (nexmark-flink udf/CountChar.java): how many UTF-8 bytes of `s`
 * equal the first byte of `c`; 0 for a NULL `s`.
 * @example countChar('occurrence', 'c') // 3
 */
export function countChar(s: string | null, c: string | null): number {
  if (s === null || c === null || c.length === 0) return 0
  const first = c.charCodeAt(0)
  // An ASCII byte never occurs inside a multi-byte UTF-8 sequence: counting code units is exact.
  if (first < 0x80) {
    let n = 0
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === first) n++
    return n
  }
  const target = new TextEncoder().encode(c)[0]
  let n = 0
  for (const byte of new TextEncoder().encode(s)) if (byte === target) n++
  return n
}

const countCharUdf = udf(countChar, t.long(), 'count_char')

/** q14's bidTimeType for an hour of the day. */
function bidTimeType(h: number): string {
  if (h >= 8 && h <= 18) return 'dayTime'
  if (h <= 6 || h >= 20) return 'nightTime'
  return 'otherTime'
}

const CHANNEL_ID_PATTERN = '(&|^)channel_id=([^&]*)'
const CHANNEL_ID_RE = /(&|^)channel_id=([^&]*)/
const HOT_CHANNEL_IDS: Readonly<Record<string, string>> = {
  apple: '0',
  google: '1',
  facebook: '2',
  baidu: '3',
}

/** Flink's REGEXP_EXTRACT(url, pattern, 2): the group, or null when the pattern does not match. */
function channelIdOf(channel: string, url: string): string | null {
  const hot = HOT_CHANNEL_IDS[channel.toLowerCase()]
  if (hot !== undefined) return hot
  const m = CHANNEL_ID_RE.exec(url)
  return m === null ? null : m[2]
}

/** Flink's SPLIT_INDEX(s, '/', i): 0-based, null past the last field. */
const splitIndex = (parts: readonly string[], i: number): string | null =>
  i < parts.length ? parts[i] : null

/** q0: pass through. @example q0.run(bids) */
export const q0: NexmarkQuery = {
  name: 'q0',
  sql: 'SELECT auction, bidder, price, dateTime, extra FROM bid',
  run: (bids) => bids.select('auction', 'bidder', 'price', 'dateTime', 'extra'),
  reference: (events) =>
    mapBids(events, (b) => ({
      auction: b.auction,
      bidder: b.bidder,
      price: b.price,
      dateTime: b.dateTime,
      extra: b.extra,
    })),
}

/** q1: currency conversion. @example q1.run(bids) */
export const q1: NexmarkQuery = {
  name: 'q1',
  sql: 'SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid',
  run: (bids) =>
    bids.select(
      'auction',
      'bidder',
      lit(EURO_RATE).multiply(col('price')).alias('price'),
      'dateTime',
      'extra',
    ),
  reference: (events) =>
    mapBids(events, (b) => ({
      auction: b.auction,
      bidder: b.bidder,
      price: EURO_RATE * b.price,
      dateTime: b.dateTime,
      extra: b.extra,
    })),
}

/** q2: selection (auction ids are positive, so `%` and MOD agree). @example q2.run(bids) */
export const q2: NexmarkQuery = {
  name: 'q2',
  sql: 'SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0',
  run: (bids) => bids.where(col('auction').mod(123).eq(0)).select('auction', 'price'),
  reference: (events) =>
    mapBids(events, (b) => (b.auction % 123 === 0 ? { auction: b.auction, price: b.price } : undefined)),
}

/** q14: calculation, with the count_char UDF. @example q14.run(bids) */
export const q14: NexmarkQuery = {
  name: 'q14',
  sql:
    "SELECT auction, bidder, 0.908 * price AS price, CASE WHEN HOUR(dateTime) BETWEEN 8 AND 18 THEN 'dayTime' " +
    "WHEN HOUR(dateTime) <= 6 OR HOUR(dateTime) >= 20 THEN 'nightTime' ELSE 'otherTime' END AS bidTimeType, " +
    "dateTime, extra, count_char(extra, 'c') AS c_counts FROM bid " +
    'WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000',
  run: (bids) => {
    const euros = lit(EURO_RATE).multiply(col('price'))
    const h = hour('dateTime')
    return bids.where(euros.gt(1_000_000).and(euros.lt(50_000_000))).select(
      'auction',
      'bidder',
      euros.alias('price'),
      when(h.geq(8).and(h.leq(18)), 'dayTime')
        .when(h.leq(6).or(h.geq(20)), 'nightTime')
        .otherwise('otherTime')
        .alias('bidTimeType'),
      'dateTime',
      'extra',
      countCharUdf('extra', lit('c')).alias('c_counts'),
    )
  },
  reference: (events) =>
    mapBids(events, (b) => {
      const euros = EURO_RATE * b.price
      if (!(euros > 1_000_000 && euros < 50_000_000)) return undefined
      return {
        auction: b.auction,
        bidder: b.bidder,
        price: euros,
        bidTimeType: bidTimeType(new Date(b.dateTime).getUTCHours()),
        dateTime: b.dateTime,
        extra: b.extra,
        c_counts: countChar(b.extra, 'c'),
      }
    }),
}

/** q21: add a channel id (bids without one are dropped). @example q21.run(bids) */
export const q21: NexmarkQuery = {
  name: 'q21',
  sql:
    "SELECT auction, bidder, price, channel, CASE WHEN lower(channel) = 'apple' THEN '0' ... " +
    "ELSE REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2) END AS channel_id FROM bid " +
    "WHERE REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2) IS NOT NULL OR lower(channel) IN (...)",
  run: (bids) => {
    const ch = lower('channel')
    const extracted = when(col('url').rlike(CHANNEL_ID_PATTERN), regexp_extract('url', CHANNEL_ID_PATTERN, 2))
    const channelId = when(ch.eq('apple'), '0')
      .when(ch.eq('google'), '1')
      .when(ch.eq('facebook'), '2')
      .when(ch.eq('baidu'), '3')
      .otherwise(extracted)
    // Flink's WHERE (extract IS NOT NULL OR a hot channel) is exactly "channel_id IS NOT NULL".
    return bids
      .select('auction', 'bidder', 'price', 'channel', channelId.alias('channel_id'))
      .where(col('channel_id').isNotNull())
  },
  reference: (events) =>
    mapBids(events, (b) => {
      const channelId = channelIdOf(b.channel, b.url)
      if (channelId === null) return undefined
      return {
        auction: b.auction,
        bidder: b.bidder,
        price: b.price,
        channel: b.channel,
        channel_id: channelId,
      }
    }),
}

/** `SPLIT_INDEX(url, '/', i)` over the split parts: element_at is 1-based, NULL past the end. */
const dir = (i: number) => when(size('parts').gt(i), element_at('parts', i + 1)).alias(`dir${i - 2}`)

/** q22: URL directories. @example q22.run(bids) */
export const q22: NexmarkQuery = {
  name: 'q22',
  sql:
    "SELECT auction, bidder, price, channel, SPLIT_INDEX(url, '/', 3) AS dir1, " +
    "SPLIT_INDEX(url, '/', 4) AS dir2, SPLIT_INDEX(url, '/', 5) AS dir3 FROM bid",
  run: (bids) =>
    bids
      .select('auction', 'bidder', 'price', 'channel', split('url', '/').alias('parts'))
      .select('auction', 'bidder', 'price', 'channel', dir(3), dir(4), dir(5)),
  reference: (events) =>
    mapBids(events, (b) => {
      const parts = b.url.split('/')
      return {
        auction: b.auction,
        bidder: b.bidder,
        price: b.price,
        channel: b.channel,
        dir1: splitIndex(parts, 3),
        dir2: splitIndex(parts, 4),
        dir3: splitIndex(parts, 5),
      }
    }),
}

/** The stateless queries, by name. @example NEXMARK_QUERIES.q1.run(bids) */
export const NEXMARK_QUERIES: Readonly<Record<string, NexmarkQuery>> = Object.freeze({
  q0,
  q1,
  q2,
  q14,
  q21,
  q22,
})
