/**
 * One open version of a `MemoryStateStoreProvider`'s map: the committed map of version v, read-only,
 * under an overlay of this batch's changes. Reads look at the overlay first; `commit` hands the
 * overlay to the provider, which writes it as the delta of v+1 and only then applies it to the map;
 * `abort` just drops the overlay. So an abort (or a failed commit) leaves the committed version as it
 * was, without copying the map per batch (Spark copies it: `newMap.putAll(loadMap(version))`).
 */
import { SluiceError } from '../errors.ts'
import { type KeyOrdering, orderedTimeOf } from './event-time-index.ts'
import type { StateEntry, StateKey, StateStore, StateStoreMetrics } from './spi.ts'
import { encodeStateKey } from './state-key-codec.ts'
import { StateMap } from './state-map.ts'

/** What the store asks of its provider. */
export interface StateStoreHost {
  /**
   * Persists `updates` (an entry with an undefined value is a remove) as version `version + 1` and
   * makes it the provider's current map.
   */
  commitUpdates(version: number, updates: StateMap): Promise<void>
  /** A description of the store for error messages. */
  describe(): string
}

type Phase = 'open' | 'committed' | 'aborted' | 'replaced'

/** A `StateStore` over a committed map and an overlay; made by `MemoryStateStoreProvider.getStore`. */
export class MemoryStateStore implements StateStore {
  readonly version: number
  readonly #base: StateMap
  readonly #numColsPrefixKey: number
  readonly #ordering: KeyOrdering | undefined
  #updates: StateMap
  readonly #host: StateStoreHost
  #phase: Phase = 'open'
  #numKeys: number
  #numRowsUpdated = 0
  #numRowsRemoved = 0
  // The last key encoded: an operator usually gets a key and then puts the same key array, and keys
  // are never changed once handed to the store (entries keep them), so identity is enough.
  #lastKey: StateKey | undefined
  #lastEncoded = ''
  // Whether the last key `get` looked up (by identity string) had an entry: a put right after it
  // need not look the key up again in both maps.
  #lastGot: string | undefined
  #lastGotFound = false

  constructor(
    host: StateStoreHost,
    version: number,
    base: StateMap,
    numColsPrefixKey = 0,
    ordering?: KeyOrdering,
  ) {
    this.#host = host
    this.version = version
    this.#base = base
    this.#numColsPrefixKey = numColsPrefixKey
    this.#ordering = ordering
    this.#updates = new StateMap(numColsPrefixKey, false)
    this.#numKeys = base.size
  }

  #encode(key: StateKey): string {
    if (key === this.#lastKey) return this.#lastEncoded
    this.#lastEncoded = encodeStateKey(key)
    this.#lastKey = key
    return this.#lastEncoded
  }

  #lookup(k: string): StateEntry | undefined {
    const u = this.#updates.get(k)
    // An overlay entry whose value is undefined marks a key this batch removed from the committed map.
    if (u !== undefined) return u.value === undefined ? undefined : u
    return this.#base.get(k)
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
    const found = k === this.#lastGot ? this.#lastGotFound : this.#lookup(k) !== undefined
    if (!found) this.#numKeys++
    this.#lastGot = undefined
    this.#updates.set(k, { key, value })
    this.#numRowsUpdated++
  }

  remove(key: StateKey): void {
    this.#checkOpen('remove from')
    const k = this.#encode(key)
    this.#lastGot = undefined
    if (this.#lookup(k) === undefined) return
    this.#numKeys--
    this.#numRowsRemoved++
    if (this.#base.has(k)) this.#updates.set(k, { key, value: undefined })
    else this.#updates.delete(k)
  }

  *iterator(): IterableIterator<StateEntry> {
    for (const [k, e] of this.#base) if (!this.#updates.has(k)) yield e
    for (const e of this.#updates.values()) if (e.value !== undefined) yield e
  }

  *prefixScan(prefix: StateKey): IterableIterator<StateEntry> {
    // NOTE: the key encoding makes a prefix's string a string prefix of every key that starts with it
    // (state-key-codec.ts), so the maps' scans are exact; a prefix of numColsPrefixKey components
    // reads only its own keys through their index, any other length scans the whole map.
    const p = encodeStateKey(prefix)
    for (const [k, e] of this.#base.scan(prefix, p)) if (!this.#updates.has(k)) yield e
    for (const [, e] of this.#updates.scan(prefix, p)) if (e.value !== undefined) yield e
  }

  rangeScan(from: number, to: number): IterableIterator<StateEntry> {
    const ordering = this.#ordering
    if (ordering === undefined) {
      throw new SluiceError(
        'INTERNAL',
        `Cannot range-scan ${this.#host.describe()}: the store was opened without an ordering. This is a bug in Sluice; please report it.`,
      )
    }
    // The committed map's index gives its keys in order; this batch's overlay is small and scanned.
    const out: { t: number; e: StateEntry }[] = []
    for (const [k, e] of this.#base.rangeScan(from, to))
      if (!this.#updates.has(k)) out.push({ t: orderedTimeOf(e.key, ordering) as number, e })
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
      // The provider applies the overlay only after the delta is written, so the committed map is intact.
      this.#phase = 'aborted'
      throw e
    }
    // The provider applied the overlay to the map this store reads, so reads stay right without it.
    this.#updates = new StateMap(this.#numColsPrefixKey, false)
    return this.version + 1
  }

  abort(): void {
    if (this.#phase !== 'open') return
    this.#phase = 'aborted'
    this.#updates = new StateMap(this.#numColsPrefixKey, false)
  }

  /** Marks the store unusable because its provider opened another one (an implicit abort). */
  replace(): void {
    if (this.#phase === 'open') this.#phase = 'replaced'
  }

  metrics(): StateStoreMetrics {
    return {
      numKeys: this.#numKeys,
      memoryUsedBytes: this.#base.bytes + this.#updates.estimatedBytes(),
      numRowsUpdated: this.#numRowsUpdated,
      numRowsRemoved: this.#numRowsRemoved,
    }
  }
}
