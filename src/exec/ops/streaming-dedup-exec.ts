/**
 * Streaming deduplication (Spark's StreamingDeduplicateExec and, with `withinWatermark`,
 * StreamingDeduplicateWithinWatermarkExec). A row whose key is in state is a duplicate; otherwise it
 * is emitted and its key remembered, also within the batch.
 *
 * - Rows whose event time is behind the late-events watermark are dropped first (and counted).
 * - dropDuplicates: when the event-time column is one of the keys, keys behind the eviction
 *   watermark are removed; otherwise state grows without bound, as in Spark.
 * - dropDuplicatesWithinWatermark: a key is remembered until the eviction watermark reaches its
 *   first event time plus the watermark delay (the value stored), then removed; a NULL event time
 *   counts as 0, as in Spark.
 */

import { type DataType, field, type StructType, structOf, t } from '../../schema/data-type.ts'
import type { StateKey } from '../../state/spi.ts'
import type { ExecContext, ExecNode, Row, RowBatch } from '../exec-node.ts'
import { EXPRESSIONS_DETAIL, expressionFingerprint } from '../expression-fingerprint.ts'
import {
  eventTimeOf,
  isBehind,
  type LateRowsInput,
  type PartitionContext,
  requireStream,
  routeLateRows,
  type StatefulExec,
  type StreamBatchContext,
} from '../stateful.ts'
import { type Exchanged, ExchangeExec } from './exchange-exec.ts'

export interface StreamingDedupOptions {
  readonly operatorId: number
  readonly numPartitions: number
  /** Ordinals of the key columns in the input row. */
  readonly keys: readonly number[]
  readonly keySchema: StructType
  /** Ordinal of the input's event-time column, or -1 without a watermark. */
  readonly eventTime: number
  readonly eventTimeIsWindow: boolean
  /** The watermark delay of the event-time column (within-watermark expiry). */
  readonly delayMs: number
  readonly withinWatermark: boolean
  /** The late-rows inputs this operator owns (from the planner). */
  readonly lateInputs: readonly LateRowsInput[]
}

export class StreamingDedupExec implements StatefulExec {
  readonly name = 'StreamingDeduplicateExec'
  readonly operatorName: string
  readonly children: readonly ExecNode[]
  readonly operatorId: number
  readonly stateInfo: StatefulExec['stateInfo']
  readonly watermarkDriven: boolean
  readonly exchanges: readonly ExchangeExec[]
  private readonly opts: StreamingDedupOptions
  private readonly keyTypes: readonly DataType[]
  /** Position of the event-time column among the keys, or -1. */
  private readonly eventTimeKey: number
  /** The watermark operators below whose late rows this operator owns (beyond Spark). */
  private readonly lateInputs: readonly LateRowsInput[]

  constructor(child: ExecNode, opts: StreamingDedupOptions) {
    this.lateInputs = opts.lateInputs
    this.watermarkDriven = opts.eventTime >= 0
    this.opts = opts
    this.operatorId = opts.operatorId
    this.operatorName = opts.withinWatermark ? 'dedupeWithinWatermark' : 'dedupe'
    this.keyTypes = opts.keySchema.fields.map((f) => f.type)
    const keys = opts.keySchema.fields.map((f) => f.name)
    const exchange = new ExchangeExec(
      child,
      { operatorId: opts.operatorId, input: 0, numPartitions: opts.numPartitions, keys },
      { keyTypes: this.keyTypes, route: (rows, s, route) => this.routeRows(rows, s, route) },
    )
    this.exchanges = [exchange]
    this.children = [exchange]
    this.eventTimeKey = opts.eventTime < 0 ? -1 : opts.keys.indexOf(opts.eventTime)
    const valueSchema = structOf(opts.withinWatermark ? [field('expiresAtMs', t.timestamp(), false)] : [])
    this.stateInfo = {
      operatorKind: this.operatorName,
      stores: [{ storeName: 'default', keySchema: opts.keySchema, valueSchema }],
      details: {
        [EXPRESSIONS_DETAIL]: expressionFingerprint({ keys: opts.keySchema.fields.map((f) => f.name) }),
      },
    }
  }

  describe(): string {
    return `operator=${this.operatorId}, keys=[${this.opts.keySchema.fields.map((f) => f.name).join(', ')}], partitions=${this.opts.numPartitions}`
  }

  execute(ctx: ExecContext): RowBatch {
    if (ctx.replay !== undefined) return []
    const s = requireStream(ctx, this.name)
    const metrics = s.metrics(this.operatorId)
    const { eventTime, eventTimeIsWindow } = this.opts
    const parts = s.exchanged(this.operatorId, 0)
    const out: RowBatch = []
    let duplicates = 0
    for (const p of s.partitions) {
      const pc = s.partition(this.operatorId, p)
      const part = parts[p] as Exchanged<Row> | undefined
      if (part !== undefined) duplicates += this.dedupPartition(pc, part, out)
      this.evict(pc)
    }
    metrics.custom.numDroppedDuplicateRows = (metrics.custom.numDroppedDuplicateRows ?? 0) + duplicates
    if (this.lateInputs.length > 0 && eventTime >= 0) {
      const wm = s.lateWatermarkOf(this.operatorId)
      routeLateRows(
        ctx,
        this.children[0],
        this.lateInputs,
        'behind_watermark',
        (late) => late.every((r) => isBehind(eventTimeOf(r[eventTime], eventTimeIsWindow), wm)),
        wm,
      )
    }
    return out
  }

  /** Below the exchange: rows past the late-events watermark to their key's state partition. */
  private routeRows(rows: RowBatch, s: StreamBatchContext, route: (key: StateKey, row: Row) => void): void {
    const { keys, eventTime, eventTimeIsWindow } = this.opts
    const metrics = s.metrics(this.operatorId)
    const wm = s.lateWatermarkOf(this.operatorId)
    for (const row of rows) {
      const et = eventTime >= 0 ? eventTimeOf(row[eventTime], eventTimeIsWindow) : null
      if (eventTime >= 0 && isBehind(et, wm)) {
        metrics.numRowsDroppedByWatermark++
        continue
      }
      route(
        keys.map((k) => row[k]),
        row,
      )
    }
  }

  /** Emits the rows of one partition whose key is new (remembering it); returns the duplicates. */
  private dedupPartition(pc: PartitionContext, part: Exchanged<Row>, out: RowBatch): number {
    const store = pc.store()
    const { eventTime, eventTimeIsWindow, withinWatermark, delayMs } = this.opts
    let duplicates = 0
    // Keys that expire at or before this batch's eviction watermark (a NULL event time, or time 0
    // with no delay): Spark evicts them at the end of the batch; `evict` only scans when it moved.
    let expired: StateKey[] | undefined
    for (let i = 0; i < part.keys.length; i++) {
      const key = part.keys[i]
      const row = part.items[i]
      if (store.get(key) !== undefined) {
        duplicates++
        continue
      }
      const et = eventTime >= 0 ? eventTimeOf(row[eventTime], eventTimeIsWindow) : null
      // NOTE: a NULL event time counts as 0, as Spark reads it (getLong of a null is 0), so the
      // key expires once the watermark passes the delay instead of blocking the key forever.
      const expiresAt = (et ?? 0) + delayMs
      store.put(key, withinWatermark ? [expiresAt] : [])
      if (withinWatermark && eventTime >= 0 && expiresAt <= pc.watermarkForEvictionMs)
        (expired ??= []).push(key)
      out.push(row)
    }
    for (const key of expired ?? []) store.remove(key)
    return duplicates
  }

  /**
   * Removes the keys the eviction watermark has passed, when it moved since the last batch (which
   * evicted up to the late-events watermark): by the store's event-time order when the event time
   * is a key, by a scan of the expiry values within the watermark.
   */
  private evict(pc: PartitionContext): void {
    const wm = pc.watermarkForEvictionMs
    if (this.opts.eventTime < 0 || wm <= pc.watermarkForLateEventsMs) return
    const store = pc.store()
    if (this.opts.withinWatermark) {
      for (const e of store.iterator()) {
        const expiresAt = (e.value as [number | null])[0]
        if (expiresAt !== null && wm >= expiresAt) store.remove(e.key)
      }
    } else if (this.eventTimeKey >= 0) {
      for (const e of store.rangeScan(Number.NEGATIVE_INFINITY, wm)) store.remove(e.key)
    }
  }
}
