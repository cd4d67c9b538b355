/**
 * A running streaming query: its lifecycle (start, stop, termination with or without an error),
 * its progress reports and the waits a caller can do on it (`awaitTermination`,
 * `processAllAvailable`). The loop itself is MicroBatchExecution.
 */

import { SluiceError } from '../errors.ts'
import { systemClock } from '../io/clock.ts'
import type { OperatorGraph } from '../planner/incremental-plan.ts'
import { redactError } from '../util/redact.ts'
import type { MicroBatchExecution } from './micro-batch-execution.ts'
import type { StreamingQueryProgress } from './progress.ts'

export interface StreamingQueryStatus {
  readonly message: string
  readonly isDataAvailable: boolean
  readonly isTriggerActive: boolean
}

/** Hooks the query calls on the manager (listener bus, active set). */
export interface QueryLifecycleHooks {
  onProgress(q: StreamingQuery, p: StreamingQueryProgress): void
  onIdle(q: StreamingQuery, triggerNumber: number): void
  onTerminated(q: StreamingQuery, error: Error | null): void
}

const EMPTY_GRAPH: OperatorGraph = Object.freeze({ nodes: Object.freeze([]), edges: Object.freeze([]) })

/** How many progress reports recentProgress keeps (Spark's numRecentProgressUpdates). */
const RECENT_PROGRESS = 100

export class StreamingQuery {
  /** Stable across restarts from the same checkpoint. */
  readonly id: string
  /** Unique to this run. */
  readonly runId: string
  readonly name: string | null
  /**
   * The query's operators as data, from its incremental plan (one node per executable operator,
   * edges child -> parent), for a UI or tooling.
   *
   * @example query.operatorGraph.nodes.map((n) => n.name) // ['StateStoreSaveExec', ...]
   */
  readonly operatorGraph: OperatorGraph
  private execution: MicroBatchExecution | null = null
  private running: Promise<void> | null = null
  private readonly progress: StreamingQueryProgress[] = []
  private currentStatus: StreamingQueryStatus = Object.freeze({
    message: 'Initializing',
    isDataAvailable: false,
    isTriggerActive: false,
  })
  private error: Error | null = null
  private terminated = false
  /** processAllAvailable callers, each waiting for an idle trigger that started after its call. */
  private idleWaiters: { minTrigger: number; resolve: () => void; reject: (e: Error) => void }[] = []
  private readonly explainText: () => string
  private readonly wakeOnRequest: boolean
  private readonly cleanup: () => Promise<void>

  constructor(opts: {
    id: string
    runId: string
    name: string | null
    explain: () => string
    operatorGraph?: OperatorGraph
    wakeOnRequest: boolean
    cleanup: () => Promise<void>
  }) {
    this.id = opts.id
    this.runId = opts.runId
    this.name = opts.name
    this.explainText = opts.explain
    this.operatorGraph = opts.operatorGraph ?? EMPTY_GRAPH
    this.wakeOnRequest = opts.wakeOnRequest
    this.cleanup = opts.cleanup
  }

  /**
   * Starts the query (called once by the session): recovery (which may rerun an uncommitted batch),
   * then the loop. Resolves once recovery is done, or rejects with its error; from here on the
   * query owns its cleanup. NOTE: stop() during recovery lets the rerun batch commit, then ends.
   */
  launch(execution: MicroBatchExecution, hooks: QueryLifecycleHooks): Promise<void> {
    this.execution = execution
    let ready!: () => void
    let failed!: (e: Error) => void
    const recovered = new Promise<void>((resolve, reject) => {
      ready = resolve
      failed = reject
    })
    const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)))
    this.running = (async () => {
      let error: Error | null = null
      try {
        await execution.recover()
        ready()
      } catch (e) {
        error = asError(e)
        failed(error)
      }
      if (error === null) error = await execution.run().then(() => null, asError)
      const cleanupError = await this.cleanup().then(() => null, asError)
      this.finish(error ?? cleanupError)
      hooks.onTerminated(this, this.error)
    })()
    return recovered
  }

  /** Called by the execution's events. */
  recordProgress(p: StreamingQueryProgress): void {
    this.progress.push(p)
    if (this.progress.length > RECENT_PROGRESS) this.progress.shift()
  }

  /**
   * Trigger `triggerNumber` found no new data. NOTE: only a trigger that *started* after a
   * processAllAvailable call proves that the data added before the call is processed; one already
   * running may have read its offsets just before the data arrived.
   */
  recordIdle(triggerNumber: number): void {
    const ready = this.idleWaiters.filter((w) => triggerNumber >= w.minTrigger)
    this.idleWaiters = this.idleWaiters.filter((w) => triggerNumber < w.minTrigger)
    for (const w of ready) w.resolve()
  }

  recordStatus(message: string, isDataAvailable: boolean, isTriggerActive: boolean): void {
    this.currentStatus = Object.freeze({ message, isDataAvailable, isTriggerActive })
  }

  /** True until the query stops or fails. */
  get isActive(): boolean {
    return !this.terminated
  }
  /** What the query is doing now. @example query.status.message */
  get status(): StreamingQueryStatus {
    return this.currentStatus
  }
  /** The last batch's progress, or null before the first batch. */
  get lastProgress(): StreamingQueryProgress | null {
    return this.progress.at(-1) ?? null
  }
  /** The last (up to 100) progress reports, oldest first. */
  get recentProgress(): readonly StreamingQueryProgress[] {
    return [...this.progress]
  }
  /** The error that terminated the query, or null. */
  get exception(): Error | null {
    return this.error
  }

  /**
   * Waits for the query to end: rejects with its error if it failed. With a timeout, resolves to
   * whether it ended in time.
   * @example await query.awaitTermination()
   */
  async awaitTermination(timeoutMs?: number): Promise<boolean> {
    const done = this.running ?? Promise.resolve()
    if (timeoutMs === undefined) {
      await done
    } else {
      // A caller's timeout is real time, whatever clock drives the triggers (as in Spark).
      const cancel = new AbortController()
      await Promise.race([done, systemClock.waitUntil(systemClock.now() + timeoutMs, cancel.signal)])
      cancel.abort()
    }
    if (this.error !== null) throw this.error
    return this.terminated
  }

  /**
   * Resolves once every row available when it was called has been processed and committed to the
   * sink. For tests; never resolves for a query that keeps receiving data faster than it processes.
   * @example stream.addData(rows); await query.processAllAvailable()
   */
  processAllAvailable(): Promise<void> {
    if (this.terminated) return this.error ? Promise.reject(this.error) : Promise.resolve()
    const minTrigger = this.execution?.triggerCount ?? 0
    const p = new Promise<void>((resolve, reject) => {
      this.idleWaiters.push({ minTrigger, resolve, reject })
    })
    if (this.wakeOnRequest) this.execution?.wakeUp()
    return p
  }

  /**
   * Stops the query: the batch in flight finishes and commits, then the query ends.
   * @example await query.stop()
   */
  async stop(): Promise<void> {
    this.execution?.stop()
    await this.running
  }

  /** The query's plans, as DataFrame.explain prints them. */
  explain(): string {
    return this.explainText()
  }

  private finish(error: Error | null): void {
    this.terminated = true
    this.error = error === null ? null : queryFailed(this, error)
    this.currentStatus = Object.freeze({ message: 'Stopped', isDataAvailable: false, isTriggerActive: false })
    for (const w of this.idleWaiters) this.error ? w.reject(this.error) : w.resolve()
    this.idleWaiters = []
  }
}

/** Spark's STREAM_FAILED: the query's error, with the original (and its code) as `cause`. */
function queryFailed(q: StreamingQuery, error: Error): Error {
  // Hook (reliability): no credential from an option or a user's sink error reaches the message.
  const cause = redactError(error)
  return new SluiceError(
    'STREAMING_QUERY_FAILED',
    `Query ${q.name ?? ''}[id = ${q.id}, runId = ${q.runId}] terminated with exception: ${cause.message}`,
    { cause },
  )
}
