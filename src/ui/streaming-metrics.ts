/**
 * Prometheus metrics of a session's streaming queries, fed from their progress (the listener bus),
 * named after Spark's streaming metrics source. Each series is labelled by query name and id;
 * state and late-row series also by stateful operator, Kafka lag by source.
 *
 * | metric                                        | type      | from progress                                  |
 * | --------------------------------------------- | --------- | ---------------------------------------------- |
 * | sluice_streaming_input_rows_total             | counter   | numInputRows, summed over batches              |
 * | sluice_streaming_input_rows_per_second        | gauge     | inputRowsPerSecond (left unset while infinite) |
 * | sluice_streaming_processed_rows_per_second    | gauge     | processedRowsPerSecond                         |
 * | sluice_streaming_batches_total                | counter   | one per progress report                        |
 * | sluice_streaming_last_batch_id                | gauge     | batchId                                        |
 * | sluice_streaming_batch_duration_seconds       | histogram | batchDuration / 1000                           |
 * | sluice_streaming_state_rows                   | gauge     | stateOperators[i].numRowsTotal                 |
 * | sluice_streaming_state_memory_bytes           | gauge     | stateOperators[i].memoryUsedBytes              |
 * | sluice_streaming_late_rows_total              | counter   | stateOperators[i].numRowsDroppedByWatermark    |
 * | sluice_streaming_watermark_lag_seconds        | gauge     | timestamp - eventTime.watermark (once > 0)     |
 * | sluice_streaming_kafka_offsets_behind_latest  | gauge     | sources[i].metrics.maxOffsetsBehindLatest      |
 * | sluice_streaming_dead_letters_total           | counter   | deadLetters[output] (Sluice's, beyond Spark)   |
 * | sluice_streaming_observed_metric              | gauge     | observedMetrics[observation][metric], numeric  |
 * | sluice_streaming_query_active                 | gauge     | 1 from start to termination, then 0            |
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { StreamingQueryProgress } from '../runtime/progress.ts'
import type { StreamingQueryListener, StreamingQueryManager } from '../runtime/query-manager.ts'

const QUERY = ['query_name', 'query_id'] as const
const OPERATOR = [...QUERY, 'operator'] as const
const SOURCE = [...QUERY, 'source'] as const
const OUTPUT = [...QUERY, 'output'] as const
const OBSERVED = [...QUERY, 'observation', 'metric'] as const

/** Batch duration buckets, seconds: from a few milliseconds to a few minutes. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]

function makeMetrics(registers: Registry[]) {
  const c = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter({ name, help, labelNames, registers })
  const g = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge({ name, help, labelNames, registers })
  return {
    inputRows: c('sluice_streaming_input_rows_total', 'Rows read from all sources.', QUERY),
    inputRate: g('sluice_streaming_input_rows_per_second', 'Input rate of the last batch.', QUERY),
    processRate: g('sluice_streaming_processed_rows_per_second', 'Processing rate of the last batch.', QUERY),
    batches: c('sluice_streaming_batches_total', 'Micro-batches completed.', QUERY),
    lastBatchId: g('sluice_streaming_last_batch_id', 'Id of the last completed batch.', QUERY),
    duration: new Histogram({
      name: 'sluice_streaming_batch_duration_seconds',
      help: 'Duration of a micro-batch (trigger execution).',
      labelNames: QUERY,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    stateRows: g('sluice_streaming_state_rows', 'Rows in the state of a stateful operator.', OPERATOR),
    stateMemory: g(
      'sluice_streaming_state_memory_bytes',
      'Memory used by the state of a stateful operator.',
      OPERATOR,
    ),
    lateRows: c(
      'sluice_streaming_late_rows_total',
      'Rows dropped (or routed to a late-rows output) for being behind the watermark.',
      OPERATOR,
    ),
    watermarkLag: g(
      'sluice_streaming_watermark_lag_seconds',
      'Trigger time minus the watermark the batch ran with.',
      QUERY,
    ),
    kafkaLag: g(
      'sluice_streaming_kafka_offsets_behind_latest',
      'Largest lag over the partitions of a Kafka source, in offsets.',
      SOURCE,
    ),
    deadLetters: c(
      'sluice_streaming_dead_letters_total',
      'Rows sent to a dead-letter output (records a source could not read, rows deadLetter() routed).',
      OUTPUT,
    ),
    observed: g(
      'sluice_streaming_observed_metric',
      "A numeric column of an observe() metrics row in the last batch that reported it (progress's observedMetrics).",
      OBSERVED,
    ),
    active: g('sluice_streaming_query_active', '1 while the query runs, 0 once it has terminated.', QUERY),
  }
}

type Metrics = ReturnType<typeof makeMetrics>

/** The stateful operator label: its index in progress and its name, e.g. `0:stateStoreSave`. */
export function operatorLabel(index: number, operatorName: string): string {
  return `${index}:${operatorName}`
}

/** Records one progress report in the metrics. */
function record(m: Metrics, p: StreamingQueryProgress): void {
  const q = { query_name: p.name ?? '', query_id: p.id }
  m.inputRows.inc(q, p.numInputRows)
  if (Number.isFinite(p.inputRowsPerSecond)) m.inputRate.set(q, p.inputRowsPerSecond)
  if (Number.isFinite(p.processedRowsPerSecond)) m.processRate.set(q, p.processedRowsPerSecond)
  m.batches.inc(q)
  m.lastBatchId.set(q, p.batchId)
  m.duration.observe(q, p.batchDuration / 1000)
  p.stateOperators.forEach((op, i) => {
    const labels = { ...q, operator: operatorLabel(i, op.operatorName) }
    m.stateRows.set(labels, op.numRowsTotal)
    m.stateMemory.set(labels, op.memoryUsedBytes)
    m.lateRows.inc(labels, op.numRowsDroppedByWatermark)
  })
  const watermark = p.eventTime.watermark
  if (watermark !== undefined) m.watermarkLag.set(q, (Date.parse(p.timestamp) - Date.parse(watermark)) / 1000)
  for (const [output, rows] of Object.entries(p.deadLetters)) m.deadLetters.inc({ ...q, output }, rows)
  for (const [observation, row] of Object.entries(p.observedMetrics))
    for (const [metric, value] of Object.entries(row))
      if (typeof value === 'number' && Number.isFinite(value))
        m.observed.set({ ...q, observation, metric }, value)
  for (const s of p.sources) {
    const labels = { ...q, source: s.description }
    const behind = s.metrics.maxOffsetsBehindLatest
    if (behind !== undefined) m.kafkaLag.set(labels, Number(behind))
  }
}

/**
 * The Prometheus metrics of one session's streaming queries: a registry that follows
 * `sluice.streams` from the moment it is made. Mount `handler` in your own HTTP server, or read
 * `registry.metrics()` yourself; the UI server (`sluice.ui.enabled`) serves it at `/metrics`.
 *
 * @example
 * const metrics = new StreamingMetrics(sluice.streams)
 * http.createServer((req, res) => req.url === '/metrics' ? metrics.handler(req, res) : res.end()).listen(9464)
 */
export class StreamingMetrics {
  /** The prom-client registry the series live in (register your own metrics here too if you like). */
  readonly registry: Registry
  private readonly manager: StreamingQueryManager
  private readonly listener: StreamingQueryListener

  constructor(manager: StreamingQueryManager, registry: Registry = new Registry()) {
    this.manager = manager
    this.registry = registry
    const m = makeMetrics([registry])
    const names = new Map<string, string>()
    const labels = (id: string) => ({ query_name: names.get(id) ?? '', query_id: id })
    this.listener = {
      onQueryStarted: (e) => {
        names.set(e.id, e.name ?? '')
        m.active.set(labels(e.id), 1)
      },
      onQueryProgress: (e) => record(m, e.progress),
      onQueryTerminated: (e) => m.active.set(labels(e.id), 0),
    }
    manager.addListener(this.listener)
  }

  /**
   * A node:http request handler that answers with the metrics in Prometheus text format.
   * @example app.get('/metrics', (req, res) => metrics.handler(req, res))
   */
  readonly handler = (_req: IncomingMessage, res: ServerResponse): void => {
    this.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': this.registry.contentType })
        res.end(text)
      },
      (e: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' })
        res.end(String(e))
      },
    )
  }

  /** Stops following the session's queries (the series already recorded stay). */
  close(): void {
    this.manager.removeListener(this.listener)
  }
}
