/**
 * Timers, injected like the clock: code outside io/ asks a Scheduler to run something every so often
 * and tests drive a ManualScheduler by hand instead of sleeping.
 */
import { invalidArgument } from '../errors.ts'
import type { ManualClock } from './clock.ts'

/** A task run every `intervalMs`; it may be async. It must handle its own errors. */
export type ScheduledTask = () => void | Promise<void>

/** A scheduled task's handle. */
export interface Scheduled {
  /** Stops further runs; a run already in progress finishes. */
  cancel(): void
}

export interface Scheduler {
  /** Runs `task` every `intervalMs` milliseconds, first after one interval, until cancelled. */
  every(intervalMs: number, task: ScheduledTask): Scheduled
}

function checkInterval(intervalMs: number): void {
  if (!(Number.isFinite(intervalMs) && intervalMs > 0)) {
    throw invalidArgument(
      `A scheduler interval must be a positive number of milliseconds, got ${intervalMs}.`,
    )
  }
}

/**
 * Real timers. A run that is still going when the next is due makes that next run skip, so slow
 * async tasks never pile up. Timers are unref'd: a heartbeat alone does not keep the process alive.
 *
 * @example
 * const beat = systemScheduler.every(10_000, () => refreshLease())
 * beat.cancel()
 */
export const systemScheduler: Scheduler = Object.freeze({
  every(intervalMs: number, task: ScheduledTask): Scheduled {
    checkInterval(intervalMs)
    let running = false
    const timer = setInterval(() => {
      if (running) return
      running = true
      // A rejection is left unhandled on purpose: tasks own their errors, so one escaping is a bug.
      void Promise.resolve()
        .then(task)
        .finally(() => {
          running = false
        })
    }, intervalMs)
    timer.unref()
    return { cancel: () => clearInterval(timer) }
  },
})

interface ManualEntry {
  readonly intervalMs: number
  readonly task: ScheduledTask
  readonly order: number
  due: number
  cancelled: boolean
}

/**
 * A scheduler driven by `advance`, which moves its ManualClock forward and runs every task that falls
 * due on the way, in time order (ties in the order they were scheduled), awaiting each.
 *
 * @example
 * const clock = new ManualClock(0)
 * const scheduler = new ManualScheduler(clock)
 * scheduler.every(10, () => { ticks++ })
 * await scheduler.advance(25) // ticks === 2, clock.now() === 25
 */
export class ManualScheduler implements Scheduler {
  private readonly clock: ManualClock
  private readonly entries: ManualEntry[] = []
  private nextOrder = 0

  constructor(clock: ManualClock) {
    this.clock = clock
  }

  every(intervalMs: number, task: ScheduledTask): Scheduled {
    checkInterval(intervalMs)
    const entry: ManualEntry = {
      intervalMs,
      task,
      order: this.nextOrder++,
      due: this.clock.now() + intervalMs,
      cancelled: false,
    }
    this.entries.push(entry)
    return {
      cancel: () => {
        entry.cancelled = true
        const i = this.entries.indexOf(entry)
        if (i >= 0) this.entries.splice(i, 1)
      },
    }
  }

  /** How many tasks are scheduled and not cancelled. */
  get pending(): number {
    return this.entries.length
  }

  /** Moves the clock `ms` forward, running the tasks that fall due, each at its due time. */
  async advance(ms: number): Promise<void> {
    const target = this.clock.now() + ms
    for (;;) {
      const next = this.nextDue(target)
      if (next === undefined) break
      this.clock.set(next.due)
      next.due += next.intervalMs
      await next.task()
    }
    this.clock.set(target)
  }

  private nextDue(limit: number): ManualEntry | undefined {
    let best: ManualEntry | undefined
    for (const e of this.entries) {
      if (e.cancelled || e.due > limit) continue
      if (best === undefined || e.due < best.due || (e.due === best.due && e.order < best.order)) best = e
    }
    return best
  }
}
