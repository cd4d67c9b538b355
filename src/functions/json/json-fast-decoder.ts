/**
 * A JSON decoder generated per schema: reads a record's text straight into the engine's row (a
 * positional array for the JSON source, an object for `from_json`) without building the
 * `JSON.parse` object first. It covers the common case only: an object whose keys are the schema's
 * (in any order, unknown keys skipped), with values of the field's own JSON type or null. Anything
 * else (a duplicate key, `1.0` for an int, a number in a string field, trailing text, a malformed
 * record, a map) returns `BAIL`, and the caller reads the record on the generic path, so every
 * result is the one that path gives.
 */
import type { DataType, StructType } from '../../schema/data-type.ts'
import { JSON_CONVERSION_FAILED, newJsonConversionState } from './json-conversion-state.ts'
import { leafConverter } from './json-leaf-converters.ts'
import {
  BAIL,
  type Bail,
  cursor,
  literal,
  readDouble,
  readInteger,
  readString,
  skipValue,
  ws,
} from './json-scan.ts'
import type { JsonTimeCodec } from './json-time-codec.ts'

export { BAIL as FAST_JSON_BAIL, isCleanJsonLines, isCleanJsonText } from './json-scan.ts'

/**
 * Reads the record in `text` from `start` to `end` (exclusive); the row, or BAIL. Pass `clean` when
 * `isCleanJsonText` holds for the record (or `isCleanJsonLines` for a block of lines it ends in at a
 * `\n`): it makes strings cheaper to find.
 */
export type FastJsonDecoder = (text: string, start: number, end: number, clean?: boolean) => unknown

export interface FastJsonDecoderOptions {
  /** `array`: a positional row in schema order (the JSON source); `object`: a struct value (`from_json`). */
  readonly root: 'array' | 'object'
  /** A top-level field left null and never read (the corrupt-record column). */
  readonly skipField?: string
  readonly time: JsonTimeCodec
  readonly allowNonNumericNumbers?: boolean
}

/** A value reader: on the value's first character; returns the value or BAIL. */
type Reader = () => unknown

/** Most fields a struct may have here (one bit each for duplicate keys); wider ones go the generic way. */
const MAX_FIELDS = 30

/**
 * Compiles the decoder for `schema`, or null when the schema has a shape it does not cover (a
 * struct wider than 30 fields, a field named `__proto__`).
 *
 * @example
 * const dec = compileFastJsonDecoder(t.struct({ a: t.long() }), { root: 'object', time: isoUtcJsonTimeCodec })
 * dec?.('{"a": 1}', 0, 8) // { a: 1 }
 */
export function compileFastJsonDecoder(
  schema: StructType,
  o: FastJsonDecoderOptions,
): FastJsonDecoder | null {
  if (!covered(schema)) return null
  const root = structReader(schema, o, o.root === 'array', o.skipField)
  return (text, start, end, clean = false) => {
    cursor.t = text
    cursor.p = start
    cursor.e = end
    cursor.clean = clean
    if (ws() !== 123) return BAIL
    const row = root()
    // Only whitespace may follow (text after the value is read the generic, exact way).
    ws()
    return cursor.p < cursor.e ? BAIL : row
  }
}

function covered(dt: DataType): boolean {
  // A decimal needs a number's exact text: the generic, exact path reads it.
  if (dt.kind === 'decimal') return false
  if (dt.kind === 'struct')
    return (
      dt.fields.length <= MAX_FIELDS &&
      new Set(dt.fields.map((f) => f.name)).size === dt.fields.length &&
      dt.fields.every((f) => f.name !== '__proto__' && covered(f.type))
    )
  if (dt.kind === 'array') return covered(dt.element)
  return true
}

function valueReader(dt: DataType, o: FastJsonDecoderOptions): Reader {
  switch (dt.kind) {
    case 'struct': {
      const read = structReader(dt, o, false, undefined)
      return () => (cursor.t.charCodeAt(cursor.p) === 123 ? read() : readNull())
    }
    case 'array':
      return arrayReader(valueReader(dt.element, o))
    case 'map':
    case 'decimal':
      return readNull
    case 'null':
      return () => (skipValue(0) === BAIL ? BAIL : null)
    case 'long':
      return readLong
    case 'int':
      return readInt
    case 'double':
      return readDoubleOrNull
    case 'boolean':
      return readBoolean
    case 'string':
      return readStringOrNull
    case 'timestamp':
      return timestampReader(o.time)
    default:
      return stringLeafReader(dt.kind, o)
  }
}

function readNull(): null | Bail {
  return literal('null') ? null : BAIL
}

function readLong(): unknown {
  return cursor.t.charCodeAt(cursor.p) === 110 ? readNull() : readInteger()
}

function readInt(): unknown {
  if (cursor.t.charCodeAt(cursor.p) === 110) return readNull()
  const n = readInteger()
  return n !== BAIL && (n | 0) === n ? n : BAIL
}

function readDoubleOrNull(): unknown {
  return cursor.t.charCodeAt(cursor.p) === 110 ? readNull() : readDouble()
}

function readBoolean(): unknown {
  const c = cursor.t.charCodeAt(cursor.p)
  if (c === 116) return literal('true') ? true : BAIL
  if (c === 102) return literal('false') ? false : BAIL
  return readNull()
}

function readStringOrNull(): unknown {
  return cursor.t.charCodeAt(cursor.p) === 34 ? readString() : readNull()
}

function timestampReader(time: JsonTimeCodec): Reader {
  return () => {
    const c = cursor.t.charCodeAt(cursor.p)
    if (c === 34) {
      const s = readString()
      if (s === BAIL || s === '') return BAIL
      return time.parseTimestamp(s) ?? BAIL
    }
    if (c === 110) return readNull()
    // A JSON integer is whole seconds since the epoch.
    const n = readInteger()
    if (n === BAIL) return BAIL
    const ms = n * 1000
    return Number.isSafeInteger(ms) ? ms + 0 : BAIL
  }
}

/** date, binary, interval: a JSON string through the generic converter (its failure: BAIL). */
function stringLeafReader(
  kind: Exclude<DataType['kind'], 'struct' | 'array' | 'map' | 'decimal'>,
  o: FastJsonDecoderOptions,
) {
  const conv = leafConverter(kind, o.time, o.allowNonNumericNumbers ?? true)
  const state = newJsonConversionState()
  return (): unknown => {
    if (cursor.t.charCodeAt(cursor.p) !== 34) return readNull()
    const s = readString()
    if (s === BAIL) return BAIL
    const v = conv(s, state)
    return v === JSON_CONVERSION_FAILED ? BAIL : v
  }
}

function arrayReader(element: Reader): Reader {
  return () => {
    if (cursor.t.charCodeAt(cursor.p) !== 91) return readNull()
    cursor.p++
    const out: unknown[] = []
    let c = ws()
    if (c === 93) {
      cursor.p++
      return out
    }
    for (;;) {
      const v = element()
      if (v === BAIL) return BAIL
      out.push(v)
      c = ws()
      cursor.p++
      if (c === 93) return out
      if (c !== 44) return BAIL
      ws()
    }
  }
}

/**
 * The reader of one struct (cursor on its `{`): a generated loop that matches each key against the
 * next expected field first (keys usually come in schema order), reads the value into a local with
 * the field's own reader, and builds the row with a literal (one hidden class per schema).
 */
function structReader(
  st: StructType,
  o: FastJsonDecoderOptions,
  positional: boolean,
  skip: string | undefined,
) {
  const fields = st.fields.map((f, i) => ({ f, i })).filter(({ f }) => f.name !== skip)
  const keys = fields.map(({ f }) => JSON.stringify(f.name))
  const index = new Map(fields.map(({ f }, k) => [f.name, k]))
  const readers = fields.map(({ f }) => valueReader(f.type, o))
  const slot = new Map(fields.map(({ i }, k) => [i, k]))
  const items = st.fields.map((f, i) => {
    const k = slot.get(i)
    const v = k === undefined ? 'null' : `v${k}`
    return positional ? v : `${JSON.stringify(f.name)}: ${v}`
  })
  const row = positional ? `[${items.join(', ')}]` : `{${items.join(', ')}}`
  const n = fields.length
  const params = [
    'cursor',
    'ws',
    'readKey',
    'skipValue',
    'BAIL',
    ...keys.map((_, k) => `k${k}`),
    ...readers.map((_, k) => `r${k}`),
  ]
  const make = new Function(...params, structLoopSource(n, row))
  return make(
    cursor,
    ws,
    (): number | Bail => readKey(index),
    skipValue,
    BAIL,
    ...keys,
    ...readers,
  ) as () => unknown
}

/** The generated struct loop: locals v0.., a key test per expected field, a switch on the field. */
function structLoopSource(n: number, row: string): string {
  const locals = Array.from({ length: n }, (_, k) => `v${k} = null`).join(', ')
  const expect = Array.from(
    { length: n },
    (_, k) => `case ${k}: if (t.startsWith(k${k}, p)) { f = ${k}; cursor.p = p + k${k}.length } break`,
  ).join('\n')
  const cases = Array.from(
    { length: n },
    (_, k) => `case ${k}: x = r${k}(); if (x === BAIL) return BAIL; v${k} = x; break`,
  ).join('\n')
  return `
    return function readStruct() {
      cursor.p++
      ${n > 0 ? `let ${locals}` : ''}
      let seen = 0, next = 0, c = ws(), f = -1, x
      if (c === 125) { cursor.p++; return ${row} }
      for (;;) {
        if (c !== 34) return BAIL
        const t = cursor.t, p = cursor.p
        f = -1
        switch (next) {
          ${expect}
        }
        if (f < 0) { f = readKey(); if (f === BAIL) return BAIL }
        if (ws() !== 58) return BAIL
        cursor.p++
        ws()
        if (f < 0) { if (skipValue(0) === BAIL) return BAIL }
        else {
          if ((seen & (1 << f)) !== 0) return BAIL
          seen |= 1 << f
          switch (f) {
            ${cases}
          }
          next = f + 1
        }
        c = ws()
        cursor.p++
        if (c === 44) { c = ws(); continue }
        if (c === 125) return ${row}
        return BAIL
      }
    }`
}

/** A key not in the expected place: its field index, -1 when the schema has no such field. */
function readKey(index: ReadonlyMap<string, number>): number | Bail {
  const key = readString()
  if (key === BAIL) return BAIL
  return index.get(key) ?? -1
}
