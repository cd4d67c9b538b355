/**
 * The `nexmark` streaming source: the deterministic Nexmark generator (shared BENCH.md) as a
 * replayable source. The offset is the number of events emitted so far (a plain integer); batch
 * (start, end] is events start .. end-1 regenerated with `eventAt`, so any range can be re-read
 * after a restart without replaying what came before.
 *
 * With `generators = n` the stream is Flink's source at parallelism n: n sub-generators with
 * disjoint id blocks (`parallelConfigs`) on parallel timelines, interleaved round-robin (event k
 * comes from generator k % n), the last generator's extra remainder events at the end.
 */
import { SluiceError } from '../../errors.ts'
import type { StructType } from '../../schema/data-type.ts'
import type { AvailableNowSource, Offset, ReadLimit, SourceRows } from '../spi.ts'
import type { GeneratorConfig } from './config.ts'
import { eventAt } from './generator.ts'
import { AUCTION, type Auction, BID, type Bid, type NexmarkEvent, PERSON, type Person } from './model.ts'

/** Which rows the source emits: one entity's columns, or every event in Flink's wire form. */
export type NexmarkView = 'bid' | 'auction' | 'person' | 'all'

export interface NexmarkSourceOptions {
  /** The configs of the sub-generators (one per `generators`), from `parallelConfigs`. */
  readonly configs: readonly GeneratorConfig[]
  /** Total events of the stream (the sum of the configs' maxEvents). */
  readonly totalEvents: number
  /** Whether `events` was 0: the stream practically never ends and availableNow has no end. */
  readonly unbounded: boolean
  /** Events per trigger at most. */
  readonly eventsPerBatch: number
  readonly view: NexmarkView
  readonly schema: StructType
  readonly description: string
}

type RowOf = (e: NexmarkEvent) => unknown[] | undefined

const bidRow = (b: Bid): unknown[] => [b.auction, b.bidder, b.price, b.channel, b.url, b.dateTime, b.extra]
const personRow = (p: Person): unknown[] => [
  p.id,
  p.name,
  p.emailAddress,
  p.creditCard,
  p.city,
  p.state,
  p.dateTime,
  p.extra,
]
const auctionRow = (a: Auction): unknown[] => [
  a.id,
  a.itemName,
  a.description,
  a.initialBid,
  a.reserve,
  a.dateTime,
  a.expires,
  a.seller,
  a.category,
  a.extra,
]

// The wire form keeps the generator's entity objects as the struct values: their keys are exactly
// the struct fields, and nothing downstream mutates a row's values.
const ROW_OF: Readonly<Record<NexmarkView, RowOf>> = {
  bid: (e) => (e.type === BID ? bidRow(e.bid as Bid) : undefined),
  person: (e) => (e.type === PERSON ? personRow(e.person as Person) : undefined),
  auction: (e) => (e.type === AUCTION ? auctionRow(e.auction as Auction) : undefined),
  all: (e) => [e.type, e.person ?? null, e.auction ?? null, e.bid ?? null, e.dateTime],
}

/**
 * Deterministic in (start, end] from the offsets alone: nothing is kept between batches but the
 * availableNow end.
 *
 * @example
 * const source = nexmarkSourceProvider.createSource(ctx, schema) // a NexmarkSource
 * const rows = await source.getBatch(0, 100) // the rows among the first 100 events
 */
export class NexmarkSource implements AvailableNowSource {
  readonly description: string
  private readonly opts: NexmarkSourceOptions
  private readonly rowOf: RowOf
  private availableNowEnd: number | undefined

  constructor(opts: NexmarkSourceOptions) {
    this.opts = opts
    this.description = opts.description
    this.rowOf = ROW_OF[opts.view]
  }

  async initialOffset(): Promise<Offset> {
    return 0
  }

  /** `eventsPerBatch` (or a smaller maxRows limit) past `start`, never past the last event. */
  async latestOffset(start: Offset, limit: ReadLimit): Promise<Offset> {
    const s = toOffset(start)
    const step =
      limit.kind === 'maxRows' ? Math.min(this.opts.eventsPerBatch, limit.maxRows) : this.opts.eventsPerBatch
    const last = this.availableNowEnd ?? this.opts.totalEvents
    return Math.max(s, Math.min(s + Math.max(step, 0), last))
  }

  /** Fixes the end at `events`: an unbounded stream has no end to process up to. */
  async prepareForAvailableNow(): Promise<void> {
    if (this.opts.unbounded) {
      throw new SluiceError(
        'UNSUPPORTED_OPERATION',
        "Trigger.availableNow needs a bounded nexmark stream, but option 'events' is 0 (unbounded). Set option('events', N) with N > 0, or use another trigger.",
      )
    }
    this.availableNowEnd = this.opts.totalEvents
  }

  async getBatch(start: Offset, end: Offset): Promise<SourceRows> {
    const s = toOffset(start)
    const e = toOffset(end)
    if (s > e || e > this.opts.totalEvents) {
      throw new SluiceError(
        'INTERNAL',
        `nexmark source: (${s}, ${e}] is not a range of the ${this.opts.totalEvents} events. This is a bug in Sluice; please report it.`,
      )
    }
    const rows: unknown[][] = []
    const rowOf = this.rowOf
    for (let k = s; k < e; k++) {
      const row = rowOf(this.eventAtOffset(k))
      if (row !== undefined) rows.push(row)
    }
    return rows
  }

  /**
   * The event at stream position k: generator k % n while every generator still has events, then
   * the last generator's remainder (the only one that can be longer).
   */
  eventAtOffset(k: number): NexmarkEvent {
    const { configs } = this.opts
    const n = configs.length
    if (n === 1) return eventAt(configs[0], k)
    const common = configs[0].maxEvents
    if (k < common * n) return eventAt(configs[k % n], Math.floor(k / n))
    return eventAt(configs[n - 1], common + (k - common * n))
  }

  async commit(_end: Offset): Promise<void> {}

  async stop(): Promise<void> {}
}

function toOffset(o: Offset): number {
  if (typeof o === 'number' && Number.isSafeInteger(o) && o >= 0) return o
  throw new SluiceError(
    'CHECKPOINT_INCOMPATIBLE',
    `${JSON.stringify(o)} is not a nexmark offset (a count of events): the checkpoint was written for another source. Start the query with a new checkpointLocation.`,
  )
}
