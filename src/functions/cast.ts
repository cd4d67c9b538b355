/**
 * CAST with Spark 4 ANSI semantics: malformed or out-of-range input raises CAST_INVALID_INPUT
 * naming the value and the expression; a number out of a tinyint, smallint (or, from a float, int
 * and bigint) range raises CAST_OVERFLOW as in Spark; a decimal out of its precision raises
 * NUMERIC_VALUE_OUT_OF_RANGE (cast-decimal.ts); `try_cast` (mode 'try') gives NULL instead. Strings are
 * trimmed before parsing numbers, booleans, dates and timestamps, as in Spark.
 */

import { typeMismatch } from '../errors.ts'
import {
  type ArrayType,
  type DataType,
  type MapType,
  type StructType,
  sameType,
  simpleString,
} from '../schema/data-type.ts'
import {
  castStringToDate,
  castStringToTimestamp,
  dateToString,
  dateToTimestamp,
  timestampToString,
  toDate,
} from '../util/time/index.ts'
import type { BoundCall, BoundExpr } from './bound-expr.ts'
import { castDecimal, DECIMAL_OVERFLOW } from './cast-decimal.ts'
import { castToSmallNumeric, OVERFLOW } from './cast-small-numeric.ts'
import { registerCastBinder } from './coercion.ts'
import type { BindContext } from './function-def.ts'
import { javaDoubleToString, javaFloatToString } from './json/index.ts'
import { castOverflow, decimalOutOfRange, invalidCast } from './runtime-errors.ts'

type Conv = (v: any) => unknown
/** Marker a converter returns for invalid input; turned into an error or NULL by the mode. */
const BAD = Symbol('bad cast')

// ANSI Spark (UTF8StringUtils.toIntExact/toLongExact) takes only an optionally signed run of digits:
// CAST('2.5' AS INT) is CAST_INVALID_INPUT (the legacy, non-ANSI cast truncated it to 2).
const INT_RE = /^[+-]?\d+$/
const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/
const TRUE = new Set(['t', 'true', 'y', 'yes', '1'])
const FALSE = new Set(['f', 'false', 'n', 'no', '0'])
const utf8 = new TextEncoder()
// Buffer's UTF-8 decode: about 1.6x TextDecoder's on record-sized values (the Kafka value cast),
// the same U+FFFD for malformed bytes, and it keeps a leading BOM as Spark (Java) does.
const utf8Slice = Buffer.prototype.utf8Slice as (this: Uint8Array, start: number, end: number) => string
const decodeUtf8 = (v: Uint8Array): string => utf8Slice.call(v, 0, v.length)

function toIntegral(min: number, max: number): (n: number) => number | typeof BAD {
  return (n) => {
    if (!Number.isFinite(n)) return BAD
    const r = Math.trunc(n)
    return r < min || r > max ? BAD : r === 0 ? 0 : r
  }
}
const INT_RANGE = toIntegral(-2147483648, 2147483647)
const LONG_RANGE = toIntegral(-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)

function parseNumber(s: string, integral: boolean): number | typeof BAD {
  const v = s.trim()
  if (integral ? !INT_RE.test(v) : !NUM_RE.test(v)) {
    if (!integral) {
      const low = v.toLowerCase()
      if (low === 'nan') return Number.NaN
      if (low === 'infinity' || low === '+infinity' || low === 'inf' || low === '+inf')
        return Number.POSITIVE_INFINITY
      if (low === '-infinity' || low === '-inf') return Number.NEGATIVE_INFINITY
    }
    return BAD
  }
  const n = Number(v.replace(/[dDfF]$/, ''))
  return integral ? Math.trunc(n) : n
}

/** Renders any value the way Spark's CAST(... AS STRING) does. */
export function valueToString(type: DataType, zone: string): (v: any) => string {
  switch (type.kind) {
    case 'string':
      return (v) => v
    case 'double':
      return javaDoubleToString
    case 'float':
      return javaFloatToString
    case 'timestamp':
      return (v) => timestampToString(v, zone)
    case 'date':
      return dateToString
    case 'binary':
      return decodeUtf8
    case 'interval':
      return (v) => `INTERVAL '${v / 1000}' SECOND`
    case 'array': {
      const el = valueToString(type.element, zone)
      return (v: unknown[]) => `[${v.map((x) => (x === null ? 'null' : el(x))).join(', ')}]`
    }
    case 'map': {
      const k = valueToString(type.key, zone)
      const val = valueToString(type.value, zone)
      return (m: Map<unknown, unknown>) =>
        `{${[...m].map(([a, b]) => `${k(a)} -> ${b === null ? 'null' : val(b)}`).join(', ')}}`
    }
    case 'struct': {
      const fs = type.fields.map((f) => [f.name, valueToString(f.type, zone)] as const)
      return (o: Record<string, unknown>) =>
        `{${fs.map(([n, c]) => (o[n] === null ? 'null' : c(o[n]))).join(', ')}}`
    }
    default:
      return (v) => String(v)
  }
}

function converter(from: DataType, to: DataType, zone: string): Conv | undefined {
  if (from.kind === 'null') return () => null
  if (sameType(from, to)) return (v) => v
  if (to.kind === 'string') return valueToString(from, zone)
  const f = from.kind
  const dec = castDecimal(from, to, BAD)
  if (dec !== null) return dec
  const small = castToSmallNumeric(from, to, (s, integral) => parseNumber(s, integral), BAD)
  if (small !== null) return small
  switch (to.kind) {
    case 'boolean':
      if (f === 'string')
        return (s: string) =>
          TRUE.has(s.trim().toLowerCase()) ? true : FALSE.has(s.trim().toLowerCase()) ? false : BAD
      if (f === 'int' || f === 'long' || f === 'double') return (n: number) => n !== 0
      return undefined
    case 'int':
    case 'long': {
      const range = to.kind === 'int' ? INT_RANGE : LONG_RANGE
      if (f === 'string')
        return (s: string) => {
          const n = parseNumber(s, true)
          return n === BAD ? BAD : range(n)
        }
      // A number out of range (NaN and infinities too) is Spark's CAST_OVERFLOW; text is CAST_INVALID_INPUT.
      const overflowing = (n: number) => (range(n) === BAD ? OVERFLOW : range(n))
      if (f === 'int' || f === 'long' || f === 'double') return overflowing
      if (f === 'boolean') return (b: boolean) => (b ? 1 : 0)
      if (f === 'timestamp') return (ms: number) => overflowing(Math.floor(ms / 1000))
      return undefined
    }
    case 'double':
      if (f === 'string') return (s: string) => parseNumber(s, false)
      if (f === 'int' || f === 'long') return (n: number) => n
      if (f === 'boolean') return (b: boolean) => (b ? 1 : 0)
      if (f === 'timestamp') return (ms: number) => ms / 1000
      return undefined
    case 'timestamp':
      if (f === 'string') return (s: string) => castStringToTimestamp(s, zone) ?? BAD
      if (f === 'date') return (d: number) => dateToTimestamp(d, zone)
      if (f === 'int' || f === 'long' || f === 'double') {
        return (n: number) => (Number.isFinite(n) && Math.abs(n) < 9.2e15 ? Math.floor(n * 1000) : BAD)
      }
      return undefined
    case 'date':
      if (f === 'string') return (s: string) => castStringToDate(s) ?? BAD
      if (f === 'timestamp') return (ms: number) => toDate(ms, zone)
      return undefined
    case 'binary':
      if (f === 'string') return (s: string) => utf8.encode(s)
      return undefined
    case 'array':
      return from.kind === 'array'
        ? nested(from.element, (to as ArrayType).element, zone, 'array')
        : undefined
    case 'map':
      return from.kind === 'map' ? mapConverter(from, to, zone) : undefined
    case 'struct':
      return from.kind === 'struct' && from.fields.length === to.fields.length
        ? structConverter(from, to, zone)
        : undefined
    default:
      return undefined
  }
}

function nested(from: DataType, to: DataType, zone: string, _: 'array'): Conv | undefined {
  const el = converter(from, to, zone)
  if (el === undefined) return undefined
  return (arr: unknown[]) => {
    const out = new Array(arr.length)
    for (let i = 0; i < arr.length; i++) {
      const r = arr[i] === null ? null : el(arr[i])
      if (r === BAD || r === OVERFLOW || r === DECIMAL_OVERFLOW) return r
      out[i] = r
    }
    return out
  }
}

// Keys and values cast one by one, as Spark casts a map's key and value arrays (so an empty
// map<void,void> from map() becomes any map type).
function mapConverter(from: MapType, to: MapType, zone: string): Conv | undefined {
  const key = converter(from.key, to.key, zone)
  const value = converter(from.value, to.value, zone)
  if (key === undefined || value === undefined) return undefined
  return (m: Map<unknown, unknown>) => {
    const out = new Map<unknown, unknown>()
    for (const [k, v] of m) {
      const ck = key(k)
      const cv = v === null ? null : value(v)
      for (const r of [ck, cv]) if (r === BAD || r === OVERFLOW || r === DECIMAL_OVERFLOW) return r
      out.set(ck, cv)
    }
    return out
  }
}

function structConverter(from: StructType, to: StructType, zone: string): Conv | undefined {
  const convs = from.fields.map((f, i) => converter(f.type, to.fields[i].type, zone))
  if (convs.some((c) => c === undefined)) return undefined
  return (o: Record<string, unknown>) => {
    const out: Record<string, unknown> = {}
    for (let i = 0; i < convs.length; i++) {
      const v = o[from.fields[i].name]
      const r = v === null ? null : convs[i]!(v)
      if (r === BAD || r === OVERFLOW || r === DECIMAL_OVERFLOW) return r
      out[to.fields[i].name] = r
    }
    return out
  }
}

const WIDENS_EXACTLY: ReadonlySet<string> = new Set([
  'byte>short',
  'byte>int',
  'byte>long',
  'byte>float',
  'byte>double',
  'short>int',
  'short>long',
  'short>float',
  'short>double',
  'int>long',
  'int>double',
  'long>double',
  'float>double',
])

/** Binds CAST(e AS to); throws DATATYPE_MISMATCH when Spark has no such cast. */
export function bindCast(e: BoundExpr, to: DataType, mode: 'ansi' | 'try', ctx: BindContext): BoundCall {
  const conv = converter(e.type, to, ctx.timeZone)
  const sql = `${mode === 'try' ? 'TRY_CAST' : 'CAST'}(${e.kind === 'ref' ? e.name : '...'} AS ${simpleString(to).toUpperCase()})`
  if (conv === undefined) {
    throw typeMismatch(
      `Cannot cast ${simpleString(e.type)} to ${simpleString(to)}${e.kind === 'ref' ? ` (column \`${e.name}\`)` : ''}.`,
    )
  }
  // Casts that keep the JavaScript value (byte -> short -> int -> bigint -> double) compile to nothing.
  const identity = WIDENS_EXACTLY.has(`${e.type.kind}>${to.kind}`)
  if (identity) {
    return Object.freeze<BoundCall>({
      kind: 'call',
      name: 'cast',
      impl: { kind: 'template', code: ([x]) => x },
      args: [e],
      type: to,
      nullable: e.nullable,
      sql,
      strict: true,
      deterministic: true,
    })
  }
  const fromName = simpleString(e.type).toUpperCase()
  const toName = simpleString(to).toUpperCase()
  const fn =
    mode === 'try'
      ? (v: unknown) => {
          const r = conv(v)
          return r === BAD || r === OVERFLOW || r === DECIMAL_OVERFLOW ? null : r
        }
      : (v: unknown, site: string) => {
          const r = conv(v)
          if (r === BAD) throw invalidCast(v, fromName, toName, site)
          if (r === OVERFLOW) throw castOverflow(v, fromName, toName, site)
          if (r === DECIMAL_OVERFLOW) throw decimalOutOfRange(String(v), toName, site)
          return r
        }
  const canFail = mode === 'try' || e.type.kind === 'string' || to.kind !== 'string'
  // A NaN or infinite double cast to a decimal is NULL, as in Spark (ANSI mode too).
  const nanToNull = to.kind === 'decimal' && (e.type.kind === 'double' || e.type.kind === 'float')
  return Object.freeze<BoundCall>({
    kind: 'call',
    name: 'cast',
    impl: { kind: 'fn', fn, withSite: mode !== 'try' },
    args: [e],
    type: to,
    nullable: e.nullable || (mode === 'try' && canFail) || nanToNull,
    strict: mode === 'ansi' && !nanToNull,
    sql,
    deterministic: true,
  })
}

registerCastBinder(bindCast)
