/**
 * Spark's JSON schema inference (`JsonInferSchema`): each record's type from its tokens (an integer
 * is bigint, a float double, a string string, an object a struct with fields sorted by name, an
 * array the widest of its elements), merged across records (bigint and double make double, structs
 * merge by field name, anything else that differs makes string), then NULL types become string
 * and empty structs are dropped. A record that is malformed or not an object adds the
 * `_corrupt_record` column in PERMISSIVE mode. Where Spark infers a decimal (an integer beyond 64
 * bits) Sluice infers double, having no decimal type.
 */
import { SluiceError } from '../../../errors.ts'
import { JsonNumber, NO_JSON_VALUE } from '../../../functions/json/index.ts'
import {
  type DataType,
  field,
  type StructField,
  type StructType,
  structOf,
  t,
} from '../../../schema/data-type.ts'
import { decompressByName } from './compression.ts'
import type { FileInput } from './format.ts'
import type { JsonReadSettings } from './json-options.ts'
import { isJsonBlank, jsonLines, parseJsonRecord } from './json-reader.ts'

const NULL = t.null()
const LONG_MAX = 9223372036854775807n
const LONG_MIN = -9223372036854775808n

/**
 * The schema Spark infers from these JSON files.
 *
 * @example
 * inferJsonSchema([{ bytes: utf8('{"b":1,"a":"x"}\n'), file: 'f.json' }], settings) // struct<a:string,b:bigint>
 */
export function inferJsonSchema(files: readonly FileInput[], s: JsonReadSettings): StructType {
  let root: DataType = structOf([])
  let seen = 0
  const stride = Math.max(1, Math.round(1 / s.samplingRatio))
  for (const { bytes, file } of files) {
    const { lines, invalid } = jsonLines(decompressByName(bytes, file), s)
    for (let i = 0; i < lines.length; i++) {
      if (isJsonBlank(lines[i]) || seen++ % stride !== 0) continue
      const type = recordType(lines[i], invalid?.has(i) ?? false, s, file, i + 1)
      if (type !== null) root = mergeRoot(root, type, s)
    }
  }
  const out = canonical(root, s)
  return out !== null && out.kind === 'struct' ? out : structOf([])
}

/**
 * The type Spark's `schema_of_json` gives one JSON text: the value's inferred type, canonical
 * (NULL types as string; an object without fields stays an empty struct).
 *
 * @example inferJsonTextType('[{"col":0}]', settings) // array<struct<col:bigint>>
 */
export function inferJsonTextType(text: string, s: JsonReadSettings): DataType {
  const parsed = parseJsonRecord(text, s, true)
  if (parsed === NO_JSON_VALUE || !parsed.ok) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `schema_of_json: '${text}' is not a JSON value${parsed === NO_JSON_VALUE ? '' : ` (${parsed.error})`}; pass one JSON document.`,
    )
  }
  const type = inferValue(parsed.value, s)
  return canonical(type, s) ?? (type.kind === 'struct' ? structOf([]) : t.string())
}

/** The type of one record, or (for a malformed one) what the parse mode makes of it. */
function recordType(
  text: string,
  badUtf8: boolean,
  s: JsonReadSettings,
  file: string,
  line: number,
): DataType | null {
  const parsed = badUtf8
    ? { ok: false as const, error: 'the line is not valid UTF-8' }
    : parseJsonRecord(text, s, true)
  if (parsed === NO_JSON_VALUE) return NULL
  if (parsed.ok) return inferValue(parsed.value, s)
  if (s.mode === 'FAILFAST') {
    throw new SluiceError(
      'MALFORMED_RECORD',
      `Malformed JSON record in file ${file} at line ${line} while inferring the schema: ${parsed.error}. Fix the data, or use mode PERMISSIVE or DROPMALFORMED.`,
    )
  }
  return s.mode === 'PERMISSIVE' ? structOf([field(s.corruptName, t.string())]) : null
}

function inferValue(v: unknown, s: JsonReadSettings): DataType {
  if (v === null || v === undefined) return NULL
  if (typeof v === 'string') return inferString(v, s)
  if (typeof v === 'boolean') return s.primitivesAsString ? t.string() : t.boolean()
  if (typeof v === 'number') return s.primitivesAsString ? t.string() : t.long()
  if (v instanceof JsonNumber) return s.primitivesAsString ? t.string() : inferNumber(v)
  if (Array.isArray(v)) {
    let element: DataType = NULL
    for (const el of v) element = compatible(element, inferValue(el, s))
    return t.array(element)
  }
  const fields: StructField[] = []
  for (const [k, x] of v as Map<string, unknown>) fields.push(field(k, inferValue(x, s)))
  // Java's String.compareTo order, which is JS's default (UTF-16 code units).
  fields.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return structOf(fields)
}

function inferString(v: string, s: JsonReadSettings): DataType {
  // An empty string may stand for null: it takes the type of the field's other values.
  if (v.length === 0) return NULL
  if (s.inferTimestamp && s.time.parseTimestamp(v) !== null) return t.timestamp()
  return t.string()
}

function inferNumber(n: JsonNumber): DataType {
  if (!n.isInt) return t.double()
  const big = BigInt(n.text)
  return big >= LONG_MIN && big <= LONG_MAX ? t.long() : t.double()
}

/** Spark's `compatibleType` for JSON. */
export function compatible(a: DataType, b: DataType): DataType {
  if (a.kind === 'null') return b
  if (b.kind === 'null') return a
  if (a.kind === b.kind) {
    if (a.kind === 'struct') return mergeStructs(a, b as StructType)
    if (a.kind === 'array') return t.array(compatible(a.element, (b as typeof a).element))
    return a
  }
  if ((a.kind === 'long' && b.kind === 'double') || (a.kind === 'double' && b.kind === 'long'))
    return t.double()
  return t.string()
}

function mergeStructs(a: StructType, b: StructType): StructType {
  const out: StructField[] = []
  let i = 0
  let j = 0
  while (i < a.fields.length && j < b.fields.length) {
    const fa = a.fields[i]
    const fb = b.fields[j]
    if (fa.name === fb.name) {
      out.push(field(fa.name, compatible(fa.type, fb.type)))
      i++
      j++
    } else if (fa.name < fb.name) {
      out.push(fa)
      i++
    } else {
      out.push(fb)
      j++
    }
  }
  while (i < a.fields.length) out.push(a.fields[i++])
  while (j < b.fields.length) out.push(b.fields[j++])
  return structOf(out)
}

/** Spark's `compatibleRootType`: root arrays are unwrapped; a non-object record adds the corrupt column. */
function mergeRoot(a: DataType, b: DataType, s: JsonReadSettings): DataType {
  if (a.kind === 'array') return mergeRoot(a.element, b, s)
  if (b.kind === 'array') return mergeRoot(a, b.element, s)
  if (a.kind === 'struct' && b.kind === 'null') return a
  if (a.kind === 'null' && b.kind === 'struct') return b
  if (a.kind === 'struct' && b.kind !== 'struct') return withCorruptField(a, s)
  if (b.kind === 'struct' && a.kind !== 'struct') return withCorruptField(b, s)
  return compatible(a, b)
}

function withCorruptField(st: StructType, s: JsonReadSettings): StructType {
  if (s.mode === 'FAILFAST') {
    throw new SluiceError(
      'MALFORMED_RECORD',
      'Malformed JSON record while inferring the schema: a record is not a JSON object. Fix the data, or use mode PERMISSIVE or DROPMALFORMED.',
    )
  }
  if (s.mode === 'DROPMALFORMED' || st.fields.some((f) => f.name === s.corruptName)) return st
  return mergeStructs(st, structOf([field(s.corruptName, t.string())]))
}

/** Spark's `canonicalizeType`: NULL becomes string (or goes, with dropFieldIfAllNull); empty structs go. */
function canonical(type: DataType, s: JsonReadSettings): DataType | null {
  switch (type.kind) {
    case 'array': {
      const el = canonical(type.element, s)
      return el === null ? null : t.array(el)
    }
    case 'struct': {
      const fields: StructField[] = []
      for (const f of type.fields) {
        const ft = f.name.length === 0 ? null : canonical(f.type, s)
        if (ft !== null) fields.push(field(f.name, ft))
      }
      return fields.length === 0 ? null : structOf(fields)
    }
    case 'null':
      return s.dropFieldIfAllNull ? null : t.string()
    default:
      return type
  }
}
