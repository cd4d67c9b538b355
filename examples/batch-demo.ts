// The README's first command runs this: a small batch pipeline over generated auction bids, built
// from the package itself (`import ... from 'sluice'` resolves to the built dist/).
import { avg, col, count, desc, expr, max, Sluice, t, when } from 'sluice'

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })

const Bid = t.struct({
  auction: t.notNull(t.long()),
  bidder: t.notNull(t.long()),
  price: t.notNull(t.long()),
  channel: t.string(),
  dateTime: t.notNull(t.timestamp()),
})

// A deterministic generator (mulberry32), so every run prints the same tables.
let seed = 42
const rand = (): number => {
  seed = (seed + 0x6d2b79f5) | 0
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296
}
const channels = ['Google', 'Facebook', 'Baidu', 'Apple', null]
const start = Date.UTC(2026, 10, 21, 12, 0, 0)
const bids = Array.from({ length: 100_000 }, (_, i) => ({
  auction: 1000 + Math.floor(rand() * 50),
  bidder: 2000 + Math.floor(rand() * 500),
  price: Math.round(10 ** (rand() * 6) * 100),
  channel: channels[Math.floor(rand() * channels.length)],
  dateTime: start + i * 10,
}))

const df = sluice.createDataFrame(bids, Bid)
console.log(`${df.count()} bids; schema:`)
df.printSchema()

console.log('Top auctions by euro volume (filter + project + aggregate, fused into one generated loop):')
df.filter(col('price').gt(1000))
  .select(col('auction'), col('price').multiply(0.908).alias('euros'), col('channel'))
  .groupBy('auction')
  .agg(count('*').alias('bids'), max('euros').alias('top'), avg('euros').alias('mean'))
  .orderBy(desc('bids'))
  .show(5)

console.log('Price bands per channel, written as Spark SQL expressions:')
df.select(
  expr("coalesce(channel, 'direct') AS channel"),
  when(col('price').lt(10_000), 'low')
    .when(col('price').lt(1_000_000), 'mid')
    .otherwise('high')
    .alias('band'),
)
  .groupBy('channel', 'band')
  .agg(count('*').alias('n'))
  .orderBy('channel', 'band')
  .show(6)
