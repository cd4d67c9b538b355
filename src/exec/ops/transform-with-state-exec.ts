/**
 * Streaming `transformWithState` (Spark 4's TransformWithStateExec). Per batch and state
 * partition: a fresh processor (from the user's factory) gets `init` with a handle over the
 * partition's stores; in the query's first batch, each initial-state row gets `handleInitialState`;
 * each group with new rows gets `handleInputRows` (first-seen order); then,
 * with a time mode, every timer at or before the threshold (the batch's processing time, or its
 * event-time watermark) fires `handleExpiredTimer` and is removed; then entries whose TTL passed
 * are removed, and `close` is called. In EventTime mode rows behind the late-events watermark are
 * dropped and counted. The state layout is in processor-handle.ts.
 */
import { SluiceError } from '../../errors.ts'
import type { TransformWithStateSpec } from '../../plan/logical-plan.ts'
import type { StatefulProcessor, TimeMode, TimerValues } from '../../plan/stateful-processor.ts'
import type { StructType } from '../../schema/data-type.ts'
import type { StateKey } from '../../state/spi.ts'
import type { ExecContext, ExecNode, RowBatch } from '../exec-node.ts'
import {
  eventTimeOf,
  isBehind,
  type OperatorBatchMetrics,
  type PartitionContext,
  partitionOf,
  requireStream,
  type StatefulExec,
  type StreamBatchContext,
} from '../stateful.ts'
import { ExchangeExec } from './exchange-exec.ts'
import {
  callWithKey,
  decoderOf,
  groupByKeys,
  keyFunctionOf,
  outputEncoder,
  routeUserRows,
} from './groups-with-state.ts'
import {
  LiveHandle,
  type ProcessorCounters,
  processorStores,
  type StateVariableDecl,
  TIMERS,
  TIMERS_BY_KEY,
} from './processor-handle.ts'

export interface TransformWithStateOptions {
  readonly operatorId: number
  readonly numPartitions: number
  readonly spec: TransformWithStateSpec
  readonly variables: readonly StateVariableDecl[]
  readonly inputSchema: StructType
  /** Ordinal of the input's watermarked event-time column, or -1. */
  readonly eventTime: number
  readonly eventTimeIsWindow: boolean
  /** Ordinal of the output's `eventTimeColumnName` column, or -1 (Spark's UpdateEventTimeColumnExec). */
  readonly outputEventTime: number
}

export class TransformWithStateExec implements StatefulExec {
  readonly name = 'TransformWithStateExec'
  readonly operatorName = 'transformWithStateExec'
  readonly children: readonly ExecNode[]
  readonly operatorId: number
  readonly stateInfo: StatefulExec['stateInfo']
  readonly watermarkDriven: boolean
  readonly exchanges: readonly ExchangeExec[]
  readonly #opts: TransformWithStateOptions
  // Compiled once for the query's life, not per batch: the row decoder and the checked key function.
  readonly #decode: (row: readonly unknown[]) => object
  readonly #keyOf: (row: object) => unknown

  constructor(child: ExecNode, opts: TransformWithStateOptions) {
    this.#opts = opts
    this.#decode = decoderOf(opts.inputSchema)
    this.#keyOf = keyFunctionOf(opts.spec.keyFn, opts.spec.keyType)
    this.operatorId = opts.operatorId
    const exchange = new ExchangeExec(
      child,
      { operatorId: opts.operatorId, input: 0, numPartitions: opts.numPartitions, keys: ['key'] },
      { keyTypes: [opts.spec.keyType], route: (rows, s, route) => this.#route(rows, s, route) },
    )
    this.exchanges = [exchange]
    this.children = [exchange]
    this.watermarkDriven = opts.spec.timeMode === 'EventTime'
    this.stateInfo = {
      operatorKind: 'transformWithState',
      stores: processorStores(opts.spec.keyType, opts.variables),
      details: { timeMode: opts.spec.timeMode, outputMode: opts.spec.outputMode },
    }
  }

  describe(): string {
    const { spec, operatorId, variables } = this.#opts
    return `operator=${operatorId}, timeMode=${spec.timeMode}, outputMode=${spec.outputMode}, variables=[${variables.map((v) => `${v.name}: ${v.kind}`).join(', ')}]`
  }

  execute(ctx: ExecContext): RowBatch {
    if (ctx.replay !== undefined) return []
    const s = requireStream(ctx, this.name)
    const { spec } = this.#opts
    const metrics = s.metrics(this.operatorId)
    const parts = s.exchanged(this.operatorId, 0)
    const initial = this.#initialState(s)
    const counters: ProcessorCounters = {
      numRegisteredTimers: 0,
      numDeletedTimers: 0,
      numValuesRemovedDueToTTLExpiry: 0,
    }
    let expired = 0
    const out: unknown[] = []
    for (const p of s.partitions) {
      const part = parts[p]
      const groups =
        part === undefined
          ? []
          : groupByKeys(
              part.items as object[],
              part.keys.map((k) => k[0]),
            )
      const seeded = initial.get(p) ?? []
      expired += this.#runPartition(s.partition(this.operatorId, p), groups, seeded, counters, out)
    }
    this.#report(metrics, counters, expired)
    const rows = outputEncoder(spec.outputSchema)(out as object[])
    if (this.#opts.outputEventTime >= 0) checkOutputEventTime(rows, this.#opts.outputEventTime, s)
    return rows
  }

  /** Below the exchange: the rows (as the user's objects) to their key's partition, late ones dropped. */
  #route(rows: RowBatch, s: StreamBatchContext, route: (key: StateKey, obj: object) => void): void {
    const { spec, eventTime, eventTimeIsWindow } = this.#opts
    routeUserRows(
      rows,
      {
        dropLate: spec.timeMode === 'EventTime' && eventTime >= 0,
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

  /**
   * The initial state of the partitions this owner runs, by partition: in the query's first batch
   * only (as Spark). It is the plan's own data, not a stream, so every owner reads all of it and
   * keeps its partitions' entries instead of exchanging it.
   */
  #initialState(s: StreamBatchContext): Map<number, { key: unknown; row: object }[]> {
    const { spec, numPartitions } = this.#opts
    const out = new Map<number, { key: unknown; row: object }[]>()
    if (s.batchId !== 0 || spec.initialState === undefined) return out
    const mine = new Set(s.partitions)
    const checkKey = keyFunctionOf((k: unknown) => k, spec.keyType)
    for (const e of spec.initialState) {
      const key = checkKey(e.key as object)
      const p = partitionOf([key], [spec.keyType], numPartitions)
      if (!mine.has(p)) continue
      const list = out.get(p)
      if (list === undefined) out.set(p, [{ key, row: e.row }])
      else list.push({ key, row: e.row })
    }
    return out
  }

  #runPartition(
    pc: PartitionContext,
    groups: readonly { key: unknown; rows: object[] }[],
    seeds: readonly { key: unknown; row: object }[],
    counters: ProcessorCounters,
    out: unknown[],
  ): number {
    const { spec } = this.#opts
    const handle = new LiveHandle(pc, this.#opts.variables, { counters, timeMode: spec.timeMode })
    const processor: StatefulProcessor<unknown, object, unknown> = spec.processor()
    const what = 'transformWithState'
    processor.init(handle, spec.outputMode, spec.timeMode)
    const timerValues = timerValuesOf(spec.timeMode, pc.batchTimestampMs, pc.watermarkForEvictionMs)
    for (const seed of seeds) {
      handle.key = seed.key
      callWithKey(
        what,
        seed.key,
        () => {
          processor.handleInitialState?.(seed.key, seed.row, timerValues)
          return []
        },
        out,
      )
    }
    for (const g of groups) {
      handle.key = g.key
      callWithKey(what, g.key, () => processor.handleInputRows(g.key, g.rows, timerValues), out)
    }
    let expired = 0
    if (spec.timeMode !== 'None') {
      const threshold = spec.timeMode === 'ProcessingTime' ? pc.batchTimestampMs : pc.watermarkForEvictionMs
      for (const timer of [...pc.store(TIMERS).rangeScan(Number.NEGATIVE_INFINITY, threshold)].map(
        (e) => e.key,
      )) {
        const [expiryMs, key] = timer
        pc.store(TIMERS).remove(timer)
        pc.store(TIMERS_BY_KEY).remove([key, expiryMs])
        expired++
        if (processor.handleExpiredTimer === undefined) continue
        handle.key = key
        const info = Object.freeze({ getExpiryTimeInMs: () => expiryMs as number })
        callWithKey(what, key, () => processor.handleExpiredTimer?.(key, timerValues, info) ?? [], out)
      }
    }
    handle.removeExpired()
    processor.close?.()
    return expired
  }

  #report(metrics: OperatorBatchMetrics, c: ProcessorCounters, expired: number): void {
    const vars = this.#opts.variables
    const count = (kind: string, ttl: boolean) =>
      vars.filter((v) => v.kind === kind && (!ttl || v.ttlMs !== undefined)).length
    const add = (name: string, n: number) => {
      metrics.custom[name] = (metrics.custom[name] ?? 0) + n
    }
    metrics.custom.numValueStateVars = count('value', false)
    metrics.custom.numListStateVars = count('list', false)
    metrics.custom.numMapStateVars = count('map', false)
    metrics.custom.numValueStateWithTTLVars = count('value', true)
    metrics.custom.numListStateWithTTLVars = count('list', true)
    metrics.custom.numMapStateWithTTLVars = count('map', true)
    add('numRegisteredTimers', c.numRegisteredTimers)
    add('numDeletedTimers', c.numDeletedTimers)
    add('numExpiredTimers', expired)
    add('numValuesRemovedDueToTTLExpiry', c.numValuesRemovedDueToTTLExpiry)
  }
}

/**
 * Spark's UpdateEventTimeColumnExec: a row whose `eventTimeColumnName` is at or behind the
 * late-events watermark (the one the operators above drop rows by) fails the batch.
 */
function checkOutputEventTime(rows: RowBatch, ordinal: number, s: StreamBatchContext): void {
  const watermark = s.watermarkForLateEventsMs
  for (const row of rows) {
    const ts = eventTimeOf(row[ordinal], false)
    if (!isBehind(ts, watermark)) continue
    throw new SluiceError(
      'EMITTING_ROWS_OLDER_THAN_WATERMARK_NOT_ALLOWED',
      `Previous node emitted a row with eventTime=${ts} (${new Date(ts as number).toISOString()}) which is older than current_watermark_value=${watermark} (${new Date(watermark).toISOString()}) in batch ${s.batchId}. This can lead to correctness issues in the stateful operators downstream in the execution pipeline. Please correct the operator logic to emit rows after current global watermark value.`,
    )
  }
}

/**
 * The times a processor sees, as Spark's TimerValuesImpl: the processing time unless the time
 * mode is None, the watermark only in EventTime mode; -1 otherwise.
 *
 * @example timerValuesOf('ProcessingTime', 5000, 0).getCurrentWatermarkInMs() // -1
 */
export function timerValuesOf(
  timeMode: TimeMode,
  batchTimestampMs: number,
  watermarkMs: number,
): TimerValues {
  const now = timeMode === 'None' ? -1 : batchTimestampMs
  const watermark = timeMode === 'EventTime' ? watermarkMs : -1
  return Object.freeze({
    getCurrentProcessingTimeInMs: () => now,
    getCurrentWatermarkInMs: () => watermark,
  })
}
