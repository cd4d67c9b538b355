/**
 * Deterministic Nexmark-shaped bid rows for benchmarks. The field distributions follow the Nexmark
 * generator (see shared BENCH.md): hot auctions/bidders, log-uniform prices from 100 to 1e8, half
 * the bids on one of four hot channels, rate-derived event times. Unlike Nexmark, the auction key
 * space is fixed (`auctions` distinct ids) so the group count does not grow with the row count.
 */

/** One bid, shaped like Nexmark's Bid (without url/extra, which these benchmarks never read). */
export interface Bid {
  auction: number
  bidder: number
  price: number
  channel: string
  dateTime: number
}

export interface BidOptions {
  readonly rows: number
  readonly seed: number
  /** Distinct auction ids (default 10,000); ids start at 1000 as in Nexmark. */
  readonly auctions?: number
  /** Distinct bidder ids (default 100,000). */
  readonly bidders?: number
}

const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple']
const FIRST_ID = 1000
// 2024-01-01T00:00:00Z; fixed so every run sees the same timestamps.
const BASE_TIME_MS = 1_704_067_200_000
// Nexmark's default first-event rate of 10,000 events/s: event time advances 0.1 ms per event.
const EVENTS_PER_MS = 10

/**
 * A small fast PRNG (mulberry32): 32-bit state, uniform doubles in [0, 1).
 * @example const rand = mulberry32(42); rand() // 0.6011...
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Generates `rows` bids from `seed`; the same options always give the same rows.
 * @example const bids = generateBids({ rows: 1000, seed: 42 }); bids[0].price // e.g. 23911
 */
export function generateBids(opts: BidOptions): Bid[] {
  const rand = mulberry32(opts.seed)
  const auctions = opts.auctions ?? 10_000
  const bidders = opts.bidders ?? 100_000
  // Shared strings: 10M rows must not mean 5M distinct channel strings in memory.
  const coldChannels = Array.from({ length: 10_000 }, (_, i) => `channel-${i}`)
  const out: Bid[] = new Array(opts.rows)
  for (let i = 0; i < opts.rows; i++) {
    // Nexmark's hot ratios: half the bids go to a hot auction (a multiple of 100), 3/4 to a hot bidder.
    const auction = rand() < 0.5 ? Math.floor((rand() * auctions) / 100) * 100 : Math.floor(rand() * auctions)
    const bidder =
      rand() < 0.75 ? Math.floor((rand() * bidders) / 100) * 100 + 1 : Math.floor(rand() * bidders)
    const price = Math.round(10 ** (rand() * 6) * 100)
    const channel =
      rand() < 0.5 ? HOT_CHANNELS[Math.floor(rand() * 4)] : coldChannels[Math.floor(rand() * 10_000)]
    const dateTime = BASE_TIME_MS + Math.floor(i / EVENTS_PER_MS)
    // One object literal site, one field order: every row shares a hidden class.
    out[i] = { auction: auction + FIRST_ID, bidder: bidder + FIRST_ID, price, channel, dateTime }
  }
  return out
}
