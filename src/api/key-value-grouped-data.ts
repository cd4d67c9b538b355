/**
 * `df.groupByKey(fn, keyType)`: rows grouped by a key the user's function computes, for arbitrary
 * stateful processing per group (Spark's KeyValueGroupedDataset).
 */
import { invalidArgument } from '../errors.ts'
import type {
  FlatMapGroupsFn,
  GroupStateOutputMode,
  GroupStateTimeout,
  MapGroupsFn,
} from '../plan/group-state.ts'
import { type GroupsWithStateSpec, type LogicalPlan, node } from '../plan/logical-plan.ts'
import type { StatefulProcessor, TimeMode } from '../plan/stateful-processor.ts'
import type { DataType, InferRow, StructType } from '../schema/data-type.ts'
import type { DataFrame } from './dataframe.ts'

/** The state and output schemas of `[map|flatMap]GroupsWithState` (they type the function). */
export interface GroupsWithStateOptions<S extends StructType, O extends StructType> {
  /** The state's schema: `state.update` is checked against it. */
  readonly stateSchema: S
  /** The schema of the rows the function returns. */
  readonly outputSchema: O
  /** Default NoTimeout. */
  readonly timeout?: GroupStateTimeout
}

const TIMEOUTS: readonly string[] = ['NoTimeout', 'ProcessingTimeTimeout', 'EventTimeTimeout']

/** The result of `groupByKey`: apply a function with state per group. `K` is the key's type. */
export class KeyValueGroupedData<K, R extends object> {
  readonly #child: LogicalPlan
  readonly #keyFn: (row: any) => unknown
  readonly #keyType: DataType
  readonly #make: (p: LogicalPlan) => DataFrame<any>

  constructor(
    child: LogicalPlan,
    keyFn: (row: R) => K,
    keyType: DataType,
    make: (p: LogicalPlan) => DataFrame<any>,
  ) {
    this.#child = child
    this.#keyFn = keyFn
    this.#keyType = keyType
    this.#make = make
  }

  /**
   * Calls `fn` once per group with new rows (and, with a timeout, once per group that timed out,
   * with no rows), with the group's state; `fn` returns exactly one row. On a stream the query must
   * use update output mode and no aggregation (Spark's rules); on a batch DataFrame each group is
   * called once with no state.
   *
   * @example
   * events.groupByKey((e) => e.user, t.string()).mapGroupsWithState(
   *   (user, rows, state) => {
   *     const n = (state.getOption?.n ?? 0) + [...rows].length
   *     state.update({ n })
   *     return { user, n }
   *   },
   *   { stateSchema: t.struct({ n: t.long() }), outputSchema: t.struct({ user: t.string(), n: t.long() }) },
   * )
   */
  mapGroupsWithState<S extends StructType, O extends StructType>(
    fn: MapGroupsFn<K, R, InferRow<S>, InferRow<O>>,
    options: GroupsWithStateOptions<S, O>,
  ): DataFrame<InferRow<O>> {
    const wrapped = (key: K, rows: Iterable<R>, state: any) => [fn(key, rows, state)]
    return this.#plan(wrapped, options, 'update', true)
  }

  /**
   * Like `mapGroupsWithState`, but `fn` returns any number of rows, and the operator declares its
   * own output mode (`append`: each row is final; `update`: rows may be updated later), which must
   * match the query's output mode unless the query aggregates after it (then `append`).
   *
   * @example
   * events.groupByKey((e) => e.user, t.string()).flatMapGroupsWithState(
   *   function* (user, rows, state) { for (const r of rows) yield { user, seen: r.ts } },
   *   { stateSchema: S, outputSchema: O, outputMode: 'append', timeout: GroupStateTimeout.EventTimeTimeout },
   * )
   */
  flatMapGroupsWithState<S extends StructType, O extends StructType>(
    fn: FlatMapGroupsFn<K, R, InferRow<S>, InferRow<O>>,
    options: GroupsWithStateOptions<S, O> & { readonly outputMode: GroupStateOutputMode },
  ): DataFrame<InferRow<O>> {
    return this.#plan(fn, options, options.outputMode, false)
  }

  /**
   * Spark 4's transformWithState: `processor` makes a StatefulProcessor (a fresh one per state
   * partition and batch) whose `init` declares named state variables (value, list, map, each with
   * an optional TTL) and whose handlers emit rows and register timers.
   *
   * @example
   * events.groupByKey((e) => e.user, t.string()).transformWithState(() => counter(), {
   *   outputSchema: t.struct({ user: t.string(), n: t.long() }), outputMode: 'update', timeMode: 'None',
   * })
   * // Its output feeding an append-mode window count: name the output's event-time column.
   * events.withWatermark('ts', '10 seconds').groupByKey((e) => e.user, t.string())
   *   .transformWithState(() => firstSeen(), { outputSchema: O, outputMode: 'append', timeMode: 'EventTime', eventTimeColumnName: 'ts' })
   *   .groupBy(window(col('ts'), '1 minute')).count()
   */
  transformWithState<O extends StructType, I extends object = never>(
    processor: () => StatefulProcessor<K, R, InferRow<O>, I>,
    options: {
      readonly outputSchema: O
      readonly outputMode: GroupStateOutputMode
      readonly timeMode?: TimeMode
      /** A batch DataFrame grouped by the same key: each row goes to `handleInitialState` in the first batch. */
      readonly initialState?: KeyValueGroupedData<K, I>
      /**
       * An output timestamp column that carries the input's watermark downstream (Spark's
       * `eventTimeColumnName`), so an aggregation over it works in append mode; needs a
       * `withWatermark` before `groupByKey`, and a row at or behind the watermark fails the batch.
       */
      readonly eventTimeColumnName?: string
    },
  ): DataFrame<InferRow<O>> {
    const timeMode = options.timeMode ?? 'None'
    if (!['None', 'ProcessingTime', 'EventTime'].includes(timeMode))
      throw invalidArgument(
        `transformWithState: unknown timeMode '${String(timeMode)}'; use None, ProcessingTime or EventTime.`,
      )
    if (options.outputMode !== 'append' && options.outputMode !== 'update')
      throw invalidArgument(
        `transformWithState: outputMode must be 'append' or 'update', got '${String(options.outputMode)}'.`,
      )
    if (options.outputSchema?.kind !== 'struct')
      throw invalidArgument(
        'transformWithState: outputSchema must be a struct schema, e.g. t.struct({ n: t.long() }).',
      )
    if (typeof processor !== 'function')
      throw invalidArgument(
        'transformWithState: pass a function that makes the processor, e.g. () => new MyProcessor().',
      )
    if (options.eventTimeColumnName !== undefined && typeof options.eventTimeColumnName !== 'string')
      throw invalidArgument(
        `transformWithState: eventTimeColumnName must be the name of an output column, got ${typeof options.eventTimeColumnName}.`,
      )
    const initial = options.initialState === undefined ? undefined : options.initialState.#keyedRows()
    const spec = Object.freeze({
      keyFn: this.#keyFn,
      keyType: this.#keyType,
      processor,
      outputSchema: options.outputSchema,
      outputMode: options.outputMode,
      timeMode,
      ...(initial === undefined ? {} : { initialState: Object.freeze(initial) }),
      ...(options.eventTimeColumnName ? { eventTimeColumnName: options.eventTimeColumnName } : {}),
    })
    return this.#make(node('transformWithState', { spec, child: this.#child }))
  }

  /** The rows of a batch DataFrame with their keys (an initial state). */
  #keyedRows(): { key: unknown; row: object }[] {
    const df = this.#make(this.#child)
    if (df.isStreaming)
      throw invalidArgument(
        'transformWithState: initialState must be a batch DataFrame (read with read, not readStream).',
      )
    return df.collect().map((row: object) => Object.freeze({ key: this.#keyFn(row), row }))
  }

  #plan(
    fn: (key: K, rows: Iterable<R>, state: any) => Iterable<unknown>,
    options: GroupsWithStateOptions<StructType, StructType>,
    outputMode: GroupStateOutputMode,
    isMapGroupsWithState: boolean,
  ): DataFrame<any> {
    const timeout = options.timeout ?? 'NoTimeout'
    const name = isMapGroupsWithState ? 'mapGroupsWithState' : 'flatMapGroupsWithState'
    if (!TIMEOUTS.includes(timeout))
      throw invalidArgument(
        `${name}: unknown timeout '${String(timeout)}'; use one of ${TIMEOUTS.join(', ')}.`,
      )
    if (outputMode !== 'append' && outputMode !== 'update')
      throw invalidArgument(`${name}: outputMode must be 'append' or 'update', got '${String(outputMode)}'.`)
    for (const k of ['stateSchema', 'outputSchema'] as const)
      if (options[k]?.kind !== 'struct')
        throw invalidArgument(`${name}: ${k} must be a struct schema, e.g. t.struct({ count: t.long() }).`)
    const spec: GroupsWithStateSpec = Object.freeze({
      keyFn: this.#keyFn,
      keyType: this.#keyType,
      fn,
      isMapGroupsWithState,
      stateSchema: options.stateSchema,
      outputSchema: options.outputSchema,
      outputMode,
      timeout,
    })
    return this.#make(node('groupsWithState', { spec, child: this.#child }))
  }
}
