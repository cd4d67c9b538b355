/**
 * The first state store provider: Spark's HDFSBackedStateStoreProvider. The latest loaded version's
 * map lives in memory; each commit writes `<v>.delta` (state-codec.ts) atomically; `doMaintenance()`,
 * called by the runtime between batches, writes `<v>.snapshot` once more than `minDeltasForSnapshot`
 * deltas would be needed to load the latest version, and deletes the files no version among the last
 * `minBatchesToRetain` needs.
 *
 * Version v loads from the latest snapshot at or below v (or the empty version 0) plus the deltas
 * after it; a missing delta is CHECKPOINT_CORRUPT naming the file and v. Committing version n
 * overwrites `<n>.delta` (a rerun of batch n after a restart, as in Spark) and deletes a stale
 * `<n>.snapshot` first (Spark keeps it, trusting the rerun to produce the same state).
 *
 * Differences from Spark, on purpose: one map per provider instead of a cache of
 * `maxBatchesToRetainInMemory` versions, and no copy of the map per batch (the open store is an
 * overlay, memory-state-store.ts); the delta holds each key's net change rather than every call.
 */
import { join } from 'node:path'
import { invalidArgument } from '../errors.ts'
import type { FileSystem } from '../io/fs.ts'
import type { KeyOrdering } from './event-time-index.ts'
import { MemoryStateStore, type StateStoreHost } from './memory-state-store.ts'
import type { StateEntry, StateStore, StateStoreId, StateStoreProvider } from './spi.ts'
import {
  decodeDelta,
  decodeSnapshot,
  encodeDelta,
  encodeSnapshot,
  type StateUpdate,
  stateDeltaMissing,
} from './state-codec.ts'
import { encodeStateKey } from './state-key-codec.ts'
import { StateMap } from './state-map.ts'

/** Spark's `spark.sql.streaming.stateStore.minDeltasForSnapshot` default. */
export const DEFAULT_MIN_DELTAS_FOR_SNAPSHOT = 10
/** Spark's `spark.sql.streaming.minBatchesToRetain` default. */
export const DEFAULT_MIN_BATCHES_TO_RETAIN = 100

export interface MemoryStateStoreProviderOptions {
  readonly id: StateStoreId
  /** The store's directory: `statePartitionDir(C, op, partition)` for the default store. */
  readonly dir: string
  readonly fs: FileSystem
  /** Snapshot once more than this many deltas would be needed to load the latest version (default 10). */
  readonly minDeltasForSnapshot?: number
  /** Versions (besides the latest) that must stay loadable after maintenance (default 100). */
  readonly minBatchesToRetain?: number
  /**
   * Index keys by their first this-many components, so `prefixScan` with a prefix of exactly that
   * length reads only its keys (Spark's `numColsPrefixKey`); 0 (the default) indexes nothing.
   */
  readonly numColsPrefixKey?: number
  /** The key component the store is ordered by, for `rangeScan` (none by default). */
  readonly ordering?: KeyOrdering
}

interface LoadedMap {
  readonly version: number
  readonly map: StateMap
}

/** A file of the store: `<version>.delta` or `<version>.snapshot`. */
export interface StoreFile {
  readonly version: number
  readonly name: string
  readonly isSnapshot: boolean
}

const STORE_FILE = /^(0|[1-9][0-9]*)\.(delta|snapshot)$/

/**
 * The store's files, sorted by version, snapshots before deltas of the same version.
 *
 * @example
 * parseStoreFiles(['2.delta', '1.delta', 'x']) // [{ version: 1, ... }, { version: 2, ... }]
 */
export function parseStoreFiles(names: readonly string[]): StoreFile[] {
  const files: StoreFile[] = []
  for (const name of names) {
    const m = STORE_FILE.exec(name)
    if (m !== null) files.push({ version: Number(m[1]), name, isSnapshot: m[2] === 'snapshot' })
  }
  return files.sort((a, b) => a.version - b.version || Number(b.isSnapshot) - Number(a.isSnapshot))
}

/**
 * The directory of one store of a partition: Spark keeps the default store in the partition's
 * directory and any other in a subdirectory named after it.
 *
 * @example
 * stateStoreDir('/c/state/0/3', 'default') // '/c/state/0/3'
 * stateStoreDir('/c/state/0/3', 'left-keyToNumValues') // '/c/state/0/3/left-keyToNumValues'
 */
export function stateStoreDir(partitionDir: string, storeName: string): string {
  return storeName === 'default' ? partitionDir : join(partitionDir, storeName)
}

/**
 * Serves versions of one (operator, partition, store) from memory and its directory.
 *
 * @example
 * const provider = new MemoryStateStoreProvider({ id: { operatorId: 0, partition: 0, storeName: 'default' }, dir, fs: nodeFileSystem })
 * const store = await provider.getStore(0)
 * store.put(['a'], 1)
 * await store.commit() // 1, and dir/1.delta exists
 */
export class MemoryStateStoreProvider implements StateStoreProvider {
  readonly id: StateStoreId
  readonly #dir: string
  readonly #fs: FileSystem
  readonly #minDeltasForSnapshot: number
  readonly #minBatchesToRetain: number
  readonly #numColsPrefixKey: number
  readonly #ordering: KeyOrdering | undefined
  #loaded: LoadedMap | undefined
  #open: MemoryStateStore | undefined
  /** Versions that have a snapshot file, from this provider's first listing on; undefined before it. */
  #snapshots: Set<number> | undefined
  #dirMade = false

  constructor(options: MemoryStateStoreProviderOptions) {
    this.id = options.id
    this.#dir = options.dir
    this.#fs = options.fs
    this.#minDeltasForSnapshot = checkCount(
      options.minDeltasForSnapshot ?? DEFAULT_MIN_DELTAS_FOR_SNAPSHOT,
      'minDeltasForSnapshot',
    )
    this.#minBatchesToRetain = checkCount(
      options.minBatchesToRetain ?? DEFAULT_MIN_BATCHES_TO_RETAIN,
      'minBatchesToRetain',
    )
    this.#numColsPrefixKey = options.numColsPrefixKey ?? 0
    this.#ordering = options.ordering
    if (!Number.isSafeInteger(this.#numColsPrefixKey) || this.#numColsPrefixKey < 0) {
      throw invalidArgument(
        `The state store option numColsPrefixKey is ${this.#numColsPrefixKey}; it must be 0 or more.`,
      )
    }
  }

  async getStore(version: number): Promise<StateStore> {
    if (!Number.isSafeInteger(version) || version < 0) {
      throw invalidArgument(`State version ${version} of ${this.#describe()} must be a non-negative integer.`)
    }
    this.#open?.replace()
    this.#open = undefined
    const loaded = await this.#load(version)
    const host: StateStoreHost = {
      commitUpdates: (v, updates) => this.#commitUpdates(loaded, v, updates),
      describe: () => this.#describe(),
    }
    this.#open = new MemoryStateStore(host, version, loaded.map, this.#numColsPrefixKey, this.#ordering)
    return this.#open
  }

  async doMaintenance(): Promise<void> {
    const files = await this.#listFiles()
    if (files.length === 0) return
    const lastVersion = files[files.length - 1].version
    await this.#snapshotIfDue(files, lastVersion)
    await this.#cleanup(lastVersion)
  }

  async createEmpty(version: number): Promise<void> {
    await this.#fs.mkdirp(this.#dir)
    this.#dirMade = true
    await this.#fs.writeAtomic(this.#path(version, 'snapshot'), encodeSnapshot([]))
    this.#snapshots = undefined
    this.#loaded = undefined
  }

  close(): void {
    this.#open?.replace()
    this.#open = undefined
    this.#loaded = undefined
  }

  #describe(): string {
    const { operatorId, partition, storeName } = this.id
    return `state store (operator ${operatorId}, partition ${partition}, store '${storeName}') in ${this.#dir}`
  }

  #path(version: number, kind: 'delta' | 'snapshot'): string {
    return join(this.#dir, `${version}.${kind}`)
  }

  async #commitUpdates(loaded: LoadedMap, version: number, changes: readonly StateUpdate[]): Promise<void> {
    const next = version + 1
    if (!this.#dirMade) {
      await this.#fs.mkdirp(this.#dir)
      this.#dirMade = true
    }
    if (this.#snapshots === undefined) await this.#listFiles()
    const snapshots = this.#snapshots ?? new Set<number>()
    if (snapshots.has(next)) {
      // NOTE: a snapshot of `next` is left from a run that committed `next` before (a rerun after a
      // restart, or a reload of an older version). It would shadow the new delta, so it goes first;
      // Spark keeps it and relies on the rerun writing the same state.
      await this.#fs.delete(this.#path(next, 'snapshot'))
      snapshots.delete(next)
    }
    // NOTE: the map already holds `next`; until the delta is durable, the open store can undo it
    // (a throw here makes the store put version `version` back).
    await this.#fs.writeAtomic(this.#path(next, 'delta'), encodeDelta(changes))
    this.#loaded = { version: next, map: loaded.map }
    this.#open = undefined
  }

  async #load(version: number): Promise<LoadedMap> {
    const cached = this.#loaded
    if (cached !== undefined && cached.version === version) return cached
    // The cached map is about to be replaced (or extended in place); drop it first so a failed load
    // never leaves a half-updated map behind.
    this.#loaded = undefined
    const loaded = await this.#loadFromFiles(version, cached)
    this.#loaded = loaded
    return loaded
  }

  async #listFiles(): Promise<StoreFile[]> {
    const files = parseStoreFiles(await this.#fs.list(this.#dir))
    this.#snapshots = new Set(files.filter((f) => f.isSnapshot).map((f) => f.version))
    return files
  }

  async #loadFromFiles(version: number, cached: LoadedMap | undefined): Promise<LoadedMap> {
    const files = version === 0 ? [] : await this.#listFiles()
    const snapshot = files.filter((f) => f.isSnapshot && f.version <= version).pop()
    let from = snapshot?.version ?? 0
    let loaded: LoadedMap
    if (cached !== undefined && cached.version < version && cached.version >= from) {
      // Rolling the cached map forward reads fewer files than the snapshot would.
      loaded = cached
      from = cached.version
    } else if (snapshot !== undefined) {
      loaded = await this.#readSnapshot(snapshot.version)
    } else {
      loaded = { version, map: new StateMap(this.#numColsPrefixKey, true, this.#ordering) }
    }
    let replaced = false
    for (let v = from + 1; v <= version; v++) if (await this.#applyDelta(loaded, v, version)) replaced = true
    if (replaced) loaded.map.recountBytes()
    return { version, map: loaded.map }
  }

  async #readSnapshot(version: number): Promise<LoadedMap> {
    const file = this.#path(version, 'snapshot')
    const bytes = await this.#fs.readFile(file)
    // The listing just named it, so a vanished snapshot means something else is deleting files.
    if (bytes === undefined) throw stateDeltaMissing(file, version)
    const map = new StateMap(this.#numColsPrefixKey, true, this.#ordering)
    // A snapshot holds each key once.
    for (const e of decodeSnapshot(file, bytes)) map.load(encodeStateKey(e.key), e)
    return { version, map }
  }

  /** Applies delta `version` to the map; whether it replaced an entry (its size estimate is stale). */
  async #applyDelta(loaded: LoadedMap, version: number, target: number): Promise<boolean> {
    const file = this.#path(version, 'delta')
    const bytes = await this.#fs.readFile(file)
    if (bytes === undefined) throw stateDeltaMissing(file, target)
    const map = loaded.map
    let replaced = false
    for (const u of decodeDelta(file, bytes)) {
      const k = encodeStateKey(u.key)
      // A put's update is a fresh { key, value } object: it becomes the entry itself.
      if (u.value === undefined) map.delete(k)
      else if (!map.load(k, u as StateEntry)) replaced = true
    }
    return replaced
  }

  async #snapshotIfDue(files: readonly StoreFile[], lastVersion: number): Promise<void> {
    const loaded = this.#loaded
    // Like Spark, only the instance holding the latest version in memory snapshots it; and not
    // while a store is open, whose uncommitted changes the map already holds.
    if (loaded === undefined || loaded.version !== lastVersion || this.#open !== undefined) return
    const lastSnapshot = files.filter((f) => f.isSnapshot).pop()?.version ?? 0
    const deltasNeeded = files.filter((f) => !f.isSnapshot && f.version > lastSnapshot).length
    if (lastSnapshot === lastVersion || deltasNeeded <= this.#minDeltasForSnapshot) return
    // Encoded synchronously, so a commit cannot change the map halfway through.
    const bytes = encodeSnapshot(loaded.map.values())
    await this.#fs.writeAtomic(this.#path(lastVersion, 'snapshot'), bytes)
    this.#snapshots?.add(lastVersion)
  }

  async #cleanup(lastVersion: number): Promise<void> {
    const earliestToRetain = lastVersion - this.#minBatchesToRetain
    if (earliestToRetain <= 0) return
    // Every version from earliestToRetain on loads from the latest snapshot at or below it (or from
    // version 0), plus later deltas; anything older than that snapshot is not needed. The listing
    // is taken again so a snapshot just written counts.
    const current = await this.#listFiles()
    const base = current.filter((f) => f.isSnapshot && f.version <= earliestToRetain).pop()
    if (base === undefined) return
    for (const f of current) {
      if (f.version >= base.version) continue
      await this.#fs.delete(join(this.#dir, f.name))
      if (f.isSnapshot) this.#snapshots?.delete(f.version)
    }
  }
}

function checkCount(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw invalidArgument(`The state store option ${what} is ${n}; it must be a positive integer.`)
  }
  return n
}
