/**
 * The context one micro-batch hands its plan (exec/stateful.ts `StreamBatchContext`), and what the
 * plan leaves in it for the loop: event-time stats per watermark input, operator counters, late
 * rows and dead letters. Each (operator, partition) gets a frozen `PartitionContext` with only
 * that partition's stores; a process that owns some partitions runs only those. Between the
 * stages of the batch, the runtime hands it (`receive`) what each exchange routed to its partitions,
 * from its own part below the exchange and from the other owners'.
 */
import type { SourceRows } from '../connectors/spi.ts'
import { SluiceError } from '../errors.ts'
import type { Row } from '../exec/exec-node.ts'
import type { Exchanged, ExchangeExec } from '../exec/ops/exchange-exec.ts'
import type {
  EventTimeStats,
  OperatorBatchMetrics,
  PartitionContext,
  StreamBatchContext,
} from '../exec/stateful.ts'
import type { OpenStores } from './query-state.ts'

export interface BatchContextSpec {
  readonly batchId: number
  readonly batchTimestampMs: number
  /** The previous batch's watermark: rows behind it are late. */
  readonly watermarkForLateEventsMs: number
  /** This batch's watermark: state behind it is evicted. */
  readonly watermarkForEvictionMs: number
  readonly stores: OpenStores
  /** The partitions this process runs (their stores are in `stores`), ascending. */
  readonly partitions: readonly number[]
  /** Each stream's rows of this batch, by relation id. */
  readonly input: ReadonlyMap<number, SourceRows>
  /** How far behind the watermarks each operator's partition contexts are (its `inputWatermarkShiftMs`). */
  readonly watermarkShiftMs?: ReadonlyMap<number, number>
}

/** A batch's context, with what the plan records into it during the batch. */
export interface BatchContext {
  readonly context: StreamBatchContext
  readonly eventTimes: EventTimeStats[]
  metricsOf(operatorId: number): OperatorBatchMetrics
  /** Late rows by output name: the row, then late_reason, late_watermark, late_batch_id. */
  readonly late: ReadonlyMap<string, unknown[][]>
  readonly deadLetters: ReadonlyMap<string, unknown[][]>
  /** The observe() metrics rows of the batch, by name (progress's observedMetrics). */
  readonly observedMetrics: ReadonlyMap<string, Readonly<Record<string, unknown>>>
  /**
   * The hand-off: `bucket`, what one owner's part below `exchange` routed to `partition` (one this
   * owner runs; undefined: nothing), for the part above it. Every owner's bucket of every partition
   * this owner runs is handed over, empty ones too; buckets of one partition are combined.
   */
  receive(exchange: ExchangeExec, partition: number, bucket: Exchanged | undefined): void
}

/**
 * The context of one batch.
 *
 * @example const b = batchContext({ batchId: 0, batchTimestampMs: 0, watermarkForLateEventsMs: 0, watermarkForEvictionMs: 0, stores, partitions: [0, 1], input })
 */
export function batchContext(spec: BatchContextSpec): BatchContext {
  const { batchId, batchTimestampMs, watermarkForLateEventsMs, watermarkForEvictionMs } = spec
  const eventTimes: EventTimeStats[] = []
  const metrics = new Map<number, OperatorBatchMetrics>()
  const metricsOf = (op: number): OperatorBatchMetrics => {
    let m = metrics.get(op)
    if (m === undefined) {
      m = { numRowsDroppedByWatermark: 0, custom: {} }
      metrics.set(op, m)
    }
    return m
  }
  const partitionContexts = new Map<string, PartitionContext>()
  const candidates = new Map<number, Row[]>()
  const late = new Map<string, unknown[][]>()
  const deadLetters = new Map<string, unknown[][]>()
  const observedMetrics = new Map<string, Readonly<Record<string, unknown>>>()
  const inbox = new Map<string, (Exchanged | undefined)[]>()
  const context: StreamBatchContext = {
    batchId,
    batchTimestampMs,
    input: (relationId) => spec.input.get(relationId) ?? [],
    watermarkForLateEventsMs,
    watermarkForEvictionMs,
    lateWatermarkOf: (operatorId) => watermarkForLateEventsMs - (spec.watermarkShiftMs?.get(operatorId) ?? 0),
    partitions: spec.partitions,
    exchanged: (operatorId, input) => {
      const parts = inbox.get(`${operatorId}/${input}`)
      if (parts === undefined) throw notExchanged(operatorId, input, batchId)
      return parts
    },
    partition: (operatorId, partition) => {
      const id = `${operatorId}/${partition}`
      let pc = partitionContexts.get(id)
      if (pc === undefined) {
        pc = partitionContext(spec, operatorId, partition, metricsOf(operatorId))
        partitionContexts.set(id, pc)
      }
      return pc
    },
    metrics: metricsOf,
    eventTimeStats: (i) => {
      while (eventTimes.length <= i)
        eventTimes.push({ max: Number.NEGATIVE_INFINITY, min: Number.POSITIVE_INFINITY, sum: 0, count: 0 })
      return eventTimes[i]
    },
    lateRows: {
      candidates: (i) => {
        let c = candidates.get(i)
        if (c === undefined) candidates.set(i, (c = []))
        return c
      },
      add: (name, row, reason, watermarkMs = watermarkForLateEventsMs) =>
        append(late, name, [...row, reason, watermarkMs, batchId]),
    },
    deadLetters: { add: (name, row) => append(deadLetters, name, row) },
    observedMetrics: { add: (name, row) => observedMetrics.set(name, row) },
  }
  const receive = (exchange: ExchangeExec, partition: number, bucket: Exchanged | undefined): void => {
    const id = `${exchange.opts.operatorId}/${exchange.opts.input}`
    let parts = inbox.get(id)
    if (parts === undefined) inbox.set(id, (parts = new Array(exchange.opts.numPartitions)))
    if (bucket === undefined) return
    const before = parts[partition]
    parts[partition] = before === undefined ? bucket : exchange.combine(before, bucket)
  }
  return { context, eventTimes, metricsOf, late, deadLetters, observedMetrics, receive }
}

function notExchanged(operatorId: number, input: number, batchId: number): SluiceError {
  return new SluiceError(
    'INTERNAL',
    `Operator ${operatorId} ran before the exchange of its input ${input} in batch ${batchId}. This is a bug in Sluice; please report it.`,
  )
}

function partitionContext(
  spec: BatchContextSpec,
  operatorId: number,
  partition: number,
  metrics: OperatorBatchMetrics,
): PartitionContext {
  const byName = spec.stores.get(operatorId)
  const shift = spec.watermarkShiftMs?.get(operatorId) ?? 0
  return Object.freeze({
    batchId: spec.batchId,
    batchTimestampMs: spec.batchTimestampMs,
    partition,
    watermarkForLateEventsMs: spec.watermarkForLateEventsMs - shift,
    watermarkForEvictionMs: spec.watermarkForEvictionMs - shift,
    metrics,
    store: (name = 'default') => {
      const store = byName?.get(name)?.get(partition)
      if (store === undefined) {
        throw new SluiceError(
          'INTERNAL',
          `Operator ${operatorId} asked for store '${name}' of state partition ${partition}, which batch ${spec.batchId} did not open. This is a bug in Sluice; please report it.`,
        )
      }
      return store
    },
  })
}

/** Adds `row` to the rows kept under `name`. */
function append(byName: Map<string, unknown[][]>, name: string, row: unknown[]): void {
  const rows = byName.get(name)
  if (rows === undefined) byName.set(name, [row])
  else rows.push(row)
}
