/**
 * Spark's `from_json(col, schema, options)` at run time. The schema is a struct, an array or a map.
 *
 * - `null` input gives null, and so does text with no JSON value at all ('' or whitespace).
 * - Only the first JSON value is read; text after it is ignored, as Spark (Jackson) does.
 * - PERMISSIVE: a malformed record gives, for a struct schema, the fields that did convert and null
 *   for the rest (all null when the text is not JSON, is JSON null, or is not an object), plus the
 *   raw text in the corrupt-record column when the schema has one; for an array or map schema it
 *   gives the partial array or map of structs where there is one, else null.
 * - FAILFAST: a malformed record throws MALFORMED_RECORD naming the field path and the problem.
 */

import { invalidArgument, SluiceError, typeMismatch } from '../../errors.ts'
import { type DataType, type StructType, simpleString } from '../../schema/data-type.ts'
import {
  JSON_CONVERSION_FAILED as FAILED,
  failConversion,
  type JsonConversionState,
  jsonConversionErrorPath,
  newJsonConversionState,
  resetJsonConversionState,
} from './json-conversion-state.ts'
import { compileFastJsonDecoder, FAST_JSON_BAIL, isCleanJsonText } from './json-fast-decoder.ts'
import type { JsonTimeCodec } from './json-time-codec.ts'
import { type JsonSyntax, JsonSyntaxError } from './json-token.ts'
import { MAX_NESTING_DEPTH, nestingTooDeep } from './json-tokenizer.ts'
import { NO_JSON_VALUE, parseJsonExact } from './json-tree.ts'
import {
  compileJsonValueConverter,
  type JsonValueConverter,
  makeNullRowFactory,
} from './json-value-converter.ts'

export interface FromJsonOptions {
  readonly mode: 'PERMISSIVE' | 'FAILFAST'
  /** Spark's default is `_corrupt_record`; used only when the struct schema has a string field so named. */
  readonly columnNameOfCorruptRecord?: string
  readonly time: JsonTimeCodec
  /** Accept `007` (default false). */
  readonly allowNumericLeadingZeros?: boolean
  /** Accept NaN, Infinity, -INF, unquoted or quoted (default true). */
  readonly allowNonNumericNumbers?: boolean
  /** Accept 'single-quoted' strings and names (default true). */
  readonly allowSingleQuotes?: boolean
  /** Accept raw control characters such as a tab inside strings (default false). */
  readonly allowUnquotedControlChars?: boolean
}

/**
 * Throws Spark's error for a parse mode `from_json` does not support (DROPMALFORMED, or an
 * unknown name); returns the mode otherwise. Case-insensitive, like Spark's `ParseMode`.
 *
 * @example
 * validateFromJsonMode('failfast') // 'FAILFAST'
 * validateFromJsonMode('DROPMALFORMED') // throws INVALID_ARGUMENT
 */
export function validateFromJsonMode(mode: string): 'PERMISSIVE' | 'FAILFAST' {
  const upper = mode.toUpperCase()
  if (upper === 'PERMISSIVE' || upper === 'FAILFAST') return upper
  if (upper === 'DROPMALFORMED') {
    throw invalidArgument(
      "The function from_json doesn't support the DROPMALFORMED mode. Acceptable modes are PERMISSIVE and FAILFAST; to drop malformed records, filter where the from_json result is null.",
    )
  }
  throw invalidArgument(
    `Unknown parse mode '${mode}' for from_json. Acceptable modes are PERMISSIVE and FAILFAST.`,
  )
}

/**
 * Compiles `from_json` for one schema and option set; the result is called once per row.
 *
 * @example
 * const parse = compileFromJson(t.struct({ a: t.int(), b: t.int() }), { mode: 'PERMISSIVE', time: isoUtcJsonTimeCodec })
 * parse('{"a": 1, "b": "x"}') // { a: 1, b: null }
 * parse('{"a": 1') // { a: null, b: null }
 */
export function compileFromJson(type: DataType, options: FromJsonOptions): (text: string | null) => unknown {
  if (type.kind !== 'struct' && type.kind !== 'array' && type.kind !== 'map') {
    throw typeMismatch(`from_json needs a struct, array or map schema, not ${simpleString(type)}.`)
  }
  const failFast = validateFromJsonMode(options.mode) === 'FAILFAST'
  const syntax = syntaxOf(options)
  const corrupt =
    type.kind === 'struct' ? corruptField(type, options.columnNameOfCorruptRecord ?? '_corrupt_record') : null
  const root = rootConverter(type, options, corrupt)
  const nullRow = type.kind === 'struct' ? makeNullRowFactory(type.fields.map((f) => f.name)) : null
  const state = newJsonConversionState()
  // The common record (an object of the schema's fields) is read straight into the row.
  const fast =
    type.kind === 'struct'
      ? compileFastJsonDecoder(type, {
          root: 'object',
          skipField: corrupt ?? undefined,
          time: options.time,
          allowNonNumericNumbers: options.allowNonNumericNumbers,
        })
      : null

  return (text) => {
    if (text === null || text === undefined) return null
    if (fast !== null) {
      const row = fast(text, 0, text.length, isCleanJsonText(text))
      if (row !== FAST_JSON_BAIL) return row
    }
    const value = parseRecord(text, syntax, state)
    if (value === NO_JSON_VALUE) return null
    let out = value === FAILED ? FAILED : root(value, state)
    if (state.needsSource) {
      resetJsonConversionState(state, true)
      out = root(parseJsonExact(text, syntax), state)
    }
    return out !== FAILED ? out : malformed(text, state.partial)
  }

  function malformed(text: string, partial: unknown): unknown {
    if (failFast) throw malformedRecordError(text, state)
    if (nullRow === null) return partial === undefined ? null : partial
    const row = partial === undefined ? nullRow() : (partial as Record<string, unknown>)
    if (corrupt !== null) row[corrupt] = text
    return row
  }
}

/**
 * `JSON.parse` first (fast); text it rejects may still be valid for Spark (single quotes, NaN, text
 * after the value), so it is read again exactly. Resets `state`; on a syntax error records it there
 * and returns FAILED.
 */
function parseRecord(text: string, syntax: JsonSyntax, state: JsonConversionState): unknown {
  if (nestingTooDeep(text)) {
    resetJsonConversionState(state, true)
    state.reason = `it is not valid JSON: the nesting depth exceeds the maximum allowed (${MAX_NESTING_DEPTH})`
    return FAILED
  }
  try {
    const value = JSON.parse(text)
    resetJsonConversionState(state, false)
    return value
  } catch {
    resetJsonConversionState(state, true)
  }
  try {
    return parseJsonExact(text, syntax)
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e
    state.reason = `it is not valid JSON: ${e.message}`
    return FAILED
  }
}

function syntaxOf(o: FromJsonOptions): JsonSyntax {
  return Object.freeze({
    allowSingleQuotes: o.allowSingleQuotes ?? true,
    allowUnquotedControlChars: o.allowUnquotedControlChars ?? false,
    allowNonNumericNumbers: o.allowNonNumericNumbers ?? true,
    allowNumericLeadingZeros: o.allowNumericLeadingZeros ?? false,
  })
}

function corruptField(st: StructType, name: string): string | null {
  const f = st.fields.find((x) => x.name === name)
  if (f === undefined) return null
  if (f.type.kind !== 'string') {
    throw typeMismatch(
      `The column \`${name}\` for corrupt records must have the nullable STRING type, but got ${simpleString(f.type)}. Change its type to string, or name another column with the columnNameOfCorruptRecord option.`,
    )
  }
  return name
}

function rootConverter(type: DataType, options: FromJsonOptions, corrupt: string | null): JsonValueConverter {
  const conv = compileJsonValueConverter(type, options.time, {
    allowNonNumericNumbers: options.allowNonNumericNumbers,
    skipField: corrupt ?? undefined,
  })
  const target = simpleString(type)
  const wantObject = type.kind !== 'array'
  const single =
    type.kind === 'array' && type.element.kind === 'struct'
      ? compileJsonValueConverter(type.element, options.time, options)
      : null
  return (v, s) => {
    if (Array.isArray(v)) return wantObject ? failConversion(s, target, v) : conv(v, s)
    if (v !== null && typeof v === 'object') {
      if (wantObject) return conv(v, s)
      // Spark reads an object against array<struct> as an array of that one struct.
      if (single === null) return failConversion(s, target, v)
      const r = single(v, s)
      if (r !== FAILED) return [r]
      if (s.partial !== undefined) s.partial = [s.partial]
      return FAILED
    }
    // A scalar or JSON null at the root is malformed, never a null result.
    return failConversion(s, target, v)
  }
}

function malformedRecordError(text: string, state: JsonConversionState): SluiceError {
  const path = jsonConversionErrorPath(state)
  const where = path === '' ? 'the record' : `field \`${path}\``
  const record = text.length > 200 ? text.slice(0, 200) + '...' : text
  return new SluiceError(
    'MALFORMED_RECORD',
    `from_json found a malformed record in FAILFAST mode: ${where}: ${state.reason}. Record: ${record}. Fix the data, or use mode PERMISSIVE to get nulls (and the raw text in a corrupt-record column) instead.`,
  )
}
