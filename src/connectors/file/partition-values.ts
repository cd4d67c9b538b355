/**
 * The value of one Hive-style partition folder (`key=value`), as Spark's PartitioningUtils reads
 * it: the folder name is URL-escaped (`escapePathName`), `__HIVE_DEFAULT_PARTITION__` is NULL, and
 * with type inference (Spark's default) a value is the first of int, long, decimal (whole, no
 * fraction digits), double, timestamp (`yyyy-MM-dd HH:mm:ss[.S]`), date (`yyyy-MM-dd`) that parses,
 * else a string. The values of one column widen to a common type (`findWiderTypeForPartitionColumn`).
 *
 * Sluice has no decimal type, and its long is exact to 2^53: a column Spark types as decimal or
 * long is a long here when every value is a whole number within ±(2^53 - 1), and a string
 * otherwise (no value is ever silently rounded).
 */

import { type DataType, simpleString, t } from '../../schema/data-type.ts'
import { toDecimalValue } from '../../schema/decimal-value.ts'
import {
  castStringToDate,
  castStringToTimestamp,
  dateToTimestamp,
  isValidDate,
} from '../../util/time/index.ts'

export const DEFAULT_PARTITION_NAME = '__HIVE_DEFAULT_PARTITION__'

/** The types inference tells apart (Spark's, before they map onto Sluice's). */
export type InferredKind = 'null' | 'int' | 'long' | 'decimal' | 'double' | 'timestamp' | 'date' | 'string'

const JAVA_INT_RE = /^[+-]?\d+$/
const BIG_DECIMAL_RE = /^[+-]?(\d+)?(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/
const JAVA_DOUBLE_RE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/
const PARTITION_TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d)?$/
const PARTITION_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const HEX_ESCAPE_RE = /^[0-9a-fA-F]{2}$/
// Java's trim(): every char <= ' ' at either end.
const JAVA_TRIM_RE = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g
const INT_MIN = -2147483648n
const INT_MAX = 2147483647n
const LONG_MIN = -9223372036854775808n
const LONG_MAX = 9223372036854775807n
const utf8 = new TextEncoder()

// Spark's `ExternalCatalogUtils.charToEscape` (the Unix set).
const ESCAPED = new Set([...'"#%\'*/:=?\\\u007f{[]^'].map((c) => c.charCodeAt(0)))
for (let c = 1; c < 0x20; c++) ESCAPED.add(c)

/**
 * Spark's `unescapePathName`: `%XX` (two hex digits) is the character with that code.
 *
 * @example unescapePathName('a%3Db%20c') // 'a=b c'
 */
export function unescapePathName(path: string): string {
  if (!path.includes('%')) return path
  let out = ''
  for (let i = 0; i < path.length; i++) {
    const c = path[i]
    const hex = path.slice(i + 1, i + 3)
    // Spark's `i + 2 < length` check: an escape in the last three characters is not decoded.
    if (c === '%' && i + 2 < path.length && HEX_ESCAPE_RE.test(hex)) {
      out += String.fromCharCode(Number.parseInt(hex, 16))
      i += 2
    } else out += c
  }
  return out
}

/**
 * Spark's `escapePathName`, for writing partition folders: control characters and
 * `"#%'*\/:=?\{[]^` and DEL become `%XX`.
 *
 * @example escapePathName('a=b/c') // 'a%3Db%2Fc'
 */
export function escapePathName(value: string): string {
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    out += code < 128 && ESCAPED.has(code) ? '%' + code.toString(16).toUpperCase().padStart(2, '0') : value[i]
  }
  return out
}

function javaIntegral(raw: string, min: bigint, max: bigint): bigint | undefined {
  if (!JAVA_INT_RE.test(raw)) return undefined
  const n = BigInt(raw)
  return n >= min && n <= max ? n : undefined
}

/** A BigDecimal with no fraction digits left (scale <= 0) and at most 38 digits, as a BigInt. */
function wholeDecimal(raw: string): bigint | undefined {
  const m = BIG_DECIMAL_RE.exec(raw)
  if (m === null || (m[1] === undefined && (m[2] === undefined || m[2] === ''))) return undefined
  const frac = m[2] ?? ''
  const exponent = Number(m[3] ?? '0')
  const scale = frac.length - exponent
  if (scale > 0) return undefined
  const unscaled = BigInt((m[1] ?? '') + frac || '0')
  const value = unscaled * 10n ** BigInt(-scale)
  if ((value < 0n ? -value : value).toString().length > 38) return undefined
  return raw.startsWith('-') ? -value : value
}

/** Java's `Double.parseDouble` (decimal forms; surrounding whitespace and an `f`/`d` suffix allowed). */
function javaDouble(raw: string): number | undefined {
  const s = raw.replace(JAVA_TRIM_RE, '')
  if (!JAVA_DOUBLE_RE.test(s)) return undefined
  if (s.endsWith('NaN')) return Number.NaN
  return Number(s.replace(/[fFdD]$/, ''))
}

function isPartitionTimestamp(text: string): boolean {
  const m = PARTITION_TIMESTAMP_RE.exec(text)
  return (
    m !== null &&
    isValidDate(Number(m[1]), Number(m[2]), Number(m[3])) &&
    Number(m[4]) < 24 &&
    Number(m[5]) < 60 &&
    Number(m[6]) < 60
  )
}

function isPartitionDate(text: string): boolean {
  const m = PARTITION_DATE_RE.exec(text)
  return m !== null && isValidDate(Number(m[1]), Number(m[2]), Number(m[3]))
}

/**
 * The type Spark infers for one raw (still escaped) partition value.
 *
 * @example
 * inferPartitionKind('2147483648') // 'long'
 * inferPartitionKind('1e3') // 'decimal'
 * inferPartitionKind('2024-01-15 10%3A00%3A00') // 'timestamp'
 * inferPartitionKind('__HIVE_DEFAULT_PARTITION__') // 'null'
 */
export function inferPartitionKind(raw: string): InferredKind {
  if (javaIntegral(raw, INT_MIN, INT_MAX) !== undefined) return 'int'
  if (javaIntegral(raw, LONG_MIN, LONG_MAX) !== undefined) return 'long'
  if (wholeDecimal(raw) !== undefined) return 'decimal'
  if (javaDouble(raw) !== undefined) return 'double'
  if (isPartitionTimestamp(unescapePathName(raw))) return 'timestamp'
  if (isPartitionDate(raw)) return 'date'
  return raw === DEFAULT_PARTITION_NAME ? 'null' : 'string'
}

const NUMERIC_RANK: Partial<Record<InferredKind, number>> = { int: 0, long: 1, decimal: 2, double: 3 }

/**
 * Spark's `findWiderTypeForPartitionColumn` over inferred kinds: NULL gives way, numbers widen
 * (but double with long or decimal is a string), date widens to timestamp, anything else is a string.
 *
 * @example widerKind('int', 'double') // 'double'
 * @example widerKind('long', 'double') // 'string'
 */
export function widerKind(a: InferredKind, b: InferredKind): InferredKind {
  if (a === b) return a
  if (a === 'null') return b
  if (b === 'null') return a
  const ra = NUMERIC_RANK[a]
  const rb = NUMERIC_RANK[b]
  if (ra !== undefined && rb !== undefined) {
    const hi = ra > rb ? a : b
    const lo = ra > rb ? b : a
    return hi === 'double' && lo !== 'int' ? 'string' : hi
  }
  if ((a === 'date' && b === 'timestamp') || (a === 'timestamp' && b === 'date')) return 'timestamp'
  return 'string'
}

function isSafeWhole(raw: string): boolean {
  if (raw === DEFAULT_PARTITION_NAME) return true
  const v = wholeDecimal(raw)
  return v !== undefined && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER)
}

/**
 * The Sluice type of a column of inferred `kind` holding `raws` (long and decimal map to long
 * when every value fits, to string otherwise).
 *
 * @example sluiceTypeOf('decimal', ['1e3', '7']) // { kind: 'long' }
 */
export function sluiceTypeOf(kind: InferredKind, raws: readonly string[]): DataType {
  switch (kind) {
    case 'long':
    case 'decimal':
      return raws.every(isSafeWhole) ? t.long() : t.string()
    case 'int':
      return t.int()
    case 'double':
      return t.double()
    case 'timestamp':
      return t.timestamp()
    case 'date':
      return t.date()
    case 'null':
      return t.null()
    default:
      return t.string()
  }
}

/** Marks a raw value that does not convert to the type asked for. */
export const INVALID = Symbol('invalid partition value')

/**
 * A raw partition value as `type` (Spark's `castPartValueToDesiredType`), or INVALID. Whole
 * numbers in decimal notation (`1e3`) are read for long columns, as they come from decimals.
 *
 * @example
 * castPartitionValue('2024-01-15', t.date(), 'UTC') // 19737
 * castPartitionValue('hello%20world', t.string(), 'UTC') // 'hello world'
 * castPartitionValue('abc', t.int(), 'UTC') // INVALID
 */
export function castPartitionValue(raw: string, type: DataType, zone: string): unknown {
  if (raw === DEFAULT_PARTITION_NAME) return null
  switch (type.kind) {
    case 'null':
      return null
    case 'string':
      return unescapePathName(raw)
    case 'int': {
      const v = javaIntegral(raw, INT_MIN, INT_MAX)
      return v === undefined ? INVALID : Number(v)
    }
    case 'byte':
    case 'short': {
      const bound = type.kind === 'byte' ? 128n : 32768n
      const v = javaIntegral(raw, -bound, bound - 1n)
      return v === undefined ? INVALID : Number(v)
    }
    case 'float': {
      const v = javaDouble(raw)
      return v === undefined ? INVALID : Math.fround(v)
    }
    case 'long': {
      const v = javaIntegral(raw, LONG_MIN, LONG_MAX) ?? wholeDecimal(raw)
      const n = v === undefined ? Number.NaN : Number(v)
      return Number.isSafeInteger(n) ? n : INVALID
    }
    case 'double':
      return javaDouble(raw) ?? INVALID
    case 'boolean': {
      const lower = raw.toLowerCase()
      return lower === 'true' ? true : lower === 'false' ? false : INVALID
    }
    case 'date':
      return castStringToDate(raw) ?? INVALID
    case 'timestamp': {
      const ts = castStringToTimestamp(unescapePathName(raw), zone)
      if (ts !== null) return ts
      const days = castStringToDate(raw)
      return days === null ? INVALID : dateToTimestamp(days, zone)
    }
    case 'binary':
      return utf8.encode(raw)
    case 'decimal':
      // As CAST(text AS DECIMAL(p, s)): HALF_UP to the scale, too many digits invalid.
      return toDecimalValue(unescapePathName(raw), type.precision, type.scale) ?? INVALID
    default:
      return INVALID
  }
}

/**
 * Whether a partition column may have this type (atomic types other than interval).
 *
 * @example isPartitionType(t.array(t.int())) // false
 */
export function isPartitionType(type: DataType): boolean {
  return !['array', 'map', 'struct', 'interval'].includes(type.kind)
}

/** `"INT"`, as Spark names a type in INVALID_PARTITION_VALUE. @example sqlTypeName(t.long()) // '"BIGINT"' */
export function sqlTypeName(type: DataType): string {
  return `"${simpleString(type).toUpperCase()}"`
}
