/**
 * Processing time, injected so tests advance it by hand instead of sleeping. The runtime reads
 * `now()` and waits with `waitUntil()`; nothing else in Sluice looks at the wall clock.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number
  /**
   * Resolves once `now() >= timeMs`, or as soon as `signal` aborts (whichever comes first). Never
   * rejects.
   */
  waitUntil(timeMs: number, signal?: AbortSignal): Promise<void>
}

/** The real clock (Date.now and setTimeout). */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  waitUntil(timeMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted || Date.now() >= timeMs) return resolve()
      const done = (): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, Math.max(0, timeMs - Date.now()))
      signal?.addEventListener('abort', done, { once: true })
    })
  },
})

/**
 * A clock that only moves when told to; `waitUntil` resolves when `advance`/`set` reach the time.
 * @example const c = new ManualClock(0); c.advance(1000)
 */
export class ManualClock implements Clock {
  private time: number
  private waiters: { timeMs: number; resolve: () => void }[] = []

  constructor(start = 0) {
    this.time = start
  }
  now(): number {
    return this.time
  }
  advance(ms: number): void {
    this.set(this.time + ms)
  }
  set(ms: number): void {
    this.time = ms
    const due = this.waiters.filter((w) => w.timeMs <= ms)
    this.waiters = this.waiters.filter((w) => w.timeMs > ms)
    for (const w of due) w.resolve()
  }
  /** How many callers are waiting on this clock (tests use it to know the query is idle). */
  get waiterCount(): number {
    return this.waiters.length
  }
  waitUntil(timeMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || this.time >= timeMs) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const waiter = {
        timeMs,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
      }
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== waiter)
        resolve()
      }
      this.waiters.push(waiter)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}

/**
 * Real-time waits for network retries (the backoff between attempts against a broker), injected
 * like the clock. They are not the query's processing time, so a session hands connectors this
 * rather than its clock: a test that drives the query with a ManualClock must not stall a retry
 * against a real broker. A test of retry logic gives one that does not wait.
 */
export interface RetryTimer {
  /** Milliseconds since some fixed point (only differences mean anything), for error messages and timeouts. */
  elapsedMs(): number
  /** Resolves after `ms`, or at once when `signal` aborts. Never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** Timers of the process (performance.now and setTimeout). */
export const systemRetryTimer: RetryTimer = Object.freeze({
  elapsedMs: () => performance.now(),
  sleep: (ms: number, signal?: AbortSignal) => systemClock.waitUntil(Date.now() + ms, signal),
})
