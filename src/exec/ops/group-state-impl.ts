/**
 * The `GroupState` handle one call of a `[map|flatMap]GroupsWithState` function gets (Spark's
 * GroupStateImpl), with Spark's rules and messages: timeouts only of the configured kind, positive
 * durations, event-time timeouts not behind the watermark, the watermark only when the query has
 * one. The state is validated against the state schema on `update`.
 */
import { invalidArgument, SluiceError } from '../../errors.ts'
import type { GroupState, GroupStateTimeout } from '../../plan/group-state.ts'
import { parseInterval } from '../../plan/sql/interval.ts'
import { type StructType, simpleString } from '../../schema/data-type.ts'
import { compileRowDecoder, compileRowEncoder } from '../../schema/row-codec.ts'

/** Spark's `NO_TIMESTAMP`: no timeout set. */
export const NO_TIMESTAMP = -1

/** What a group's call starts from. */
export interface GroupStateInit {
  /** The stored state (positional row), or null. */
  readonly stateRow: readonly unknown[] | null
  readonly stateSchema: StructType
  readonly timeout: GroupStateTimeout
  readonly hasTimedOut: boolean
  readonly batchProcessingTimeMs: number
  /** The batch's event-time watermark, or undefined when the query has none. */
  readonly watermarkMs: number | undefined
}

const unsupported = (message: string) => new SluiceError('UNSUPPORTED_OPERATION', message)

const DECODERS = new WeakMap<StructType, (row: readonly unknown[]) => Record<string, unknown>>()

/** The state schema's decoder, compiled once per schema (not per group). */
function decoderOf(schema: StructType): (row: readonly unknown[]) => Record<string, unknown> {
  let d = DECODERS.get(schema)
  if (d === undefined) DECODERS.set(schema, (d = compileRowDecoder(schema)))
  return d
}

function durationMs(d: number | string): number {
  return typeof d === 'number' ? d : parseInterval(d)
}

export class GroupStateImpl<S> implements GroupState<S> {
  readonly hasTimedOut: boolean
  /** Whether `update` or `remove` was called. */
  changed = false
  /** The timeout set in this call (NO_TIMESTAMP: none; a call resets it, as in Spark). */
  timeoutTimestampMs = NO_TIMESTAMP
  #row: readonly unknown[] | null
  #value: S | undefined
  readonly #init: GroupStateInit

  constructor(init: GroupStateInit) {
    this.#init = init
    this.#row = init.stateRow
    this.hasTimedOut = init.hasTimedOut
  }

  /** The state as a positional row (what the store keeps), or null. */
  get stateRow(): readonly unknown[] | null {
    return this.#row
  }

  get exists(): boolean {
    return this.#row !== null
  }

  get get(): S {
    const v = this.getOption
    if (v === undefined) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        'GroupState.get: state is either not defined or has already been removed; check state.exists or use state.getOption.',
      )
    }
    return v
  }

  get getOption(): S | undefined {
    if (this.#row === null) return undefined
    this.#value ??= decoderOf(this.#init.stateSchema)(this.#row) as S
    return this.#value
  }

  update(newState: S): void {
    if (newState === null || newState === undefined)
      throw invalidArgument(
        "GroupState.update: 'null' is not a valid state value; use remove() to drop the state.",
      )
    try {
      this.#row = compileRowEncoder(this.#init.stateSchema)([newState as object])[0]
    } catch (e) {
      if (!(e instanceof SluiceError)) throw e
      throw new SluiceError(
        'INVALID_ROW',
        `GroupState.update: the new state does not match the state schema ${simpleString(this.#init.stateSchema)}: ${e.message.replace(/^\[[A-Z_]+\] (Row 0: )?/, '')}`,
      )
    }
    this.#value = undefined
    this.changed = true
  }

  remove(): void {
    this.#row = null
    this.#value = undefined
    this.changed = true
  }

  setTimeoutDuration(duration: number | string): void {
    if (this.#init.timeout !== 'ProcessingTimeTimeout')
      throw unsupported(
        'Cannot set timeout duration without enabling processing time timeout in [map|flatMap]GroupsWithState: pass timeout: GroupStateTimeout.ProcessingTimeTimeout.',
      )
    const ms = durationMs(duration)
    if (!(ms > 0)) throw invalidArgument(`Timeout duration must be positive (got ${String(duration)}).`)
    this.timeoutTimestampMs = this.#init.batchProcessingTimeMs + ms
  }

  setTimeoutTimestamp(timestampMs: number, additionalDuration?: number | string): void {
    if (this.#init.timeout !== 'EventTimeTimeout')
      throw unsupported(
        'Cannot set timeout timestamp without enabling event time timeout in [map|flatMap]GroupsWithState: pass timeout: GroupStateTimeout.EventTimeTimeout.',
      )
    const extra = additionalDuration === undefined ? 0 : durationMs(additionalDuration)
    if (additionalDuration !== undefined && !(extra > 0))
      throw invalidArgument(`Timeout duration must be positive (got ${String(additionalDuration)}).`)
    if (!(timestampMs > 0)) throw invalidArgument(`Timeout timestamp must be positive (got ${timestampMs}).`)
    const wm = this.#init.watermarkMs
    const at = timestampMs + extra
    if (wm !== undefined && at < wm)
      throw invalidArgument(`Timeout timestamp (${at}) cannot be earlier than the current watermark (${wm}).`)
    this.timeoutTimestampMs = at
  }

  getCurrentWatermarkMs(): number {
    if (this.#init.watermarkMs === undefined)
      throw unsupported(
        'Cannot get event time watermark timestamp without setting watermark before [map|flatMap]GroupsWithState: call withWatermark(column, delay) on the input first.',
      )
    return this.#init.watermarkMs
  }

  getCurrentProcessingTimeMs(): number {
    return this.#init.batchProcessingTimeMs
  }
}
