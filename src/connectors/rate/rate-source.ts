/**
 * The `rate` source, as Spark's `RateStreamMicroBatchStream`: `rowsPerSecond` rows per second of
 * processing time (after an optional linear ramp-up), values 0, 1, 2, ... and timestamps spread
 * evenly over the second they belong to.
 *
 * Offset: `{ startTimeMs, seconds }` — the seconds elapsed since the source's start time, which
 * travels in the offset. Spark keeps the start time in a source-private log instead
 * (`sources/<id>/0`) and its offset is the bare number of seconds; carrying it in the offset makes a
 * rerun batch read the same rows after a restart with no file of the source's own (the offsets log
 * is the only state), and a fresh query (no checkpoint) starts a fresh clock, as in Spark.
 *
 * @example
 * // offsets/N holds e.g. {"startTimeMs":1700000000000,"seconds":12}
 */
import { SluiceError } from '../../errors.ts'
import type { ConnectorContext, Offset, ReadLimit, Source, SourceRows } from '../spi.ts'

export interface RateOffset {
  readonly startTimeMs: number
  readonly seconds: number
}

export interface RateOptions {
  readonly rowsPerSecond: number
  readonly rampUpTimeSeconds: number
  readonly numPartitions: number
  /** Whether numPartitions was given (the description says `default` otherwise, as Spark's). */
  readonly numPartitionsGiven: boolean
}

/**
 * The value one past the last row emitted by `seconds` after the start (Spark's
 * `RateStreamProvider.valueAtSecond`): the speed grows by `rowsPerSecond / (rampUpTimeSeconds + 1)`
 * (integer division) each second until the ramp-up ends.
 *
 * @example
 * valueAtSecond(3, 10, 4) // 12: speeds 2, 4, 6 in seconds 1..3
 */
export function valueAtSecond(seconds: number, rowsPerSecond: number, rampUpTimeSeconds: number): number {
  const speedDeltaPerSecond = Math.floor(rowsPerSecond / (rampUpTimeSeconds + 1))
  if (seconds <= rampUpTimeSeconds) {
    // Spark halves the even factor first so the product stays in range; the result is exact.
    return seconds % 2 === 1
      ? ((seconds + 1) / 2) * speedDeltaPerSecond * seconds
      : (seconds / 2) * speedDeltaPerSecond * (seconds + 1)
  }
  const rampUpPart = valueAtSecond(rampUpTimeSeconds, rowsPerSecond, rampUpTimeSeconds)
  return rampUpPart + (seconds - rampUpTimeSeconds) * rowsPerSecond
}

/**
 * The largest offset (in seconds) whose values stay exact in a JS number (Spark: Long.MaxValue / rowsPerSecond).
 *
 * @example
 * maxRateSeconds(2 ** 52) // 1
 */
export function maxRateSeconds(rowsPerSecond: number): number {
  return Math.floor(Number.MAX_SAFE_INTEGER / rowsPerSecond)
}

/** One rate stream of one query run. Not notifying: new data comes with time, the trigger polls. */
export class RateSource implements Source {
  readonly description: string
  private readonly opts: RateOptions
  private readonly ctx: ConnectorContext
  private readonly creationTimeMs: number
  /** The latest time seen: offsets never move back even if the clock does (Spark's `lastTimeMs`). */
  private lastTimeMs: number

  constructor(ctx: ConnectorContext, opts: RateOptions) {
    this.ctx = ctx
    this.opts = opts
    this.creationTimeMs = ctx.now()
    this.lastTimeMs = this.creationTimeMs
    this.description =
      `RateStreamV2[rowsPerSecond=${opts.rowsPerSecond}, rampUpTimeSeconds=${opts.rampUpTimeSeconds}, ` +
      `numPartitions=${opts.numPartitionsGiven ? opts.numPartitions : 'default'}]`
  }

  async initialOffset(): Promise<Offset> {
    return { startTimeMs: this.creationTimeMs, seconds: 0 } satisfies RateOffset
  }

  /** Whole seconds elapsed since the start time; the read limit does not apply (as in Spark). */
  async latestOffset(start: Offset, _limit: ReadLimit): Promise<Offset> {
    const s = toRateOffset(start)
    const now = this.ctx.now()
    if (now > this.lastTimeMs) this.lastTimeMs = now
    const elapsed = Math.floor((this.lastTimeMs - s.startTimeMs) / 1000)
    return { startTimeMs: s.startTimeMs, seconds: Math.max(s.seconds, elapsed) } satisfies RateOffset
  }

  async getBatch(start: Offset, end: Offset): Promise<SourceRows> {
    const s = toRateOffset(start)
    const e = toRateOffset(end)
    if (s.startTimeMs !== e.startTimeMs || s.seconds > e.seconds) {
      throw new SluiceError(
        'INTERNAL',
        `rate source: the range (${JSON.stringify(start)}, ${JSON.stringify(end)}] is not a forward range of one stream. This is a bug in Sluice; please report it.`,
      )
    }
    const { rowsPerSecond, rampUpTimeSeconds } = this.opts
    const maxSeconds = maxRateSeconds(rowsPerSecond)
    if (e.seconds > maxSeconds) {
      throw new SluiceError(
        'ARITHMETIC_OVERFLOW',
        `Max offset with ${rowsPerSecond} rowsPerSecond is ${maxSeconds}, but it's ${e.seconds} now: the rate source's values would pass 2^53 - 1. Lower rowsPerSecond.`,
      )
    }
    // A rerun after a restart moves the clock to the end it reads (Spark: "Fix lastTimeMs for recovery").
    this.lastTimeMs = Math.max(this.lastTimeMs, e.startTimeMs + e.seconds * 1000)
    const rangeStart = valueAtSecond(s.seconds, rowsPerSecond, rampUpTimeSeconds)
    const rangeEnd = valueAtSecond(e.seconds, rowsPerSecond, rampUpTimeSeconds)
    if (rangeStart === rangeEnd) return []
    return rateRows(rangeStart, rangeEnd, s.startTimeMs + s.seconds * 1000, {
      msPerValue: ((e.seconds - s.seconds) * 1000) / (rangeEnd - rangeStart),
      numPartitions: this.opts.numPartitions,
    })
  }

  async commit(_end: Offset): Promise<void> {}

  async stop(): Promise<void> {}
}

/**
 * Rows for values [rangeStart, rangeEnd), partition after partition as Spark's readers produce
 * them (partition p holds rangeStart + p, + p + numPartitions, ...), each timestamped at its share
 * of the batch's seconds rounded to the millisecond.
 */
function rateRows(
  rangeStart: number,
  rangeEnd: number,
  localStartTimeMs: number,
  opts: { msPerValue: number; numPartitions: number },
): SourceRows {
  const rows: unknown[][] = new Array(rangeEnd - rangeStart)
  let i = 0
  for (let p = 0; p < opts.numPartitions; p++) {
    for (let v = rangeStart + p; v < rangeEnd; v += opts.numPartitions) {
      rows[i++] = [localStartTimeMs + Math.round((v - rangeStart) * opts.msPerValue), v]
    }
  }
  return rows
}

function toRateOffset(o: Offset): RateOffset {
  const r = o as Partial<RateOffset> | null
  if (
    r !== null &&
    typeof r === 'object' &&
    Number.isSafeInteger(r.startTimeMs) &&
    Number.isSafeInteger(r.seconds) &&
    (r.seconds as number) >= 0
  ) {
    return r as RateOffset
  }
  throw new SluiceError(
    'CHECKPOINT_INCOMPATIBLE',
    `${JSON.stringify(o)} is not a rate source offset ({"startTimeMs": <ms>, "seconds": <n>}): the checkpoint was written for another source. Start the query with a new checkpointLocation.`,
  )
}
