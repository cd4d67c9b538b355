/**
 * How a script waits for its query, never on time (STYLE: wait on offsets): until the offsets added
 * to its memory streams are committed, until a once/availableNow query ends, or, for a
 * processing-time trigger on a ManualClock, until the query waits on the clock again.
 */
import { setImmediate as nextTurn } from 'node:timers/promises'
import { type Clock, ManualClock } from '../io/clock.ts'
import type { StreamingQuery } from '../runtime/streaming-query.ts'
import type { Trigger } from '../runtime/trigger.ts'

/** Offsets per `progress.sources` index: what the script added, and what the query committed (across runs). */
export interface OffsetBook {
  readonly awaiting: Map<number, number>
  readonly committed: Map<number, number>
}

/** How many processAllAvailable() rounds without a new batch mean the query will not reach an offset. */
const STALLED_ROUNDS = 3
/**
 * Event-loop turns to wait for a query to wait on a ManualClock before giving up: a bound for a
 * script whose `clock` is not the session's (no query ever waits on it), far above what a batch takes.
 */
const MAX_TURNS = 1_000_000

/** Folds the query's progress into `book.committed`. @example recordCommitted(query, book) */
export function recordCommitted(q: StreamingQuery, book: OffsetBook): void {
  for (const p of q.recentProgress) {
    p.sources.forEach((s, i) => {
      const end = s.endOffset
      if (typeof end === 'number' && end > (book.committed.get(i) ?? -1)) book.committed.set(i, end)
    })
  }
}

/**
 * A line for each offset the script added that the query has not committed.
 * @example pendingOffsets(book) // ['source 0: waiting for offset 2, committed 1']
 */
export function pendingOffsets(book: OffsetBook): string[] {
  const out: string[] = []
  for (const [i, offset] of book.awaiting) {
    const done = book.committed.get(i) ?? -1
    if (done < offset) out.push(`source ${i}: waiting for offset ${offset}, committed ${done}`)
  }
  return out
}

/**
 * Resolves once the query has processed everything it will without the script's help (or has
 * ended); throws when it cannot get there. Never rejects with the query's own error: the caller
 * looks at `q.exception`.
 * @example await settle(query, DEFAULT_TRIGGER, undefined, book)
 */
export async function settle(
  q: StreamingQuery,
  trigger: Trigger,
  clock: Clock | undefined,
  book: OffsetBook,
): Promise<void> {
  if (!q.isActive) return await endOf(q)
  if (trigger.kind === 'once' || trigger.kind === 'availableNow') return await endOf(q)
  if (trigger.kind === 'processingTime' && clock instanceof ManualClock) return await untilParked(q, clock)
  await untilCommitted(q, book)
}

async function endOf(q: StreamingQuery): Promise<void> {
  await q.awaitTermination().catch(() => undefined)
}

/**
 * Calls processAllAvailable() until every offset the script added is committed, and says which
 * offsets are missing if the query stops making progress (a bug in a source or in the runtime).
 */
async function untilCommitted(q: StreamingQuery, book: OffsetBook): Promise<void> {
  let stalled = 0
  for (;;) {
    recordCommitted(q, book)
    if (!q.isActive) return
    if (pendingOffsets(book).length === 0) {
      // As Spark's StreamTest: batches without new data (a restart's, or the watermark's) run too.
      await q.processAllAvailable().catch(() => undefined)
      return
    }
    const last = q.lastProgress
    await q.processAllAvailable().catch(() => undefined)
    const moved = q.lastProgress !== last
    stalled = moved ? 0 : stalled + 1
    if (stalled >= STALLED_ROUNDS && q.isActive) {
      recordCommitted(q, book)
      const pending = pendingOffsets(book)
      if (pending.length === 0) return
      throw new Error(
        `The query processed all available data ${STALLED_ROUNDS} times without committing the data the script added (${pending.join('; ')}).`,
      )
    }
  }
}

/**
 * Resolves once the query waits on the clock (between triggers) or has ended (Spark's
 * StreamManualClock.isStreamWaitingAt). Polls once per event-loop turn: it waits on the query's
 * state, not on time.
 * @example await untilParked(query, clock); clock.advance(10_000)
 */
export async function untilParked(q: StreamingQuery, clock: ManualClock): Promise<void> {
  for (let turns = 0; q.isActive && clock.waiterCount === 0; turns++) {
    if (turns >= MAX_TURNS) {
      throw new Error(
        'The query never waited on the ManualClock the script advances: pass the clock the session was created with (Sluice.local({ clock })) as testStream(df, { clock }).',
      )
    }
    await nextTurn()
  }
  if (!q.isActive) await endOf(q)
}
