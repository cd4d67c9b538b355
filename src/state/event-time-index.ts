/**
 * An ordered index of a state map's keys by one key component's event time (a timestamp, or the
 * `end` of a window struct), so a range scan — timers due, entries the watermark has passed —
 * reads only the keys in its range instead of the whole map.
 *
 * Distinct event times are kept sorted (binary search; a new time is inserted in place, which is
 * cheap while distinct times are few — windows, timers — against keys); each time holds the set
 * of identity strings of its keys. A key whose component is null is not indexed (never in range).
 */
import type { StateKey } from './spi.ts'

/** Which key component a store is ordered by. */
export interface KeyOrdering {
  /** Position of the event-time component in the key. */
  readonly keyOrdinal: number
  /** Whether that component is a window struct (its `end` is the time). */
  readonly isWindow: boolean
}

/**
 * The event time of `key` under `ordering`, or null.
 *
 * @example orderedTimeOf([{ start: 0, end: 10 }, 'a'], { keyOrdinal: 0, isWindow: true }) // 10
 */
export function orderedTimeOf(key: StateKey, ordering: KeyOrdering): number | null {
  const v = key[ordering.keyOrdinal]
  if (v === null || v === undefined) return null
  return ordering.isWindow ? (v as { end: number }).end : (v as number)
}

export class EventTimeIndex {
  readonly ordering: KeyOrdering
  readonly #byTime = new Map<number, Set<string>>()
  readonly #times: number[] = []

  constructor(ordering: KeyOrdering) {
    this.ordering = ordering
  }

  /** Indexes the key `key` (identity string `k`). */
  add(key: StateKey, k: string): void {
    const t = orderedTimeOf(key, this.ordering)
    if (t === null) return
    let set = this.#byTime.get(t)
    if (set === undefined) {
      set = new Set()
      this.#byTime.set(t, set)
      this.#times.splice(this.#lowerBound(t), 0, t)
    }
    set.add(k)
  }

  /** Forgets the key `key` (identity string `k`). */
  delete(key: StateKey, k: string): void {
    const t = orderedTimeOf(key, this.ordering)
    if (t === null) return
    const set = this.#byTime.get(t)
    if (set === undefined) return
    set.delete(k)
    if (set.size > 0) return
    this.#byTime.delete(t)
    this.#times.splice(this.#lowerBound(t), 1)
  }

  /** The identity strings of the keys whose time is in [from, to], by ascending time. */
  *range(from: number, to: number): IterableIterator<string> {
    // Copied: the caller may change the map (and so this index) while it iterates.
    const times = this.#times.slice(this.#lowerBound(from), this.#upperBound(to))
    for (const t of times) {
      const set = this.#byTime.get(t)
      if (set !== undefined) yield* [...set]
    }
  }

  /** The first position whose time is > t. */
  #upperBound(t: number): number {
    let lo = 0
    let hi = this.#times.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.#times[mid] <= t) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** The first position whose time is >= t. */
  #lowerBound(t: number): number {
    let lo = 0
    let hi = this.#times.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.#times[mid] < t) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
