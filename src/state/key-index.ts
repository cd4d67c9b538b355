/**
 * A state map's entries by key components rather than by identity string (state-key-codec.ts): a
 * bucket per identity string of all but the last component, holding the entries by their last
 * component as a Map key. A windowed count by key then looks a key up as its window's string
 * (remembered from the last lookup) and a number, not as a string built and hashed per key —
 * measured here on 1e5 keys, about 450 ns for the string lookup against 20-50 ns for a number.
 *
 * NOTE: two keys are equal exactly when their identity strings are: components are
 * self-delimiting, so equal strings mean equal prefixes and equal last components, and the last
 * component's encoding equals another's exactly when the two are SameValueZero (the Map's
 * equality: -0 with 0, NaN with NaN), once undefined is read as null (both encode as `n`). Only a
 * key whose last component is a number, string, boolean or null is indexed; `get` answers null
 * for the others, which the caller looks up by string.
 */
import type { StateEntry, StateKey } from './spi.ts'
import { encodeStateKeyPrefix } from './state-key-codec.ts'

/** A last component that is not indexed. */
const NOT_INDEXED: unique symbol = Symbol('not indexed')

function lastOf(key: StateKey): unknown {
  const n = key.length
  if (n === 0) return NOT_INDEXED
  const v = key[n - 1]
  switch (typeof v) {
    case 'number':
    case 'string':
    case 'boolean':
      return v
    case 'undefined':
      return null
    case 'object':
      return v === null ? null : NOT_INDEXED
    default:
      return NOT_INDEXED
  }
}

export class KeyIndex {
  readonly #buckets = new Map<string, Map<unknown, StateEntry>>()
  // The bucket of the last prefix looked up (adjacent keys usually share their window).
  #lastPrefix: string | undefined
  #lastBucket: Map<unknown, StateEntry> | undefined

  /**
   * The entry of `key`, undefined when there is none, or null when `key` is not indexed.
   *
   * @example index.get([{ start: 0, end: 10 }, 7])
   */
  get(key: StateKey): StateEntry | undefined | null {
    const last = lastOf(key)
    if (last === NOT_INDEXED) return null
    return this.#bucket(key, false)?.get(last)
  }

  /** Indexes `entry` (replacing the entry of an equal key). @example index.add({ key: [1], value: 2 }) */
  add(entry: StateEntry): void {
    const last = lastOf(entry.key)
    if (last !== NOT_INDEXED) this.#bucket(entry.key, true)?.set(last, entry)
  }

  /** Forgets the entry of `key`, if any. @example index.remove([1]) */
  remove(key: StateKey): void {
    const last = lastOf(key)
    if (last === NOT_INDEXED) return
    const b = this.#bucket(key, false)
    if (b === undefined || !b.delete(last) || b.size > 0) return
    // An empty bucket goes (a window evicted whole), and with it the remembered one.
    this.#buckets.delete(this.#lastPrefix as string)
    this.#lastPrefix = undefined
    this.#lastBucket = undefined
  }

  #bucket(key: StateKey, create: boolean): Map<unknown, StateEntry> | undefined {
    const p = key.length === 1 ? '' : encodeStateKeyPrefix(key, key.length - 1)
    if (p === this.#lastPrefix) return this.#lastBucket
    let b = this.#buckets.get(p)
    if (b === undefined) {
      if (!create) return undefined
      b = new Map()
      this.#buckets.set(p, b)
    }
    this.#lastPrefix = p
    this.#lastBucket = b
    return b
  }
}
