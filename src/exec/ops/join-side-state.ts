/**
 * One side's buffered rows of a stream-stream join (StreamingSymmetricHashJoinExec), in the
 * side's named store (`left` or `right`) of each state partition.
 *
 * Layout (Spark keeps `keyToNumValues` + `keyWithIndexToValue`; Sluice keeps one ordered store):
 *
 * ```
 * key:   [joinKey_1, ..., joinKey_n, evictAtMs, batchId, seq]
 * value: [row, matched]
 * ```
 *
 * e.g. `[['ad-1', 1700000000000, 3, 0], [['ad-1', 1700000000000], false]]`.
 *
 * - Lookup: the store indexes keys by their first n components (`numColsPrefixKey = n`), so the
 *   rows of one join key are a prefix scan that reads only them.
 * - Eviction: the store is ordered by `evictAtMs` (the row's event time that the watermark is
 *   compared to: the watermarked join key, or the side's watermarked column under a time-range
 *   condition; a window's end), so eviction is a range scan up to the side's state watermark.
 *   `evictAtMs` is null when nothing can evict the side (its rows stay, as in Spark).
 * - `batchId, seq` make each buffered row its own entry (two equal rows are two entries).
 * - `matched`: whether the row has joined a row of the other side (an outer join emits it with
 *   nulls at eviction only when it has not; a left semi join emits a left row once).
 *
 * Invariant: a row is in state only while its `evictAtMs` is after the side's state watermark.
 */
import type { StateEntry, StateKey, StateStore } from '../../state/spi.ts'
import type { Row } from '../exec-node.ts'
import { eventTimeOf } from '../stateful.ts'

/** How the watermark evicts one side's rows. */
export type SideEviction =
  | { readonly kind: 'none' }
  /** The watermarked join key `keyOrdinal`: rows go once it is <= the watermark. */
  | { readonly kind: 'key'; readonly keyOrdinal: number; readonly isWindow: boolean }
  /** The side's watermarked `column`: rows go once it is <= watermark + `offsetMs` (a time-range condition). */
  | { readonly kind: 'value'; readonly column: number; readonly isWindow: boolean; readonly offsetMs: number }

/** A buffered row of one side. */
export interface BufferedRow {
  readonly key: StateKey
  readonly row: Row
  readonly matched: boolean
}

/** The time the side's state watermark is compared to for `row` with join key `key`, or null. */
export function evictAtOf(ev: SideEviction, key: StateKey, row: Row): number | null {
  if (ev.kind === 'key') return eventTimeOf(key[ev.keyOrdinal], ev.isWindow)
  if (ev.kind === 'value') return eventTimeOf(row[ev.column], ev.isWindow)
  return null
}

/** The side's state watermark for eviction watermark `wm` (rows at or before it go), or undefined. */
export function stateWatermarkOf(ev: SideEviction, wm: number): number | undefined {
  if (ev.kind === 'key') return wm
  if (ev.kind === 'value') return wm + ev.offsetMs
  return undefined
}

const toBuffered = (e: StateEntry): BufferedRow => {
  const [row, matched] = e.value as [Row, boolean]
  return { key: e.key, row, matched }
}

/** One side's rows in one state partition's store. */
export interface SideState {
  /** The buffered rows of join key `key` (none when a key component is null). */
  rowsOf(key: StateKey): BufferedRow[]
  /** Buffers `row` under join key `key`. */
  append(key: StateKey, row: Row, evictAt: number | null, matched: boolean): void
  /** Marks a buffered row as having matched. */
  markMatched(b: BufferedRow): void
  /** Removes and returns the rows whose `evictAtMs` is at or before `stateWatermark`. */
  evict(stateWatermark: number): BufferedRow[]
}

/** The side state over `store` for batch `batchId`. @example sideState(pc.store('left'), 3).rowsOf(['a']) */
export function sideState(store: StateStore, batchId: number): SideState {
  let seq = 0
  return {
    rowsOf(key) {
      if (key.some((k) => k === null || k === undefined)) return []
      return [...store.prefixScan(key)].map(toBuffered)
    },
    append(key, row, evictAt, matched) {
      store.put([...key, evictAt, batchId, seq++], [row, matched])
    },
    markMatched(b) {
      store.put(b.key, [b.row, true])
    },
    evict(stateWatermark) {
      const out: BufferedRow[] = []
      for (const e of store.rangeScan(Number.NEGATIVE_INFINITY, stateWatermark)) {
        out.push(toBuffered(e))
        store.remove(e.key)
      }
      return out
    },
  }
}
