/**
 * Sink retries (beyond Spark, which fails the query at the first sink error): a batch whose
 * `addBatch` fails with a transient error is handed to the sink again, with the same batch id and
 * the same rows (the plan ran once; only the sink call repeats), after a backoff that doubles from
 * `sluice.sql.streaming.sink.retryBackoff` up to `sluice.sql.streaming.sink.maxRetryBackoff`, at
 * most `sluice.sql.streaming.sink.maxRetries` times. Waits go through the session's clock.
 *
 * Transient: a full disk or an I/O error (STORAGE_ERROR from ENOSPC, EDQUOT, EIO, EAGAIN, EBUSY,
 * EMFILE, ENFILE), and whatever the sink itself calls transient (`TransientErrorSink`: the Kafka
 * sink names an unreachable broker or a retriable Kafka error). Not transient: a read-only file
 * system, a permission denied, bad data, a user function's error — unless
 * `sluice.sql.streaming.sink.retryOn` is `all`, which retries every sink error (for a foreachBatch
 * function that is idempotent per batch id and calls a flaky service).
 *
 * NOTE: a retry is safe because every sink already accepts a batch id it saw before (a batch rerun
 * after a crash is the same call): the file sink rewrites it, the exactly-once Kafka sink aborts the
 * failed transaction and skips ids its marker holds, foreachBatch is at-least-once.
 */
import { isTransientSink, type Sink, type SinkBatch } from '../connectors/spi.ts'
import { invalidArgument, SluiceError } from '../errors.ts'
import type { Clock } from '../io/clock.ts'
import { parseInterval } from '../plan/sql/interval.ts'
import { redactText } from '../util/redact.ts'

export interface SinkRetryPolicy {
  /** Retries after the first attempt (0: fail at the first error, as Spark). */
  readonly maxRetries: number
  /** The wait before the first retry; doubled before each next one. */
  readonly backoffMs: number
  /** The longest wait between two attempts. */
  readonly maxBackoffMs: number
  /** Which errors are retried: `transient` ones (default) or `all`. */
  readonly retryOn: 'transient' | 'all'
}

export const NO_SINK_RETRIES: SinkRetryPolicy = Object.freeze({
  maxRetries: 0,
  backoffMs: 1_000,
  maxBackoffMs: 60_000,
  retryOn: 'transient',
})

const TRANSIENT_ERRNO = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE'])

/**
 * True when `e` is worth retrying: a transient storage error, or one the sink says is transient.
 *
 * @example
 * isTransientSinkError(sink, storageError('write', '/out/part-0', enospc)) // true
 */
export function isTransientSinkError(sink: Sink, e: unknown): boolean {
  if (isTransientSink(sink) && sink.isTransient(e)) return true
  for (let err = e, depth = 0; err !== undefined && err !== null && depth < 8; depth++) {
    const code = (err as { code?: unknown }).code
    if (typeof code === 'string' && TRANSIENT_ERRNO.has(code)) return true
    err = (err as { cause?: unknown }).cause
  }
  return false
}

/**
 * Thrown when the query is stopped while a failed batch waits for its retry: the batch is left
 * uncommitted (it reruns, same id and rows, at the next start) and the query stops without error.
 */
export const STOPPED_DURING_RETRY: unique symbol = Symbol('sluice.sinkRetry.stopped')

/** What a retried write reports: how many retries it took. */
export interface SinkWriteOutcome {
  readonly retries: number
}

/**
 * Writes `batch` to `sink`, retrying per `policy`; rejects with the first error that is not
 * retried, or with SINK_RETRIES_EXHAUSTED (the last error as its cause) once retries run out. A
 * stop during a backoff ends the waiting and rejects with STOPPED_DURING_RETRY (the batch reruns on
 * the next start).
 *
 * @example
 * const { retries } = await writeWithRetries(sink, batch, policy, clock, stopSignal, (n, ms) => log(n, ms))
 */
export async function writeWithRetries(
  sink: Sink,
  batch: SinkBatch,
  policy: SinkRetryPolicy,
  clock: Clock,
  signal: AbortSignal,
  onRetry: (retry: number, waitMs: number, error: unknown) => void = () => undefined,
): Promise<SinkWriteOutcome> {
  const startedMs = clock.now()
  for (let retries = 0; ; retries++) {
    try {
      await sink.addBatch(batch)
      return { retries }
    } catch (e) {
      const retryable = policy.retryOn === 'all' || isTransientSinkError(sink, e)
      if (!retryable || policy.maxRetries === 0) throw e
      if (retries >= policy.maxRetries) throw exhausted(sink, batch, retries, startedMs, clock, e)
      if (signal.aborted) throw STOPPED_DURING_RETRY
      const waitMs = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** retries)
      onRetry(retries + 1, waitMs, e)
      await clock.waitUntil(clock.now() + waitMs, signal)
      if (signal.aborted) throw STOPPED_DURING_RETRY
    }
  }
}

/**
 * The query's status while a batch waits for its retry; the error is redacted (it may come from
 * user code or hold a URL with a password), since status is shown to users.
 *
 * @example
 * retryStatus(3, 1, 5, 1000, e) // 'Retrying the sink write of batch 3 (retry 1 of 5) in 1000 ms after: ...'
 */
export function retryStatus(batchId: number, retry: number, maxRetries: number, waitMs: number, e: unknown) {
  const reason = redactText(e instanceof Error ? e.message : String(e))
  return `Retrying the sink write of batch ${batchId} (retry ${retry} of ${maxRetries}) in ${waitMs} ms after: ${reason}`
}

function exhausted(
  sink: Sink,
  batch: SinkBatch,
  retries: number,
  startedMs: number,
  clock: Clock,
  last: unknown,
): SluiceError {
  const reason = last instanceof Error ? last.message : String(last)
  return new SluiceError(
    'SINK_RETRIES_EXHAUSTED',
    `${sink.description} failed batch ${batch.batchId} after ${retries + 1} attempt(s) over ${clock.now() - startedMs} ms (sluice.sql.streaming.sink.maxRetries). Last error: ${reason} Fix the cause and restart the query: batch ${batch.batchId} is written again with the same rows.`,
    { cause: last },
  )
}

/** The session settings a SinkRetryPolicy is read from (see `SluiceConfig`). */
export interface SinkRetryConfig {
  /**
   * Retries of a batch whose sink write failed with a transient error, before the query fails
   * (default 0: fail at once, as Spark). @example Sluice.local({ 'sluice.sql.streaming.sink.maxRetries': 5 })
   */
  readonly 'sluice.sql.streaming.sink.maxRetries'?: number
  /** The wait before the first retry, doubled before each next one (default '1 second'). @example '500 milliseconds' */
  readonly 'sluice.sql.streaming.sink.retryBackoff'?: string
  /** The longest wait between two attempts (default '1 minute'). @example '30 seconds' */
  readonly 'sluice.sql.streaming.sink.maxRetryBackoff'?: string
  /**
   * Which sink errors are retried: 'transient' (default: a full disk, an I/O error, an unreachable
   * Kafka broker) or 'all' (also a foreachBatch function's own errors). @example 'all'
   */
  readonly 'sluice.sql.streaming.sink.retryOn'?: 'transient' | 'all'
}

/**
 * The policy from the session's settings, checked (INVALID_ARGUMENT names the key at fault).
 *
 * @example
 * sinkRetryPolicy({ 'sluice.sql.streaming.sink.maxRetries': 3 }) // 3 retries, 1 s, 2 s, 4 s apart
 */
export function sinkRetryPolicy(config: SinkRetryConfig): SinkRetryPolicy {
  const maxRetries = config['sluice.sql.streaming.sink.maxRetries'] ?? NO_SINK_RETRIES.maxRetries
  if (!Number.isSafeInteger(maxRetries) || maxRetries < 0 || maxRetries > 1_000)
    throw invalidArgument(
      `'sluice.sql.streaming.sink.maxRetries' must be an integer from 0 to 1000, but is ${maxRetries}.`,
    )
  const retryOn = config['sluice.sql.streaming.sink.retryOn'] ?? 'transient'
  if (retryOn !== 'transient' && retryOn !== 'all')
    throw invalidArgument(
      `'sluice.sql.streaming.sink.retryOn' must be 'transient' or 'all', but is '${String(retryOn)}'.`,
    )
  const backoff = config['sluice.sql.streaming.sink.retryBackoff']
  const maxBackoff = config['sluice.sql.streaming.sink.maxRetryBackoff']
  return Object.freeze({
    maxRetries,
    retryOn,
    backoffMs: backoff === undefined ? NO_SINK_RETRIES.backoffMs : parseInterval(backoff),
    maxBackoffMs: maxBackoff === undefined ? NO_SINK_RETRIES.maxBackoffMs : parseInterval(maxBackoff),
  })
}
