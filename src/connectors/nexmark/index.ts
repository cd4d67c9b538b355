/**
 * Sluice's deterministic Nexmark generator (shared BENCH.md). Beam's choices where the two reference
 * generators differ: every event's fields come from a java.util.Random seeded with its event id (so
 * a stream is repeatable), and bidder ids get the person-id offset once (so person–bid joins match).
 */
export { GeneratorConfig, NEXMARK_DEFAULTS, type NexmarkOptions, parallelConfigs } from './config.ts'
export { lastBase0AuctionId, lastBase0PersonId, nextPrice } from './entities.ts'
export { emitOffsetMs, eventAt, eventIdAt, nexmarkEvents, watermarkAt } from './generator.ts'
export * from './model.ts'
export { JavaRandom } from './random.ts'
export { channelName, channelUrl, EXTRA_POOL, HOT_URLS, nextExtra, nextString } from './strings.ts'
