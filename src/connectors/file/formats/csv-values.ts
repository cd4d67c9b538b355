/**
 * CSV field text to Sluice values and back, as Spark's `UnivocityParser` and `UnivocityGenerator`
 * convert them. Reading is Java's parsing, not CAST: `int`/`bigint` take an optional sign and
 * digits only (no spaces, no `1.0`), `double` is `Double.parseDouble` (surrounding whitespace,
 * `1d`, `0x1p3`, `Infinity`) after the `nanValue`/`positiveInf`/`negativeInf` spellings,
 * `boolean` is `true`/`false` in any case, `binary` the UTF-8 bytes. Writing uses Java's
 * `toString` (`1.0E10`, `NaN`, a decimal as Java's `BigDecimal.toString`), the date/time formats,
 * and `[68 69]` hex for binary. A decimal field is read as Java's `BigDecimal` text (commas dropped).
 */
import {
  formatDayTimeInterval,
  javaDoubleToString,
  javaFloatToString,
  parseDayTimeInterval,
} from '../../../functions/json/index.ts'
import { type DataType, type DecimalType, simpleString } from '../../../schema/data-type.ts'
import { fitDecimal, javaDecimalString, parseDecimalText } from '../../../schema/decimal-value.ts'
import type { CsvReadSettings } from './csv-options.ts'
import type { FormatTimeCodec } from './datetime-options.ts'

/** Returned by a token converter for text it cannot read; `csvFailureReason` says why. */
export const CSV_BAD: unique symbol = Symbol('CSV_BAD')
export type TokenConverter = (token: string) => unknown

const INTEGER_RE = /^[+-]?\d+$/
const BIG_DECIMAL_RE = /^[+-]?[\d,]*\.?\d*(?:[eE][+-]?\d+)?$/
const DECIMAL_RE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)[fFdD]?$/
const INT_MIN = -2147483648
const INT_MAX = 2147483647
const UTF8 = new TextEncoder()

/** The types the CSV format reads and writes (Spark's CSV source has no nested types). */
export function isCsvType(type: DataType): boolean {
  return type.kind !== 'array' && type.kind !== 'map' && type.kind !== 'struct'
}

/**
 * Compiles the converter from a (non-null) field text to a value of `type`, or CSV_BAD.
 *
 * @example
 * csvTokenConverter(t.int(), settings)('+7') // 7
 * csvTokenConverter(t.int(), settings)(' 7') // CSV_BAD: Integer.parseInt takes no spaces
 */
export function csvTokenConverter(type: DataType, s: CsvReadSettings): TokenConverter {
  switch (type.kind) {
    case 'string':
      return (t) => t
    case 'byte':
      return (t) => parseJavaInteger(t, -128, 127)
    case 'short':
      return (t) => parseJavaInteger(t, -32768, 32767)
    case 'int':
      return (t) => parseJavaInteger(t, INT_MIN, INT_MAX)
    case 'float': {
      const d = doubleConverter(s)
      return (t) => {
        const v = d(t)
        return typeof v === 'number' ? Math.fround(v) : v
      }
    }
    case 'long':
      return (t) => parseJavaInteger(t, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
    case 'double':
      return doubleConverter(s)
    case 'boolean':
      return parseJavaBoolean
    case 'timestamp':
      return (t) => s.time.parseTimestamp(t) ?? CSV_BAD
    case 'date':
      return (t) => s.time.parseDate(t) ?? CSV_BAD
    case 'binary':
      return (t) => UTF8.encode(t)
    case 'interval':
      return (t) => parseDayTimeInterval(t.trim()) ?? CSV_BAD
    case 'decimal':
      return decimalConverter(type)
    default:
      return () => null
  }
}

/**
 * Why `token` could not be read as `type`, for malformed-record reports.
 *
 * @example
 * csvFailureReason(t.int(), 'x') // 'cannot read "x" as int'
 */
export function csvFailureReason(type: DataType, token: string): string {
  const shown = JSON.stringify(token.length > 60 ? token.slice(0, 60) + '...' : token)
  const name = simpleString(type)
  const hint =
    type.kind === 'long' && INTEGER_RE.test(token)
      ? ' (Sluice holds a bigint exactly only within ±(2^53-1))'
      : type.kind === 'int' && INTEGER_RE.test(token)
        ? ' (an int is within 32 bits)'
        : ''
  return `cannot read ${shown} as ${name}${hint}`
}

// Spark's en-US decimal parser: `new BigDecimal(text.replaceAll(",", ""))`, then HALF_UP to the scale
// (more integral digits than the type holds is a malformed field). BigDecimal takes no spaces.
function decimalConverter(type: DecimalType): TokenConverter {
  return (t) => {
    const parts = BIG_DECIMAL_RE.test(t) ? parseDecimalText(t.replaceAll(',', '')) : undefined
    return (parts && fitDecimal(parts, type.precision, type.scale)) ?? CSV_BAD
  }
}

/** Java's `Integer.parseInt`/`Long.parseLong` for the range given. */
function parseJavaInteger(t: string, min: number, max: number): unknown {
  if (!INTEGER_RE.test(t)) return CSV_BAD
  const n = Number(t)
  return n >= min && n <= max ? n + 0 : CSV_BAD
}

function parseJavaBoolean(t: string): unknown {
  if (t.length === 4 && t.toLowerCase() === 'true') return true
  if (t.length === 5 && t.toLowerCase() === 'false') return false
  return CSV_BAD
}

function doubleConverter(s: CsvReadSettings): TokenConverter {
  const { nanValue, positiveInf, negativeInf } = s
  return (t) => {
    if (t === nanValue) return Number.NaN
    if (t === negativeInf) return Number.NEGATIVE_INFINITY
    if (t === positiveInf) return Number.POSITIVE_INFINITY
    return parseJavaDouble(t)
  }
}

/**
 * Java's `Double.parseDouble`: trims characters up to U+0020, takes `NaN`, `Infinity`, decimal
 * and hexadecimal forms with an optional `f`/`d` suffix.
 *
 * @example
 * parseJavaDouble(' 1e3d ') // 1000
 */
export function parseJavaDouble(raw: string): number | typeof CSV_BAD {
  const t = javaTrim(raw)
  if (DECIMAL_RE.test(t)) {
    const last = t.charCodeAt(t.length - 1) | 0x20
    const body = last === 0x66 || last === 0x64 ? t.slice(0, -1) : t
    return Number(body)
  }
  const m = HEX_RE.exec(t)
  if (m === null || (m[2] === '' && m[3] === '')) return CSV_BAD
  const mantissa = Number.parseInt(m[2] + m[3] || '0', 16) / 16 ** m[3].length
  const value = mantissa * 2 ** Number(m[4])
  return m[1] === '-' ? -value : value
}

function javaTrim(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && s.charCodeAt(start) <= 32) start++
  while (end > start && s.charCodeAt(end - 1) <= 32) end--
  return start === 0 && end === s.length ? s : s.slice(start, end)
}

/**
 * Compiles the writer of one non-null value of `type` as CSV field text.
 *
 * @example
 * csvValueWriter(t.double(), codec)(1e10) // '1.0E10'
 */
export function csvValueWriter(type: DataType, time: FormatTimeCodec): (v: any) => string {
  switch (type.kind) {
    case 'double':
      return javaDoubleToString
    case 'float':
      return javaFloatToString
    case 'timestamp':
      return time.formatTimestamp
    case 'date':
      return time.formatDate
    case 'binary':
      return hexString
    case 'interval':
      return formatDayTimeInterval
    case 'decimal':
      return javaDecimalString
    case 'boolean':
      return (v: boolean) => (v ? 'true' : 'false')
    case 'string':
      return (v: string) => v
    default:
      return (v: unknown) => String(v)
  }
}

const HEX = '0123456789ABCDEF'

/** Spark's `getHexString`: `[68 69 00]`. */
function hexString(bytes: Uint8Array): string {
  let out = '['
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) out += ' '
    out += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15]
  }
  return out + ']'
}
