/**
 * Nexmark bids as JSON lines, as the JSON benchmarks read them (bench/file-formats.ts,
 * bench/ab-json-decode.ts), and their schema with every field nullable, as a user declares it
 * (the nexmark source's own BID_SCHEMA is NOT NULL).
 */
import { nexmarkEvents } from '../src/connectors/nexmark/index.ts'
import { t } from '../src/schema/data-type.ts'

/** Bid's columns, nullable: the schema a JSON reader or a Kafka value is decoded with. */
export const NULLABLE_BID = t.struct({
  auction: t.long(),
  bidder: t.long(),
  price: t.long(),
  channel: t.string(),
  url: t.string(),
  dateTime: t.timestamp(),
  extra: t.string(),
})

/**
 * The first `count` bids of the default generator as JSON lines (Flink's field order, ISO-8601 UTC
 * `dateTime`). @example bidJsonLines(2).length // 2
 */
export function bidJsonLines(count: number): string[] {
  const out: string[] = []
  for (const e of nexmarkEvents({ maxEvents: Math.ceil(count / 0.9) + 100 })) {
    const b = e.bid
    if (b === undefined) continue
    const { auction, bidder, price, channel, url, extra } = b
    out.push(
      JSON.stringify({
        auction,
        bidder,
        price,
        channel,
        url,
        dateTime: new Date(b.dateTime).toISOString(),
        extra,
      }),
    )
    if (out.length === count) break
  }
  return out
}
