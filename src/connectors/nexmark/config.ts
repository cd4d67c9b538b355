/**
 * Generator configuration (shared BENCH.md; Beam's GeneratorConfig + NexmarkConfiguration): the
 * rate that fixes every event's timestamp, the id block a generator owns, and the knobs of the
 * field distributions. A config is immutable; `split(n)` makes the configs of n parallel generators.
 */
import { SluiceError } from '../../errors.ts'
import { AUCTION_PROPORTION, PROPORTION_DENOMINATOR } from './model.ts'

/** Every option of the generator; `GeneratorConfig` fills the missing ones from NEXMARK_DEFAULTS. */
export interface NexmarkOptions {
  /** Events per second of event time, summed over all generators (first rate of a shape). */
  firstEventRate: number
  /** Second rate of a SQUARE/SINE shape; equal to firstEventRate means a constant rate. */
  nextEventRate: number
  rateShape: 'square' | 'sine'
  /** Length of one full cycle through the shape's rates, in seconds of event time. */
  ratePeriodSec: number
  /** How many generators share the rate; each one's events are this many times further apart. */
  numEventGenerators: number
  /** Events this generator yields; 0 = unbounded (Beam's Long.MAX / (50 * largest avg size)). */
  maxEvents: number
  firstEventId: number
  firstEventNumber: number
  /** Event time (epoch ms) of event number 0. */
  baseTime: number
  /** Events are shuffled (deterministically) within groups of this many; 1 = in order. */
  outOfOrderGroupSize: number
  avgPersonByteSize: number
  avgAuctionByteSize: number
  avgBidByteSize: number
  /** A bid is on a hot auction with P = 1 - 1/hotAuctionRatio. */
  hotAuctionRatio: number
  /** An auction is by a hot seller with P = 1 - 1/hotSellersRatio. */
  hotSellersRatio: number
  /** A bid is by a hot bidder with P = 1 - 1/hotBiddersRatio. */
  hotBiddersRatio: number
  numInFlightAuctions: number
  numActivePeople: number
}

/**
 * BENCH.md's defaults (Flink's NexmarkConfiguration), except `baseTime`: Flink uses now(), which
 * would make the stream differ run to run, so the default is Beam's fixed BASE_TIME
 * (2015-07-15T00:00:00Z); a source that wants wall-clock event time passes `baseTime: Date.now()`.
 */
export const NEXMARK_DEFAULTS: Readonly<NexmarkOptions> = Object.freeze({
  firstEventRate: 10_000,
  nextEventRate: 10_000,
  rateShape: 'square',
  ratePeriodSec: 600,
  numEventGenerators: 1,
  maxEvents: 0,
  firstEventId: 1,
  firstEventNumber: 1,
  baseTime: Date.UTC(2015, 6, 15),
  outOfOrderGroupSize: 1,
  avgPersonByteSize: 200,
  avgAuctionByteSize: 500,
  avgBidByteSize: 100,
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  numInFlightAuctions: 100,
  numActivePeople: 1000,
})

const INT_MAX = 2147483647
// `extra` padding is sliced from a 1 MiB pool (strings.ts), so an average must leave room in it.
const MAX_AVG_BYTES = 1 << 19
// Lower bound of each numeric option (all must be integers).
const MINIMUM: Readonly<Record<Exclude<keyof NexmarkOptions, 'rateShape'>, number>> = {
  firstEventRate: 1,
  nextEventRate: 1,
  ratePeriodSec: 1,
  numEventGenerators: 1,
  maxEvents: 0,
  firstEventId: 0,
  firstEventNumber: 0,
  baseTime: -8.64e15,
  outOfOrderGroupSize: 1,
  avgPersonByteSize: 0,
  avgAuctionByteSize: 0,
  avgBidByteSize: 0,
  hotAuctionRatio: 1,
  hotSellersRatio: 1,
  hotBiddersRatio: 1,
  numInFlightAuctions: 0,
  numActivePeople: 0,
}
// Options Java holds in an int (rates, sizes, ratios): larger values would overflow there.
const INT_OPTIONS = new Set(
  Object.keys(MINIMUM).filter((k) => !/^(maxEvents|firstEvent(Id|Number)|baseTime)$/.test(k)),
)

function validate(options: Partial<NexmarkOptions>): void {
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue
    if (key === 'rateShape') {
      if (value !== 'square' && value !== 'sine') {
        throw new SluiceError(
          'INVALID_OPTION',
          `Nexmark option rateShape must be 'square' or 'sine', got ${String(value)}.`,
        )
      }
      continue
    }
    const min = MINIMUM[key as keyof typeof MINIMUM]
    if (min === undefined) {
      throw new SluiceError(
        'INVALID_OPTION',
        `Unknown Nexmark option \`${key}\`. Known options: ${Object.keys(NEXMARK_DEFAULTS).join(', ')}.`,
      )
    }
    const max = key.startsWith('avg')
      ? MAX_AVG_BYTES
      : INT_OPTIONS.has(key)
        ? INT_MAX
        : Number.MAX_SAFE_INTEGER
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new SluiceError(
        'INVALID_OPTION',
        `Nexmark option ${key} must be an integer in [${min}, ${max}], got ${String(value)}.`,
      )
    }
  }
}

/** Unbounded runs stop at Long.MAX / (50 * largest avg size), as Beam does (so ids stay < 2^53). */
function effectiveMaxEvents(o: NexmarkOptions): number {
  if (o.maxEvents !== 0) return o.maxEvents
  const largest = Math.max(o.avgPersonByteSize, o.avgAuctionByteSize, o.avgBidByteSize, 1)
  return Number(9223372036854775807n / BigInt(PROPORTION_DENOMINATOR * largest))
}

/**
 * The rate steps of a shape: each step's inter-event delay (µs, per generator) and how many events
 * it lasts. Beam rounds the delay to whole µs; Sluice keeps Flink's exact double
 * `1e6 / rate * numEventGenerators` so the constant-rate case is BENCH.md's formula.
 */
function rateSteps(o: NexmarkOptions): { delays: number[]; counts: number[] } {
  const period = (rate: number) => (1e6 / rate) * o.numEventGenerators
  if (o.firstEventRate === o.nextEventRate) return { delays: [period(o.firstEventRate)], counts: [] }
  let rates: number[]
  if (o.rateShape === 'square') {
    rates = [o.firstEventRate, o.nextEventRate]
  } else {
    const mid = (o.firstEventRate + o.nextEventRate) / 2
    const amp = (o.firstEventRate - o.nextEventRate) / 2
    // Beam approximates the sine wave with 10 steps.
    rates = Array.from({ length: 10 }, (_, i) => Math.round(mid + amp * Math.cos((2 * Math.PI * i) / 10)))
  }
  const stepLengthSec = Math.floor((o.ratePeriodSec + rates.length - 1) / rates.length)
  const delays = rates.map(period)
  return { delays, counts: delays.map((d) => Math.floor((stepLengthSec * 1e6) / d)) }
}

/**
 * An immutable generator configuration: the options plus what is derived from them.
 * @example new GeneratorConfig({ maxEvents: 1000 }).timestampForEvent(10) // baseTime + 1
 */
export class GeneratorConfig {
  readonly options: Readonly<NexmarkOptions>
  /** Effective event count (unbounded = Beam's large finite count). */
  readonly maxEvents: number
  readonly firstEventId: number
  readonly firstEventNumber: number
  readonly baseTime: number
  readonly outOfOrderGroupSize: number
  /** Inter-event delay in µs of a constant-rate config (the first step of a shaped one). */
  readonly interEventDelayUs: number
  /** Events ahead of an auction whose timestamp is its mean expiry: numInFlightAuctions*50/3. */
  readonly auctionHorizonEvents: number
  private readonly stepDelays: number[]
  private readonly stepCounts: number[]
  private readonly stepMs: number[]
  private readonly eventsPerEpoch: number
  private readonly epochPeriodMs: number

  /** `exactMaxEvents` (used by split/copyWith) is taken as is, so a block of 0 events stays empty. */
  constructor(options: Partial<NexmarkOptions> = {}, exactMaxEvents?: number) {
    validate(options)
    const o: NexmarkOptions = { ...NEXMARK_DEFAULTS }
    for (const [k, v] of Object.entries(options))
      if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v
    this.options = Object.freeze(o)
    this.maxEvents = exactMaxEvents ?? effectiveMaxEvents(o)
    this.firstEventId = o.firstEventId
    this.firstEventNumber = o.firstEventNumber
    this.baseTime = o.baseTime
    this.outOfOrderGroupSize = o.outOfOrderGroupSize
    this.auctionHorizonEvents = Math.floor(
      (o.numInFlightAuctions * PROPORTION_DENOMINATOR) / AUCTION_PROPORTION,
    )
    const { delays, counts } = rateSteps(o)
    this.stepDelays = delays
    this.stepCounts = counts
    this.interEventDelayUs = delays[0]
    this.stepMs = counts.map((c, i) => Math.floor((c * delays[i]) / 1000))
    this.eventsPerEpoch = counts.reduce((a, b) => a + b, 0)
    this.epochPeriodMs = this.stepMs.reduce((a, b) => a + b, 0)
  }

  /**
   * Copy with another id block / count / first event number (Beam's copyWith).
   * @example config.copyWith(1 + 500, 500, 1)
   */
  copyWith(firstEventId: number, maxEvents: number, firstEventNumber: number): GeneratorConfig {
    return new GeneratorConfig({ ...this.options, firstEventId, maxEvents, firstEventNumber }, maxEvents)
  }

  /**
   * n configs with disjoint blocks of event ids (maxEvents/n each, the last takes the remainder)
   * and the same firstEventNumber, so the generators run on parallel timelines. The rate is divided
   * only when `numEventGenerators` is n (see `parallelConfigs`).
   * @example new GeneratorConfig({ maxEvents: 100 }).split(4).map((c) => c.firstEventId) // [1, 26, 51, 76]
   */
  split(n: number): GeneratorConfig[] {
    if (!Number.isInteger(n) || n < 1) {
      throw new SluiceError('INVALID_ARGUMENT', `split(n) needs a positive integer n, got ${String(n)}.`)
    }
    if (n === 1) return [this]
    const out: GeneratorConfig[] = []
    const sub = Math.floor(this.maxEvents / n)
    let firstId = this.firstEventId
    for (let i = 0; i < n; i++) {
      const count = i === n - 1 ? this.maxEvents - sub * (n - 1) : sub
      out.push(this.copyWith(firstId, count, this.firstEventNumber))
      firstId += count
    }
    return out
  }

  /**
   * Event number of the event yielded after `count` others: firstEventNumber + count.
   * @example config.eventNumber(0) // 1 with the defaults
   */
  eventNumber(count: number): number {
    return this.firstEventNumber + count
  }

  /**
   * Event number after the out-of-order shuffle: floor(e/G)*G + (e*953) % G.
   * @example new GeneratorConfig({ outOfOrderGroupSize: 10 }).adjustedEventNumber(0) // 3 (e = 1: 953 % 10)
   */
  adjustedEventNumber(count: number): number {
    const g = this.outOfOrderGroupSize
    const e = this.firstEventNumber + count
    if (g === 1) return e
    // e*953 can pass 2^53 for huge e; (e mod G)*953 mod G is the same residue, computed exactly.
    return Math.floor(e / g) * g + (((e % g) * 953) % g)
  }

  /**
   * Event number whose timestamp bounds this and every later event's time: floor(e/G)*G.
   * @example config.watermarkEventNumber(0) // 1 with the defaults
   */
  watermarkEventNumber(count: number): number {
    const g = this.outOfOrderGroupSize
    return Math.floor((this.firstEventNumber + count) / g) * g
  }

  /**
   * Event time (epoch ms) of event number k: baseTime + floor(floor(k * delayUs) / 1000) for a
   * constant rate; for a shaped rate, Beam's walk through the steps of each epoch.
   * @example new GeneratorConfig({ baseTime: 0 }).timestampForEvent(25) // 2 (0.1 ms per event)
   */
  timestampForEvent(k: number): number {
    if (this.stepCounts.length === 0) {
      return this.baseTime + Math.floor(Math.floor(k * this.interEventDelayUs) / 1000)
    }
    const epoch = Math.floor(k / this.eventsPerEpoch)
    let n = k - epoch * this.eventsPerEpoch
    let offsetMs = 0
    for (let i = 0; i < this.stepCounts.length; i++) {
      if (n < this.stepCounts[i]) {
        const inStepMs = Math.floor(Math.floor(n * this.stepDelays[i]) / 1000)
        return this.baseTime + epoch * this.epochPeriodMs + offsetMs + inStepMs
      }
      n -= this.stepCounts[i]
      offsetMs += this.stepMs[i]
    }
    throw new SluiceError('INTERNAL', `Nexmark rate steps do not cover event number ${k}.`)
  }
}

/**
 * The configs of n generators meant to run side by side: `numEventGenerators` is set to n (so the
 * aggregate rate is firstEventRate) and the id space is split n ways, as Flink's source does.
 * @example parallelConfigs({ maxEvents: 100_000_000 }, 8)[1].firstEventId // 12_500_001
 */
export function parallelConfigs(options: Partial<NexmarkOptions>, n: number): GeneratorConfig[] {
  return new GeneratorConfig({ ...options, numEventGenerators: n }).split(n)
}
