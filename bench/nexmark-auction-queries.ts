/**
 * The Nexmark queries over an auction's lifetime (nexmark-flink queries/q4.sql, q9.sql), as Spark
 * writes them: a stream-stream inner join of the auction and bid views of the all-events stream
 * (both with Flink's 4 s watermark on `dateTime`) on `A.id = B.auction AND B.dateTime BETWEEN
 * A.dateTime AND A.expires`, then an append-mode aggregation per auction that closes when the
 * watermark proves no bid can still join it.
 *
 * The extra conjunct `B.dateTime <= A.dateTime + 20 s` is what a Spark user adds so that the
 * auction side's state is evicted: `A.expires` is not a watermarked column, so the lifetime bound
 * alone proves nothing about `A.dateTime` (and Spark would then evict auctions by `B.dateTime <=
 * A.expires` read as a bound on the auction's watermarked column, one millisecond behind the
 * watermark). The generator's auctions last at most 2 × its horizon (333 ms at 10,000 events/s,
 * 13.3 s at 250), so the bound drops no bid. With it the join's output watermark is 20 s + 1 ms
 * behind the input's, and an auction's aggregate is final once `A.dateTime <= W - 20 s - 1 ms`.
 */
import { AUCTION, type Auction, BID, type Bid, type NexmarkEvent } from '../src/connectors/nexmark/index.ts'
import { avg, col, type DataFrame, expr, first, max, struct, unix_millis, window } from '../src/index.ts'
import { type BenchQuery, Watermark } from './nexmark-hand-loop.ts'
import type { QueryRow } from './nexmark-queries.ts'

/** The longest auction the join keeps: `B.dateTime <= A.dateTime + LIFETIME_BOUND_MS`. */
export const LIFETIME_BOUND_MS = 20_000
const DELAY_MS = 4_000
/** q4's windows of auction start time. */
const WINDOW_MS = 10_000

const AUCTION_COLUMNS = [
  'id',
  'itemName',
  'description',
  'initialBid',
  'reserve',
  'dateTime',
  'expires',
  'seller',
  'category',
  'extra',
] as const

/** The join of auctions (`A`) and the bids within their lifetime (`B`), both watermarked. */
export function auctionBids(events: DataFrame): DataFrame {
  const auctions = events
    .where(col('event_type').eq(AUCTION))
    .select('auction.*')
    .withWatermark('dateTime', `${DELAY_MS / 1000} seconds`)
    .alias('A')
  const bids = events
    .where(col('event_type').eq(BID))
    .select('bid.*')
    .withWatermark('dateTime', `${DELAY_MS / 1000} seconds`)
    .alias('B')
  const condition = expr(
    'A.id = B.auction AND B.dateTime >= A.dateTime AND B.dateTime <= A.expires AND ' +
      `B.dateTime <= A.dateTime + INTERVAL ${LIFETIME_BOUND_MS / 1000} SECONDS`,
  )
  return auctions.join(bids, condition)
}

/** Does bid `b` fall in auction `a`'s lifetime (the join's condition)? */
const inLifetime = (a: Auction, b: Bid): boolean =>
  b.dateTime >= a.dateTime && b.dateTime <= a.expires && b.dateTime <= a.dateTime + LIFETIME_BOUND_MS

/** Spark's winning-bid order, `max(struct(price, -unix_millis(dateTime), bidder, extra))`: is `a` ahead of `b`? */
function wins(a: Bid, b: Bid): boolean {
  if (a.price !== b.price) return a.price > b.price
  if (a.dateTime !== b.dateTime) return a.dateTime < b.dateTime
  if (a.bidder !== b.bidder) return a.bidder > b.bidder
  // ASCII strings: UTF-16 order is Spark's UTF-8 byte order.
  return a.extra > b.extra
}

/** An auction's aggregate: its best bid so far. */
export interface AuctionGroup {
  readonly auction: Auction
  best: Bid
}

/**
 * A hand loop's auction ⋈ bid join with the per-auction aggregate after it: both sides' state by
 * auction id, each side's watermark (the global one is their minimum, Spark's default policy), and
 * the groups closed by the join's output watermark at the end of each batch.
 */
export class AuctionLifetimes {
  readonly #auctions = new Map<number, Auction>()
  readonly #bids = new Map<number, Bid[]>()
  readonly #groups = new Map<number, AuctionGroup>()
  readonly #auctionWm = new Watermark(DELAY_MS)
  readonly #bidWm = new Watermark(DELAY_MS)
  /** The join's output watermark the last batch evicted with (aggregates after it close by it). */
  outputWatermark = Number.NEGATIVE_INFINITY

  /** One batch: joins its rows (auctions first, as Spark's left side), returns the auctions it closed. */
  batch(events: Iterable<NexmarkEvent>): AuctionGroup[] {
    const newBids: Bid[] = []
    for (const e of events) {
      if (e.auction !== undefined) {
        const a = e.auction
        this.#auctionWm.observe(a.dateTime)
        for (const b of this.#bids.get(a.id) ?? []) this.#match(a, b)
        this.#auctions.set(a.id, a)
      } else if (e.bid !== undefined) newBids.push(e.bid)
    }
    for (const b of newBids) {
      this.#bidWm.observe(b.dateTime)
      const a = this.#auctions.get(b.auction)
      if (a !== undefined) this.#match(a, b)
      const list = this.#bids.get(b.auction)
      if (list === undefined) this.#bids.set(b.auction, [b])
      else list.push(b)
    }
    return this.#evict()
  }

  /** The no-data batch: closes what the final watermark closes. */
  final(): AuctionGroup[] {
    return this.#evict()
  }

  #match(a: Auction, b: Bid): void {
    if (!inLifetime(a, b)) return
    const g = this.#groups.get(a.id)
    if (g === undefined) this.#groups.set(a.id, { auction: a, best: b })
    else if (wins(b, g.best)) g.best = b
  }

  /** Evicts with this batch's watermark, then advances both sides' watermarks for the next batch. */
  #evict(): AuctionGroup[] {
    const w = Math.min(this.#auctionWm.current, this.#bidWm.current)
    this.outputWatermark = w - LIFETIME_BOUND_MS - 1
    const closed: AuctionGroup[] = []
    for (const [id, g] of this.#groups) {
      if (g.auction.dateTime <= this.outputWatermark) {
        closed.push(g)
        this.#groups.delete(id)
      }
    }
    // Join state: no future bid (dateTime > w) can match these (the output does not depend on it).
    for (const [id, a] of this.#auctions) if (a.dateTime + LIFETIME_BOUND_MS < w) this.#auctions.delete(id)
    for (const [id, list] of this.#bids) {
      const kept = list.filter((b) => b.dateTime >= w)
      if (kept.length === 0) this.#bids.delete(id)
      else if (kept.length < list.length) this.#bids.set(id, kept)
    }
    this.#auctionWm.endBatch()
    this.#bidWm.endBatch()
    return closed
  }
}

/** q9: each auction's winning bid (highest price, then earliest). @example q9.run(events, sluice) */
export const q9: BenchQuery = {
  name: 'q9',
  title: 'Winning bids',
  sql:
    'SELECT id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra, auction, ' +
    'bidder, price, bid_dateTime, bid_extra FROM (SELECT A.*, B.auction, B.bidder, B.price, B.dateTime AS bid_dateTime, ' +
    'B.extra AS bid_extra, ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.dateTime ASC) AS rownum ' +
    'FROM auction A, bid B WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires) WHERE rownum <= 1',
  outputMode: 'append',
  view: 'all',
  run: (events) => {
    const winner = struct(
      col('B.price').alias('price'),
      unix_millis(col('B.dateTime')).negate().alias('negTime'),
      col('B.bidder').alias('bidder'),
      col('B.extra').alias('extra'),
      col('B.dateTime').alias('dateTime'),
    )
    const auction = struct(...AUCTION_COLUMNS.map((c) => col(`A.${c}`).alias(c)))
    return auctionBids(events)
      .groupBy(col('A.id'), col('A.dateTime'))
      .agg(first(auction).alias('a'), max(winner).alias('w'))
      .select(
        ...AUCTION_COLUMNS.map((c) => col(`a.${c}`).alias(c)),
        col('id').alias('auction'),
        col('w.bidder').alias('bidder'),
        col('w.price').alias('price'),
        col('w.dateTime').alias('bid_dateTime'),
        col('w.extra').alias('bid_extra'),
      )
  },
  handLoop: () => {
    const join = new AuctionLifetimes()
    const rowOf = ({ auction: a, best: b }: AuctionGroup): QueryRow => ({
      ...Object.fromEntries(AUCTION_COLUMNS.map((c) => [c, a[c]])),
      auction: b.auction,
      bidder: b.bidder,
      price: b.price,
      bid_dateTime: b.dateTime,
      bid_extra: b.extra,
    })
    return {
      batch: (events) => join.batch(events).map(rowOf),
      final: () => join.final().map(rowOf),
    }
  },
}

/** q4's per-category windows of closed auctions' final prices, closed by the same watermark. */
class CategoryWindows {
  // `${category}/${start}` -> sum and count of the final prices
  readonly #windows = new Map<string, { category: number; start: number; sum: number; n: number }>()

  add(groups: readonly AuctionGroup[]): void {
    for (const { auction: a, best } of groups) {
      const start = Math.floor(a.dateTime / WINDOW_MS) * WINDOW_MS
      const key = `${a.category}/${start}`
      const w = this.#windows.get(key)
      if (w === undefined) this.#windows.set(key, { category: a.category, start, sum: best.price, n: 1 })
      else {
        w.sum += best.price
        w.n++
      }
    }
  }

  /** The windows whose end is at or behind the join's output watermark. */
  close(outputWatermark: number): QueryRow[] {
    const out: QueryRow[] = []
    for (const [key, w] of this.#windows) {
      if (w.start + WINDOW_MS > outputWatermark) continue
      out.push({ category: w.category, starttime: w.start, endtime: w.start + WINDOW_MS, final: w.sum / w.n })
      this.#windows.delete(key)
    }
    return out
  }
}

/** q4: the average closing price per category, per 10 s window of auction start. @example q4.run(events, sluice) */
export const q4: BenchQuery = {
  name: 'q4',
  title: 'Average price for a category',
  sql:
    'SELECT Q.category, AVG(Q.final) FROM (SELECT MAX(B.price) AS final, A.category FROM auction A, bid B ' +
    'WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires GROUP BY A.id, A.category) Q GROUP BY Q.category',
  outputMode: 'append',
  view: 'all',
  run: (events) =>
    auctionBids(events)
      .groupBy(col('A.id'), col('A.category'), col('A.dateTime'))
      .agg(max(col('B.price')).alias('final'))
      .groupBy(window(col('dateTime'), `${WINDOW_MS / 1000} seconds`), col('category'))
      .agg(avg(col('final')).alias('final'))
      .select(
        'category',
        col('window.start').alias('starttime'),
        col('window.end').alias('endtime'),
        'final',
      ),
  handLoop: () => {
    const join = new AuctionLifetimes()
    const windows = new CategoryWindows()
    const step = (closed: AuctionGroup[]) => {
      windows.add(closed)
      return windows.close(join.outputWatermark)
    }
    return {
      batch: (events) => step(join.batch(events)),
      final: () => step(join.final()),
    }
  },
}
