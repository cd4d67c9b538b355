/**
 * The state store SPI (shared/DESIGN.md §5), after Spark's `StateStore` / `StateStoreProvider`.
 *
 * A provider serves one (operatorId, partition, storeName). Each batch opens the version the last
 * batch committed (`getStore(v)`), reads and writes it, and either commits it as v+1 or aborts it.
 * The runtime drives providers; operators only see a `StateStore`, and never files.
 *
 * An operator is never called concurrently (Node's single thread), so a provider has at most one
 * open store: opening another discards the first one's uncommitted changes, like an abort.
 */
import type { Clock } from '../io/clock.ts'
import type { FileSystem } from '../io/fs.ts'
import type { KeyOrdering } from './event-time-index.ts'

/**
 * A state key: the values of the key columns, in order (`['user-1', 1700000000000]`). A key prefix
 * is a shorter array (`['user-1']`). Components are Sluice values other than maps.
 */
export type StateKey = readonly unknown[]

/** Which store a provider serves. */
export interface StateStoreId {
  readonly operatorId: number
  readonly partition: number
  /** Distinguishes several stores of one operator (Spark's `storeName`, default `'default'`). */
  readonly storeName: string
}

/** One entry of a store. */
export interface StateEntry {
  readonly key: StateKey
  readonly value: unknown
}

/** What a store reports for progress (`stateOperators[]`). */
export interface StateStoreMetrics {
  /** Keys in the store as it stands now (Spark's `numRowsTotal`). */
  readonly numKeys: number
  /** An estimate of the heap the store's map holds, in bytes. */
  readonly memoryUsedBytes: number
  /** `put` calls since the store was opened. */
  readonly numRowsUpdated: number
  /** `remove` calls since the store was opened that removed a key that was there. */
  readonly numRowsRemoved: number
  /**
   * The provider's own figures, summed per operator into progress's `customMetrics` (Spark's
   * RocksDB metrics: `lmdbBytesOnDisk`, `lmdbChangelogWriteTimeMs`, ...); absent for the memory one.
   */
  readonly customMetrics?: Readonly<Record<string, number>>
}

/**
 * One version of one (operator, partition, store) map, opened for one batch.
 *
 * Keys and values are kept by reference: do not change a key array after handing it to the store,
 * or a value after `put`ting it (put a new one instead). An entry a scan yields may be the store's
 * own: read its value before putting its key again.
 */
export interface StateStore {
  /** The version this store was opened at; `commit()` makes `version + 1`. */
  readonly version: number
  /** The value under `key`, or undefined. Synchronous: this is the per-row hot path. @example store.get(['a']) */
  get(key: StateKey): unknown
  /** Sets `key` to `value` (not undefined). @example store.put(['a'], { count: 1 }) */
  put(key: StateKey, value: unknown): void
  /**
   * Optional (the memory provider has it): changes the array value under `key` in place with
   * `change(value, arg)`, as a `put` of the changed value; false (and nothing done) when `key` is
   * absent or its value is not an array. `change` may change the array's elements but not its
   * length, and the array must not be kept: it stays the store's.
   *
   * @example store.updateInPlace?.(['a'], (v, n) => { v[0] += n }, 1)
   */
  updateInPlace?<T>(key: StateKey, change: (value: unknown[], arg: T) => void, arg: T): boolean
  /** Removes `key`; a no-op when absent. @example store.remove(['a']) */
  remove(key: StateKey): void
  /** Every entry, in no particular order. @example for (const { key, value } of store.iterator()) {} */
  iterator(): IterableIterator<StateEntry>
  /** The entries whose key starts with `prefix`. @example store.prefixScan(['user-1']) */
  prefixScan(prefix: StateKey): IterableIterator<StateEntry>
  /**
   * The entries whose ordered key component (an event time: a timestamp, or a window's end) is in
   * [from, to], by ascending time, without a full scan; only a store opened with an ordering (the
   * operator declares it, e.g. to evict by watermark or to fire timers). Entries may be removed
   * while iterating.
   *
   * @example for (const { key } of store.rangeScan(Number.NEGATIVE_INFINITY, watermarkMs)) store.remove(key)
   */
  rangeScan(from: number, to: number): IterableIterator<StateEntry>
  /** Persists the changes as version `version + 1` and returns it. @example await store.commit() // 1 */
  commit(): Promise<number>
  /** Drops the changes; nothing on disk or in the committed version changes. @example store.abort() */
  abort(): void
  /** @example store.metrics().numKeys */
  metrics(): StateStoreMetrics
}

/** Serves the versions of one (operator, partition, store). */
export interface StateStoreProvider {
  readonly id: StateStoreId
  /**
   * The store at committed version `version` (0 = empty).
   *
   * @example
   * const store = await provider.getStore(0)
   */
  getStore(version: number): Promise<StateStore>
  /**
   * Snapshots and retention, off the hot path (the runtime calls it between batches).
   *
   * @example
   * await provider.doMaintenance()
   */
  doMaintenance(): Promise<void>
  /** Releases the in-memory map. @example provider.close() */
  close(): void
  /**
   * Records an empty version `version` for a store added to an operator that already has state
   * (an allowed evolution: a new transformWithState variable), so opening `version` finds it.
   *
   * @example
   * await provider.createEmpty?.(5)
   */
  createEmpty?(version: number): Promise<void>
}

/** What the runtime gives a provider factory for one (operator, partition, store). */
export interface StateStoreProviderOptions {
  readonly id: StateStoreId
  /** The store's directory (`stateStoreDir(statePartitionDir(C, op, partition), storeName)`). */
  readonly dir: string
  readonly fs: FileSystem
  /** Versions (besides the latest) that must stay loadable after maintenance. */
  readonly minBatchesToRetain: number
  /** The key component the store is ordered by, when the operator declares one (for `rangeScan`). */
  readonly ordering?: KeyOrdering
  /** The query's clock, for the provider's timing metrics (none: timings read 0). */
  readonly clock?: Clock
  /**
   * Index keys by their first this-many components, so a `prefixScan` of exactly that length reads
   * only its keys (Spark's `numColsPrefixKey`; e.g. a list or map state per group).
   */
  readonly numColsPrefixKey?: number
  /**
   * The session's provider settings (`sluice.sql.streaming.stateStore.<provider>.*`, checked when the
   * session was made by the provider's `checkSettings`); each provider reads its own keys.
   */
  readonly settings?: StateStoreSettings
}

/** Provider settings by their session conf key. */
export type StateStoreSettings = Readonly<Record<string, string | number>>

/** Makes a provider; registered by name in provider-registry.ts. */
export type StateStoreProviderFactory = (options: StateStoreProviderOptions) => StateStoreProvider
