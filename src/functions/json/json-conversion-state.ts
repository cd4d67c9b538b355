/**
 * The error slot shared by a tree of compiled JSON converters. Converters never throw per field: a
 * failing converter records the first failure here and returns `JSON_CONVERSION_FAILED`, and its
 * parents record their path segment while the failure unwinds. Spark keeps partial results, so a
 * failed struct (and an array or map of structs) also leaves what it did convert in `partial`.
 */
import { JsonNumber } from './json-tree.ts'

/** Returned by a converter whose value (or part of it) could not be converted. */
export const JSON_CONVERSION_FAILED: unique symbol = Symbol('JSON_CONVERSION_FAILED')
export type JsonConversionFailed = typeof JSON_CONVERSION_FAILED

export interface JsonConversionState {
  /** The input came from `parseJsonExact` (number spellings and key order are known). */
  exact: boolean
  /**
   * Set when a result depends on what `JSON.parse` loses (a string field holding `2.0`, a map with
   * keys like "1"): convert `parseJsonExact(text)` again with `exact` set.
   */
  needsSource: boolean
  /** Why the first failure happened, or null when nothing failed. */
  reason: string | null
  /** The first failure's path, innermost segment first. */
  path: (string | number)[]
  /** Whether unwinding converters should still add their segment to `path`. */
  recording: boolean
  /** With a failure: the partially converted value of a struct, array or map; else undefined. */
  partial: unknown
}

/**
 * A fresh state; reuse it across rows with `resetJsonConversionState`.
 *
 * @example
 * const state = newJsonConversionState()
 */
export function newJsonConversionState(): JsonConversionState {
  return { exact: false, needsSource: false, reason: null, path: [], recording: false, partial: undefined }
}

/**
 * Clears `state` before converting the next value.
 *
 * @example
 * resetJsonConversionState(state, false)
 */
export function resetJsonConversionState(state: JsonConversionState, exact: boolean): void {
  state.exact = exact
  state.needsSource = false
  state.reason = null
  state.path.length = 0
  state.recording = false
  state.partial = undefined
}

/**
 * The first failure's path in Spark's notation, e.g. `a.b[2].c`; empty for the root itself.
 *
 * @example
 * jsonConversionErrorPath(state) // 'a.b[2]'
 */
export function jsonConversionErrorPath(state: JsonConversionState): string {
  let out = ''
  for (let i = state.path.length - 1; i >= 0; i--) {
    const seg = state.path[i]
    out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : '.' + seg
  }
  return out
}

/**
 * Records a leaf failure (if it is the first) and returns the failure marker.
 *
 * @example
 * return failConversion(state, 'int', value, 'an int is a whole number within 32 bits')
 */
export function failConversion(
  state: JsonConversionState,
  target: string,
  value: unknown,
  hint?: string,
): JsonConversionFailed {
  if (state.reason === null) {
    state.reason = `cannot read ${describeJsonValue(value)} as ${target}${hint === undefined ? '' : ` (${hint})`}`
    state.recording = true
  }
  state.partial = undefined
  return JSON_CONVERSION_FAILED
}

/**
 * A short description of a parsed JSON value for error messages.
 *
 * @example
 * describeJsonValue('x') // 'the JSON string "x"'
 */
export function describeJsonValue(v: unknown): string {
  if (typeof v === 'string')
    return `the JSON string ${JSON.stringify(v.length > 60 ? v.slice(0, 60) + '...' : v)}`
  if (typeof v === 'number') return `the JSON number ${v}`
  if (v instanceof JsonNumber) return `the JSON number ${v.text}`
  if (typeof v === 'boolean') return `the JSON boolean ${v}`
  if (v === null) return 'JSON null'
  if (Array.isArray(v)) return 'a JSON array'
  return 'a JSON object'
}
