/**
 * A map of state entries keyed by their identity string (state-key-codec.ts), with a running size
 * estimate and, when the store is opened with `numColsPrefixKey`, an index from the identity string
 * of each key's first `numColsPrefixKey` components to the keys that start with them — so a prefix
 * scan of that length reads only its own keys (Spark's PrefixScannableHDFSBackedStateStoreMap).
 */
import { EventTimeIndex, type KeyOrdering } from './event-time-index.ts'
import { KeyIndex } from './key-index.ts'
import type { StateEntry, StateKey } from './spi.ts'
import { encodeStateKey } from './state-key-codec.ts'

/** A state map: committed versions in the provider, and each open store's overlay. */
export class StateMap {
  readonly #entries = new Map<string, StateEntry>()
  readonly #index: Map<string, Set<string>> | undefined
  readonly #numColsPrefixKey: number
  readonly #trackBytes: boolean
  /** The order index of an ordered store's committed map (an overlay has none: it is scanned). */
  readonly #ordered: EventTimeIndex | undefined
  /** The entries by key components (key-index.ts), made by the first `getByKey`. */
  #keys: KeyIndex | undefined
  /** The entries not yet in `#keys` while it is being filled, a few per lookup; undefined once full. */
  #unindexed: Iterator<StateEntry> | undefined
  /** Estimated heap bytes of the entries (see `estimateEntryBytes`); 0 when not tracked. */
  bytes = 0

  /**
   * `trackBytes` false skips the size estimate (a store's overlay: it is empty again by the time
   * progress reports memory, and estimating every put costs as much as the put).
   *
   * @example new StateMap(1) // indexes keys by their first component
   */
  constructor(numColsPrefixKey = 0, trackBytes = true, ordering?: KeyOrdering) {
    this.#numColsPrefixKey = numColsPrefixKey
    this.#trackBytes = trackBytes
    this.#index = numColsPrefixKey > 0 ? new Map() : undefined
    this.#ordered =
      ordering === undefined ? undefined : new EventTimeIndex(ordering, (k) => this.#entries.has(k))
  }

  /**
   * The entries whose ordered key time is in [from, to], by ascending time (an ordered map only).
   *
   * @example [...m.rangeScan(0, 600000)]
   */
  *rangeScan(from: number, to: number): IterableIterator<[string, StateEntry]> {
    if (this.#ordered === undefined) return
    for (const k of this.#ordered.range(from, to)) {
      const e = this.#entries.get(k)
      if (e !== undefined) yield [k, e]
    }
  }

  /** The estimated heap bytes: kept up to date, or counted now when not tracked. */
  estimatedBytes(): number {
    if (this.#trackBytes) return this.bytes
    let n = 0
    for (const e of this.#entries.values()) n += estimateEntryBytes(e)
    return n
  }

  get size(): number {
    return this.#entries.size
  }

  get(k: string): StateEntry | undefined {
    return this.#entries.get(k)
  }

  /**
   * The entry of `key`, found by its components where it can be (key-index.ts), else by its
   * identity string. The first call starts the index; `set` and `delete` keep it.
   *
   * @example m.getByKey(['a'])
   */
  getByKey(key: StateKey): StateEntry | undefined {
    if (this.#keys === undefined) {
      this.#keys = new KeyIndex()
      this.#unindexed = this.#entries.values()
    }
    // NOTE: a map loaded with many keys (a restart) is indexed two entries per lookup, so the first
    // batch does not pay for all of them; until then lookups go by string. A Map's iterator sees
    // the entries set after it started and skips the deleted ones; indexing one twice is harmless.
    if (this.#unindexed !== undefined && !this.#indexMore(2)) return this.#entries.get(encodeStateKey(key))
    const e = this.#keys.get(key)
    return e === null ? this.#entries.get(encodeStateKey(key)) : e
  }

  /** Indexes up to `n` more entries; whether every entry is indexed now. */
  #indexMore(n: number): boolean {
    const it = this.#unindexed as Iterator<StateEntry>
    const keys = this.#keys as KeyIndex
    for (let i = 0; i < n; i++) {
      const r = it.next()
      if (r.done === true) {
        this.#unindexed = undefined
        return true
      }
      keys.add(r.value)
    }
    return false
  }

  has(k: string): boolean {
    return this.#entries.has(k)
  }

  /** Sets the entry under identity string `k`. @example m.set(encodeStateKey(['a']), { key: ['a'], value: 1 }) */
  set(k: string, entry: StateEntry): void {
    const old = this.#entries.get(k)
    if (old === undefined) {
      this.add(k, entry)
      return
    }
    this.#entries.set(k, entry)
    this.#keys?.add(entry)
    if (this.#trackBytes) {
      // An equal key has the same estimate (equal identity strings: equal components), so only the
      // values are measured again — the key (a window struct, strings) is the costly part.
      this.bytes += estimateBytes(entry.value) - estimateBytes(old.value)
    }
  }

  /**
   * Adds the entry under identity string `k`, which the map does not hold (the caller has just
   * looked: one map operation fewer than `set`).
   *
   * @example m.add(encodeStateKey(['a']), { key: ['a'], value: 1 })
   */
  add(k: string, entry: StateEntry): void {
    this.#entries.set(k, entry)
    this.#keys?.add(entry)
    if (this.#index !== undefined) this.#indexSet(entry.key).add(k)
    this.#ordered?.add(entry.key, k)
    if (this.#trackBytes) this.bytes += estimateEntryBytes(entry)
  }

  /**
   * Puts an entry read from a snapshot or delta under `k` with one map operation (no lookup first,
   * as `set` needs for its size estimate). Returns false when the map already held `k` (a delta's
   * update of an earlier version's key): the entry replaced the old one, and the caller calls
   * `recountBytes` once the load is done, as the old value's estimate is gone.
   *
   * @example m.load(encodeStateKey(['a']), { key: ['a'], value: 1 })
   */
  load(k: string, entry: StateEntry): boolean {
    const n = this.#entries.size
    this.#entries.set(k, entry)
    this.#keys?.add(entry)
    // An equal key is already in the prefix and order indexes (its event time is the same).
    if (this.#entries.size === n) return false
    if (this.#index !== undefined) this.#indexSet(entry.key).add(k)
    this.#ordered?.add(entry.key, k)
    if (this.#trackBytes) this.bytes += estimateEntryBytes(entry)
    return true
  }

  /** Estimates the entries' bytes again, all of them (after a `load` replaced some). @example m.recountBytes() */
  recountBytes(): void {
    if (!this.#trackBytes) return
    let n = 0
    for (const e of this.#entries.values()) n += estimateEntryBytes(e)
    this.bytes = n
  }

  /**
   * Accounts for an entry whose value changed in place from `before` to `after` (the key, and so
   * the indexes, unchanged).
   *
   * @example m.replacedValue([1], [2])
   */
  replacedValue(before: unknown, after: unknown): void {
    if (this.#trackBytes) this.bytes += estimateBytes(after) - estimateBytes(before)
  }

  /** The estimated heap bytes of value `v` (0 when not tracked). @example m.valueBytes([1]) */
  valueBytes(v: unknown): number {
    return this.#trackBytes ? estimateBytes(v) : 0
  }

  /** Deletes the entry under `k`, if any. @example m.delete(encodeStateKey(['a'])) */
  delete(k: string): void {
    const old = this.#entries.get(k)
    if (old === undefined) return
    this.#entries.delete(k)
    this.#keys?.remove(old.key)
    if (this.#trackBytes) this.bytes -= estimateEntryBytes(old)
    this.#ordered?.delete(old.key, k)
    if (this.#index === undefined) return
    const set = this.#indexSet(old.key)
    set.delete(k)
    if (set.size === 0) this.#index.delete(this.#prefixOf(old.key))
  }

  [Symbol.iterator](): IterableIterator<[string, StateEntry]> {
    return this.#entries.entries()
  }

  values(): IterableIterator<StateEntry> {
    return this.#entries.values()
  }

  /**
   * The entries whose identity string starts with `p`, the identity string of `prefix`.
   *
   * @example
   * [...m.scan(['a'], encodeStateKey(['a']))]
   */
  *scan(prefix: StateKey, p: string): IterableIterator<[string, StateEntry]> {
    if (this.#index !== undefined && prefix.length === this.#numColsPrefixKey) {
      const keys = this.#index.get(p)
      if (keys === undefined) return
      for (const k of keys) {
        const e = this.#entries.get(k)
        if (e !== undefined) yield [k, e]
      }
      return
    }
    for (const kv of this.#entries) if (kv[0].startsWith(p)) yield kv
  }

  #prefixOf(key: StateKey): string {
    return encodeStateKey(key.length === this.#numColsPrefixKey ? key : key.slice(0, this.#numColsPrefixKey))
  }

  #indexSet(key: StateKey): Set<string> {
    const index = this.#index as Map<string, Set<string>>
    const p = this.#prefixOf(key)
    let set = index.get(p)
    if (set === undefined) {
      set = new Set()
      index.set(p, set)
    }
    return set
  }
}

/**
 * A rough size of an entry on the V8 heap (object headers, 8-byte numbers, 2-byte chars), like
 * Spark's SizeEstimator of the map; good for trends in progress, not for accounting.
 *
 * @example
 * estimateEntryBytes({ key: ['a'], value: 1 }) // about 100
 */
export function estimateEntryBytes(e: StateEntry): number {
  return 64 + estimateKeyBytes(e.key) + estimateBytes(e.value)
}

/** The last object key component estimated, and its estimate. */
const lastEstimated: { value: unknown; bytes: number } = { value: undefined, bytes: 0 }

/**
 * `estimateBytes` of a key. NOTE: adjacent keys often share their window struct object (hash
 * aggregation, the state decoders) and keys never change once made, so the estimate of the last
 * object component is kept by identity: the struct's `for...in` walk is the costly part.
 */
function estimateKeyBytes(key: StateKey): number {
  let n = 32
  for (let i = 0; i < key.length; i++) {
    const x = key[i]
    if (typeof x === 'number') n += 16
    else if (typeof x !== 'object' || x === null) n += 8 + estimateBytes(x)
    else {
      if (x !== lastEstimated.value) {
        lastEstimated.bytes = estimateBytes(x)
        lastEstimated.value = x
      }
      n += 8 + lastEstimated.bytes
    }
  }
  return n
}

function estimateBytes(v: unknown): number {
  switch (typeof v) {
    case 'number':
    case 'boolean':
      return 8
    case 'string':
      return 16 + 2 * v.length
    case 'object': {
      if (v === null) return 8
      let n = 32
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const x = v[i]
          // Numbers are the common slot (counts, sums): no call for them.
          n += typeof x === 'number' ? 16 : 8 + estimateBytes(x)
        }
      } else if (v instanceof Uint8Array) return 64 + v.length
      else if (v instanceof Map) for (const [k, x] of v) n += 32 + estimateBytes(k) + estimateBytes(x)
      else if (v instanceof Set) for (const x of v) n += 16 + estimateBytes(x)
      else
        for (const k in v as Record<string, unknown>)
          n += 8 + estimateBytes((v as Record<string, unknown>)[k])
      return n
    }
    default:
      return 8
  }
}
