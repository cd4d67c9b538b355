/**
 * An ordered index of a state map's keys by one key component's event time (a timestamp, or the
 * `end` of a window struct), so a range scan — timers due, entries the watermark has passed —
 * reads only the keys in its range instead of the whole map.
 *
 * Distinct event times are kept sorted (binary search; a new time is inserted in place, which is
 * cheap while distinct times are few — windows, timers — against keys); each time holds a list of
 * the identity strings of its keys, from which removed keys are dropped lazily. A key whose
 * component is null is not indexed (never in range).
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

/** The keys of one event time: an append-only list and how many distinct keys in it are live. */
interface TimeBucket {
  keys: string[]
  live: number
}

export class EventTimeIndex {
  readonly ordering: KeyOrdering
  readonly #byTime = new Map<number, TimeBucket>()
  readonly #times: number[] = []
  readonly #isLive: (k: string) => boolean

  /**
   * `isLive(k)` says whether the map holds identity string `k` now: a bucket's list drops removed
   * keys lazily (a push is much cheaper than a Set insert, and a load or a new window inserts every
   * key), so a scan skips the keys no longer there.
   */
  constructor(ordering: KeyOrdering, isLive: (k: string) => boolean) {
    this.ordering = ordering
    this.#isLive = isLive
  }

  /** Indexes the key `key` (identity string `k`), which the map did not hold before. */
  add(key: StateKey, k: string): void {
    const t = orderedTimeOf(key, this.ordering)
    if (t === null) return
    let b = this.#byTime.get(t)
    if (b === undefined) {
      b = { keys: [], live: 0 }
      this.#byTime.set(t, b)
      this.#times.splice(this.#lowerBound(t), 0, t)
    } else if (b.keys.length >= 2 * b.live + 32) b.keys = this.#liveKeys(b.keys)
    b.keys.push(k)
    b.live++
  }

  /** Forgets the key `key` (identity string `k`), which the map held. */
  delete(key: StateKey, _k: string): void {
    const t = orderedTimeOf(key, this.ordering)
    if (t === null) return
    const b = this.#byTime.get(t)
    if (b === undefined) return
    if (--b.live > 0) return
    this.#byTime.delete(t)
    this.#times.splice(this.#lowerBound(t), 1)
  }

  /** The identity strings of the keys whose time is in [from, to], by ascending time. */
  *range(from: number, to: number): IterableIterator<string> {
    // Copied: the caller may change the map (and so this index) while it iterates.
    const times = this.#times.slice(this.#lowerBound(from), this.#upperBound(to))
    for (const t of times) {
      const b = this.#byTime.get(t)
      if (b === undefined) continue
      // NOTE: a list as long as its live count holds each live key once and nothing else (every
      // live key was pushed when added); a longer one has removed or re-added keys to drop.
      if (b.keys.length > b.live) b.keys = this.#liveKeys(b.keys)
      yield* b.keys.slice()
    }
  }

  /** The live keys of a list, each once. */
  #liveKeys(keys: readonly string[]): string[] {
    const seen = new Set<string>()
    for (const k of keys) if (this.#isLive(k)) seen.add(k)
    return [...seen]
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
