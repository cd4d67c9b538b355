/**
 * Compiles a Sluice data type into a converter from a parsed JSON value (from `JSON.parse`, or the
 * exact tree of `parseJsonExact`) to Sluice values, with Spark's `from_json` semantics: struct
 * fields match JSON keys case-sensitively, unknown keys are ignored, missing ones are null; a struct
 * keeps the fields it could convert when another fails (Spark's partial results), and so do arrays
 * and maps of structs, while an array or map with a failed non-struct element fails as a whole.
 */

import { typeMismatch } from '../../errors.ts'
import { type DataType, type StructType, simpleString } from '../../schema/data-type.ts'
import { hasIndexLikeKey } from './jackson-text.ts'
import {
  JSON_CONVERSION_FAILED as FAILED,
  failConversion,
  type JsonConversionState,
} from './json-conversion-state.ts'
import { decimalConverter } from './json-decimal-converter.ts'
import { type JsonValueConverter, leafConverter } from './json-leaf-converters.ts'
import type { JsonTimeCodec } from './json-time-codec.ts'

export type { JsonValueConverter } from './json-leaf-converters.ts'

export interface JsonConverterOptions {
  /** Spark's `allowNonNumericNumbers` (default true): read "NaN", "Infinity", "-INF"... as doubles. */
  readonly allowNonNumericNumbers?: boolean
  /** A struct field left out of conversion and always null (`from_json`'s corrupt-record column). */
  readonly skipField?: string
}

/**
 * Compiles the converter for `type` once; call it per value with a reused state. It returns the
 * Sluice value, or `JSON_CONVERSION_FAILED` with the first failure in `state` (and Spark's partial
 * result in `state.partial`). When it sets `state.needsSource`, convert `parseJsonExact(text)`
 * again with `resetJsonConversionState(state, true)`.
 *
 * @example
 * const conv = compileJsonValueConverter(t.struct({ a: t.int() }), isoUtcJsonTimeCodec)
 * const state = newJsonConversionState()
 * conv(JSON.parse('{"a": 1}'), state) // { a: 1 }
 */
export function compileJsonValueConverter(
  type: DataType,
  time: JsonTimeCodec,
  options: JsonConverterOptions = {},
): JsonValueConverter {
  const nonNumeric = options.allowNonNumericNumbers ?? true
  const compile = (dt: DataType, skipField?: string): JsonValueConverter => {
    switch (dt.kind) {
      case 'struct':
        return structConverter(dt, compile, skipField)
      case 'array':
        return arrayConverter(dt, compile(dt.element))
      case 'map':
        return mapConverter(dt, compile(dt.value))
      case 'decimal':
        return decimalConverter(dt)
      default:
        return leafConverter(dt.kind, time, nonNumeric)
    }
  }
  return compile(type, options.skipField)
}

/**
 * A function that makes an all-null row with the struct's fields in schema order. Rows made by
 * spreading one template share a hidden class, which keeps field stores monomorphic.
 *
 * @example
 * makeNullRowFactory(['a', 'b'])() // { a: null, b: null }
 */
export function makeNullRowFactory(names: readonly string[]): () => Record<string, unknown> {
  const template: Record<string, unknown> = {}
  // defineProperty, because assigning a field named "__proto__" would set the prototype.
  for (const n of names)
    Object.defineProperty(template, n, { value: null, writable: true, enumerable: true, configurable: true })
  return () => ({ ...template })
}

function structConverter(
  st: StructType,
  compile: (dt: DataType) => JsonValueConverter,
  skipField: string | undefined,
): JsonValueConverter {
  const all = st.fields.map((f) => f.name)
  const fields = st.fields.filter((f) => f.name !== skipField)
  const names = fields.map((f) => f.name)
  const convs = fields.map((f) => compile(f.type))
  // A name such as "toString" would otherwise be found on Object.prototype.
  const inherited = names.map((n) => n in Object.prototype)
  const n = names.length
  const makeRow = makeNullRowFactory(all)
  const target = simpleString(st)
  return (v, s) => {
    if (v === null || v === undefined) return null
    if (typeof v !== 'object' || Array.isArray(v)) return failConversion(s, target, v)
    const row = makeRow()
    const map = v instanceof Map ? v : null
    const obj = v as Record<string, unknown>
    let failed = false
    let firstHere = false
    for (let i = 0; i < n; i++) {
      const name = names[i]
      const raw =
        map !== null ? map.get(name) : inherited[i] && !Object.hasOwn(obj, name) ? undefined : obj[name]
      if (raw === undefined) continue
      const r = convs[i](raw, s)
      if (r !== FAILED) {
        row[name] = r
        continue
      }
      if (s.recording) {
        s.path.push(name)
        s.recording = false
        firstHere = true
      }
      failed = true
      if (s.partial !== undefined) row[name] = s.partial
    }
    if (!failed) return row
    return failWithPartial(s, row, firstHere)
  }
}

function arrayConverter(
  at: Extract<DataType, { kind: 'array' }>,
  element: JsonValueConverter,
): JsonValueConverter {
  const target = simpleString(at)
  return (v, s) => {
    if (v === null || v === undefined) return null
    if (!Array.isArray(v)) return failConversion(s, target, v)
    const n = v.length
    const out = new Array<unknown>(n)
    let failed = false
    let firstHere = false
    for (let i = 0; i < n; i++) {
      const r = element(v[i], s)
      if (r !== FAILED) {
        out[i] = r
        continue
      }
      if (s.recording) {
        s.path.push(i)
        s.recording = false
        firstHere = true
      }
      // Only a struct element keeps a partial value; any other failure fails the whole array.
      if (s.partial === undefined) return failWithPartial(s, undefined, firstHere)
      failed = true
      out[i] = s.partial
    }
    if (!failed) return out
    return failWithPartial(s, out, firstHere)
  }
}

function mapConverter(mt: Extract<DataType, { kind: 'map' }>, value: JsonValueConverter): JsonValueConverter {
  if (mt.key.kind !== 'string') {
    throw typeMismatch(
      `from_json cannot read a JSON object into ${simpleString(mt)}: a map read from JSON must have string keys. Use map<string, ${simpleString(mt.value)}> and cast the keys afterwards.`,
    )
  }
  const target = simpleString(mt)
  return (v, s) => {
    if (v === null || v === undefined) return null
    if (typeof v !== 'object' || Array.isArray(v)) return failConversion(s, target, v)
    if (!(v instanceof Map) && !s.exact && hasIndexLikeKey(v)) s.needsSource = true
    const entries: Iterable<[string, unknown]> = v instanceof Map ? v : Object.entries(v)
    const out = new Map<string, unknown>()
    let whole = false
    let partial = false
    let firstHere = false
    for (const [key, raw] of entries) {
      const r = value(raw, s)
      if (r !== FAILED) {
        out.set(key, r)
        continue
      }
      if (s.recording) {
        s.path.push(key)
        s.recording = false
        firstHere = true
      }
      // Spark drops the whole map for a failed non-struct value, after reading the rest of it.
      if (s.partial === undefined) whole = true
      else {
        partial = true
        out.set(key, s.partial)
      }
    }
    if (!whole && !partial) return out
    return failWithPartial(s, whole ? undefined : out, firstHere)
  }
}

function failWithPartial(s: JsonConversionState, partial: unknown, firstHere: boolean): typeof FAILED {
  // The first failure happened below this container: let the parent add its segment too.
  if (firstHere) s.recording = true
  s.partial = partial
  return FAILED
}
