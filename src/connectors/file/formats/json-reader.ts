/**
 * Reads JSON lines (or, with `multiLine`, one JSON document per file) into rows as Spark's JSON
 * source does, reusing the value conversions of `from_json`: a line holding an object is a row; a
 * line holding an array of objects is one row per element (none for `[]`); a blank line is no row;
 * anything else (a scalar, `null`, invalid JSON, invalid UTF-8) is a malformed record. Only the
 * first JSON value of a line is read. A record whose fields partly fail to convert keeps the ones
 * that converted (Spark's partial results), with the raw line in the corrupt-record column.
 */
import {
  compileFastJsonDecoder,
  compileJsonValueConverter,
  JSON_CONVERSION_FAILED as FAILED,
  type JsonConversionState,
  JsonSyntaxError,
  type JsonValueConverter,
  jsonConversionErrorPath,
  MAX_NESTING_DEPTH,
  NO_JSON_VALUE,
  nestingTooDeep,
  newJsonConversionState,
  parseJsonExact,
  resetJsonConversionState,
} from '../../../functions/json/index.ts'
import type { StructType } from '../../../schema/data-type.ts'
import { decompressByName } from './compression.ts'
import { corruptColumnIndex, DecodeSink, type FormatReader } from './format.ts'
import { decodeBlocks } from './json-line-blocks.ts'
import type { JsonReadSettings } from './json-options.ts'
import { decodeText, decodeUtf8Lenient, isValidUtf8, splitByteLines, splitLines } from './text-bytes.ts'

/** A parsed record: the value, or a syntax error message, or NO_JSON_VALUE for a blank record. */
type Parsed = { ok: true; value: unknown; exact: boolean } | { ok: false; error: string }

/**
 * Parses one record: `JSON.parse` first (fast), then the exact tokenizer for what it rejects but
 * Spark accepts (single quotes, NaN, text after the value).
 */
export function parseJsonRecord(
  text: string,
  s: JsonReadSettings,
  exact: boolean,
): Parsed | typeof NO_JSON_VALUE {
  if (nestingTooDeep(text))
    return {
      ok: false,
      error: `it is not valid JSON: the nesting depth exceeds the maximum allowed (${MAX_NESTING_DEPTH})`,
    }
  if (!exact) {
    try {
      return { ok: true, value: JSON.parse(text), exact: false }
    } catch {
      // fall through to the exact reader
    }
  }
  try {
    const value = parseJsonExact(text, s.syntax)
    return value === NO_JSON_VALUE ? NO_JSON_VALUE : { ok: true, value, exact: true }
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e
    return { ok: false, error: `it is not valid JSON: ${e.message}` }
  }
}

/** True for a line Jackson reads no token from (JSON whitespace only). */
export function isJsonBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false
  }
  return true
}

/**
 * The lines of a file with, for UTF-8 input holding invalid bytes, which lines held them (Spark's
 * Jackson rejects such a line; its corrupt text shows U+FFFD).
 */
export function jsonLines(
  bytes: Uint8Array,
  s: JsonReadSettings,
): { lines: string[]; invalid: Set<number> | null } {
  const { text, valid } = decodeText(bytes, s.encoding, true)
  if (valid) return { lines: s.multiLine ? [text] : splitLines(text, s.lineSep), invalid: null }
  const from = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  const body = bytes.subarray(from)
  const ranges = s.multiLine
    ? [[0, body.length] as [number, number]]
    : splitByteLines(body, s.lineSep === null ? null : new TextEncoder().encode(s.lineSep))
  const lines: string[] = []
  const invalid = new Set<number>()
  for (const [a, b] of ranges) {
    const part = body.subarray(a, b)
    if (!isValidUtf8(part)) invalid.add(lines.length)
    lines.push(decodeUtf8Lenient(part))
  }
  return { lines, invalid }
}

/**
 * Compiles the reader of one schema.
 *
 * @example
 * compileJsonReader(t.struct({ a: t.int() }), jsonOptions({}, 'read', ctx)).decode(bytes, 'a.json')
 */
export function compileJsonReader(schema: StructType, s: JsonReadSettings): FormatReader {
  const corrupt = corruptColumnIndex(schema, s.corruptName)
  const root = compileRowConverter(schema, corrupt, s)
  const state = newJsonConversionState()
  const width = schema.fields.length
  const nullRow = (): unknown[] => new Array(width).fill(null)

  const record = (text: string, line: number, file: string, sink: DecodeSink, badUtf8: boolean): void => {
    if (isJsonBlank(text)) return
    const bad = (error: string, field?: string, partial?: unknown[][]) => {
      sink.badRows(
        { file, line, field, raw: text, error },
        partial !== undefined && partial.length > 0 ? partial : [nullRow()],
      )
    }
    if (badUtf8) {
      bad('the line is not valid UTF-8')
      return
    }
    let parsed = parseJsonRecord(text, s, false)
    if (parsed === NO_JSON_VALUE) return
    if (!parsed.ok) {
      bad(parsed.error)
      return
    }
    resetJsonConversionState(state, parsed.exact)
    let out = root(parsed.value, state)
    if (state.needsSource) {
      // A value JSON.parse reads ambiguously (2 vs 2.0, key order): read the text exactly.
      parsed = parseJsonRecord(text, s, true) as Parsed
      resetJsonConversionState(state, true)
      out = root((parsed as { value: unknown }).value, state)
    }
    if (out.failed) {
      bad(state.reason ?? 'malformed record', jsonConversionErrorPath(state) || undefined, out.rows)
      return
    }
    for (let i = 0; i < out.rows.length; i++) sink.rows.push(out.rows[i])
  }

  const fast = compileFastJsonDecoder(schema, {
    root: 'array',
    skipField: corrupt >= 0 ? schema.fields[corrupt].name : undefined,
    time: s.time,
    allowNonNumericNumbers: s.syntax.allowNonNumericNumbers,
  })

  return {
    decode(bytes, file) {
      let sink = new DecodeSink('JSON', s.mode, corrupt)
      const raw = decompressByName(bytes, file)
      if (fast !== null && !s.multiLine && s.lineSep === null && s.encoding.kind === 'utf-8') {
        const slow = (line: string, at: number) => record(line, at, file, sink, false)
        if (decodeBlocks(raw, fast, sink, slow)) return sink.result()
        // A \r or invalid UTF-8: the whole file goes the generic way, from the start.
        sink = new DecodeSink('JSON', s.mode, corrupt)
      }
      const { lines, invalid } = jsonLines(raw, s)
      for (let i = 0; i < lines.length; i++) record(lines[i], i + 1, file, sink, invalid?.has(i) ?? false)
      return sink.result()
    },
  }
}

interface RootResult {
  rows: unknown[][]
  /** Whether some value failed; `rows` then holds the partial rows (empty: one all-null row). */
  failed: boolean
}

/** The root converter: an object is one row, an array of objects one row per element. */
function compileRowConverter(schema: StructType, corrupt: number, s: JsonReadSettings) {
  const object = compileObjectConverter(schema, corrupt, s)
  const result: RootResult = { rows: [], failed: false }
  return (v: unknown, state: JsonConversionState): RootResult => {
    result.rows = []
    result.failed = false
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const el = v[i]
        if (el === null || typeof el !== 'object' || Array.isArray(el)) {
          // A null or non-object element fails the whole record, with no partial rows.
          if (state.reason === null)
            state.reason =
              el === null ? 'a root array holds null' : 'a root array holds a value that is not an object'
          result.rows = []
          result.failed = true
          return result
        }
        const row = object(el, state)
        if (row === FAILED) result.failed = true
        result.rows.push(row === FAILED ? (state.partial as unknown[]) : row)
      }
      return result
    }
    if (v === null || typeof v !== 'object') {
      state.reason = `the record is ${v === null ? 'JSON null' : 'a JSON scalar'}, not an object`
      result.failed = true
      return result
    }
    const row = object(v, state)
    result.failed = row === FAILED
    result.rows.push(row === FAILED ? (state.partial as unknown[]) : row)
    return result
  }
}

/** Converts a JSON object to a positional row (or FAILED with the partial row in `state.partial`). */
function compileObjectConverter(schema: StructType, corrupt: number, s: JsonReadSettings) {
  const fields = schema.fields.map((f, i) => ({ f, i })).filter(({ i }) => i !== corrupt)
  const names = fields.map(({ f }) => f.name)
  const target = fields.map(({ i }) => i)
  const convs: JsonValueConverter[] = fields.map(({ f }) =>
    compileJsonValueConverter(f.type, s.time, { allowNonNumericNumbers: s.syntax.allowNonNumericNumbers }),
  )
  // A name such as "toString" would otherwise be found on Object.prototype.
  const inherited = names.map((n) => n in Object.prototype)
  const width = schema.fields.length
  const n = names.length
  return (v: object, state: JsonConversionState): unknown[] | typeof FAILED => {
    const row = new Array<unknown>(width).fill(null)
    const map = v instanceof Map ? v : null
    const obj = v as Record<string, unknown>
    let failed = false
    for (let k = 0; k < n; k++) {
      const name = names[k]
      const raw =
        map !== null ? map.get(name) : inherited[k] && !Object.hasOwn(obj, name) ? undefined : obj[name]
      if (raw === undefined) continue
      const r = convs[k](raw, state)
      if (r !== FAILED) {
        row[target[k]] = r
        continue
      }
      if (state.recording) {
        state.path.push(name)
        state.recording = false
      }
      failed = true
      if (state.partial !== undefined) row[target[k]] = state.partial
    }
    if (!failed) return row
    state.partial = row
    return FAILED
  }
}
