/**
 * A streaming query listener for a remote session, fed by polling: Spark Connect has no
 * server-to-client listener for non-Python clients, so every interval the poller asks Spark for the
 * session's active queries and their recent progress, and calls the listeners with what is new:
 * `onQueryStarted` for a run it has not seen, `onQueryProgress` once per new batch (Spark's progress),
 * `onQueryTerminated` when a run has left the active set. The interval comes from an injected
 * Scheduler, so tests drive it by hand.
 *
 * NOTE: a batch is reported once even if several polls see it (the last batch id per run is kept);
 * batches that fall out of Spark's recentProgress window (spark.sql.streaming.numRecentProgressUpdates,
 * 100) between two polls are not reported. A failed poll (a dropped connection) is retried at the
 * next interval.
 */
import type { Scheduled, Scheduler } from '../io/scheduler.ts'
import type { StreamingQueryListener } from '../runtime/query-manager.ts'
import type { RemoteStreamingQuery } from './remote-streaming-query.ts'

interface Seen {
  readonly query: RemoteStreamingQuery
  lastBatch: number
}

export class RemoteProgressPoller {
  private readonly active: () => Promise<RemoteStreamingQuery[]>
  private readonly now: () => number
  private readonly listeners = new Set<StreamingQueryListener>()
  private readonly runs = new Map<string, Seen>()
  private scheduled: Scheduled | undefined

  constructor(active: () => Promise<RemoteStreamingQuery[]>, now: () => number) {
    this.active = active
    this.now = now
  }

  /** Adds a listener; the first one starts polling every `intervalMs` on `scheduler`. */
  add(listener: StreamingQueryListener, scheduler: Scheduler, intervalMs: number): void {
    this.listeners.add(listener)
    this.scheduled ??= scheduler.every(intervalMs, () => this.poll().catch(() => {}))
  }

  /** Removes a listener; the last one stops polling. */
  remove(listener: StreamingQueryListener): void {
    this.listeners.delete(listener)
    if (this.listeners.size > 0) return
    this.scheduled?.cancel()
    this.scheduled = undefined
    this.runs.clear()
  }

  /** The listeners (a copy). */
  listenerSet(): StreamingQueryListener[] {
    return [...this.listeners]
  }

  /** One poll: what is new since the last one goes to the listeners, in order. */
  async poll(): Promise<void> {
    const active = await this.active()
    const activeRuns = new Set(active.map((q) => q.runId))
    for (const q of active) {
      if (this.runs.has(q.runId)) continue
      this.runs.set(q.runId, { query: q, lastBatch: -1 })
      const timestamp = new Date(this.now()).toISOString()
      this.emit((l) => l.onQueryStarted?.({ id: q.id, runId: q.runId, name: q.name, timestamp }))
    }
    for (const [runId, seen] of this.runs) {
      for (const progress of await seen.query.recentProgress()) {
        if (progress.batchId <= seen.lastBatch) continue
        seen.lastBatch = progress.batchId
        this.emit((l) => l.onQueryProgress?.({ progress }))
      }
      if (activeRuns.has(runId)) continue
      this.runs.delete(runId)
      const exception = (await seen.query.exception())?.message ?? null
      this.emit((l) => l.onQueryTerminated?.({ id: seen.query.id, runId, exception }))
    }
  }

  private emit(call: (l: StreamingQueryListener) => void): void {
    for (const l of this.listeners) call(l)
  }
}
