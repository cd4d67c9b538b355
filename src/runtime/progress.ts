/**
 * Progress of a streaming query, one report per batch, with Spark's field names
 * (StreamingQueryProgress): a user or a dashboard that reads Spark's progress JSON reads ours.
 */

import type { Offset } from '../connectors/spi.ts'
import { redactText } from '../util/redact.ts'

export interface SourceProgress {
  readonly description: string
  readonly startOffset: Offset | null
  readonly endOffset: Offset | null
  readonly latestOffset: Offset | null
  readonly numInputRows: number
  readonly inputRowsPerSecond: number
  readonly processedRowsPerSecond: number
  /** The source's own metrics (Spark's ReportsSourceMetrics), e.g. Kafka's offsets behind latest. */
  readonly metrics: Readonly<Record<string, string>>
}

export interface SinkProgress {
  readonly description: string
  readonly numOutputRows: number
  /** Spark's sink metrics; Sluice's `numRetries` when the batch's write was retried (sink retries). */
  readonly metrics?: Readonly<Record<string, string>>
}

/** One stateful operator's state after a batch (Spark's StateOperatorProgress, same field order). */
export interface StateOperatorProgress {
  readonly operatorName: string
  readonly numRowsTotal: number
  readonly numRowsUpdated: number
  readonly numRowsRemoved: number
  readonly commitTimeMs: number
  readonly memoryUsedBytes: number
  readonly numRowsDroppedByWatermark: number
  readonly numShufflePartitions: number
  readonly numStateStoreInstances: number
  readonly customMetrics: Readonly<Record<string, number>>
}

/** Durations of the phases of one trigger, as Spark names them. */
export interface DurationMs {
  latestOffset?: number
  getBatch?: number
  queryPlanning?: number
  addBatch?: number
  walCommit?: number
  commitOffsets?: number
  triggerExecution?: number
}

export interface StreamingQueryProgress {
  readonly id: string
  readonly runId: string
  readonly name: string | null
  /** ISO-8601 time the trigger started. */
  readonly timestamp: string
  readonly batchId: number
  readonly batchDuration: number
  readonly numInputRows: number
  readonly inputRowsPerSecond: number
  readonly processedRowsPerSecond: number
  readonly durationMs: Readonly<DurationMs>
  readonly eventTime: Readonly<Record<string, string>>
  readonly stateOperators: readonly StateOperatorProgress[]
  readonly sources: readonly SourceProgress[]
  readonly sink: SinkProgress
  /**
   * The batch's `observe(name, ...)` metrics (Spark's observedMetrics): name -> the metrics row
   * (column -> value); left out of the JSON when none.
   */
  readonly observedMetrics: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  /** Beyond Spark: rows this batch sent to each dead-letter output, by name (left out of the JSON when none). */
  readonly deadLetters: Readonly<Record<string, number>>
  /** Compact JSON, as Spark's `progress.json` (non-enumerable). */
  readonly json: string
  /** Indented JSON, as Spark's `progress.prettyJson` (non-enumerable). */
  readonly prettyJson: string
}

/** Spark's rates: rows over the time since the previous trigger started, and over this trigger's duration. */
export function computeRates(
  numInputRows: number,
  triggerStartMs: number,
  previousTriggerStartMs: number | null,
  triggerExecutionMs: number,
): { inputRowsPerSecond: number; processedRowsPerSecond: number } {
  const inputSec =
    previousTriggerStartMs !== null && triggerStartMs > previousTriggerStartMs
      ? (triggerStartMs - previousTriggerStartMs) / 1000
      : Number.POSITIVE_INFINITY
  const processingSec = Math.max(1, triggerExecutionMs) / 1000
  return { inputRowsPerSecond: numInputRows / inputSec, processedRowsPerSecond: numInputRows / processingSec }
}

/** One batch's progress from what the loop measured; rates are derived as Spark derives them. */
export function buildProgress(b: {
  readonly query: { readonly id: string; readonly runId: string; readonly name: string | null }
  readonly batchId: number
  readonly triggerStartMs: number
  readonly previousTriggerStartMs: number | null
  readonly durations: DurationMs
  readonly sources: readonly {
    description: string
    startOffset: Offset | null
    endOffset: Offset | null
    numInputRows: number
    metrics?: Readonly<Record<string, string>>
  }[]
  readonly sink: SinkProgress
  readonly eventTime?: Readonly<Record<string, string>>
  readonly stateOperators?: readonly StateOperatorProgress[]
  readonly deadLetters?: Readonly<Record<string, number>>
  readonly observedMetrics?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
}): StreamingQueryProgress {
  const exec = b.durations.triggerExecution ?? 0
  const rates = (rows: number) => computeRates(rows, b.triggerStartMs, b.previousTriggerStartMs, exec)
  const numInputRows = b.sources.reduce((n, s) => n + s.numInputRows, 0)
  // Sluice plans a batch up to the latest offset it saw, so latestOffset is the batch's end.
  const sources = b.sources.map((s) =>
    Object.freeze({
      description: redactText(s.description),
      startOffset: s.startOffset,
      endOffset: s.endOffset,
      latestOffset: s.endOffset,
      numInputRows: s.numInputRows,
      ...rates(s.numInputRows),
      metrics: Object.freeze({ ...s.metrics }),
    }),
  )
  const progress = {
    ...b.query,
    timestamp: new Date(b.triggerStartMs).toISOString(),
    batchId: b.batchId,
    batchDuration: exec,
    numInputRows,
    ...rates(numInputRows),
    durationMs: Object.freeze({ ...b.durations }),
    eventTime: Object.freeze({ ...b.eventTime }),
    stateOperators: Object.freeze([...(b.stateOperators ?? [])]),
    sources: Object.freeze(sources),
    sink: Object.freeze({ ...b.sink, description: redactText(b.sink.description) }),
    observedMetrics: Object.freeze({ ...b.observedMetrics }),
    deadLetters: Object.freeze({ ...b.deadLetters }),
  } as unknown as StreamingQueryProgress
  Object.defineProperties(progress, {
    json: { get: () => progressToJson(progress), enumerable: false },
    prettyJson: { get: () => progressToJson(progress, true), enumerable: false },
  })
  return Object.freeze(progress)
}

/** The progress as JSON; NaN and infinite rates are left out, as Spark's JSON does. */
export function progressToJson(p: StreamingQueryProgress, pretty = false): string {
  const replacer = (key: string, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) return undefined
    // Spark leaves empty maps out (safeMapToJValue); arrays such as stateOperators stay.
    const emptyMap =
      value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0
    const omitEmpty =
      key === 'eventTime' ||
      key === 'durationMs' ||
      key === 'metrics' ||
      key === 'deadLetters' ||
      key === 'observedMetrics'
    return omitEmpty && emptyMap ? undefined : value
  }
  return JSON.stringify(p, replacer, pretty ? 2 : undefined)
}
