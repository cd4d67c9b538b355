/**
 * The user-facing types of `transformWithState` (Spark 4.0's arbitrary stateful API): a
 * StatefulProcessor declares named state variables (value, list, map; each with an optional TTL)
 * in `init`, handles each group's new rows and its expired timers. Implemented in
 * exec/ops/transform-with-state-exec.ts.
 */
import type { DataType, InferRow, InferValue, StructType } from '../schema/data-type.ts'

/** Which clock the processor's timers follow (Spark's `TimeMode`). */
export type TimeMode = 'None' | 'ProcessingTime' | 'EventTime'

/** A state variable's time to live (processing time, from its last update); timeMode ProcessingTime only. */
export interface TTLConfig {
  readonly ttlDurationMs: number
}

/** One value per group. @example const last = handle.getValueState('last', S); last.update({ ts: 1 }) */
export interface ValueState<V> {
  exists(): boolean
  /** The value, or undefined. */
  get(): V | undefined
  update(value: V): void
  clear(): void
}

/** A list per group; `appendValue` writes one entry, not the whole list. */
export interface ListState<V> {
  exists(): boolean
  get(): V[]
  put(values: readonly V[]): void
  appendValue(value: V): void
  appendList(values: readonly V[]): void
  clear(): void
}

/** A map per group; `updateValue` writes one entry, not the whole map. */
export interface MapState<K, V> {
  exists(): boolean
  getValue(key: K): V | undefined
  containsKey(key: K): boolean
  updateValue(key: K, value: V): void
  iterator(): IterableIterator<[K, V]>
  keys(): K[]
  values(): V[]
  removeKey(key: K): void
  clear(): void
}

/** The current batch's times (Spark's TimerValues). */
export interface TimerValues {
  /** The batch's processing time; -1 in timeMode None (as Spark). */
  getCurrentProcessingTimeInMs(): number
  /** The event-time watermark of the batch (0 before the first one); -1 unless timeMode is EventTime. */
  getCurrentWatermarkInMs(): number
}

/** The timer that fired. */
export interface ExpiredTimerInfo {
  getExpiryTimeInMs(): number
}

/** What `init` gets: state variables and timers (timers act on the current group). */
export interface StatefulProcessorHandle {
  getValueState<S extends StructType>(name: string, schema: S, ttl?: TTLConfig): ValueState<InferRow<S>>
  getListState<S extends StructType>(name: string, schema: S, ttl?: TTLConfig): ListState<InferRow<S>>
  getMapState<KT extends DataType, S extends StructType>(
    name: string,
    keyType: KT,
    schema: S,
    ttl?: TTLConfig,
  ): MapState<InferValue<KT>, InferRow<S>>
  /** Registers a timer of the current group at `expiryMs` (processing or event time, by the time mode). */
  registerTimer(expiryMs: number): void
  deleteTimer(expiryMs: number): void
  /** The current group's timers, ascending. */
  listTimers(): number[]
}

/**
 * A stateful processor (Spark 4's StatefulProcessor). `transformWithState` creates one per
 * state partition and batch through the factory it is given, and calls `init` first.
 *
 * @example
 * const counter = (): StatefulProcessor<string | null, Row, Out> => {
 *   let count: ValueState<{ n: number | null }>
 *   return {
 *     init: (handle) => { count = handle.getValueState('count', t.struct({ n: t.long() })) },
 *     *handleInputRows(key, rows) { const n = (count.get()?.n ?? 0) + [...rows].length; count.update({ n }); yield { key, n } },
 *   }
 * }
 */
export interface StatefulProcessor<K, R, O, I = unknown> {
  init(handle: StatefulProcessorHandle, outputMode: 'append' | 'update', timeMode: TimeMode): void
  handleInputRows(key: K, rows: Iterable<R>, timerValues: TimerValues): Iterable<O>
  /**
   * Called in the query's first batch, before any input, once per row of the initial state given
   * to `transformWithState` (its group's key current): seed the state variables from it.
   */
  handleInitialState?(key: K, initialState: I, timerValues: TimerValues): void
  handleExpiredTimer?(key: K, timerValues: TimerValues, expiredTimerInfo: ExpiredTimerInfo): Iterable<O>
  close?(): void
}
