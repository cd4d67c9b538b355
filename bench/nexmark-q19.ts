/**
 * Nexmark q19, auction top-10 price: Flink's `ROW_NUMBER() OVER (PARTITION BY auction ORDER BY
 * price DESC) <= 10`. Spark has no ROW_NUMBER on streams; Sluice keeps each auction's top 10 bids
 * in `flatMapGroupsWithState` state and, in update mode, emits a touched auction's whole top 10
 * (with `rank_number`) after each batch. Equal prices rank by arrival (earlier first).
 */
import type { Bid } from '../src/connectors/nexmark/index.ts'
import { type GroupState, t } from '../src/index.ts'
import type { BenchQuery, Touchable } from './nexmark-hand-loop.ts'
import { bidsOf, type QueryRow } from './nexmark-queries.ts'

const TOP_N = 10

const BID_FIELDS = {
  auction: t.long(),
  bidder: t.long(),
  price: t.long(),
  channel: t.string(),
  url: t.string(),
  dateTime: t.timestamp(),
  extra: t.string(),
}
const TOP = t.struct({ top: t.array(t.struct(BID_FIELDS)) })
const OUT = t.struct({ ...BID_FIELDS, rank_number: t.long() })

type BidRow = { [K in keyof Bid]: Bid[K] | null }

/** Inserts `b` into the top list (price descending, ties by arrival), keeping `TOP_N`. */
function insert<B extends { price: number | null }>(top: B[], b: B): void {
  const price = b.price ?? Number.NEGATIVE_INFINITY
  let i = top.length
  while (i > 0 && (top[i - 1].price ?? Number.NEGATIVE_INFINITY) < price) i--
  if (i >= TOP_N) return
  top.splice(i, 0, b)
  if (top.length > TOP_N) top.length = TOP_N
}

function* topTen(
  _auction: number | null,
  bids: Iterable<BidRow>,
  state: GroupState<{ top: (BidRow | null)[] | null }>,
) {
  const top = (state.getOption?.top ?? []).filter((b): b is BidRow => b !== null)
  for (const b of bids) insert(top, b)
  state.update({ top })
  for (let i = 0; i < top.length; i++) yield { ...top[i], rank_number: i + 1 }
}

interface Top extends Touchable {
  top: Bid[]
}

/** q19: the 10 highest bids of each auction. @example q19.run(bids, sluice) */
export const q19: BenchQuery = {
  name: 'q19',
  title: 'Auction top-10 price',
  sql:
    'SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number ' +
    'FROM bid) WHERE rank_number <= 10',
  outputMode: 'update',
  run: (bids) =>
    bids
      .select('auction', 'bidder', 'price', 'channel', 'url', 'dateTime', 'extra')
      .groupByKey((b) => b.auction as number, t.long())
      .flatMapGroupsWithState((auction, rows, state) => topTen(auction, rows as Iterable<BidRow>, state), {
        stateSchema: TOP,
        outputSchema: OUT,
        outputMode: 'update',
      }),
  handLoop: () => {
    const groups = new Map<number, Top>()
    let batchId = 0
    return {
      batch(events) {
        batchId++
        const touched: Top[] = []
        for (const b of bidsOf(events)) {
          let s = groups.get(b.auction)
          if (s === undefined) groups.set(b.auction, (s = { top: [], batch: 0 }))
          insert(s.top, b)
          if (s.batch !== batchId) {
            s.batch = batchId
            touched.push(s)
          }
        }
        return touched.flatMap((s) => s.top.map((b, i): QueryRow => ({ ...b, rank_number: i + 1 })))
      },
      final: () => [],
    }
  },
}
