/**
 * Converters from a parsed JSON value to one Sluice atomic value, following Spark's
 * `JacksonParser.makeConverter`. Each takes the value from `JSON.parse` (or `parseJsonExact`) and
 * returns the Sluice value, null, or `JSON_CONVERSION_FAILED` after recording why.
 *
 * One loss is accepted for speed: `JSON.parse` reads `1.0` and `1e2` as the integers they equal, so
 * int, bigint and timestamp fields accept them where Spark, which sees a float token, rejects them.
 */
import type { AtomicKind } from '../../schema/data-type.ts'
import { decodeJsonBase64 } from './base64.ts'
import { parseDayTimeInterval } from './interval-text.ts'
import { renderJsonValue } from './jackson-text.ts'
import { failConversion, type JsonConversionState } from './json-conversion-state.ts'
import type { JsonTimeCodec } from './json-time-codec.ts'
import { JsonNumber } from './json-tree.ts'

export type JsonValueConverter = (value: unknown, state: JsonConversionState) => unknown

const EMPTY = 'Spark reads an empty string as malformed for every type but string and binary'

/**
 * The converter for an atomic kind; dispatch happens here, once, at compile time.
 *
 * @example
 * leafConverter('int', isoUtcJsonTimeCodec, true)(5, newJsonConversionState()) // 5
 */
export function leafConverter(
  kind: AtomicKind,
  time: JsonTimeCodec,
  allowNonNumericNumbers: boolean,
): JsonValueConverter {
  switch (kind) {
    case 'string':
      return convertString
    case 'byte':
      return convertByte
    case 'short':
      return convertShort
    case 'int':
      return convertInt
    case 'long':
      return convertLong
    case 'float':
      return allowNonNumericNumbers ? convertFloatLenient : convertFloatStrict
    case 'double':
      return allowNonNumericNumbers ? convertDoubleLenient : convertDoubleStrict
    case 'boolean':
      return convertBoolean
    case 'timestamp':
      return timestampConverter(time)
    case 'date':
      return dateConverter(time)
    case 'binary':
      return convertBinary
    case 'interval':
      return convertInterval
    case 'null':
      return () => null
  }
}

function convertString(v: unknown, s: JsonConversionState): unknown {
  if (typeof v === 'string') return v
  if (v === null || v === undefined) return null
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  // Spark keeps a non-string value's JSON text, written the way Jackson copies it.
  const text = renderJsonValue(v, s.exact)
  if (text === undefined) s.needsSource = true
  return text ?? null
}

function convertInt(v: unknown, s: JsonConversionState): unknown {
  if (typeof v === 'number') {
    return (v | 0) === v ? v | 0 : failConversion(s, 'int', v, 'an int is a whole number within 32 bits')
  }
  if (v === null || v === undefined) return null
  return failConversion(s, 'int', v, v === '' ? EMPTY : undefined)
}

// Jackson's getByteValue takes -128..255 and wraps 128..255 to negative bytes, as Spark reads them.
function convertByte(v: unknown, s: JsonConversionState): unknown {
  if (typeof v === 'number') {
    return Number.isInteger(v) && v >= -128 && v <= 255
      ? (v << 24) >> 24
      : failConversion(s, 'tinyint', v, 'a tinyint is a whole number from -128 to 127')
  }
  if (v === null || v === undefined) return null
  return failConversion(s, 'tinyint', v, v === '' ? EMPTY : undefined)
}

function convertShort(v: unknown, s: JsonConversionState): unknown {
  if (typeof v === 'number') {
    return Number.isInteger(v) && v >= -32768 && v <= 32767
      ? v + 0
      : failConversion(s, 'smallint', v, 'a smallint is a whole number from -32768 to 32767')
  }
  if (v === null || v === undefined) return null
  return failConversion(s, 'smallint', v, v === '' ? EMPTY : undefined)
}

function convertFloatLenient(v: unknown, s: JsonConversionState): unknown {
  const d = convertDoubleLenient(v, s)
  return typeof d === 'number' ? Math.fround(d) : d
}

function convertFloatStrict(v: unknown, s: JsonConversionState): unknown {
  const d = convertDoubleStrict(v, s)
  return typeof d === 'number' ? Math.fround(d) : d
}

function convertLong(v: unknown, s: JsonConversionState): unknown {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return v + 0
    return failConversion(
      s,
      'bigint',
      v,
      Number.isInteger(v) ? 'Sluice holds a bigint exactly only within ±(2^53-1)' : undefined,
    )
  }
  if (v === null || v === undefined) return null
  if (v instanceof JsonNumber && v.isInt) {
    return failConversion(s, 'bigint', v, 'Sluice holds a bigint exactly only within ±(2^53-1)')
  }
  return failConversion(s, 'bigint', v, v === '' ? EMPTY : undefined)
}

function convertDoubleLenient(v: unknown, s: JsonConversionState): unknown {
  if (typeof v === 'number') return v
  if (v === null || v === undefined) return null
  if (v instanceof JsonNumber) return v.value
  if (typeof v === 'string') {
    // Spark's allowNonNumericNumbers (default true) also reads these quoted spellings.
    switch (v) {
      case 'NaN':
        return Number.NaN
      case 'Infinity':
      case '+Infinity':
      case '+INF':
        return Number.POSITIVE_INFINITY
      case '-Infinity':
      case '-INF':
        return Number.NEGATIVE_INFINITY
    }
  }
  return failConversion(s, 'double', v, v === '' ? EMPTY : undefined)
}

function convertDoubleStrict(v: unknown, s: JsonConversionState): unknown {
  if (typeof v === 'number') return v
  if (v === null || v === undefined) return null
  // With non-numeric numbers disallowed the tokenizer never yields NaN tokens, only numeric ones.
  if (v instanceof JsonNumber) return v.value
  return failConversion(s, 'double', v, v === '' ? EMPTY : undefined)
}

function convertBoolean(v: unknown, s: JsonConversionState): unknown {
  if (typeof v === 'boolean') return v
  if (v === null || v === undefined) return null
  return failConversion(s, 'boolean', v, v === '' ? EMPTY : undefined)
}

function timestampConverter(time: JsonTimeCodec): JsonValueConverter {
  return (v, s) => {
    if (typeof v === 'string') {
      const ms = v === '' ? null : time.parseTimestamp(v)
      return ms !== null ? ms : failConversion(s, 'timestamp', v, v === '' ? EMPTY : undefined)
    }
    if (typeof v === 'number') {
      // Spark reads a JSON integer as seconds since the epoch.
      const ms = v * 1000
      if (Number.isSafeInteger(v) && Number.isSafeInteger(ms)) return ms + 0
      return failConversion(s, 'timestamp', v, 'a number is read as whole seconds since 1970-01-01')
    }
    if (v === null || v === undefined) return null
    return failConversion(s, 'timestamp', v)
  }
}

function dateConverter(time: JsonTimeCodec): JsonValueConverter {
  return (v, s) => {
    if (typeof v === 'string') {
      const days = v === '' ? null : time.parseDate(v)
      return days !== null ? days : failConversion(s, 'date', v, v === '' ? EMPTY : undefined)
    }
    if (v === null || v === undefined) return null
    return failConversion(s, 'date', v, 'a date must be a JSON string')
  }
}

function convertBinary(v: unknown, s: JsonConversionState): unknown {
  if (typeof v === 'string') {
    return decodeJsonBase64(v) ?? failConversion(s, 'binary', v, 'binary values are padded base64 strings')
  }
  if (v === null || v === undefined) return null
  return failConversion(s, 'binary', v, 'binary values are padded base64 strings')
}

function convertInterval(v: unknown, s: JsonConversionState): unknown {
  if (typeof v === 'string') {
    return parseDayTimeInterval(v) ?? failConversion(s, 'interval day to second', v)
  }
  if (v === null || v === undefined) return null
  return failConversion(s, 'interval day to second', v, "write it as a string such as '0 00:10:00'")
}
