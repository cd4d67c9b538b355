/**
 * The `rate-micro-batch` source, as Spark's `RatePerMicroBatchStream`: every batch gets exactly
 * `rowsPerBatch` new values and advances event time by `advanceMillisPerBatch`, whatever the
 * trigger or the processing speed, so batch k holds values k*rowsPerBatch .. (k+1)*rowsPerBatch-1,
 * all stamped `startTimestamp + k*advanceMillisPerBatch`.
 *
 * Offset (Spark's JSON, unchanged): `{"offset": <values emitted>, "timestamp": <event time of the
 * next batch>}`; the initial offset is `{"offset": 0, "timestamp": startTimestamp}`.
 */
import { SluiceError } from '../../errors.ts'
import type { AvailableNowSource, Offset, ReadLimit, SourceRows } from '../spi.ts'

export interface RateMicroBatchOffset {
  readonly offset: number
  readonly timestamp: number
}

export interface RateMicroBatchOptions {
  readonly rowsPerBatch: number
  readonly numPartitions: number
  readonly startTimestamp: number
  readonly advanceMillisPerBatch: number
}

/** Deterministic in (start, end] from the offsets alone: no state survives or needs to. */
export class RateMicroBatchSource implements AvailableNowSource {
  readonly description: string
  private readonly opts: RateMicroBatchOptions
  private availableNow = false
  private availableNowEnd: RateMicroBatchOffset | undefined

  constructor(opts: RateMicroBatchOptions) {
    this.opts = opts
    this.description =
      `RatePerMicroBatchStream[rowsPerBatch=${opts.rowsPerBatch}, numPartitions=${opts.numPartitions}, ` +
      `startTimestamp=${opts.startTimestamp}, advanceMsPerBatch=${opts.advanceMillisPerBatch}]`
  }

  async initialOffset(): Promise<Offset> {
    return { offset: 0, timestamp: this.opts.startTimestamp } satisfies RateMicroBatchOffset
  }

  /**
   * One batch past `start` on every call. A `maxRows` limit below `rowsPerBatch` shortens the batch
   * (Spark never passes one: its default read limit is `rowsPerBatch` itself). After
   * `prepareForAvailableNow` the first answer is fixed, so `availableNow` runs exactly one batch, as
   * in Spark.
   */
  async latestOffset(start: Offset, limit: ReadLimit): Promise<Offset> {
    if (this.availableNow && this.availableNowEnd !== undefined) return this.availableNowEnd
    const s = toOffset(start)
    const rows =
      limit.kind === 'maxRows' ? Math.min(this.opts.rowsPerBatch, limit.maxRows) : this.opts.rowsPerBatch
    if (rows <= 0) return s
    const end: RateMicroBatchOffset = {
      offset: Math.min(s.offset + rows, Number.MAX_SAFE_INTEGER),
      timestamp: s.timestamp + this.opts.advanceMillisPerBatch,
    }
    if (this.availableNow) this.availableNowEnd = end
    return end
  }

  async prepareForAvailableNow(): Promise<void> {
    this.availableNow = true
  }

  async getBatch(start: Offset, end: Offset): Promise<SourceRows> {
    const s = toOffset(start)
    const e = toOffset(end)
    if (s.offset > e.offset || s.timestamp > e.timestamp) {
      throw new SluiceError(
        'INTERNAL',
        `rate-micro-batch source: (${JSON.stringify(start)}, ${JSON.stringify(end)}] is not a forward range. This is a bug in Sluice; please report it.`,
      )
    }
    const rows: unknown[][] = new Array(e.offset - s.offset)
    const n = this.opts.numPartitions
    let i = 0
    // Partition after partition, as Spark's readers produce them (partition p: start + p, + n, ...).
    for (let p = 0; p < n; p++) {
      for (let v = s.offset + p; v < e.offset; v += n) rows[i++] = [s.timestamp, v]
    }
    return rows
  }

  async commit(_end: Offset): Promise<void> {}

  async stop(): Promise<void> {}
}

function toOffset(o: Offset): RateMicroBatchOffset {
  const r = o as Partial<RateMicroBatchOffset> | null
  if (
    r !== null &&
    typeof r === 'object' &&
    Number.isSafeInteger(r.offset) &&
    Number.isSafeInteger(r.timestamp)
  ) {
    return r as RateMicroBatchOffset
  }
  throw new SluiceError(
    'CHECKPOINT_INCOMPATIBLE',
    `${JSON.stringify(o)} is not a rate-micro-batch offset ({"offset": <n>, "timestamp": <ms>}): the checkpoint was written for another source. Start the query with a new checkpointLocation.`,
  )
}
