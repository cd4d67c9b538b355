/** A session for streaming tests: UTC, a manual clock, captured output, no signal handlers. */
import { ManualClock, Sluice, type StreamingQuery } from '../../src/index.ts'

export interface StreamSession {
  readonly sluice: Sluice
  readonly clock: ManualClock
  /** What show()/explain()/the console sink printed. */
  readonly captured: string[]
}

/**
 * A fresh session on a ManualClock at `startMs`.
 * @example const { sluice, clock } = streamSession()
 */
export function streamSession(startMs = 0): StreamSession {
  const clock = new ManualClock(startMs)
  const captured: string[] = []
  const sluice = Sluice.local({
    'sluice.sql.session.timeZone': 'UTC',
    clock,
    output: (s) => captured.push(s),
    'sluice.streaming.stopOnSignal': false,
  })
  return { sluice, clock, captured }
}

/**
 * Waits until the query has processed everything added before the call.
 * @example input.addData({ n: 1 }); await drain(query)
 */
export async function drain(q: StreamingQuery): Promise<void> {
  if (q.isActive) await q.processAllAvailable()
}
