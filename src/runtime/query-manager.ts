/**
 * `sluice.streams`: the active queries of a session, waits on them, and the listener bus
 * (onQueryStarted / onQueryProgress / onQueryIdle / onQueryTerminated, Spark's
 * StreamingQueryListener). A listener that throws is ignored, as Spark logs and carries on.
 */
import { installShutdownHandler } from '../io/signals.ts'
import type { StreamingQueryProgress } from './progress.ts'
import type { QueryLifecycleHooks, StreamingQuery } from './streaming-query.ts'

export interface QueryStartedEvent {
  readonly id: string
  readonly runId: string
  readonly name: string | null
  readonly timestamp: string
}
export interface QueryProgressEvent {
  readonly progress: StreamingQueryProgress
}
export interface QueryIdleEvent {
  readonly id: string
  readonly runId: string
  readonly timestamp: string
}
export interface QueryTerminatedEvent {
  readonly id: string
  readonly runId: string
  readonly exception: string | null
}

export interface StreamingQueryListener {
  onQueryStarted?(event: QueryStartedEvent): void
  onQueryProgress?(event: QueryProgressEvent): void
  onQueryIdle?(event: QueryIdleEvent): void
  onQueryTerminated?(event: QueryTerminatedEvent): void
}

export class StreamingQueryManager implements QueryLifecycleHooks {
  private readonly queries = new Map<string, StreamingQuery>()
  private readonly listeners = new Set<StreamingQueryListener>()
  private lastTerminated: { query: StreamingQuery; error: Error | null } | null = null
  private terminationWaiters: (() => void)[] = []
  private uninstallSignals: (() => void) | null = null
  private readonly nowMs: () => number
  private readonly handleSignals: boolean
  private readonly idleEventIntervalMs: number
  /** When each query last told listeners something (progress or idle), for idle throttling. */
  private readonly lastEventMs = new Map<string, number>()

  /**
   * `idleEventIntervalMs` is Spark's `noDataProgressEventInterval` (10 s): an idle query tells
   * listeners at most that often.
   */
  constructor(opts: { nowMs: () => number; handleSignals: boolean; idleEventIntervalMs?: number }) {
    this.nowMs = opts.nowMs
    this.handleSignals = opts.handleSignals
    this.idleEventIntervalMs = opts.idleEventIntervalMs ?? 10_000
  }

  private nowIso(): string {
    return new Date(this.nowMs()).toISOString()
  }

  /** Queries that are running. @example sluice.streams.active.map((q) => q.name) */
  get active(): StreamingQuery[] {
    return [...this.queries.values()].filter((q) => q.isActive)
  }

  /** An active query by id. @example sluice.streams.get(query.id) */
  get(id: string): StreamingQuery | undefined {
    return this.queries.get(id)
  }

  /**
   * Waits until any query terminates (since the last resetTerminated()); rejects with its error.
   * @example await sluice.streams.awaitAnyTermination()
   */
  async awaitAnyTermination(): Promise<void> {
    if (this.lastTerminated === null)
      await new Promise<void>((resolve) => this.terminationWaiters.push(resolve))
    const error = this.lastTerminated?.error
    if (error) throw error
  }

  /** Forgets past terminations, so awaitAnyTermination waits for a new one. */
  resetTerminated(): void {
    this.lastTerminated = null
  }

  addListener(listener: StreamingQueryListener): void {
    this.listeners.add(listener)
  }
  removeListener(listener: StreamingQueryListener): void {
    this.listeners.delete(listener)
  }

  /** Registers a query that is starting; the session calls this before launching it. */
  register(q: StreamingQuery): void {
    this.queries.set(q.id, q)
    if (this.handleSignals && this.uninstallSignals === null) {
      this.uninstallSignals = installShutdownHandler(() => this.stopAll())
    }
    this.post((l) => l.onQueryStarted?.({ id: q.id, runId: q.runId, name: q.name, timestamp: this.nowIso() }))
  }

  /** Stops every active query (each finishes and commits its batch in flight). */
  async stopAll(): Promise<void> {
    await Promise.all(this.active.map((q) => q.stop()))
  }

  onProgress(q: StreamingQuery, progress: StreamingQueryProgress): void {
    q.recordProgress(progress)
    this.lastEventMs.set(q.id, this.nowMs())
    this.post((l) => l.onQueryProgress?.({ progress }))
  }

  onIdle(q: StreamingQuery, triggerNumber: number): void {
    q.recordIdle(triggerNumber)
    const last = this.lastEventMs.get(q.id)
    if (last !== undefined && this.nowMs() - last < this.idleEventIntervalMs) return
    this.lastEventMs.set(q.id, this.nowMs())
    this.post((l) => l.onQueryIdle?.({ id: q.id, runId: q.runId, timestamp: this.nowIso() }))
  }

  onTerminated(q: StreamingQuery, error: Error | null): void {
    this.queries.delete(q.id)
    this.lastEventMs.delete(q.id)
    this.lastTerminated = { query: q, error }
    for (const w of this.terminationWaiters) w()
    this.terminationWaiters = []
    if (this.queries.size === 0 && this.uninstallSignals !== null) {
      this.uninstallSignals()
      this.uninstallSignals = null
    }
    this.post((l) => l.onQueryTerminated?.({ id: q.id, runId: q.runId, exception: error?.message ?? null }))
  }

  private post(f: (l: StreamingQueryListener) => void): void {
    for (const l of this.listeners) {
      try {
        f(l)
      } catch {
        // A failing listener must not stop the query (Spark logs it and carries on).
      }
    }
  }
}
