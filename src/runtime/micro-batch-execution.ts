/**
 * The micro-batch loop (DESIGN §3). For batch N: ask every source for its latest offset (bounded by
 * its read limit); if any moved, write `offsets/N` (write-ahead), read exactly (start, end] from
 * each source, run the plan, hand the rows to the sink with batch id N, write `commits/N`, tell the
 * sources they may forget up to end. On start, a batch with offsets but no commit is rerun with the
 * same offsets, so the sink sees its id again (and must make that write a no-op or a replacement).
 *
 * NOTE: one batch runs at a time and every step is awaited in order, so operators and sinks are never
 * called concurrently (Flink's contract, natural on Node's single thread).
 */

import type { OutputMode, ReadLimit } from '../connectors/spi.ts'
import {
  deadLetterRow,
  inputRowsOf,
  isAvailableNowSource,
  isCommitCheckedSink,
  isDeadLetterSource,
  isNotifyingSource,
  type Offset,
  READ_ALL,
  reportsSourceMetrics,
  type Sink,
  type Source,
  type SourceRows,
} from '../connectors/spi.ts'
import type { EventTimeStats, StreamBatchContext } from '../exec/stateful.ts'
import type { Clock } from '../io/clock.ts'
import type { StructType } from '../schema/data-type.ts'
import { type BatchContext, batchContext } from './batch-context.ts'
import {
  buildProgress,
  type DurationMs,
  type StateOperatorProgress,
  type StreamingQueryProgress,
} from './progress.ts'
import type { QueryCheckpoint, SideOutputRows } from './query-checkpoint.ts'
import type { OpenStores, QueryState } from './query-state.ts'
import {
  NO_SINK_RETRIES,
  retryStatus,
  type SinkRetryPolicy,
  STOPPED_DURING_RETRY,
  writeWithRetries,
} from './sink-retry.ts'
import { computeNextTriggerTime, type Trigger } from './trigger.ts'
import type { WatermarkTracker } from './watermark-tracker.ts'

export interface StreamInput {
  /** Stable id under which offsets are logged (`<format>-<n>`, n counting inputs of that format). */
  readonly sourceId: string
  /** The logical plan node this source feeds. */
  readonly relationId: number
  readonly source: Source
  readonly limit: ReadLimit
}

/**
 * Runs the (synchronous, compiled) plan for one batch: its stages, the exchanges' hand-offs
 * through `batch` (whose `context` is `stream`), as plan-stages.ts.
 */
export type PlanRunner = (
  input: ReadonlyMap<number, SourceRows>,
  batchTimestampMs: number,
  stream: StreamBatchContext,
  batch: BatchContext,
) => {
  readonly rows: unknown[][]
  readonly schema: StructType
}

export interface ExecutionEvents {
  onProgress(p: StreamingQueryProgress): void
  /** Trigger number `triggerNumber` found no new data (`onQueryIdle`). */
  onIdle(triggerNumber: number): void
  onStatus(message: string, isDataAvailable: boolean, isTriggerActive: boolean): void
}

export interface ExecutionSpec {
  readonly id: string
  readonly runId: string
  readonly name: string | null
  readonly inputs: readonly StreamInput[]
  readonly sink: Sink
  readonly outputMode: OutputMode
  readonly trigger: Trigger
  readonly clock: Clock
  readonly checkpoint: QueryCheckpoint
  readonly runPlan: PlanRunner
  readonly events: ExecutionEvents
  /** How long an idle default-trigger query waits before asking its sources again (Spark: 10 ms). */
  readonly pollingDelayMs: number
  /** The stateful operators' stores (null when the query has none). */
  readonly state: QueryState | null
  readonly watermarks: WatermarkTracker
  /** The state partitions this process runs (default: all of them, as the query's only owner). */
  readonly partitions?: readonly number[]
  /** Run a batch without new data when the watermark moved far enough for an operator to emit or evict. */
  readonly noDataMicroBatches: boolean
  /** How a failed sink write is retried (default: not at all, as Spark). */
  readonly sinkRetry?: SinkRetryPolicy
}

type Offsets = Record<string, Offset>
const same = (a: Offset, b: Offset): boolean => JSON.stringify(a) === JSON.stringify(b)

export class MicroBatchExecution {
  private readonly spec: ExecutionSpec
  private readonly stopController = new AbortController()
  private wake = new AbortController()
  private committed: Offsets = {}
  private nextBatchId = 0
  private previousTriggerStartMs: number | null = null
  /**
   * Offsets captured at start for Trigger.availableNow, for sources without native support: they
   * are read to that end in one batch, then report no more data, which ends the query.
   */
  private availableNowEnd: Offsets | null = null
  private readonly unsubscribers: (() => void)[] = []
  private recovered = false
  /** Triggers started so far; an idle report carries the number of the trigger that found no data. */
  private triggersStarted = 0
  /** Sources whose start offset is their initial offset (progress reports it as null, as Spark). */
  private readonly freshSources = new Set<string>()
  /** The watermark the last batch ran with (state behind it was evicted); late rows are judged by it. */
  private batchWatermarkMs = 0
  /** The timestamp of the last batch this run ran (processing-time timeouts run no-data batches past it). */
  private lastBatchTimestampMs = Number.NEGATIVE_INFINITY

  constructor(spec: ExecutionSpec) {
    this.spec = spec
    // New data wakes an idle default-trigger query; a processingTime query waits for its next trigger.
    if (spec.trigger.kind === 'default') {
      for (const input of spec.inputs) {
        if (isNotifyingSource(input.source))
          this.unsubscribers.push(input.source.onNewData(() => this.wakeUp()))
      }
    }
  }

  /** Asks the loop to end after the batch in flight; resolves nothing by itself (await `run()`). */
  stop(): void {
    this.stopController.abort()
    this.wakeUp()
  }

  get isStopping(): boolean {
    return this.stopController.signal.aborted
  }

  /** How many triggers have started; processAllAvailable waits for an idle trigger numbered at least this. */
  get triggerCount(): number {
    return this.triggersStarted
  }

  /** Wakes an idle loop (new data arrived, or processAllAvailable was called). */
  wakeUp(): void {
    this.wake.abort()
  }

  /**
   * Runs until stopped, until a once/availableNow trigger is done, or until a batch fails (rejects).
   * Recovers first unless `recover()` was awaited already (the session does, so a corrupt
   * checkpoint fails `start()`).
   */
  async run(): Promise<void> {
    try {
      if (!this.recovered) await this.recover()
      await this.loop()
    } catch (e) {
      // A stop while a failed batch waited for its sink retry: the batch stays uncommitted.
      if (e !== STOPPED_DURING_RETRY) throw e
    } finally {
      for (const u of this.unsubscribers) u()
    }
  }

  /** Reads the checkpoint's decision, creates start offsets, and reruns an uncommitted batch. */
  async recover(): Promise<void> {
    this.recovered = true
    const { spec } = this
    spec.events.onStatus('Initializing sources', false, false)
    const state = await spec.checkpoint.recover()
    this.nextBatchId = state.nextBatchId
    this.committed = { ...(state.committedOffsets ?? {}) }
    this.batchWatermarkMs = state.previousWatermarkMs
    spec.watermarks.restore(state.watermarkMs)
    // Hook (reliability): a sink's own commit record must hold every batch the checkpoint committed.
    const lastCommitted = (state.rerun?.batchId ?? state.nextBatchId) - 1
    if (isCommitCheckedSink(spec.sink))
      await spec.sink.checkCommitted(lastCommitted, spec.checkpoint.location)
    await spec.state?.init()
    for (const input of spec.inputs) {
      if (!(input.sourceId in this.committed)) {
        this.committed[input.sourceId] = await input.source.initialOffset()
        this.freshSources.add(input.sourceId)
      }
    }
    if (state.rerun !== null) {
      await this.runBatch(
        state.rerun.batchId,
        { ...this.committed, ...state.rerun.offsets },
        state.rerun.batchTimestampMs,
        state.rerun.batchWatermarkMs,
        {},
      ).catch((e: unknown) => {
        if (e !== STOPPED_DURING_RETRY) throw e
      })
    }
    if (spec.trigger.kind === 'availableNow') await this.captureAvailableNow()
  }

  private async captureAvailableNow(): Promise<void> {
    const end: Offsets = {}
    for (const input of this.spec.inputs) {
      if (isAvailableNowSource(input.source)) await input.source.prepareForAvailableNow()
      else end[input.sourceId] = await input.source.latestOffset(this.committed[input.sourceId], READ_ALL)
    }
    this.availableNowEnd = end
  }

  private async loop(): Promise<void> {
    const { trigger, clock } = this.spec
    while (!this.isStopping) {
      const triggerStartMs = clock.now()
      const triggerNumber = this.triggersStarted++
      this.wake = new AbortController()
      const ran = await this.tryBatch(triggerStartMs)
      if (trigger.kind === 'once' || (trigger.kind === 'availableNow' && !ran)) return
      if (this.isStopping) return
      if (!ran) {
        // As Spark's ProgressReporter, an idle trigger still counts as the previous trigger start.
        this.previousTriggerStartMs = triggerStartMs
        this.spec.events.onStatus('Waiting for data to arrive', false, false)
        this.spec.events.onIdle(triggerNumber)
      } else if (trigger.kind === 'processingTime') {
        this.spec.events.onStatus('Waiting for next trigger', true, false)
      }
      const until =
        trigger.kind === 'processingTime'
          ? computeNextTriggerTime(triggerStartMs, trigger.intervalMs)
          : ran
            ? triggerStartMs
            : clock.now() + this.spec.pollingDelayMs
      if (until > clock.now())
        await clock.waitUntil(until, AbortSignal.any([this.wake.signal, this.stopController.signal]))
    }
  }

  /** Plans batch N; runs it when any source has new data. */
  private async tryBatch(triggerStartMs: number): Promise<boolean> {
    const { spec } = this
    const durations: DurationMs = {}
    const t0 = spec.clock.now()
    const end: Offsets = {}
    let hasData = false
    for (const input of spec.inputs) {
      const start = this.committed[input.sourceId]
      const capped = this.availableNowEnd?.[input.sourceId]
      const latest = capped !== undefined ? capped : await input.source.latestOffset(start, input.limit)
      end[input.sourceId] = latest
      if (!same(latest, start)) hasData = true
    }
    durations.latestOffset = spec.clock.now() - t0
    // An idle input may release the watermark with no new data at all.
    const batchWatermarkMs = spec.watermarks.advance(spec.clock.now())
    if (!hasData && !this.shouldRunNoDataBatch(batchWatermarkMs, spec.clock.now())) return false
    spec.events.onStatus(hasData ? 'Processing new data' : 'Running a batch without new data', hasData, true)
    const batchId = this.nextBatchId
    const batchTimestampMs = spec.clock.now()
    const t1 = spec.clock.now()
    await spec.checkpoint.writeOffsets({ batchId, batchTimestampMs, batchWatermarkMs, offsets: end })
    durations.walCommit = spec.clock.now() - t1
    await this.runBatch(batchId, end, batchTimestampMs, batchWatermarkMs, durations, triggerStartMs)
    return true
  }

  /**
   * Spark's `shouldRunAnotherBatch`: the watermark moved past what an operator last evicted by, or
   * an operator with processing-time timeouts sees the clock moved since the last batch.
   */
  private shouldRunNoDataBatch(newWatermarkMs: number, nowMs: number): boolean {
    const { spec } = this
    if (!spec.noDataMicroBatches || spec.state === null) return false
    const ops = spec.state.operators
    if (nowMs > this.lastBatchTimestampMs && ops.some((op) => op.processingTimeDriven === true)) return true
    if (!spec.watermarks.defined) return false
    return newWatermarkMs > this.batchWatermarkMs && ops.some((op) => op.watermarkDriven)
  }

  /** Runs a batch whose offsets are logged: read, execute, sink, commit. */
  private async runBatch(
    batchId: number,
    end: Offsets,
    batchTimestampMs: number,
    batchWatermarkMs: number,
    durations: DurationMs,
    triggerStartMs = this.spec.clock.now(),
  ): Promise<void> {
    const { spec } = this
    this.lastBatchTimestampMs = batchTimestampMs
    const start = this.committed
    const t0 = spec.clock.now()
    const input = new Map<number, SourceRows>()
    const perSource: { id: string; rows: number }[] = []
    const sideOutputs: SideOutputRows[] = []
    for (const s of spec.inputs) {
      const unchanged = same(start[s.sourceId], end[s.sourceId])
      const rows = unchanged ? [] : await s.source.getBatch(start[s.sourceId], end[s.sourceId])
      input.set(s.relationId, rows)
      perSource.push({
        id: s.sourceId,
        rows: unchanged ? 0 : inputRowsOf(s.source, start[s.sourceId], end[s.sourceId], rows),
      })
      if (!unchanged)
        this.collectDeadLetters(s.source, start[s.sourceId], end[s.sourceId], batchId, sideOutputs)
    }
    durations.getBatch = spec.clock.now() - t0
    // The plan is compiled once per query, so planning is near zero; running it is part of
    // addBatch, as in Spark, where the sink pulls the batch through the plan.
    durations.queryPlanning = 0
    const t1 = spec.clock.now()
    const partitions = spec.partitions ?? spec.state?.allPartitions ?? []
    const stores: OpenStores = spec.state === null ? new Map() : await spec.state.open(batchId, partitions)
    const stream = batchContext({
      batchId,
      batchTimestampMs,
      watermarkForLateEventsMs: this.batchWatermarkMs,
      watermarkForEvictionMs: batchWatermarkMs,
      stores,
      partitions,
      input,
      watermarkShiftMs: new Map(
        spec.state?.operators.map((o) => [o.operatorId, o.inputWatermarkShiftMs ?? 0]),
      ),
    })
    let out: ReturnType<PlanRunner>
    let sinkRetries: number
    try {
      out = spec.runPlan(input, batchTimestampMs, stream.context, stream)
      const batch = { batchId, schema: out.schema, rows: out.rows, outputMode: spec.outputMode }
      const policy = spec.sinkRetry ?? NO_SINK_RETRIES
      const onRetry = (retry: number, waitMs: number, e: unknown) =>
        spec.events.onStatus(retryStatus(batchId, retry, policy.maxRetries, waitMs, e), true, true)
      const stop = this.stopController.signal
      sinkRetries = (await writeWithRetries(spec.sink, batch, policy, spec.clock, stop, onRetry)).retries
    } catch (e) {
      spec.state?.abort(stores)
      throw e
    }
    durations.addBatch = spec.clock.now() - t1
    const t2 = spec.clock.now()
    const commitTimes = spec.state === null ? new Map<number, number>() : await spec.state.commit(stores)
    for (const [name, rows] of stream.late) sideOutputs.push({ ref: { kind: 'late', name }, rows })
    for (const [name, rows] of stream.deadLetters)
      sideOutputs.push({ ref: { kind: 'dead-letter', name }, rows })
    if (sideOutputs.length > 0) await spec.checkpoint.writeSideOutputs(batchId, sideOutputs)
    spec.watermarks.observe(stream.eventTimes, spec.clock.now())
    const nextWatermarkMs = spec.watermarks.advance(spec.clock.now())
    await spec.checkpoint.writeCommit(batchId, nextWatermarkMs)
    for (const s of spec.inputs) await s.source.commit(end[s.sourceId])
    await spec.checkpoint.purge(batchId)
    durations.commitOffsets = spec.clock.now() - t2
    durations.triggerExecution = spec.clock.now() - triggerStartMs
    await this.reportProgress({
      batchId,
      start,
      end,
      perSource,
      outputRows: out.rows.length,
      sinkRetries,
      durations,
      triggerStartMs,
      eventTime: this.eventTimeProgress(batchWatermarkMs, stream.eventTimes),
      stateOperators:
        spec.state === null ? [] : spec.state.progress(stores, commitTimes, (op) => stream.metricsOf(op)),
      deadLetters: countDeadLetters(sideOutputs),
      observedMetrics: Object.fromEntries(stream.observedMetrics),
    })
    this.committed = { ...end }
    this.freshSources.clear()
    this.nextBatchId = batchId + 1
    this.batchWatermarkMs = batchWatermarkMs
    spec.state?.maybeMaintain()
  }

  /** The records `source` could not read in (start, end], for its dead-letter output (beyond Spark). */
  private collectDeadLetters(
    source: Source,
    start: Offset,
    end: Offset,
    batchId: number,
    out: SideOutputRows[],
  ): void {
    if (!isDeadLetterSource(source) || source.deadLetter === undefined) return
    const records = source.deadLetters(start, end) ?? []
    if (records.length > 0)
      out.push({
        ref: { kind: 'dead-letter', name: source.deadLetter },
        rows: records.map((r) => deadLetterRow(r, batchId)),
      })
  }

  /** Spark's `eventTime` progress: the batch's watermark, and min/avg/max of the event times seen. */
  private eventTimeProgress(
    batchWatermarkMs: number,
    stats: readonly EventTimeStats[],
  ): Record<string, string> {
    if (!this.spec.watermarks.defined) return {}
    const iso = (ms: number) => new Date(ms).toISOString()
    const seen = stats.filter((s) => s.count > 0)
    const out: Record<string, string> = {}
    if (seen.length > 0) {
      const count = seen.reduce((n, s) => n + s.count, 0)
      out.avg = iso(Math.trunc(seen.reduce((n, s) => n + s.sum, 0) / count))
      out.max = iso(Math.max(...seen.map((s) => s.max)))
      out.min = iso(Math.min(...seen.map((s) => s.min)))
    }
    out.watermark = iso(batchWatermarkMs)
    return out
  }

  private async reportProgress(b: {
    batchId: number
    start: Offsets
    end: Offsets
    perSource: { id: string; rows: number }[]
    outputRows: number
    sinkRetries: number
    durations: DurationMs
    triggerStartMs: number
    eventTime: Record<string, string>
    stateOperators: readonly StateOperatorProgress[]
    deadLetters: Record<string, number>
    observedMetrics: StreamingQueryProgress['observedMetrics']
  }): Promise<void> {
    const { spec } = this
    const sources = spec.inputs.map((input, i) => ({
      description: input.source.description,
      startOffset: this.freshSources.has(input.sourceId) ? null : (b.start[input.sourceId] ?? null),
      endOffset: b.end[input.sourceId] ?? null,
      numInputRows: b.perSource[i].rows,
      metrics: reportsSourceMetrics(input.source) ? input.source.metrics(b.end[input.sourceId] ?? null) : {},
    }))
    await this.publish(
      buildProgress({
        query: { id: spec.id, runId: spec.runId, name: spec.name },
        batchId: b.batchId,
        triggerStartMs: b.triggerStartMs,
        previousTriggerStartMs: this.previousTriggerStartMs,
        durations: b.durations,
        sources,
        sink: {
          description: spec.sink.description,
          numOutputRows: b.outputRows,
          ...(b.sinkRetries > 0 ? { metrics: { numRetries: String(b.sinkRetries) } } : {}),
        },
        eventTime: b.eventTime,
        stateOperators: b.stateOperators,
        deadLetters: b.deadLetters,
        observedMetrics: b.observedMetrics,
      }),
    )
    this.previousTriggerStartMs = b.triggerStartMs
  }

  /** Keeps a committed batch's progress in the checkpoint (the UI's history), then reports it. */
  private async publish(progress: StreamingQueryProgress): Promise<void> {
    await this.spec.checkpoint.writeProgress(progress)
    this.spec.events.onProgress(progress)
  }
}

/** Rows per dead-letter output name in a batch's side outputs (for progress). */
function countDeadLetters(outputs: readonly SideOutputRows[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const o of outputs)
    if (o.ref.kind === 'dead-letter') counts[o.ref.name] = (counts[o.ref.name] ?? 0) + o.rows.length
  return counts
}
