/**
 * Streaming `[map|flatMap]GroupsWithState` (Spark's FlatMapGroupsWithStateExec, state format 2).
 *
 * Per batch and state partition: the groups with new rows are called first (in first-seen order),
 * each with its stored state; then, with a timeout configured, every group whose timeout is before
 * the threshold (the batch's processing time, or its event-time watermark) is called with no rows
 * and `hasTimedOut`. A call resets the group's timeout (set it again to keep one, as in Spark).
 *
 * Stores: `default` keeps key -> [state row | null, timeout timestamp] (Spark's value layout:
 * `groupState`, `timeoutTimestamp`, -1 for none); `timers` (only with a timeout) keeps
 * [timeout timestamp, key] ordered by time, so finding the due groups is a range scan, not a scan
 * of every group. With EventTimeTimeout, input rows behind the late-events watermark are dropped
 * (and counted), as in Spark.
 */

import type { GroupsWithStateSpec } from '../../plan/logical-plan.ts'
import { field, type StructType, structOf, t } from '../../schema/data-type.ts'
import type { StateKey, StateStore } from '../../state/spi.ts'
import type { ExecContext, ExecNode, RowBatch } from '../exec-node.ts'
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
import { ExchangeExec } from './exchange-exec.ts'
import { GroupStateImpl, NO_TIMESTAMP } from './group-state-impl.ts'
import {
  callGroup,
  callName,
  decoderOf,
  encoderOf,
  groupByKeys,
  keyFunction,
  routeUserRows,
} from './groups-with-state.ts'

export interface FlatMapGroupsWithStateOptions {
  readonly operatorId: number
  readonly numPartitions: number
  readonly spec: GroupsWithStateSpec
  /** The child's schema (rows are decoded to objects of it). */
  readonly inputSchema: StructType
  /** Ordinal of the input's watermarked event-time column, or -1. */
  readonly eventTime: number
  readonly eventTimeIsWindow: boolean
  readonly lateInputs: readonly LateRowsInput[]
}

/** The stored value: Spark's `groupState` and `timeoutTimestamp`. */
type Stored = readonly [readonly unknown[] | null, number]

/** The name of the timers store. */
export const TIMERS_STORE = 'timers'

export class FlatMapGroupsWithStateExec implements StatefulExec {
  readonly name = 'FlatMapGroupsWithStateExec'
  readonly operatorName = 'flatMapGroupsWithState'
  readonly children: readonly ExecNode[]
  readonly operatorId: number
  readonly stateInfo: StatefulExec['stateInfo']
  readonly watermarkDriven: boolean
  readonly exchanges: readonly ExchangeExec[]
  readonly #opts: FlatMapGroupsWithStateOptions
  readonly #hasTimers: boolean
  // Compiled once for the query's life, not per batch: the row decoder and the checked key function.
  readonly #decode: (row: readonly unknown[]) => object
  readonly #keyOf: (row: object) => unknown

  constructor(child: ExecNode, opts: FlatMapGroupsWithStateOptions) {
    this.#opts = opts
    this.#decode = decoderOf(opts.inputSchema)
    this.#keyOf = keyFunction(opts.spec)
    this.operatorId = opts.operatorId
    const { spec } = opts
    const exchange = new ExchangeExec(
      child,
      { operatorId: opts.operatorId, input: 0, numPartitions: opts.numPartitions, keys: ['key'] },
      { keyTypes: [spec.keyType], route: (rows, s, route) => this.#route(rows, s, route) },
    )
    this.exchanges = [exchange]
    this.children = [exchange]
    this.#hasTimers = spec.timeout !== 'NoTimeout'
    this.watermarkDriven = spec.timeout === 'EventTimeTimeout'
    const keySchema = structOf([field('key', spec.keyType, true)])
    const stores = [
      {
        storeName: 'default',
        keySchema,
        valueSchema: structOf([
          field('groupState', spec.stateSchema, true),
          field('timeoutTimestamp', t.long(), false),
        ]),
      },
    ]
    if (this.#hasTimers)
      stores.push({
        storeName: TIMERS_STORE,
        keySchema: structOf([field('timeoutTimestamp', t.long(), false), field('key', spec.keyType, true)]),
        valueSchema: structOf([]),
      })
    this.stateInfo = {
      operatorKind: 'flatMapGroupsWithState',
      stores,
      details: { timeout: spec.timeout, outputMode: spec.outputMode },
    }
  }

  describe(): string {
    const { spec, operatorId, numPartitions } = this.#opts
    return `${callName(spec)}, operator=${operatorId}, timeout=${spec.timeout}, outputMode=${spec.outputMode}, partitions=${numPartitions}`
  }

  execute(ctx: ExecContext): RowBatch {
    if (ctx.replay !== undefined) return []
    const s = requireStream(ctx, this.name)
    const { spec, eventTime, eventTimeIsWindow } = this.#opts
    const dropLate = spec.timeout === 'EventTimeTimeout' && eventTime >= 0
    const parts = s.exchanged(this.operatorId, 0)
    const out: unknown[] = []
    for (const p of s.partitions) {
      const pc = s.partition(this.operatorId, p)
      const part = parts[p]
      if (part !== undefined)
        for (const g of groupByKeys(
          part.items as object[],
          part.keys.map((k) => k[0]),
        ))
          this.#call(pc, g.key, g.rows, false, out)
      if (this.#hasTimers) this.#fireTimeouts(pc, out)
    }
    if (dropLate && this.#opts.lateInputs.length > 0) {
      const wm = s.lateWatermarkOf(this.operatorId)
      routeLateRows(
        ctx,
        this.children[0],
        this.#opts.lateInputs,
        'behind_watermark',
        (late) => late.every((r) => isBehind(eventTimeOf(r[eventTime], eventTimeIsWindow), wm)),
        wm,
      )
    }
    return encoderOf(spec)(out as object[])
  }

  /** Below the exchange: the rows (as the user's objects) to their key's partition, late ones dropped. */
  #route(rows: RowBatch, s: StreamBatchContext, route: (key: StateKey, obj: object) => void): void {
    const { spec, eventTime, eventTimeIsWindow } = this.#opts
    routeUserRows(
      rows,
      {
        dropLate: spec.timeout === 'EventTimeTimeout' && eventTime >= 0,
        eventTime,
        eventTimeIsWindow,
        watermarkMs: s.lateWatermarkOf(this.operatorId),
        metrics: s.metrics(this.operatorId),
        decode: this.#decode,
        keyOf: this.#keyOf,
      },
      route,
    )
  }

  /** Calls the function for every group whose timeout is before the threshold (timers due first). */
  #fireTimeouts(pc: PartitionContext, out: unknown[]): void {
    const threshold =
      this.#opts.spec.timeout === 'ProcessingTimeTimeout' ? pc.batchTimestampMs : pc.watermarkForEvictionMs
    const timers = pc.store(TIMERS_STORE)
    const due = [...timers.rangeScan(Number.NEGATIVE_INFINITY, threshold - 1)].map((e) => e.key)
    for (const timer of due) {
      const key = timer[1]
      const stored = pc.store().get([key]) as Stored | undefined
      if (stored === undefined || stored[1] !== timer[0]) {
        timers.remove(timer)
        continue
      }
      this.#call(pc, key, [], true, out)
    }
  }

  /** One call of the user's function, then the state and timer writes Spark makes after it. */
  #call(
    pc: PartitionContext,
    key: unknown,
    rows: readonly object[],
    timedOut: boolean,
    out: unknown[],
  ): void {
    const { spec, eventTime } = this.#opts
    const store = pc.store()
    const stateKey: StateKey = [key]
    const stored = store.get(stateKey) as Stored | undefined
    const state = new GroupStateImpl<unknown>({
      stateRow: stored === undefined ? null : stored[0],
      stateSchema: spec.stateSchema,
      timeout: spec.timeout,
      hasTimedOut: timedOut,
      batchProcessingTimeMs: pc.batchTimestampMs,
      watermarkMs: eventTime >= 0 ? pc.watermarkForEvictionMs : undefined,
    })
    callGroup(spec, key, rows, state, out)
    const oldTs = stored === undefined ? NO_TIMESTAMP : stored[1]
    const newTs = state.stateRow === null ? NO_TIMESTAMP : state.timeoutTimestampMs
    if (state.stateRow === null) {
      if (stored !== undefined) store.remove(stateKey)
    } else if (state.changed || newTs !== oldTs) {
      store.put(stateKey, [state.stateRow, newTs])
    }
    if (this.#hasTimers && newTs !== oldTs) this.#moveTimer(pc.store(TIMERS_STORE), key, oldTs, newTs)
  }

  #moveTimer(timers: StateStore, key: unknown, oldTs: number, newTs: number): void {
    if (oldTs !== NO_TIMESTAMP) timers.remove([oldTs, key])
    if (newTs !== NO_TIMESTAMP) timers.put([newTs, key], [])
  }
}
