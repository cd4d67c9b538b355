/**
 * `format('nexmark')`: the Nexmark generator as a streaming source. Options (shared BENCH.md,
 * Flink's NexmarkSourceOptions): `events` (required: N > 0 events, or 0 for an unbounded stream),
 * `rate` (first event rate, events per second of event time summed over generators, default
 * 10,000), `generators` (default 1), `outOfOrderGroupSize` (default 1), `eventsPerBatch` (events
 * per trigger at most, default 100,000), `view` (`bid`, `auction` or `person`; absent = every
 * event in Flink's wire form), and the runtime's `maxOffsetsPerTrigger` (a further cap, in events).
 */
import { type StructType, t } from '../../schema/data-type.ts'
import { readOptions, userSchemaNotSupported } from '../connector-options.ts'
import type { SourceProvider } from '../spi.ts'
import { parallelConfigs } from './config.ts'
import { NexmarkSource, type NexmarkSourceOptions, type NexmarkView } from './nexmark-source.ts'

const KNOWN = [
  'events',
  'rate',
  'generators',
  'outOfOrderGroupSize',
  'eventsPerBatch',
  'view',
  'maxOffsetsPerTrigger',
]
const VIEWS = new Set(['bid', 'auction', 'person'])

const long = t.notNull(t.long())
const str = t.notNull(t.string())
const ts = t.notNull(t.timestamp())

/** The `bid` view's columns (BENCH.md's Bid). */
export const BID_SCHEMA = t.struct({
  auction: long,
  bidder: long,
  price: long,
  channel: str,
  url: str,
  dateTime: ts,
  extra: str,
})

/** The `person` view's columns (BENCH.md's Person). */
export const PERSON_SCHEMA = t.struct({
  id: long,
  name: str,
  emailAddress: str,
  creditCard: str,
  city: str,
  state: str,
  dateTime: ts,
  extra: str,
})

/** The `auction` view's columns (BENCH.md's Auction). */
export const AUCTION_SCHEMA = t.struct({
  id: long,
  itemName: str,
  description: str,
  initialBid: long,
  reserve: long,
  dateTime: ts,
  expires: ts,
  seller: long,
  category: long,
  extra: str,
})

/** Every event in Flink's wire form: event_type 0/1/2 and the one set entity sub-row. */
export const EVENT_SCHEMA = t.struct({
  event_type: t.notNull(t.int()),
  person: PERSON_SCHEMA,
  auction: AUCTION_SCHEMA,
  bid: BID_SCHEMA,
  dateTime: ts,
})

const SCHEMAS: Readonly<Record<NexmarkView, StructType>> = {
  bid: BID_SCHEMA,
  person: PERSON_SCHEMA,
  auction: AUCTION_SCHEMA,
  all: EVENT_SCHEMA,
}

/**
 * Validates the nexmark source's options and builds the source's settings.
 *
 * @example
 * parseNexmarkOptions({ events: '1000', view: 'bid' }).totalEvents // 1000
 */
export function parseNexmarkOptions(options: Readonly<Record<string, string>>): NexmarkSourceOptions {
  const o = readOptions('nexmark source', options, KNOWN)
  if (o.get('events') === undefined) {
    throw o.invalid(
      'events',
      "the option is required: set option('events', N) with N > 0 for a bounded stream, or 0 for an unbounded one",
    )
  }
  const events = o.long('events', 0)
  if (events < 0) throw o.invalid('events', 'it must be 0 (unbounded) or positive')
  const rate = o.int('rate', 10_000)
  if (rate <= 0) throw o.invalid('rate', 'it must be positive (events per second of event time)')
  const generators = o.int('generators', 1)
  if (generators <= 0) throw o.invalid('generators', 'it must be positive')
  const outOfOrderGroupSize = o.int('outOfOrderGroupSize', 1)
  if (outOfOrderGroupSize <= 0) throw o.invalid('outOfOrderGroupSize', 'it must be positive (1 = in order)')
  const eventsPerBatch = o.long('eventsPerBatch', 100_000)
  if (eventsPerBatch <= 0) throw o.invalid('eventsPerBatch', 'it must be positive')
  if (o.long('maxOffsetsPerTrigger', 1) <= 0) throw o.invalid('maxOffsetsPerTrigger', 'it must be positive')
  const rawView = o.get('view')
  if (rawView !== undefined && !VIEWS.has(rawView.toLowerCase())) {
    throw o.invalid('view', "expected 'bid', 'auction' or 'person' (or no view for every event)")
  }
  const view = (rawView?.toLowerCase() ?? 'all') as NexmarkView
  const configs = parallelConfigs(
    { maxEvents: events, firstEventRate: rate, nextEventRate: rate, outOfOrderGroupSize },
    generators,
  )
  return {
    configs,
    totalEvents: configs.reduce((sum, c) => sum + c.maxEvents, 0),
    unbounded: events === 0,
    eventsPerBatch,
    view,
    schema: SCHEMAS[view],
    description:
      `NexmarkSource[events=${events}, rate=${rate}, generators=${generators}, ` +
      `outOfOrderGroupSize=${outOfOrderGroupSize}, view=${view}]`,
  }
}

/**
 * The `nexmark` source provider.
 *
 * @example
 * nexmarkSourceProvider.schema({ events: '10', view: 'bid' }, undefined) // BID_SCHEMA
 */
export const nexmarkSourceProvider: SourceProvider = Object.freeze({
  name: 'nexmark',
  schema(options: Readonly<Record<string, string>>, userSchema: StructType | undefined): StructType {
    if (userSchema !== undefined) throw userSchemaNotSupported('nexmark')
    return parseNexmarkOptions(options).schema
  },
  validate(options: Readonly<Record<string, string>>): void {
    parseNexmarkOptions(options)
  },
  createSource(ctx, _schema) {
    return new NexmarkSource(parseNexmarkOptions(ctx.options))
  },
} satisfies SourceProvider)
