/**
 * `readStream.format('kafka')`: Spark's KafkaMicroBatchStream. The offset is Spark's JSON
 * `{"topic":{"0":23}}` (per partition, the next offset to read) and lives only in the query's
 * checkpoint, never in a consumer group. Batch N reads exactly [start, end) of every partition
 * (kafka-range-reader.ts), so a rerun after a crash reads the same records.
 *
 * - The initial offsets (`startingOffsets`, `startingTimestamp`, ...) are resolved once and written to
 *   `C/sources/<id>/0` before use (Spark's KafkaSourceInitialOffsetWriter), so a restart before the
 *   first commit starts from the same place even with `latest`.
 * - Partitions that appear later (a topic grown, a new topic matching `subscribePattern`) are read
 *   from their earliest offset; partitions that disappear, or offsets aged out by retention, are
 *   data loss: an error naming the partition and offsets, or with `failOnDataLoss` false skipped
 *   and counted (`dataLoss`, `offsetOutOfRange` in the source's progress metrics).
 * - `maxOffsetsPerTrigger` (the runtime's read limit) is split across partitions by their lag;
 *   `minOffsetsPerTrigger` delays a batch until enough offsets are there or `maxTriggerDelay`
 *   passed (on the session clock). Trigger.availableNow reads up to the offsets at its start, in
 *   batches of `maxOffsetsPerTrigger`.
 */
import { FileMetadataLog } from '../../checkpoint/file-metadata-log.ts'
import { type FileCodec, FormatProblem } from '../../checkpoint/versioned-file.ts'
import { nodeFileSystem } from '../../io/fs.ts'
import type { AvailableNowSource, ConnectorContext, Offset, ReadLimit, SourceRows } from '../spi.ts'
import { type DataLossCounter, reportDataLoss } from './kafka-errors.ts'
import {
  offsetsFromJson,
  offsetsToJson,
  type PartitionOffsets,
  sortTps,
  type TpKey,
  tpName,
  tpSet,
} from './kafka-json.ts'
import { KafkaOffsetReader } from './kafka-offset-reader.ts'
import { KafkaRangeReader, type OffsetRange } from './kafka-range-reader.ts'
import { delayBatch, offsetsBehindLatest, rateLimit, type TriggerDelayState } from './kafka-rate-limit.ts'
import { KafkaReadAhead } from './kafka-read-ahead.ts'
import type { KafkaSourceOptions } from './kafka-source-options.ts'

/**
 * `C/sources/<id>/0`: `v2`, the initial offset JSON as Spark writes it, a `crc32:` checksum line.
 * Versions: v1 (Spark's layout, no checksum), still read; v2 adds the checksum (versioned-file.ts).
 */
const initialOffsetCodec: FileCodec<PartitionOffsets> = Object.freeze({
  version: 2,
  encode: (offsets: PartitionOffsets) => [JSON.stringify(offsetsToJson(offsets))],
  decode(lines: readonly string[]) {
    if (lines.length !== 1) throw new FormatProblem('expected one line of offset JSON')
    try {
      return offsetsFromJson(JSON.parse(lines[0]))
    } catch (e) {
      throw new FormatProblem(`the initial offset is not a Kafka offset: ${(e as Error).message}`)
    }
  },
})

export class KafkaSource implements AvailableNowSource {
  readonly description: string
  private readonly opts: KafkaSourceOptions
  private readonly ctx: ConnectorContext
  private readonly stopping = new AbortController()
  private readonly offsets: KafkaOffsetReader
  private readonly reader: KafkaRangeReader
  private readonly readAhead: KafkaReadAhead
  private readonly delay: TriggerDelayState = { lastTriggerMs: 0 }
  private latest: PartitionOffsets | undefined
  private availableNow = false
  private availableNowEnd: PartitionOffsets | undefined
  private lossInBatch: DataLossCounter = { dataLoss: 0, offsetOutOfRange: 0 }

  constructor(opts: KafkaSourceOptions, ctx: ConnectorContext) {
    this.opts = opts
    this.ctx = ctx
    const signal = this.stopping.signal
    const { connection, fetch } = opts
    const retry = ctx.retryTimer === undefined ? opts.retry : { ...opts.retry, timer: ctx.retryTimer }
    this.offsets = new KafkaOffsetReader(opts.strategy, connection, fetch.isolationLevel, retry, signal)
    this.reader = new KafkaRangeReader({ ...opts, retry, signal })
    this.readAhead = new KafkaReadAhead(this.reader)
    this.description = `KafkaV2[${this.offsets.description}]`
  }

  async initialOffset(): Promise<Offset> {
    const dir = this.ctx.checkpointDir
    const log = dir === undefined ? null : new FileMetadataLog(nodeFileSystem, dir, initialOffsetCodec)
    const written = await log?.get(0)
    if (written !== undefined) return offsetsToJson(written)
    const offsets = await this.offsets.resolve(this.opts.startingOffsets, 'starting')
    // Another run may have written it meanwhile: the first one written wins.
    if (log !== null && !(await log.add(0, offsets))) return offsetsToJson((await log.get(0)) ?? offsets)
    return offsetsToJson(offsets)
  }

  async latestOffset(start: Offset, limit: ReadLimit): Promise<Offset> {
    const from = offsetsFromJson(start)
    const latest = this.availableNow
      ? (this.availableNowEnd ??= await this.offsets.fetchLatest(from))
      : await this.offsets.fetchLatest(from)
    this.latest = latest
    const min = this.opts.minOffsetsPerTrigger
    if (
      min !== undefined &&
      !this.availableNow &&
      delayBatch(min, latest, from, this.opts.maxTriggerDelayMs, this.ctx.now(), this.delay)
    )
      return offsetsToJson(from)
    if (limit.kind !== 'maxRows') return offsetsToJson(latest)
    const added = [...latest.keys()].filter((tp) => !from.has(tp))
    const fromNew = added.length === 0 ? new Map<TpKey, number>() : await this.offsets.fetchEarliest(added)
    return offsetsToJson(rateLimit(limit.maxRows, from, latest, fromNew))
  }

  async prepareForAvailableNow(): Promise<void> {
    this.availableNow = true
  }

  async getBatch(start: Offset, end: Offset): Promise<SourceRows> {
    this.lossInBatch = { dataLoss: 0, offsetOutOfRange: 0 }
    const until = offsetsFromJson(end)
    const ranges = await this.rangesOf(offsetsFromJson(start), until)
    const rows = await this.readAhead.read(ranges, this.lossInBatch)
    this.readNext(ranges, until)
    return rows
  }

  /**
   * Starts reading ahead what the next batch will likely read while this one is processed: past
   * each partition's end, up to `readAheadOffsets` offsets split as `maxOffsetsPerTrigger` splits
   * them, never past the latest offsets seen (kafka-read-ahead.ts).
   */
  private readNext(ranges: readonly OffsetRange[], end: PartitionOffsets): void {
    const limit = this.opts.readAheadOffsets
    if (limit === 0 || this.latest === undefined || this.stopping.signal.aborted) return
    const next = rateLimit(limit, end, this.latest, new Map())
    this.readAhead.start(
      ranges.map((r) => ({ tp: r.tp, from: r.until, until: Math.max(r.until, next.get(r.tp) ?? r.until) })),
    )
  }

  /** Spark's getOffsetRangesFromResolvedOffsets: the ranges to read, data loss reported first. */
  private async rangesOf(from: PartitionOffsets, until: PartitionOffsets): Promise<OffsetRange[]> {
    const loss = (kind: Parameters<typeof reportDataLoss>[2], reason: string) =>
      reportDataLoss(this.opts.failOnDataLoss, this.lossInBatch, kind, reason)
    const added = sortTps([...until.keys()].filter((tp) => !from.has(tp)))
    const addedStarts = await this.offsets.fetchEarliest(added)
    const gone = added.filter((tp) => !addedStarts.has(tp))
    if (gone.length > 0)
      loss(
        'INITIAL_OFFSET_NOT_FOUND_FOR_PARTITIONS',
        `Cannot find initial offsets for partitions ${tpSet(gone)}. They may have been deleted.`,
      )
    for (const [tp, offset] of addedStarts) {
      if (offset !== 0)
        loss(
          'ADDED_PARTITION_DOES_NOT_START_FROM_OFFSET_ZERO',
          `Added partition ${tpName(tp)} starts from ${offset} instead of 0.`,
        )
    }
    const deleted = [...from.keys()].filter((tp) => !until.has(tp))
    if (deleted.length > 0) loss('PARTITIONS_DELETED', `Partitions ${tpSet(deleted)} have been deleted.`)
    const ranges: OffsetRange[] = []
    for (const tp of sortTps(until.keys())) {
      const f = from.get(tp) ?? addedStarts.get(tp)
      if (f === undefined) continue
      const u = until.get(tp) as number
      if (u < f)
        loss(
          'PARTITION_OFFSET_CHANGED',
          `Partition ${tpName(tp)} offset was changed from ${f} to ${u}. This could either be a user error that the start offset is set too high and this is the first batch, or the kafka topic-partition is broken, and some data may have been missed.`,
        )
      ranges.push({ tp, from: f, until: u })
    }
    return ranges
  }

  async commit(_end: Offset): Promise<void> {}

  /**
   * Spark's source metrics: min/max/avg offsets behind latest for the batch's end offset, plus, when
   * `failOnDataLoss` is false and the batch skipped lost data, `dataLoss` and `offsetOutOfRange`.
   */
  metrics(end: Offset | null): Record<string, string> {
    if (end === null) return {}
    const out = offsetsBehindLatest(offsetsFromJson(end), this.latest)
    if (this.lossInBatch.dataLoss === 0) return out
    const withLoss: Record<string, string> = {
      ...out,
      dataLoss: String(this.lossInBatch.dataLoss),
      offsetOutOfRange: String(this.lossInBatch.offsetOutOfRange),
    }
    // Spark's progress JSON lists metrics by name.
    return Object.fromEntries(Object.entries(withLoss).sort(([a], [b]) => (a < b ? -1 : 1)))
  }

  async stop(): Promise<void> {
    this.stopping.abort()
    await Promise.all([this.offsets.close(), this.reader.close()])
    await this.readAhead.settled()
    this.readAhead.clear()
  }
}
