/**
 * A streaming query running on Spark, as a handle (Spark Connect's StreamingQueryCommand): id and
 * runId, Spark's status and progress (Spark's own progress JSON, parsed into Sluice's
 * StreamingQueryProgress, whose field names are Spark's), stop, awaitTermination,
 * processAllAvailable, exception, explain. Everything but the ids asks the server, so it is async.
 */
import { SluiceError } from '../errors.ts'
import type { StreamingQueryProgress } from '../runtime/progress.ts'
import type { StreamingQueryStatus } from '../runtime/streaming-query.ts'
import type { StreamingQueryCommandResult } from './gen/spark/connect/commands_pb.js'

/** What a query handle needs from its session: one StreamingQueryCommand round trip. */
export interface StreamingCommandRunner {
  streamingCommand(
    queryId: { id: string; runId: string },
    command: { case: string; value: unknown },
  ): Promise<StreamingQueryCommandResult>
}

/** Spark's progress JSON -> StreamingQueryProgress (json/prettyJson non-enumerable, as embedded). */
/**
 * Spark's observedMetrics as Sluice's (name -> column -> value). Classic Spark writes each row as an
 * object of its columns; Spark Connect's progress JSON writes `{ values: [...], schema: { fields } }`.
 */
function observedMetricsOf(raw: unknown): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {}
  for (const [name, row] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    const r = (row ?? {}) as { values?: unknown; schema?: { fields?: { name: string }[] } }
    const fields = r.schema?.fields
    out[name] =
      Array.isArray(r.values) && Array.isArray(fields)
        ? Object.fromEntries(fields.map((f, i) => [f.name, (r.values as unknown[])[i] ?? null]))
        : (row as Record<string, unknown>)
  }
  return out
}

export function parseProgress(json: string): StreamingQueryProgress {
  const p = JSON.parse(json)
  // Spark 4 leaves the query-level row counts and rates out of the JSON; they are the sums over its sources.
  const sources: Record<string, number>[] = Array.isArray(p.sources) ? p.sources : []
  for (const key of ['numInputRows', 'inputRowsPerSecond', 'processedRowsPerSecond'])
    p[key] ??= sources.reduce((acc, src) => acc + (Number.isFinite(src[key]) ? src[key] : 0), 0)
  // Spark leaves empty maps out: no observe() metrics is an empty observedMetrics, as Sluice's own progress.
  p.observedMetrics = observedMetricsOf(p.observedMetrics)
  Object.defineProperty(p, 'json', { value: JSON.stringify(p), enumerable: false })
  Object.defineProperty(p, 'prettyJson', { value: JSON.stringify(p, null, 2), enumerable: false })
  return Object.freeze(p)
}

export class RemoteStreamingQuery {
  /** Stable across restarts from the same checkpoint. */
  readonly id: string
  /** New on every start. */
  readonly runId: string
  /** The query name (`queryName(...)`), or null. */
  readonly name: string | null
  private readonly runner: StreamingCommandRunner

  constructor(ids: { id: string; runId: string; name: string | null }, runner: StreamingCommandRunner) {
    this.id = ids.id
    this.runId = ids.runId
    this.name = ids.name
    this.runner = runner
  }

  private command(c: string, value: unknown = true): Promise<StreamingQueryCommandResult> {
    return this.runner.streamingCommand({ id: this.id, runId: this.runId }, { case: c, value })
  }

  /** Spark's status of the query. @example (await q.status()).isActive */
  async status(): Promise<StreamingQueryStatus & { readonly isActive: boolean }> {
    const r = (await this.command('status')).resultType
    if (r.case !== 'status') throw unexpected('status', r.case)
    const { statusMessage: message, isDataAvailable, isTriggerActive, isActive } = r.value
    return Object.freeze({ message, isDataAvailable, isTriggerActive, isActive })
  }
  /** Whether the query is still running. @example await q.isActive() */
  async isActive(): Promise<boolean> {
    return (await this.status()).isActive
  }
  /** The most recent batches' progress, oldest first. @example (await q.recentProgress()).length */
  async recentProgress(): Promise<StreamingQueryProgress[]> {
    const r = (await this.command('recentProgress')).resultType
    if (r.case !== 'recentProgress') throw unexpected('recentProgress', r.case)
    return r.value.recentProgressJson.map(parseProgress)
  }
  /** The last batch's progress, or null before the first. @example (await q.lastProgress())?.numInputRows */
  async lastProgress(): Promise<StreamingQueryProgress | null> {
    const r = (await this.command('lastProgress')).resultType
    if (r.case !== 'recentProgress') throw unexpected('lastProgress', r.case)
    const last = r.value.recentProgressJson.at(-1)
    return last === undefined ? null : parseProgress(last)
  }
  /** Waits until every row available now has been processed. @example await q.processAllAvailable() */
  async processAllAvailable(): Promise<void> {
    await this.command('processAllAvailable')
  }
  /**
   * Waits for the query to end (or `timeoutMs`); true when it ended. A failed query rejects with its error.
   * @example await q.awaitTermination(10_000)
   */
  async awaitTermination(timeoutMs?: number): Promise<boolean> {
    const value = { timeoutMs: timeoutMs === undefined ? undefined : BigInt(timeoutMs) }
    const r = (await this.command('awaitTermination', value)).resultType
    return r.case === 'awaitTermination' && r.value.terminated
  }
  /** Stops the query (Spark finishes or interrupts the batch in flight). @example await q.stop() */
  async stop(): Promise<void> {
    await this.command('stop')
  }
  /** The error that ended the query, or null. @example (await q.exception())?.message */
  async exception(): Promise<SluiceError | null> {
    const r = (await this.command('exception')).resultType
    if (r.case !== 'exception' || r.value.exceptionMessage === undefined) return null
    const cls = r.value.errorClass
    return new SluiceError(
      'STREAMING_QUERY_FAILED',
      `Spark${cls ? ` [${cls}]` : ''}: ${r.value.exceptionMessage}`,
    )
  }
  /** Spark's plan of the query. @example console.log(await q.explain()) */
  async explain(extended = false): Promise<string> {
    const r = (await this.command('explain', { extended })).resultType
    return r.case === 'explain' ? r.value.result : ''
  }
}

function unexpected(what: string, got: string | undefined): SluiceError {
  return new SluiceError('INTERNAL', `Spark answered the ${what} command of a streaming query with '${got}'.`)
}
