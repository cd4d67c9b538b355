/**
 * One open version of a `MemoryStateStoreProvider`'s map. Writes go straight into the provider's
 * map, with an undo log (each changed key's entry before the batch's first change to it) and the
 * list of changes; `commit` hands the changes to the provider, which writes them as the delta of
 * v+1; `abort` (or a failed commit, or a newer `getStore`) replays the undo log backwards, which
 * leaves the map exactly as version v. So neither a copy of the map per batch (Spark copies it:
 * `newMap.putAll(loadMap(version))`) nor an overlay to look up and apply on every key.
 *
 * A key already in the map keeps its entry object, its value replaced in place (the undo log
 * keeps the value before), so an update allocates nothing and writes the map once.
 *
 * The delta holds each changed key's net change: an entry put this batch is marked with the
 * version it was put at, so a second change of a key in one batch is noticed without a lookup of
 * its own, and only then are the changes reduced to the last one per key.
 */
import { SluiceError } from '../errors.ts'
import type { KeyOrdering } from './event-time-index.ts'
import type { StateEntry, StateKey, StateStore, StateStoreMetrics } from './spi.ts'
import type { StateUpdate } from './state-codec.ts'
import { encodeStateKey } from './state-key-codec.ts'
import type { StateMap } from './state-map.ts'

/** What the store asks of its provider. */
export interface StateStoreHost {
  /**
   * Persists `changes` (in order; an update without a value is a remove; at most one per key) as
   * version `version + 1`, which the provider's map already holds.
   */
  commitUpdates(version: number, changes: readonly StateUpdate[]): Promise<void>
  /** A description of the store for error messages. */
  describe(): string
}

/**
 * An entry this store put, marked with the version it was opened at. A key already in the map
 * keeps its entry: `put` changes its value (and mark) in place, so an update costs no new entry
 * and no second map write; the undo log keeps the value and mark to put back.
 */
interface PutEntry {
  readonly key: StateKey
  value: unknown
  putAt?: number
}

/** An undo record of a map write (the entry to put back, or undefined: delete), not an in-place change. */
const MAP_WRITE: unique symbol = Symbol('map write')
/** An undo record of an array value changed in place: its elements before are in `#undoSlots`. */
const SLOTS: unique symbol = Symbol('slots')

type Phase = 'open' | 'committed' | 'aborted' | 'replaced'

/** A `StateStore` writing into the provider's map; made by `MemoryStateStoreProvider.getStore`. */
export class MemoryStateStore implements StateStore {
  readonly version: number
  readonly #map: StateMap
  readonly #ordering: KeyOrdering | undefined
  readonly #host: StateStoreHost
  #phase: Phase = 'open'
  #numRowsUpdated = 0
  #numRowsRemoved = 0
  // The undo log: identity strings and the entries they had before this batch changed them; for
  // an entry changed in place, its value and mark before (else MAP_WRITE and undefined).
  #undoKeys: string[] = []
  #undoEntries: (StateEntry | undefined)[] = []
  #undoValues: unknown[] = []
  #undoPutAt: (number | undefined)[] = []
  // The elements before of the arrays changed by `updateInPlace`, one record's after another's.
  #undoSlots: unknown[] = []
  // The changes, in order; `#changedTwice` when some key changed more than once.
  #changes: StateUpdate[] = []
  #changedTwice = false
  // The last key encoded: an operator usually gets a key and then puts the same key array, and keys
  // are never changed once handed to the store (entries keep them), so identity is enough.
  #lastKey: StateKey | undefined
  #lastEncoded = ''
  // The entry the last `get` found for the key array `#lastGot` (a put of it right after it need
  // not look again).
  #lastGot: StateKey | undefined
  #lastGotEntry: StateEntry | undefined

  /** `numColsPrefixKey` is the map's (kept for callers that pass it); ordering enables rangeScan. */
  constructor(
    host: StateStoreHost,
    version: number,
    map: StateMap,
    _numColsPrefixKey = 0,
    ordering?: KeyOrdering,
  ) {
    this.#host = host
    this.version = version
    this.#map = map
    this.#ordering = ordering
  }

  #encode(key: StateKey): string {
    if (key === this.#lastKey) return this.#lastEncoded
    this.#lastEncoded = encodeStateKey(key)
    this.#lastKey = key
    return this.#lastEncoded
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
    const e = this.#map.getByKey(key)
    this.#lastGot = key
    this.#lastGotEntry = e
    return e?.value
  }

  /** Records the change of `k` from `old` (undo log, changes list). */
  #changed(k: string, old: StateEntry | undefined, update: StateUpdate): void {
    // NOTE: undone backwards, so a key logged twice ends with its first (pre-batch) entry.
    if (old !== undefined && (old as PutEntry).putAt === this.version) this.#changedTwice = true
    this.#logUndo(k, old, MAP_WRITE, undefined)
    this.#changes.push(update)
  }

  #logUndo(k: string, entry: StateEntry | undefined, value: unknown, putAt: number | undefined): void {
    this.#undoKeys.push(k)
    this.#undoEntries.push(entry)
    this.#undoValues.push(value)
    this.#undoPutAt.push(putAt)
  }

  /**
   * Puts `value` into `old`, an entry in the map. An entry this store put already is in the changes
   * and the undo log (the first change logged its pre-batch value), so nothing is logged.
   */
  #putInPlace(old: PutEntry, value: unknown): void {
    const before = old.value
    old.value = value
    this.#map.replacedValue(before, value)
    if (old.putAt === this.version) return
    // An in-place record needs no identity string: the entry itself is changed back.
    this.#logUndo('', old, before, old.putAt)
    old.putAt = this.version
    this.#changes.push(old as StateUpdate)
  }

  put(key: StateKey, value: unknown): void {
    this.#checkOpen('put into')
    if (value === undefined) {
      throw new SluiceError(
        'INTERNAL',
        `A state value cannot be undefined (key ${JSON.stringify(key)}); use remove().`,
      )
    }
    const old = key === this.#lastGot ? this.#lastGotEntry : this.#map.getByKey(key)
    this.#lastGot = undefined
    this.#numRowsUpdated++
    // NOTE: an equal key already in the map keeps its entry and key array (equal keys are
    // interchangeable): the caller's new array then dies young instead of replacing a long-lived
    // one every batch.
    if (old !== undefined) {
      this.#putInPlace(old as PutEntry, value)
      return
    }
    const k = this.#encode(key)
    const entry: PutEntry = { key, value, putAt: this.version }
    // NOTE: the lookup above found no entry, so the key is new to the map.
    this.#map.add(k, entry as StateEntry)
    this.#changed(k, old, entry as StateUpdate)
  }

  /**
   * Changes an array value in place. NOTE: the elements before go to a flat undo list instead of a
   * copy of the array, so an update of a numeric aggregate buffer allocates nothing, and the stored
   * array stays where it is (no new long-lived array per key per batch for the collector to move).
   */
  updateInPlace<T>(key: StateKey, change: (value: unknown[], arg: T) => void, arg: T): boolean {
    this.#checkOpen('update')
    const old = (key === this.#lastGot ? this.#lastGotEntry : this.#map.getByKey(key)) as PutEntry | undefined
    // A put of the same key next (absent: a new key) need not look it up again.
    this.#lastGot = key
    this.#lastGotEntry = old
    if (old === undefined || !Array.isArray(old.value)) return false
    this.#lastGot = undefined
    const value = old.value as unknown[]
    const n = value.length
    const bytes = this.#map.valueBytes(value)
    if (old.putAt !== this.version) {
      for (let i = 0; i < n; i++) this.#undoSlots.push(value[i])
      this.#undoSlots.push(n)
      this.#logUndo('', old, SLOTS, old.putAt)
      old.putAt = this.version
      this.#changes.push(old as StateUpdate)
    }
    change(value, arg)
    if (value.length !== n) {
      throw new SluiceError(
        'INTERNAL',
        `updateInPlace changed the length of the value of key ${JSON.stringify(key)} in ${this.#host.describe()} (${n} -> ${value.length}). This is a bug in Sluice; please report it.`,
      )
    }
    this.#map.bytes += this.#map.valueBytes(value) - bytes
    this.#numRowsUpdated++
    return true
  }

  remove(key: StateKey): void {
    this.#checkOpen('remove from')
    const k = this.#encode(key)
    this.#lastGot = undefined
    const old = this.#map.get(k)
    if (old === undefined) return
    this.#map.delete(k)
    this.#changed(k, old, { key })
    this.#numRowsRemoved++
  }

  iterator(): IterableIterator<StateEntry> {
    return this.#map.values()
  }

  *prefixScan(prefix: StateKey): IterableIterator<StateEntry> {
    // NOTE: the key encoding makes a prefix's string a string prefix of every key that starts with it
    // (state-key-codec.ts), so the map's scan is exact; a prefix of numColsPrefixKey components
    // reads only its own keys through the index, any other length scans the whole map.
    for (const [, e] of this.#map.scan(prefix, encodeStateKey(prefix))) yield e
  }

  *rangeScan(from: number, to: number): IterableIterator<StateEntry> {
    if (this.#ordering === undefined) {
      throw new SluiceError(
        'INTERNAL',
        `Cannot range-scan ${this.#host.describe()}: the store was opened without an ordering. This is a bug in Sluice; please report it.`,
      )
    }
    for (const [, e] of this.#map.rangeScan(from, to)) yield e
  }

  async commit(): Promise<number> {
    this.#checkOpen('commit')
    this.#phase = 'committed'
    try {
      await this.#host.commitUpdates(this.version, this.#netChanges())
    } catch (e) {
      // Nothing was persisted as version + 1: the map goes back to version.
      this.#undo()
      this.#phase = 'aborted'
      throw e
    }
    this.#clearLogs()
    return this.version + 1
  }

  abort(): void {
    if (this.#phase !== 'open') return
    this.#phase = 'aborted'
    this.#undo()
  }

  /** Marks the store unusable because its provider opened another one (an implicit abort). */
  replace(): void {
    if (this.#phase !== 'open') return
    this.#phase = 'replaced'
    this.#undo()
  }

  /** The last change of each key, in the order of those last changes. */
  #netChanges(): readonly StateUpdate[] {
    if (!this.#changedTwice) return this.#changes
    const last = new Map<string, StateUpdate>()
    for (const u of this.#changes) {
      const k = encodeStateKey(u.key)
      last.delete(k)
      last.set(k, u)
    }
    return [...last.values()]
  }

  #undo(): void {
    let slots = this.#undoSlots.length
    for (let i = this.#undoKeys.length - 1; i >= 0; i--) {
      const old = this.#undoEntries[i]
      const value = this.#undoValues[i]
      if (value === SLOTS) {
        // A new array: a later put this batch may have replaced the one changed in place.
        const n = this.#undoSlots[--slots] as number
        slots -= n
        const e = old as PutEntry
        const before = this.#undoSlots.slice(slots, slots + n)
        this.#map.replacedValue(e.value, before)
        e.value = before
        e.putAt = this.#undoPutAt[i]
      } else if (value !== MAP_WRITE) {
        const e = old as PutEntry
        this.#map.replacedValue(e.value, value)
        e.value = value
        e.putAt = this.#undoPutAt[i]
      } else if (old === undefined) this.#map.delete(this.#undoKeys[i])
      else this.#map.set(this.#undoKeys[i], old)
    }
    this.#clearLogs()
  }

  #clearLogs(): void {
    this.#undoKeys = []
    this.#undoEntries = []
    this.#undoValues = []
    this.#undoPutAt = []
    this.#undoSlots = []
    this.#changes = []
    this.#changedTwice = false
  }

  metrics(): StateStoreMetrics {
    return {
      numKeys: this.#map.size,
      memoryUsedBytes: this.#map.bytes,
      numRowsUpdated: this.#numRowsUpdated,
      numRowsRemoved: this.#numRowsRemoved,
    }
  }
}
