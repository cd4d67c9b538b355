/**
 * The mutable state of one parse: the text, the position, and the fields read so far (NaN = not read),
 * as java.time's `Parsed` holds them before resolution. One shared instance serves every parse since
 * parsing is synchronous.
 */
import type { Zone } from './zone.ts'

/** Field slots, mirroring the java.time ChronoFields Spark's patterns fill. */
export const F_YEAR = 0
export const F_YEAR_OF_ERA = 1
export const F_ERA = 2
export const F_MONTH = 3
export const F_DAY = 4
export const F_DAY_OF_YEAR = 5
export const F_HOUR_OF_DAY = 6
export const F_CLOCK_HOUR_OF_DAY = 7
export const F_HOUR_OF_AMPM = 8
export const F_CLOCK_HOUR_OF_AMPM = 9
export const F_AMPM = 10
export const F_MINUTE = 11
export const F_SECOND = 12
/** Fraction of second, in nanoseconds. */
export const F_NANO = 13
/** Offset parsed by X/x/Z/O, in seconds. */
export const F_OFFSET = 14
const FIELD_COUNT = 15

/** Parse state shared by the parse steps. */
export interface ParseState {
  text: string
  pos: number
  readonly fields: Float64Array
  /** A zone read by VV or z; wins over an offset and over the session zone. */
  zone: Zone | null
}

/** The single parse state (parsing never re-enters). */
export const STATE: ParseState = { text: '', pos: 0, fields: new Float64Array(FIELD_COUNT), zone: null }

/** Resets the state for a new text. */
export function resetState(text: string): ParseState {
  STATE.text = text
  STATE.pos = 0
  STATE.fields.fill(Number.NaN)
  STATE.zone = null
  return STATE
}

/**
 * Records a field value; false (a failed parse) when the field already holds a different value, as
 * java.time does when a pattern reads a field twice (`yyyy ... yyyy`).
 */
export function setField(st: ParseState, field: number, value: number): boolean {
  const old = st.fields[field]
  if (!Number.isNaN(old) && old !== value) return false
  st.fields[field] = value
  return true
}

/** Saved state for an optional section; each optional step owns one and reuses it. */
export interface Snapshot {
  pos: number
  readonly fields: Float64Array
  zone: Zone | null
}

/** A fresh snapshot buffer. */
export function newSnapshot(): Snapshot {
  return { pos: 0, fields: new Float64Array(FIELD_COUNT), zone: null }
}

/** Saves the state before an optional section into `into`. */
export function saveState(st: ParseState, into: Snapshot): void {
  into.pos = st.pos
  into.fields.set(st.fields)
  into.zone = st.zone
}

/** Restores the state after an optional section that did not match. */
export function restoreState(st: ParseState, saved: Snapshot): void {
  st.pos = saved.pos
  st.fields.set(saved.fields)
  st.zone = saved.zone
}

/** java.time's case-insensitive character comparison (Spark parses case-insensitively). */
export function charEqualsIgnoreCase(a: string, b: string): boolean {
  return a === b || a.toUpperCase() === b.toUpperCase() || a.toLowerCase() === b.toLowerCase()
}

/** True when `expected` occurs at `pos` in `text`, ignoring case. */
export function matchesAt(text: string, pos: number, expected: string): boolean {
  if (pos + expected.length > text.length) return false
  for (let i = 0; i < expected.length; i++) {
    if (!charEqualsIgnoreCase(text[pos + i], expected[i])) return false
  }
  return true
}
