/**
 * Sluice values to what hyparquet-writer takes, and what hyparquet returns to Sluice values, one
 * converter per column compiled from the types. hyparquet hands out INT64 as bigint, maps as
 * objects keyed by the key's text, unannotated BYTE_ARRAY as bytes; timestamps and dates arrive
 * already turned into epoch milliseconds and days by `PARQUET_PARSERS`.
 */
import type { SchemaTree } from 'hyparquet'
import { SluiceError } from '../../../errors.ts'
import {
  type DataType,
  type DecimalType,
  isSmallIntegral,
  sameType,
  simpleString,
} from '../../../schema/data-type.ts'
import { fitDecimal, formatDecimal, unscaledOf } from '../../../schema/decimal-value.ts'
import { describeElement, sluiceTypeOf } from './parquet-schema.ts'
import { decodeUtf8Lenient } from './text-bytes.ts'

type Conv = (v: any) => unknown

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q
}

/**
 * `floor(v / unit)` of a bigint as a number. NOTE: below 2^53 the float division is off by less
 * than half an ulp (< 1/unit for these units), so flooring it is exact; beyond, BigInt does it.
 */
function floorDivNumber(v: bigint, unit: number, big: bigint): number {
  const n = Number(v)
  return Number.isSafeInteger(n) ? Math.floor(n / unit) : Number(floorDiv(v, big))
}

// hyparquet's own decoder is a default TextDecoder, which drops a leading U+FEFF; Spark keeps it
// (UTF8String holds the bytes as written). Same WHATWG decoder otherwise, so the same speed.
const KEEP_BOM_UTF8 = new TextDecoder('utf-8', { ignoreBOM: true })

/**
 * hyparquet parsers giving Sluice's representations: epoch ms for timestamps, days for dates, and
 * UTF8-annotated strings with a leading byte order mark kept as Spark keeps it.
 */
export const PARQUET_PARSERS = Object.freeze({
  timestampFromMilliseconds: (v: bigint) => Number(v),
  timestampFromMicroseconds: (v: bigint) => floorDivNumber(v, 1000, 1000n),
  timestampFromNanoseconds: (v: bigint) => floorDivNumber(v, 1_000_000, 1_000_000n),
  dateFromDays: (days: number) => days,
  stringFromBytes: (bytes: Uint8Array | undefined) => bytes && KEEP_BOM_UTF8.decode(bytes),
})

/**
 * The writer-side converter of a column of `type` (null when values pass as they are).
 *
 * @example
 * parquetWriteConverter(t.long())!(5) // 5n
 */
export function parquetWriteConverter(type: DataType): Conv | null {
  switch (type.kind) {
    case 'long':
      return (v: number) => BigInt(v)
    case 'decimal':
      // The unscaled value; hyparquet-writer lays it out as INT32, INT64 or fixed bytes.
      return (v: string) => unscaledOf(v)
    case 'timestamp':
    case 'interval':
      // Milliseconds to microseconds, exactly (a double would round beyond 2^53 microseconds).
      return (v: number) => BigInt(v) * 1000n
    case 'array': {
      const el = parquetWriteConverter(type.element)
      return el === null ? null : (a: unknown[]) => a.map((x) => (x === null ? null : el(x)))
    }
    case 'map': {
      const k = parquetWriteConverter(type.key) ?? ((x: unknown) => x)
      const v = parquetWriteConverter(type.value) ?? ((x: unknown) => x)
      return (m: Map<unknown, unknown>) =>
        Array.from(m, ([key, value]) => ({ key: k(key), value: value === null ? null : v(value) }))
    }
    case 'struct': {
      const convs = type.fields.map((f) => parquetWriteConverter(f.type))
      if (convs.every((c) => c === null)) return null
      const names = type.fields.map((f) => f.name)
      return (o: Record<string, unknown>) => {
        const out: Record<string, unknown> = {}
        for (let i = 0; i < names.length; i++) {
          const x = o[names[i]]
          const c = convs[i]
          out[names[i]] = x === null || x === undefined ? null : c === null ? x : c(x)
        }
        return out
      }
    }
    default:
      return null
  }
}

/**
 * The reader-side converter from hyparquet's value of `node` to a Sluice value of `type`; throws
 * DATATYPE_MISMATCH, naming file and column, when the file's type cannot be read as `type`.
 * Widenings Spark 4 allows are accepted: tinyint to smallint, int or bigint, smallint to int or
 * bigint, an integral type up to int to double, float to double.
 *
 * @example
 * parquetReadConverter(t.long(), node, 'f.parquet', 'a')(5n) // 5
 */
export function parquetReadConverter(type: DataType, node: SchemaTree, file: string, column: string): Conv {
  const fileType = sluiceTypeOf(node)
  const physical = node.element.type
  const mismatch = (): SluiceError =>
    new SluiceError(
      'DATATYPE_MISMATCH',
      `Column \`${column}\` of Parquet file ${file} holds ${fileType === null ? describeElement(node.element) : simpleString(fileType)} (${describeElement(node.element)}), which cannot be read as ${simpleString(type)}. Read it with its own type and cast it, or fix the schema.`,
    )
  if (fileType === null) throw mismatch()
  switch (type.kind) {
    case 'array':
    case 'map':
    case 'struct':
      return nestedConverter(type, node, file, column, mismatch)
    case 'long':
      if (fileType.kind !== 'long' && !isSmallIntegral(fileType)) throw mismatch()
      return (v: bigint | number) => toSafeLong(v, file, column)
    case 'int':
    case 'short':
      if (!WIDENS_TO[type.kind].has(fileType.kind)) throw mismatch()
      return (v: number) => v
    case 'double':
      if (fileType.kind !== 'double' && fileType.kind !== 'float' && !isSmallIntegral(fileType))
        throw mismatch()
      return (v: number) => v
    case 'interval':
      if (physical !== 'INT64' || fileType.kind !== 'long') throw mismatch()
      return (v: bigint) => floorDivNumber(v, 1000, 1000n)
    case 'string':
      if (fileType.kind !== 'string' && fileType.kind !== 'binary') throw mismatch()
      return (v: string | Uint8Array) => (typeof v === 'string' ? v : decodeUtf8Lenient(v))
    case 'decimal':
      if (fileType.kind !== 'decimal') throw mismatch()
      return decimalReader(fileType.scale, type, file, column)
    default:
      if (!sameType(fileType, type)) throw mismatch()
      return (v: unknown) => v
  }
}

const WIDENS_TO: Readonly<Record<'int' | 'short', ReadonlySet<string>>> = {
  int: new Set(['byte', 'short', 'int']),
  short: new Set(['byte', 'short']),
}

/** A raw unscaled value (INT32, INT64 or big-endian bytes, see parquet-reader.ts) as decimal text. */
function decimalReader(scale: number, to: DecimalType, file: string, column: string): Conv {
  return (v: number | bigint | Uint8Array) => {
    const unscaled = typeof v === 'object' ? bigEndianSigned(v) : BigInt(v)
    const text = fitDecimal({ unscaled, scale }, to.precision, to.scale)
    if (text === undefined) {
      throw new SluiceError(
        'NUMERIC_VALUE_OUT_OF_RANGE',
        `Column \`${column}\` of Parquet file ${file} holds ${formatDecimal(unscaled, scale)}, which does not fit ${simpleString(to)}. Read it with a wider decimal type.`,
      )
    }
    return text
  }
}

function bigEndianSigned(bytes: Uint8Array): bigint {
  let x = 0n
  for (const b of bytes) x = (x << 8n) | BigInt(b)
  return bytes.length === 0 ? 0n : BigInt.asIntN(bytes.length * 8, x)
}

function toSafeLong(v: bigint | number, file: string, column: string): number {
  if (typeof v === 'number') return v
  const n = Number(v)
  // Number() of a bigint beyond ±(2^53-1) is never a safe integer (2^53 itself is not).
  if (!Number.isSafeInteger(n)) {
    throw new SluiceError(
      'ARITHMETIC_OVERFLOW',
      `Column \`${column}\` of Parquet file ${file} holds ${v}, beyond the ±(2^53-1) Sluice holds exactly in a bigint. Read the column as double or string to keep it.`,
    )
  }
  return n
}

function nestedConverter(
  type: DataType,
  node: SchemaTree,
  file: string,
  column: string,
  mismatch: () => SluiceError,
): Conv {
  if (type.kind === 'array') {
    if (node.element.converted_type !== 'LIST') throw mismatch()
    const repeated = node.children[0]
    const elementNode =
      repeated.children.length === 1 && repeated.element.name !== 'array' ? repeated.children[0] : repeated
    const el = parquetReadConverter(type.element, elementNode, file, `${column}.element`)
    return (a: unknown[]) => a.map((x) => (x === null || x === undefined ? null : el(x)))
  }
  if (type.kind === 'map') {
    const kv = node.children[0]
    if (
      (node.element.converted_type !== 'MAP' && node.element.converted_type !== 'MAP_KEY_VALUE') ||
      kv?.children.length !== 2
    )
      throw mismatch()
    const key = parquetReadConverter(type.key, kv.children[0], file, `${column}.key`)
    const value = parquetReadConverter(type.value, kv.children[1], file, `${column}.value`)
    // hyparquet keys maps by the key's text; read it back as the key type.
    const keyText = mapKeyFromText(type.key, file, column)
    return (o: Record<string, unknown>) => {
      const m = new Map<unknown, unknown>()
      for (const k of Object.keys(o))
        m.set(key(keyText(k)), o[k] === null || o[k] === undefined ? null : value(o[k]))
      return m
    }
  }
  if (type.kind !== 'struct' || node.children.length === 0) throw mismatch()
  const parts = type.fields.map((f) => {
    const child = node.children.find((c) => c.element.name === f.name)
    return {
      name: f.name,
      conv: child === undefined ? null : parquetReadConverter(f.type, child, file, `${column}.${f.name}`),
    }
  })
  return (o: Record<string, unknown>) => {
    const out: Record<string, unknown> = {}
    for (const p of parts) {
      const x = p.conv === null ? undefined : o[p.name]
      out[p.name] = x === null || x === undefined ? null : (p.conv as Conv)(x)
    }
    return out
  }
}

function mapKeyFromText(type: DataType, file: string, column: string): (k: string) => unknown {
  switch (type.kind) {
    case 'string':
      return (k) => k
    case 'byte':
    case 'short':
    case 'int':
    case 'float':
    case 'double':
    case 'date':
    case 'timestamp':
      return (k) => Number(k)
    case 'long':
      return (k) => BigInt(k)
    case 'boolean':
      return (k) => k === 'true'
    default:
      throw new SluiceError(
        'UNSUPPORTED_OPERATION',
        `Column \`${column}\` of Parquet file ${file} is a map with ${simpleString(type)} keys; Sluice reads Parquet maps with string, number, date, timestamp or boolean keys only.`,
      )
  }
}
