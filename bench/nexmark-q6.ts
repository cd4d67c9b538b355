/**
 * Nexmark q6, average selling price by seller: Flink's `AVG(final) OVER (PARTITION BY seller ORDER
 * BY dateTime ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)` over each auction's closing price (not
 * runnable in Flink either, FLINK-19059). Spark has no OVER windows on streams; here, as Beam's
 * Query6, the closing prices come from q4's join and per-auction aggregate (append mode: an
 * auction's price is final once the watermark closes it, bench/nexmark-auction-queries.ts), and a
 * `transformWithState` per seller keeps the seller's last 10 closing prices in a ListState and emits,
 * for each auction that closes, the average over it and the 9 before (Spark 4 runs
 * transformWithState after an aggregation in append mode). Auctions of one seller closing in the
 * same batch are taken in (dateTime, id) order.
 */
import { col, type ListState, max, type Row, type StatefulProcessor, t } from '../src/index.ts'
import { type AuctionGroup, AuctionLifetimes, auctionBids } from './nexmark-auction-queries.ts'
import type { BenchQuery } from './nexmark-hand-loop.ts'
import type { QueryRow } from './nexmark-queries.ts'

/** How many closing prices the average spans (Beam's Query6). */
export const LAST_N = 10

const CLOSED = t.struct({ id: t.long(), dateTime: t.timestamp(), final: t.long() })
const OUT = t.struct({ seller: t.long(), auction: t.long(), avg_price: t.double() })
type Closed = { id: number | null; dateTime: number | null; final: number | null }
type Out = { seller: number | null; auction: number | null; avg_price: number | null }

/** (dateTime, id) order, nulls first. */
const byTime = (a: Closed, b: Closed): number =>
  (a.dateTime ?? 0) - (b.dateTime ?? 0) || (a.id ?? 0) - (b.id ?? 0)

const mean = (xs: readonly Closed[]): number => {
  let sum = 0
  for (const x of xs) sum += x.final ?? 0
  return sum / xs.length
}

/** Appends each new closing price to `recent` (keeping the last LAST_N) and yields the average. */
function* advance(seller: number | null, recent: Closed[], fresh: Closed[]): Generator<Out> {
  for (const c of fresh.sort(byTime)) {
    recent.push(c)
    if (recent.length > LAST_N) recent.shift()
    yield { seller, auction: c.id, avg_price: mean(recent) }
  }
}

/** The per-seller processor: its last LAST_N closing prices in a ListState. */
function lastClosingPrices(): StatefulProcessor<number | null, Row, Out> {
  let recent: ListState<Closed>
  return {
    init: (handle) => {
      recent = handle.getListState('recent', CLOSED)
    },
    *handleInputRows(seller, rows) {
      const list = recent.get()
      const fresh = [...rows].map((r) => ({ id: r.id, dateTime: r.dateTime, final: r.final }) as Closed)
      yield* advance(seller, list, fresh)
      recent.put(list)
    },
  }
}

/** q6: average selling price by seller. @example q6.run(events, sluice) */
export const q6: BenchQuery = {
  name: 'q6',
  title: 'Average selling price by seller',
  sql:
    'SELECT Q.seller, AVG(Q.final) OVER (PARTITION BY Q.seller ORDER BY Q.dateTime ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) ' +
    'FROM (SELECT MAX(B.price) AS final, A.seller, B.dateTime FROM auction AS A, bid AS B ' +
    'WHERE A.id = B.auction and B.dateTime between A.dateTime and A.expires GROUP BY A.id, A.seller) AS Q',
  outputMode: 'append',
  view: 'all',
  run: (events) =>
    auctionBids(events)
      .groupBy(col('A.id'), col('A.seller'), col('A.dateTime'))
      .agg(max(col('B.price')).alias('final'))
      .groupByKey((r: Row) => r.seller as number | null, t.long())
      .transformWithState(lastClosingPrices, { outputSchema: OUT, outputMode: 'append' }),
  handLoop: () => {
    const join = new AuctionLifetimes()
    const recent = new Map<number, Closed[]>()
    const step = (closed: AuctionGroup[]): QueryRow[] => {
      const bySeller = new Map<number, Closed[]>()
      for (const { auction: a, best } of closed) {
        const c = { id: a.id, dateTime: a.dateTime, final: best.price }
        const list = bySeller.get(a.seller)
        if (list === undefined) bySeller.set(a.seller, [c])
        else list.push(c)
      }
      const out: QueryRow[] = []
      for (const [seller, fresh] of bySeller) {
        let list = recent.get(seller)
        if (list === undefined) recent.set(seller, (list = []))
        out.push(...advance(seller, list, fresh))
      }
      return out
    }
    return {
      batch: (events) => step(join.batch(events)),
      final: () => step(join.final()),
    }
  },
}
