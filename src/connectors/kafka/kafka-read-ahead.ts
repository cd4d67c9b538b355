/**
 * The Kafka source's read-ahead: while a micro-batch is processed, the records the next batch will
 * likely read are fetched in the background (as Spark's consumer pool and Kafka clients prefetch),
 * and the next batch takes them from memory for the prefix of its planned range, fetching only the
 * rest.
 *
 * NOTE: why this changes no batch's rows. The buffer of a partition holds every record of one offset
 * range [from, until) read exactly as the range reader reads (same fetch settings, read_committed
 * filter, gaps skipped), and only ranges below the latest offset the source has seen (the last stable
 * offset under read_committed: every transaction there is decided) are read ahead. A batch whose
 * range starts at `from` takes the buffered rows with offsets below its end; rows past its end stay
 * buffered for the batch after, never handed out early. A batch starting anywhere else drops the
 * buffer. A read-ahead that fails or meets lost data is dropped whole, so the batch reads that range
 * itself and reports it as before. The buffer lives in memory only: a rerun after a restart reads its
 * range from Kafka, and the offsets planned and committed are the same as without it.
 */
import type { DataLossCounter } from './kafka-errors.ts'
import type { TpKey } from './kafka-json.ts'
import type { KafkaRangeReader, OffsetRange } from './kafka-range-reader.ts'
import { DEFAULT_RETRY_POLICY, type KafkaRetryPolicy } from './kafka-retry.ts'

interface Buffered {
  readonly from: number
  readonly until: number
  readonly rows: unknown[][]
}

/**
 * A read-ahead is not retried: one that fails is dropped at once and the batch reads (and retries)
 * the range itself, so a broker outage is waited out once, not twice.
 */
const NO_RETRIES: KafkaRetryPolicy = Object.freeze({ ...DEFAULT_RETRY_POLICY, deadlineMs: 0, attempts: 1 })

/** Column of a row's offset in the Kafka schema (kafka-rows.ts). */
const OFFSET = 4

export class KafkaReadAhead {
  private readonly reader: KafkaRangeReader
  private readonly buffers = new Map<TpKey, Buffered>()
  private inFlight: Promise<void> | null = null

  constructor(reader: KafkaRangeReader) {
    this.reader = reader
  }

  /**
   * The rows of `ranges` (partition after partition, each in offset order): the buffered prefix of
   * each range, then the rest read from Kafka. Waits for a read-ahead in flight first.
   *
   * @example
   * const rows = await readAhead.read([{ tp: 'orders:0', from: 100, until: 200 }], counter)
   */
  async read(ranges: readonly OffsetRange[], counter: DataLossCounter): Promise<unknown[][]> {
    await this.settled()
    const wanted = new Set(ranges.map((r) => r.tp))
    for (const tp of this.buffers.keys()) if (!wanted.has(tp)) this.buffers.delete(tp)
    const prefixes = ranges.map((r) => this.takePrefix(r))
    const rest = ranges.map((r, i) => ({ tp: r.tp, from: prefixes[i].next, until: r.until }))
    const fresh = await this.reader.readEach(rest, counter)
    if (prefixes.every((p) => p.rows.length === 0)) return fresh.length === 1 ? fresh[0] : fresh.flat()
    const out: unknown[][] = []
    for (let i = 0; i < ranges.length; i++) {
      for (const row of prefixes[i].rows) out.push(row)
      for (const row of fresh[i]) out.push(row)
    }
    return out
  }

  /**
   * Starts reading `ranges` in the background, each from where its buffer ends (a buffer that does
   * not end at a range's start is dropped). A failure, not retried, only drops the buffers.
   *
   * @example
   * readAhead.start([{ tp: 'orders:0', from: 200, until: 300 }])
   */
  start(ranges: readonly OffsetRange[]): void {
    if (this.inFlight !== null) return
    const todo: OffsetRange[] = []
    for (const r of ranges) {
      const b = this.buffers.get(r.tp)
      if (b !== undefined && b.from !== r.from) this.buffers.delete(r.tp)
      const from = this.buffers.get(r.tp)?.until ?? r.from
      if (from < r.until) todo.push({ tp: r.tp, from, until: r.until })
    }
    if (todo.length === 0) return
    const counter: DataLossCounter = { dataLoss: 0, offsetOutOfRange: 0 }
    this.inFlight = this.reader
      .readEach(todo, counter, NO_RETRIES)
      .then(
        (rows) => {
          if (counter.dataLoss > 0) this.buffers.clear()
          else for (let i = 0; i < todo.length; i++) this.append(todo[i], rows[i])
        },
        () => this.buffers.clear(),
      )
      .finally(() => {
        this.inFlight = null
      })
  }

  /** Buffered rows, all partitions (for tests and metrics). */
  get bufferedRows(): number {
    let n = 0
    for (const b of this.buffers.values()) n += b.rows.length
    return n
  }

  /** Waits for the read-ahead in flight (if any) to end; it never rejects. */
  async settled(): Promise<void> {
    await this.inFlight
  }

  /** Drops every buffered row. */
  clear(): void {
    this.buffers.clear()
  }

  private append(r: OffsetRange, rows: unknown[][]): void {
    const b = this.buffers.get(r.tp)
    if (b === undefined || b.until !== r.from) {
      this.buffers.set(r.tp, { from: r.from, until: r.until, rows })
      return
    }
    for (const row of rows) b.rows.push(row)
    this.buffers.set(r.tp, { from: b.from, until: r.until, rows: b.rows })
  }

  /** The buffered rows of `r`'s prefix and where reading from Kafka goes on; the rest stays buffered. */
  private takePrefix(r: OffsetRange): { rows: unknown[][]; next: number } {
    const b = this.buffers.get(r.tp)
    if (b === undefined || b.from !== r.from || r.until <= r.from) {
      this.buffers.delete(r.tp)
      return { rows: [], next: r.from }
    }
    let k = 0
    while (k < b.rows.length && (b.rows[k][OFFSET] as number) < r.until) k++
    if (b.until > r.until) this.buffers.set(r.tp, { from: r.until, until: b.until, rows: b.rows.slice(k) })
    else this.buffers.delete(r.tp)
    return { rows: k === b.rows.length ? b.rows : b.rows.slice(0, k), next: Math.min(b.until, r.until) }
  }
}
