/**
 * One open version of an `LmdbStateStoreProvider`'s store: the committed version in the local LMDB
 * folder, read-only, under an in-memory overlay of this batch's changes (as memory-state-store.ts).
 * Reads look at the overlay first, then LMDB (synchronous, memory-mapped); `commit` hands the
 * overlay to the provider, which writes it as the changelog of v+1 in the checkpoint and only then
 * applies it to LMDB in one transaction; `abort` drops the overlay. Heap use is the overlay (the
 * batch's changed keys, at most `maxOverlayEntries`: a fuller overlay is spilled into the folder,
 * marked uncommitted, and an abort after a spill has the folder rebuilt), not the number of keys.
 */
import { SluiceError } from '../../errors.ts'
import { type KeyOrdering, orderedTimeOf } from '../event-time-index.ts'
import type { StateEntry, StateKey, StateStore, StateStoreMetrics } from '../spi.ts'
import { encodeStateKey } from '../state-key-codec.ts'
import { StateMap } from '../state-map.ts'
import type { LmdbLocalStore, LocalUpdate } from './lmdb-local-store.ts'

/** What the store asks of its provider. */
export interface LmdbStoreHost {
  /** Persists `updates` (undefined value: remove) as version `version + 1`, after any spilled. */
  commitUpdates(version: number, updates: StateMap): Promise<void>
  /** The most entries the overlay holds before `spill` (the provider's cap). */
  readonly maxOverlayEntries: number
  /** Writes `updates` into the local folder ahead of the commit, marking it uncommitted. */
  spill(version: number, updates: StateMap): void
  /** Drops what `spill` wrote (an abort): the folder is rebuilt from the checkpoint. */
  discardSpills(version: number): void
  describe(): string
  /** The provider's own figures (Spark's RocksDB customMetrics). */
  customMetrics(): Readonly<Record<string, number>>
}

type Phase = 'open' | 'committed' | 'aborted' | 'replaced'

/** A `StateStore` over the local LMDB folder and an overlay; made by `LmdbStateStoreProvider.getStore`. */
export class LmdbStateStore implements StateStore {
  readonly version: number
  readonly #local: LmdbLocalStore
  readonly #host: LmdbStoreHost
  readonly #numColsPrefixKey: number
  readonly #ordering: KeyOrdering | undefined
  #updates: StateMap
  #phase: Phase = 'open'
  #numKeys: number
  #numRowsUpdated = 0
  #numRowsRemoved = 0
  #lastKey: StateKey | undefined
  #lastEncoded = ''
  // Whether the key `get` looked up last had an entry: the put that usually follows need not
  // read LMDB again (as memory-state-store.ts).
  #lastGot: string | undefined
  #lastGotFound = false
  // Whether the key the last lookup found is in the committed folder (undefined: not known).
  #lookedUpExisted: boolean | undefined
  #lastGotExisted = false
  // Open scans: no spill while one reads the folder.
  #scanning = 0
  #spilled = false

  constructor(
    host: LmdbStoreHost,
    local: LmdbLocalStore,
    version: number,
    numColsPrefixKey: number,
    ordering: KeyOrdering | undefined,
  ) {
    this.#host = host
    this.#local = local
    this.version = version
    this.#numColsPrefixKey = numColsPrefixKey
    this.#ordering = ordering
    this.#updates = new StateMap(numColsPrefixKey, false)
    this.#numKeys = local.count()
  }

  #encode(key: StateKey): string {
    if (key === this.#lastKey) return this.#lastEncoded
    this.#lastEncoded = encodeStateKey(key)
    this.#lastKey = key
    return this.#lastEncoded
  }

  #lookup(k: string): StateEntry | undefined {
    const u = this.#updates.get(k)
    this.#lookedUpExisted = u === undefined ? undefined : (u as LocalUpdate).existed === true
    if (u !== undefined) return u.value === undefined ? undefined : u
    const e = this.#local.get(k)
    this.#lookedUpExisted = e !== undefined
    return e
  }

  #checkOpen(action: string): void {
    if (this.#phase === 'open') return
    const why =
      this.#phase === 'replaced'
        ? 'a newer getStore() call on its provider replaced it'
        : `it was already ${this.#phase}`
    throw new SluiceError(
      'INTERNAL',
      `Cannot ${action} ${this.#host.describe()} at version ${this.version}: ${why}. Open the version again with getStore(). This is a bug in Sluice; please report it.`,
    )
  }

  get(key: StateKey): unknown {
    const k = this.#encode(key)
    const e = this.#lookup(k)
    this.#lastGot = k
    this.#lastGotFound = e !== undefined
    this.#lastGotExisted = this.#lookedUpExisted === true
    return e?.value
  }

  put(key: StateKey, value: unknown): void {
    this.#checkOpen('put into')
    if (value === undefined) {
      throw new SluiceError(
        'INTERNAL',
        `A state value cannot be undefined (key ${JSON.stringify(key)}); use remove().`,
      )
    }
    const k = this.#encode(key)
    const same = k === this.#lastGot
    const found = same ? this.#lastGotFound : this.#lookup(k) !== undefined
    const existed = same ? this.#lastGotExisted : this.#lookedUpExisted === true
    if (!found) this.#numKeys++
    this.#lastGot = undefined
    // `existed` spares the commit an LMDB lookup per put to know whether the key is new there.
    const update: LocalUpdate = { key, value, existed }
    this.#updates.set(k, update)
    this.#numRowsUpdated++
    if (this.#updates.size >= this.#host.maxOverlayEntries) this.#spill()
  }

  #spill(): void {
    if (this.#scanning > 0) return
    this.#host.spill(this.version, this.#updates)
    this.#spilled = true
    this.#updates = new StateMap(this.#numColsPrefixKey, false)
    this.#lastGot = undefined
  }

  remove(key: StateKey): void {
    this.#checkOpen('remove from')
    const k = this.#encode(key)
    this.#lastGot = undefined
    if (this.#lookup(k) === undefined) return
    this.#numKeys--
    this.#numRowsRemoved++
    const removal: LocalUpdate = { key, value: undefined, existed: this.#lookedUpExisted === true }
    this.#updates.set(k, removal)
    if (this.#updates.size >= this.#host.maxOverlayEntries) this.#spill()
  }

  *iterator(): IterableIterator<StateEntry> {
    this.#scanning++
    try {
      const updates = this.#updates
      for (const [k, e] of this.#local.entries()) if (!updates.has(k)) yield e
      for (const e of updates.values()) if (e.value !== undefined) yield e
    } finally {
      this.#scanning--
    }
  }

  *prefixScan(prefix: StateKey): IterableIterator<StateEntry> {
    // The identity string of a prefix is a string prefix of its keys' (state-key-codec.ts), and
    // LMDB orders keys by their bytes, so the committed keys of a prefix are one range.
    const p = encodeStateKey(prefix)
    const local = [...this.#local.entries(p)]
    const updates = this.#updates
    this.#scanning++
    try {
      for (const [k, e] of local) if (!updates.has(k)) yield e
      for (const [, e] of updates.scan(prefix, p)) if (e.value !== undefined) yield e
    } finally {
      this.#scanning--
    }
  }

  rangeScan(from: number, to: number): IterableIterator<StateEntry> {
    const ordering = this.#ordering
    if (ordering === undefined) {
      throw new SluiceError(
        'INTERNAL',
        `Cannot range-scan ${this.#host.describe()}: the store was opened without an ordering. This is a bug in Sluice; please report it.`,
      )
    }
    const out: { t: number; e: StateEntry }[] = []
    for (const k of this.#local.timeRange(from, to)) {
      if (this.#updates.has(k)) continue
      const e = this.#local.get(k)
      if (e !== undefined) out.push({ t: orderedTimeOf(e.key, ordering) as number, e })
    }
    for (const e of this.#updates.values()) {
      if (e.value === undefined) continue
      const t = orderedTimeOf(e.key, ordering)
      if (t !== null && t >= from && t <= to) out.push({ t, e })
    }
    out.sort((a, b) => a.t - b.t)
    return out.map((x) => x.e).values()
  }

  async commit(): Promise<number> {
    this.#checkOpen('commit')
    this.#phase = 'committed'
    try {
      await this.#host.commitUpdates(this.version, this.#updates)
    } catch (e) {
      this.#phase = 'aborted'
      throw e
    }
    this.#updates = new StateMap(this.#numColsPrefixKey, false)
    return this.version + 1
  }

  abort(): void {
    if (this.#phase !== 'open') return
    this.#phase = 'aborted'
    this.#updates = new StateMap(this.#numColsPrefixKey, false)
    if (this.#spilled) this.#host.discardSpills(this.version)
  }

  /** Marks the store unusable because its provider opened another one (an implicit abort). */
  replace(): void {
    if (this.#phase === 'open') this.#phase = 'replaced'
  }

  metrics(): StateStoreMetrics {
    return {
      numKeys: this.#numKeys,
      memoryUsedBytes: this.#updates.estimatedBytes() + 1024,
      numRowsUpdated: this.#numRowsUpdated,
      numRowsRemoved: this.#numRowsRemoved,
      customMetrics: this.#host.customMetrics(),
    }
  }
}
