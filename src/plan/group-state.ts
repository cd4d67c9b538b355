/**
 * The user-facing types of arbitrary stateful processing (Spark's `mapGroupsWithState` /
 * `flatMapGroupsWithState`): the per-group state handle the user's function gets, the timeout
 * kinds, and the function's shape. The handle's implementation is in exec/ops/group-state-impl.ts.
 */

/** Spark's `GroupStateTimeout`: when a group's function is called without new data. */
export type GroupStateTimeout = 'NoTimeout' | 'ProcessingTimeTimeout' | 'EventTimeTimeout'

/**
 * The timeout kinds, spelled as in Spark (`GroupStateTimeout.ProcessingTimeTimeout`).
 *
 * @example df.groupByKey((r) => r.user, t.string()).flatMapGroupsWithState(fn, { ..., timeout: GroupStateTimeout.EventTimeTimeout })
 */
export const GroupStateTimeout = Object.freeze({
  NoTimeout: 'NoTimeout',
  ProcessingTimeTimeout: 'ProcessingTimeTimeout',
  EventTimeTimeout: 'EventTimeTimeout',
} as const)

/** The output mode a `flatMapGroupsWithState` declares for its own output (Spark's `outputMode`). */
export type GroupStateOutputMode = 'append' | 'update'

/**
 * The state of one group, as the user's function sees it (PySpark's `GroupState`: `exists`, `get`,
 * `getOption` and `hasTimedOut` are properties; the rest are methods).
 *
 * @example
 * const n = (state.exists ? state.get.count : 0) + 1
 * state.update({ count: n })
 * state.setTimeoutDuration('10 minutes')
 */
export interface GroupState<S> {
  /** Whether the group has state (set by an earlier call or by `update` in this one). */
  readonly exists: boolean
  /** The state; throws when there is none (check `exists` or use `getOption`). */
  readonly get: S
  /** The state, or undefined. */
  readonly getOption: S | undefined
  /** Whether this call is a timeout (no new rows: the group's timeout passed). */
  readonly hasTimedOut: boolean
  /** Sets the state; it must match the state schema (checked now). @example state.update({ count: 1 }) */
  update(newState: S): void
  /** Removes the state (the group starts over the next time). @example state.remove() */
  remove(): void
  /**
   * With ProcessingTimeTimeout: the group times out when no data arrives for `duration` (ms or an
   * interval string) of processing time. Set again in each call, or there is no timeout.
   *
   * @example state.setTimeoutDuration('1 hour')
   */
  setTimeoutDuration(duration: number | string): void
  /**
   * With EventTimeTimeout: the group times out once the watermark passes `timestampMs` (plus the
   * optional extra duration). It must not be behind the current watermark.
   *
   * @example state.setTimeoutTimestamp(lastEventMs, '30 minutes')
   */
  setTimeoutTimestamp(timestampMs: number, additionalDuration?: number | string): void
  /** The event-time watermark of this batch (needs a watermark). @example state.getCurrentWatermarkMs() */
  getCurrentWatermarkMs(): number
  /** The batch's processing time (the injected clock). @example state.getCurrentProcessingTimeMs() */
  getCurrentProcessingTimeMs(): number
}

/** The function of `flatMapGroupsWithState`: a group's key, its new rows and its state -> rows. */
export type FlatMapGroupsFn<K, R, S, O> = (key: K, rows: Iterable<R>, state: GroupState<S>) => Iterable<O>

/** The function of `mapGroupsWithState`: exactly one row per call. */
export type MapGroupsFn<K, R, S, O> = (key: K, rows: Iterable<R>, state: GroupState<S>) => O
