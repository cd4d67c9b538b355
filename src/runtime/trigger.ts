/**
 * Triggers, as Spark's: the default (a new batch as soon as the previous one ends and there is
 * data), `processingTime` (a batch every interval, never overlapping; an overrunning batch is
 * followed at once), `once` (one batch, then stop) and `availableNow` (everything available at the
 * start, in as many rate-limited batches as it takes, then stop).
 */
import { SluiceError } from '../errors.ts'
import { parseInterval } from '../plan/sql/interval.ts'

export type Trigger =
  | { readonly kind: 'default' }
  | { readonly kind: 'processingTime'; readonly intervalMs: number }
  | { readonly kind: 'once' }
  | { readonly kind: 'availableNow' }

/** The typed trigger options of `writeStream.trigger(...)`, PySpark's keywords. */
export type TriggerOptions =
  | { readonly processingTime: string | number }
  | { readonly once: true }
  | { readonly availableNow: true }
  | { readonly continuous: string }

export const DEFAULT_TRIGGER: Trigger = Object.freeze({ kind: 'default' })

/** Resolves trigger options (`{ processingTime: '1 second' }`, `{ once: true }`, ...). */
export function resolveTrigger(opts: TriggerOptions): Trigger {
  const keys = Object.keys(opts)
  if (keys.length !== 1) {
    throw new SluiceError(
      'INVALID_OPTION',
      `trigger() takes exactly one of processingTime, once, availableNow; got ${keys.join(', ') || 'none'}.`,
    )
  }
  if ('processingTime' in opts) {
    const v = opts.processingTime
    const ms = typeof v === 'number' ? v : parseInterval(v)
    if (!Number.isFinite(ms) || ms < 0)
      throw new SluiceError(
        'INVALID_OPTION',
        `trigger processingTime must be a non-negative interval, got '${v}'.`,
      )
    return ms === 0 ? DEFAULT_TRIGGER : Object.freeze({ kind: 'processingTime', intervalMs: ms })
  }
  if ('once' in opts && opts.once === true) return Object.freeze({ kind: 'once' })
  if ('availableNow' in opts && opts.availableNow === true) return Object.freeze({ kind: 'availableNow' })
  if ('continuous' in opts) {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      'Continuous processing is not supported; use the default or a processingTime trigger.',
    )
  }
  throw new SluiceError('INVALID_OPTION', `Unknown trigger ${JSON.stringify(opts)}.`)
}

/** Spark's ProcessingTimeExecutor.nextBatchTime: the next multiple of the interval after `now`. */
export function computeNextTriggerTime(nowMs: number, intervalMs: number): number {
  if (intervalMs === 0) return nowMs
  return Math.floor(nowMs / intervalMs) * intervalMs + intervalMs
}
