/**
 * Fused filter + project + aggregate over in-memory Nexmark-shaped bids:
 *
 *   SELECT auction, count(*) AS n, sum(euros) AS total, max(euros) AS max
 *   FROM (SELECT auction, price * 0.908 AS euros FROM bids WHERE price > 10000)
 *   GROUP BY auction
 *
 * Sluice compiles the filter and projection into the aggregation's generated loop; the baseline is
 * the same computation as a hand-written loop over the same row objects.
 */
import { col, count, type DataFrame, max, Sluice, sum, t } from '../src/index.ts'
import { type Bid, generateBids } from './bids.ts'
import { type Benchmark, close, type Digest, type PreparedVariant, type Settings } from './suite.ts'

// log10(price) is uniform on [2, 8], so price > 1e4 keeps 2/3 of the rows.
const PRICE_THRESHOLD = 10_000
const EUROS_PER_DOLLAR = 0.908
const AUCTIONS = 10_000

interface Group {
  auction: number
  n: number
  total: number
  max: number
}

/**
 * The physical limit: one pass, one Map, no engine.
 * @example handLoop(generateBids({ rows: 10, seed: 1 })).length
 */
export function handLoop(bids: readonly Bid[]): Group[] {
  const groups = new Map<number, Group>()
  for (let i = 0; i < bids.length; i++) {
    const bid = bids[i]
    const price = bid.price
    if (!(price > PRICE_THRESHOLD)) continue
    const euros = price * EUROS_PER_DOLLAR
    const g = groups.get(bid.auction)
    if (g === undefined) {
      groups.set(bid.auction, { auction: bid.auction, n: 1, total: euros, max: euros })
    } else {
      g.n++
      g.total += euros
      if (euros > g.max) g.max = euros
    }
  }
  return [...groups.values()]
}

const nullableSchema = t.struct({
  auction: t.long(),
  bidder: t.long(),
  price: t.long(),
  channel: t.string(),
  dateTime: t.timestamp(),
})
const notNullSchema = t.struct({
  auction: t.notNull(t.long()),
  bidder: t.notNull(t.long()),
  price: t.notNull(t.long()),
  channel: t.notNull(t.string()),
  dateTime: t.notNull(t.timestamp()),
})

function query(df: DataFrame): DataFrame {
  return df
    .filter(col('price').gt(PRICE_THRESHOLD))
    .select(col('auction'), col('price').multiply(EUROS_PER_DOLLAR).alias('euros'))
    .groupBy('auction')
    .agg(count('*').alias('n'), sum('euros').alias('total'), max('euros').alias('max'))
}

function digestOf(groups: readonly Group[]): Digest {
  let rows = 0
  let total = 0
  let maxSum = 0
  let keySum = 0
  for (const g of groups) {
    rows += g.n
    total += g.total
    maxSum += g.max
    keySum += g.auction
  }
  return { groups: groups.length, rows, total, maxSum, keySum }
}

/** Throws unless `actual` has exactly the reference's groups, counts, and (within rounding) sums and maxima. */
function compareGroups(actual: readonly Group[], expected: readonly Group[]): void {
  const fail = (why: string): never => {
    throw new Error(`fused-pipeline: Sluice's result differs from the hand loop's: ${why}`)
  }
  if (actual.length !== expected.length) fail(`${actual.length} groups, expected ${expected.length}`)
  const byKey = new Map(expected.map((g) => [g.auction, g]))
  for (const a of actual) {
    const e = byKey.get(a.auction) ?? fail(`unexpected group auction=${a.auction}`)
    if (a.n !== e.n) fail(`auction=${a.auction}: n=${a.n}, expected ${e.n}`)
    if (!close(a.total, e.total)) fail(`auction=${a.auction}: total=${a.total}, expected ${e.total}`)
    if (!close(a.max, e.max, 1e-12)) fail(`auction=${a.auction}: max=${a.max}, expected ${e.max}`)
  }
}

function baselineVariant(settings: Settings): PreparedVariant {
  const bids = generateBids({ rows: settings.rows, seed: settings.seed, auctions: AUCTIONS })
  return {
    run: () => handLoop(bids),
    verify: (result) => digestOf(result as Group[]),
  }
}

function sluiceVariant(settings: Settings, mode: 'query' | 'query-notnull' | 'e2e'): PreparedVariant {
  const bids = generateBids({ rows: settings.rows, seed: settings.seed, auctions: AUCTIONS })
  const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC', output: () => {} })
  const schema = mode === 'query-notnull' ? notNullSchema : nullableSchema
  // Query-only variants validate and encode the rows once, before timing.
  const df = mode === 'e2e' ? null : sluice.createDataFrame(bids, schema)
  return {
    run: () => query(df ?? sluice.createDataFrame(bids, schema)).collect(),
    verify: (result) => {
      const groups = result as Group[]
      compareGroups(groups, handLoop(bids))
      return digestOf(groups)
    },
  }
}

export const fusedPipeline: Benchmark = {
  name: 'fused-pipeline',
  title: 'Fused filter + project + aggregate',
  description:
    `SELECT auction, count(*), sum(euros), max(euros) FROM (SELECT auction, price * ${EUROS_PER_DOLLAR} AS euros ` +
    `FROM bids WHERE price > ${PRICE_THRESHOLD}) GROUP BY auction, over in-memory Nexmark-shaped bids`,
  params: {
    priceThreshold: PRICE_THRESHOLD,
    eurosPerDollar: EUROS_PER_DOLLAR,
    auctionKeys: AUCTIONS,
    selectivity: '~2/3 of rows pass the filter',
  },
  variants: [
    { name: 'hand-loop', label: 'hand-written JS loop', baseline: true, setup: baselineVariant },
    { name: 'sluice-query', label: 'Sluice, query only', setup: (s) => sluiceVariant(s, 'query') },
    {
      name: 'sluice-query-notnull',
      label: 'Sluice, query only, NOT NULL schema',
      setup: (s) => sluiceVariant(s, 'query-notnull'),
    },
    { name: 'sluice-e2e', label: 'Sluice, incl. createDataFrame', setup: (s) => sluiceVariant(s, 'e2e') },
  ],
}
