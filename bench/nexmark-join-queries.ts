/**
 * The Nexmark queries that join streams without a watermark (nexmark-flink queries/q3.sql,
 * q20.sql, and q23, BENCH.md's multi-way join), as Spark writes them: stream-stream inner joins of
 * views of the all-events stream, without a watermark (Flink's regular join keeps both sides
 * forever, and so does Spark's). Each hand loop keeps both sides in maps by join key and emits, per
 * batch, the new rows of each side joined with everything the other side has (new rows of both
 * sides joined once); q23's second join takes the first one's rows of the batch as its new left rows.
 */
import {
  AUCTION,
  type Auction,
  BID,
  type Bid,
  type NexmarkEvent,
  PERSON,
  type Person,
} from '../src/connectors/nexmark/index.ts'
import { col, type DataFrame } from '../src/index.ts'
import type { BenchQuery } from './nexmark-hand-loop.ts'
import type { QueryRow } from './nexmark-queries.ts'

/** A symmetric inner join's state in a hand loop: each side's rows by join key. */
export class SymmetricJoin<L, R> {
  readonly #left = new Map<number, L[]>()
  readonly #right = new Map<number, R[]>()

  /** Joins a batch's new rows (left then right, as Spark) with the state, then keeps them. */
  batch<O = QueryRow>(
    left: readonly [number, L][],
    right: readonly [number, R][],
    row: (l: L, r: R) => O,
  ): O[] {
    const out: O[] = []
    for (const [k, l] of left) {
      for (const r of this.#right.get(k) ?? []) out.push(row(l, r))
      push(this.#left, k, l)
    }
    for (const [k, r] of right) {
      for (const l of this.#left.get(k) ?? []) out.push(row(l, r))
      push(this.#right, k, r)
    }
    return out
  }
}

function push<T>(m: Map<number, T[]>, k: number, v: T): void {
  const list = m.get(k)
  if (list === undefined) m.set(k, [v])
  else list.push(v)
}

const SELLER_STATES = new Set(['OR', 'ID', 'CA'])

const view = (events: DataFrame, type: number, entity: string) =>
  events.where(col('event_type').eq(type)).select(`${entity}.*`)

/** q3: local item suggestion. @example q3.run(events, sluice) */
export const q3: BenchQuery = {
  name: 'q3',
  title: 'Local item suggestion',
  sql:
    'SELECT P.name, P.city, P.state, A.id FROM auction AS A INNER JOIN person AS P on A.seller = P.id ' +
    "WHERE A.category = 10 and (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')",
  outputMode: 'append',
  view: 'all',
  run: (events) => {
    const auctions = view(events, AUCTION, 'auction').where(col('category').eq(10)).alias('A')
    const persons = view(events, PERSON, 'person')
      .where(col('state').isin('OR', 'ID', 'CA'))
      .alias('P')
    return auctions
      .join(persons, col('A.seller').eq(col('P.id')))
      .select(
        col('P.name').alias('name'),
        col('P.city').alias('city'),
        col('P.state').alias('state'),
        col('A.id').alias('id'),
      )
  },
  handLoop: () => {
    const join = new SymmetricJoin<Auction, Person>()
    return {
      batch(events: Iterable<NexmarkEvent>) {
        const auctions: [number, Auction][] = []
        const persons: [number, Person][] = []
        for (const e of events) {
          if (e.auction !== undefined && e.auction.category === 10)
            auctions.push([e.auction.seller, e.auction])
          else if (e.person !== undefined && SELLER_STATES.has(e.person.state))
            persons.push([e.person.id, e.person])
        }
        return join.batch(auctions, persons, (a, p) => ({
          name: p.name,
          city: p.city,
          state: p.state,
          id: a.id,
        }))
      },
      final: () => [],
    }
  },
}

/** q20: expand bid with auction. @example q20.run(events, sluice) */
export const q20: BenchQuery = {
  name: 'q20',
  title: 'Expand bid with auction',
  sql:
    'SELECT auction, bidder, price, channel, url, B.dateTime, B.extra, itemName, description, initialBid, reserve, ' +
    'A.dateTime, expires, seller, category, A.extra FROM bid AS B INNER JOIN auction AS A on B.auction = A.id WHERE A.category = 10',
  outputMode: 'append',
  view: 'all',
  run: (events) => {
    const bids = view(events, BID, 'bid').alias('B')
    const auctions = view(events, AUCTION, 'auction').where(col('category').eq(10)).alias('A')
    const b = ['auction', 'bidder', 'price', 'channel', 'url', 'dateTime', 'extra'].map((c) =>
      col(`B.${c}`).alias(c),
    )
    const a = ['itemName', 'description', 'initialBid', 'reserve', 'expires', 'seller', 'category'].map((c) =>
      col(`A.${c}`).alias(c),
    )
    return bids
      .join(auctions, col('B.auction').eq(col('A.id')))
      .select(...b, ...a, col('A.dateTime').alias('auctionDateTime'), col('A.extra').alias('auctionExtra'))
  },
  handLoop: () => {
    const join = new SymmetricJoin<Bid, Auction>()
    return {
      batch(events: Iterable<NexmarkEvent>) {
        const bids: [number, Bid][] = []
        const auctions: [number, Auction][] = []
        for (const e of events) {
          if (e.bid !== undefined) bids.push([e.bid.auction, e.bid])
          else if (e.auction !== undefined && e.auction.category === 10)
            auctions.push([e.auction.id, e.auction])
        }
        return join.batch(bids, auctions, (b, a) => ({
          auction: b.auction,
          bidder: b.bidder,
          price: b.price,
          channel: b.channel,
          url: b.url,
          dateTime: b.dateTime,
          extra: b.extra,
          itemName: a.itemName,
          description: a.description,
          initialBid: a.initialBid,
          reserve: a.reserve,
          expires: a.expires,
          seller: a.seller,
          category: a.category,
          auctionDateTime: a.dateTime,
          auctionExtra: a.extra,
        }))
      },
      final: () => [],
    }
  },
}

/** A bid with its bidder, q23's first join. */
interface BidByPerson {
  readonly bid: Bid
  readonly person: Person
}

/** q23: each bid with its bidder and every auction the bidder sells. @example q23.run(events, sluice) */
export const q23: BenchQuery = {
  name: 'q23',
  title: 'Multi-way join',
  sql:
    'SELECT B.auction, B.bidder, B.price, B.dateTime, P.name, P.city, P.state, A.id AS sellerAuction, A.category ' +
    'FROM bid B JOIN person P ON P.id = B.bidder JOIN auction A ON A.seller = B.bidder',
  outputMode: 'append',
  view: 'all',
  run: (events) => {
    const bids = view(events, BID, 'bid').alias('B')
    const persons = view(events, PERSON, 'person').alias('P')
    const auctions = view(events, AUCTION, 'auction').alias('A')
    return bids
      .join(persons, col('P.id').eq(col('B.bidder')))
      .join(auctions, col('A.seller').eq(col('B.bidder')))
      .select(
        ...['auction', 'bidder', 'price', 'dateTime'].map((c) => col(`B.${c}`).alias(c)),
        ...['name', 'city', 'state'].map((c) => col(`P.${c}`).alias(c)),
        col('A.id').alias('sellerAuction'),
        col('A.category').alias('category'),
      )
  },
  handLoop: () => {
    const first = new SymmetricJoin<Bid, Person>()
    const second = new SymmetricJoin<BidByPerson, Auction>()
    return {
      batch(events: Iterable<NexmarkEvent>) {
        const bids: [number, Bid][] = []
        const persons: [number, Person][] = []
        const auctions: [number, Auction][] = []
        for (const e of events) {
          if (e.bid !== undefined) bids.push([e.bid.bidder, e.bid])
          else if (e.person !== undefined) persons.push([e.person.id, e.person])
          else if (e.auction !== undefined) auctions.push([e.auction.seller, e.auction])
        }
        const pairs = first.batch(bids, persons, (bid, person): [number, BidByPerson] => [
          bid.bidder,
          { bid, person },
        ])
        return second.batch(pairs, auctions, ({ bid: b, person: p }, a) => ({
          auction: b.auction,
          bidder: b.bidder,
          price: b.price,
          dateTime: b.dateTime,
          name: p.name,
          city: p.city,
          state: p.state,
          sellerAuction: a.id,
          category: a.category,
        }))
      },
      final: () => [],
    }
  },
}
