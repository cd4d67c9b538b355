/**
 * A time limit for one benchmark step that talks to something outside the process (a broker, a
 * child process): a step that never answers fails with an error naming the step, the limit and how
 * far it got, instead of hanging the whole benchmark run.
 */

/** How far a step got, for the timeout message (e.g. records read so far). */
export interface StepProgress {
  done: number
  readonly total: number
  readonly unit: string
}

/**
 * Runs `fn` with an AbortSignal that fires after `limitMs`; rejects at that moment with an error
 * naming `what`, the limit and `progress`, whether or not `fn` heeds the signal (it should close
 * its clients so the process can exit).
 *
 * @example
 * await withDeadline('raw-fetch', 60_000, (signal) => rawFetchPipeline(..., signal))
 */
export async function withDeadline<T>(
  what: string,
  limitMs: number,
  fn: (signal: AbortSignal) => Promise<T>,
  progress?: StepProgress,
): Promise<T> {
  const ac = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const got =
        progress === undefined
          ? ''
          : ` after ${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')} ${progress.unit}`
      const err = new Error(
        `${what} did not finish within ${(limitMs / 1000).toFixed(0)} s${got}; raise the limit (--kafka-timeout-s) if the machine is just slow, else the broker or client stalled.`,
      )
      ac.abort(err)
      reject(err)
    }, limitMs)
  })
  try {
    return await Promise.race([fn(ac.signal), expired])
  } finally {
    clearTimeout(timer)
  }
}
