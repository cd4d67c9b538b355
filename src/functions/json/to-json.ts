/**
 * Spark's `to_json(col, options)` at run time, writing what Spark's `JacksonGenerator` writes: a
 * struct as an object (null fields left out unless `ignoreNullFields` is false), arrays and maps
 * with their nulls, doubles in Java's form (`1.0`, `1.0E10`, `"NaN"`), timestamps and dates through
 * the codec, binary as base64 and day-time intervals as `INTERVAL '...' DAY TO SECOND`.
 */

import { typeMismatch } from '../../errors.ts'
import { type DataType, type StructType, simpleString } from '../../schema/data-type.ts'
import { javaDecimalString } from '../../schema/decimal-value.ts'
import { encodeJsonBase64 } from './base64.ts'
import { formatDayTimeInterval } from './interval-text.ts'
import { jacksonDouble, jacksonFloat, quoteJsonString } from './jackson-text.ts'
import { javaDoubleToString, javaFloatToString } from './java-double.ts'
import type { JsonTimeCodec } from './json-time-codec.ts'

export interface ToJsonOptions {
  readonly time: JsonTimeCodec
  /** Leave null struct fields out (Spark's default, true). Map values and array elements always keep their nulls. */
  readonly ignoreNullFields?: boolean
}

/** Writes one non-null value of a compiled type. */
type Writer = (value: any) => string

/**
 * Compiles `to_json` for a struct, array or map type; the result is called once per row.
 *
 * @example
 * const write = compileToJson(t.struct({ a: t.int(), b: t.double() }), { time: isoUtcJsonTimeCodec })
 * write({ a: 1, b: null }) // '{"a":1}'
 * write({ a: 1, b: 1e10 }) // '{"a":1,"b":1.0E10}'
 */
export function compileToJson(type: DataType, options: ToJsonOptions): (value: unknown) => string | null {
  if (type.kind !== 'struct' && type.kind !== 'array' && type.kind !== 'map') {
    throw typeMismatch(
      `to_json needs a struct, array or map, not ${simpleString(type)}. Wrap the value, e.g. in struct(...) or array(...).`,
    )
  }
  const write = writerFor(type, options.time, options.ignoreNullFields ?? true)
  return (value) => (value === null || value === undefined ? null : write(value))
}

/**
 * The JSON text of one non-null value of `type`, as `to_json` writes it (the JSON file writer uses
 * it per column).
 *
 * @example writerFor(t.double(), isoUtcJsonTimeCodec, true)(1e10) // '1.0E10'
 */
export function writerFor(type: DataType, time: JsonTimeCodec, ignoreNulls: boolean): Writer {
  switch (type.kind) {
    case 'string':
      return quoteJsonString
    case 'byte':
    case 'short':
    case 'int':
    case 'long':
      return (v: number) => String(v)
    case 'float':
      return jacksonFloat
    case 'double':
      return jacksonDouble
    case 'boolean':
      return (v: boolean) => (v ? 'true' : 'false')
    case 'timestamp':
      return (v: number) => quoteJsonString(time.formatTimestamp(v))
    case 'date':
      return (v: number) => quoteJsonString(time.formatDate(v))
    case 'binary':
      return (v: Uint8Array) => '"' + encodeJsonBase64(v) + '"'
    case 'interval':
      return (v: number) => quoteJsonString(formatDayTimeInterval(v))
    case 'null':
      return () => 'null'
    case 'decimal':
      return javaDecimalString
    case 'array':
      return arrayWriter(writerFor(type.element, time, ignoreNulls))
    case 'map':
      return mapWriter(mapKeyText(type.key), writerFor(type.value, time, ignoreNulls))
    case 'struct':
      return structWriter(type, time, ignoreNulls)
  }
}

function arrayWriter(element: Writer): Writer {
  return (arr: readonly unknown[]) => {
    let out = '['
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i]
      const s = v === null || v === undefined ? 'null' : element(v)
      out += i === 0 ? s : ',' + s
    }
    return out + ']'
  }
}

function mapWriter(keyText: (k: any) => string, value: Writer): Writer {
  return (map: ReadonlyMap<unknown, unknown>) => {
    let out = '{'
    let first = true
    for (const [k, v] of map) {
      const s = v === null || v === undefined ? 'null' : value(v)
      out += (first ? '' : ',') + quoteJsonString(keyText(k)) + ':' + s
      first = false
    }
    return out + '}'
  }
}

/**
 * The writer of one struct type, generated (`new Function`) as the row encoder is: one straight
 * run of field reads by constant name, with the quoted keys as literals and integers, booleans and
 * strings written inline, so V8 sees monomorphic property loads instead of a loop over names.
 */
function structWriter(type: StructType, time: JsonTimeCodec, ignoreNulls: boolean): Writer {
  const writers = type.fields.map((f) => writerFor(f.type, time, ignoreNulls))
  const fields = type.fields.map((f, i) => {
    const key = quoteJsonString(f.name) + ':'
    const text = inlineText(f.type.kind, i)
    // The first field written has no comma before it; which one that is depends on the nulls.
    const sep = i === 0 ? lit(key) : `(first ? ${lit(key)} : ${lit(',' + key)})`
    const read = `v = row[${lit(f.name)}]`
    return ignoreNulls
      ? `${read}; if (v !== null && v !== undefined) { out += ${sep} + ${text}; first = false }`
      : `${read}; out += ${sep} + (v === null || v === undefined ? 'null' : ${text}); first = false`
  })
  const body = `return function writeStruct(row) {
  let out = '{'
  let first = true
  let v
  ${fields.join('\n  ')}
  return out + '}'
}`
  return new Function('w', 'quote', body)(writers, quoteJsonString) as Writer
}

const lit = (text: string) => JSON.stringify(text)

/** The expression writing field `i`'s non-null value `v`. */
function inlineText(kind: DataType['kind'], i: number): string {
  switch (kind) {
    case 'byte':
    case 'short':
    case 'int':
    case 'long':
      return "('' + v)"
    case 'boolean':
      return "(v ? 'true' : 'false')"
    case 'string':
      return 'quote(v)'
    default:
      return `w[${i}](v)`
  }
}

/**
 * The text of a map key. Spark writes the key's internal value with `toString`, so a timestamp key
 * is its epoch microseconds, a date its epoch day and an interval its microseconds. For binary,
 * array and struct keys Spark prints JVM internals; Sluice writes base64 and a bracketed list.
 */
function mapKeyText(type: DataType): (k: any) => string {
  switch (type.kind) {
    case 'string':
      return (k: string) => k
    case 'double':
      return javaDoubleToString
    case 'float':
      return javaFloatToString
    case 'timestamp':
    case 'interval':
      return (k: number) => String(k * 1000)
    case 'binary':
      return encodeJsonBase64
    case 'array': {
      const el = mapKeyText(type.element)
      return (k: readonly unknown[]) => '[' + k.map((x) => (x === null ? 'null' : el(x))).join(',') + ']'
    }
    case 'struct': {
      const parts = type.fields.map((f) => ({ name: f.name, text: mapKeyText(f.type) }))
      return (k: Record<string, unknown>) =>
        '[' +
        parts
          .map((p) => (k[p.name] === null || k[p.name] === undefined ? 'null' : p.text(k[p.name])))
          .join(',') +
        ']'
    }
    case 'map':
      throw typeMismatch(
        `to_json cannot write a map whose keys are maps (${simpleString(type)}); Spark does not allow map-typed keys.`,
      )
    default:
      return (k: unknown) => String(k)
  }
}
