/**
 * Spark's Observation: the metrics of `df.observe(observation, ...)` on a batch DataFrame, read
 * after an action. The first successful action fills it; later actions leave it as it is; an
 * action that fails fills nothing. Streams report their metrics in progress instead.
 */
import { randomUUID } from 'node:crypto'
import { SluiceError } from '../errors.ts'
import type { ObservationHandle } from '../plan/logical-plan.ts'

/** What DataFrame.observe uses to attach an Observation (not part of the public surface). */
export const attachObservation: unique symbol = Symbol('attachObservation')

/**
 * Observed metrics of a batch DataFrame (Spark's `Observation`).
 *
 * @example
 * const stats = new Observation('stats')
 * df.observe(stats, count('*').alias('rows'), max('v')).collect()
 * stats.get // { rows: 9, 'max(v)': 10 }
 */
export class Observation {
  /** The metrics' name (a random UUID when none was given, as in Spark). */
  readonly name: string
  private attached = false
  private row: Readonly<Record<string, unknown>> | undefined

  /** @example new Observation('stats') */
  constructor(name?: string) {
    if (name === '')
      throw new SluiceError(
        'INVALID_ARGUMENT',
        "new Observation(''): the name must be a non-empty string (leave it out for a random one).",
      )
    this.name = name ?? randomUUID()
  }

  /**
   * The metrics (column -> value) of the first action run on the observed DataFrame.
   *
   * @example df.observe(stats, count('*').alias('rows')).count(); stats.get.rows
   */
  get get(): Readonly<Record<string, unknown>> {
    if (!this.attached)
      throw new SluiceError(
        'NO_OBSERVE_BEFORE_GET',
        `Observation '${this.name}' is not attached to a DataFrame: call df.observe(observation, ...) and run an action before reading observation.get.`,
      )
    if (this.row === undefined)
      throw new SluiceError(
        'NO_OBSERVE_BEFORE_GET',
        `Observation '${this.name}' has no metrics yet: run an action (collect, count, show, write) on the observed DataFrame first; an action that failed reports none.`,
      )
    return this.row
  }

  /** Attaches this observation to one DataFrame; REUSE_OBSERVATION the second time. */
  [attachObservation](): ObservationHandle {
    if (this.attached)
      throw new SluiceError(
        'REUSE_OBSERVATION',
        `Observation '${this.name}' is already attached to a DataFrame; an Observation can be used with one DataFrame only (make a new one).`,
      )
    this.attached = true
    return Object.freeze({
      name: this.name,
      deliver: (row: Readonly<Record<string, unknown>>) => {
        this.row ??= row
      },
    })
  }
}
