/**
 * Retrying Kafka calls the way Spark's Kafka source rides out a broker that is briefly away: a
 * transient failure (no connection, a timeout, a leader moving: the errors Kafka marks retriable) is
 * retried with exponential backoff until `kafka.default.api.timeout.ms` (60 s) has passed; any other
 * failure gets `fetchOffset.numRetries` attempts `fetchOffset.retryIntervalMs` apart (Spark's
 * `withRetries`). A query therefore waits out a broker restart and resumes where it was, and fails
 * with a clear error once the outage outlasts the timeout.
 *
 * The deadline is a budget of waits, not of wall time: transient failures are retried while the
 * backoff waits so far add up to less than the timeout, whatever each attempt itself took (an
 * attempt is bounded by the client's own request timeout). Counting wall time made a loaded machine,
 * where attempts are slow, give up after a few tries. Waits go through the `RetryTimer` the session
 * injects (real time: they are about the network, not the query's clock, so a test's ManualClock
 * never stalls them).
 */
import { SluiceError } from '../../errors.ts'
import { type RetryTimer, systemRetryTimer } from '../../io/clock.ts'

export interface KafkaRetryPolicy {
  /** How long transient failures are retried (`kafka.default.api.timeout.ms`). */
  readonly deadlineMs: number
  /** First wait after a transient failure (`kafka.retry.backoff.ms`), doubled up to `maxBackoffMs`. */
  readonly backoffMs: number
  /** Longest wait between transient retries (`kafka.retry.backoff.max.ms`). */
  readonly maxBackoffMs: number
  /** Attempts for any other failure (`fetchOffset.numRetries`). */
  readonly attempts: number
  /** Wait between those attempts (`fetchOffset.retryIntervalMs`). */
  readonly attemptIntervalMs: number
  /** Where the waits happen: the session's (ConnectorContext.retryTimer); the process's timers when absent. */
  readonly timer?: RetryTimer
}

export const DEFAULT_RETRY_POLICY: KafkaRetryPolicy = Object.freeze({
  deadlineMs: 60_000,
  backoffMs: 100,
  maxBackoffMs: 1_000,
  attempts: 3,
  attemptIntervalMs: 1_000,
})

interface ErrorLike {
  readonly code?: unknown
  readonly canRetry?: unknown
  readonly errors?: unknown
  readonly cause?: unknown
  readonly message?: unknown
}

/**
 * The innermost errors of a client error (MultipleErrors nest their attempts and causes).
 *
 * @example
 * leafErrors(new AggregateError([new Error('a')])) // [Error('a')]
 */
export function leafErrors(e: unknown, depth = 0): ErrorLike[] {
  const err = e as ErrorLike | null
  if (err === null || typeof err !== 'object' || depth > 8) return []
  if (Array.isArray(err.errors) && err.errors.length > 0)
    return err.errors.flatMap((x) => leafErrors(x, depth + 1))
  return [err]
}

/**
 * True for a failure worth waiting out: the broker is unreachable, a request timed out, or Kafka
 * says the request may be retried (a leader moving, a broker starting).
 *
 * @example
 * isTransientKafkaError(new NetworkError('Connection closed')) // true
 */
export function isTransientKafkaError(e: unknown): boolean {
  if (e instanceof SluiceError) return false
  const leaves = leafErrors(e)
  if (leaves.some((l) => l.code === 'PLT_KFK_NETWORK' || isSocketError(l.cause ?? l))) return true
  return leaves.length > 0 && leaves.every((l) => l.canRetry === true)
}

function isSocketError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^(ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)/.test(code)
}

/**
 * A one-line description of a client error: its innermost messages, deduplicated.
 *
 * @example
 * describeKafkaError(err) // 'Connection to 127.0.0.1:9092 failed: connect ECONNREFUSED'
 */
export function describeKafkaError(e: unknown): string {
  const messages = leafErrors(e).map((l) => {
    const cause = l.cause as ErrorLike | undefined
    const base = String(l.message ?? l)
    return cause?.message !== undefined && !base.includes(String(cause.message))
      ? `${base} (${cause.message})`
      : base
  })
  const unique = [...new Set(messages)]
  return unique.length > 0 ? unique.join('; ') : String(e)
}

/**
 * Runs `op`, retrying per `policy`; `beforeRetry` runs before each retry (to drop stale metadata).
 * SluiceErrors from `op` are decisions, not failures: they are thrown at once. The final failure is
 * a SOURCE_UNAVAILABLE error naming `what`, with the client's error as its cause.
 *
 * @example
 * const offsets = await withKafkaRetry('listing offsets of topic t', policy, () => admin.listOffsets(req))
 */
export async function withKafkaRetry<T>(
  what: string,
  policy: KafkaRetryPolicy,
  op: () => Promise<T>,
  options: { beforeRetry?: () => void; signal?: AbortSignal } = {},
): Promise<T> {
  const timer = policy.timer ?? systemRetryTimer
  const started = timer.elapsedMs()
  let attempts = 0
  let transientRetries = 0
  let waitedMs = 0
  for (;;) {
    try {
      return await op()
    } catch (e) {
      if (e instanceof SluiceError || options.signal?.aborted) throw e
      const transient = isTransientKafkaError(e)
      attempts++
      let wait: number
      if (transient && waitedMs < policy.deadlineMs) {
        wait = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.min(transientRetries++, 20))
        wait = Math.min(wait, Math.max(1, policy.deadlineMs - waitedMs))
      } else if (!transient && attempts < policy.attempts) {
        wait = policy.attemptIntervalMs
      } else {
        throw gaveUp(what, e, transient, attempts, Math.round(timer.elapsedMs() - started))
      }
      await timer.sleep(wait, options.signal)
      waitedMs += wait
      if (options.signal?.aborted)
        throw gaveUp(what, e, transient, attempts, Math.round(timer.elapsedMs() - started))
      options.beforeRetry?.()
    }
  }
}

function gaveUp(
  what: string,
  e: unknown,
  transient: boolean,
  attempts: number,
  elapsedMs: number,
): SluiceError {
  const why = transient
    ? `the Kafka cluster was unreachable for ${elapsedMs} ms (kafka.default.api.timeout.ms; ${attempts} attempts)`
    : `it failed ${attempts} time(s) (fetchOffset.numRetries)`
  return new SluiceError('SOURCE_UNAVAILABLE', `Kafka: ${what} gave up: ${why}: ${describeKafkaError(e)}`, {
    cause: e,
  })
}
