/**
 * Arrow IPC <-> Sluice rows. Spark Connect returns results as Arrow IPC streams and takes
 * `createDataFrame` data as one; this module maps Arrow's types onto Sluice's (`t.*`) and values onto
 * Sluice's runtime representation (schema/data-type.ts): timestamps and dates as epoch milliseconds
 * and days, longs as numbers (exact to 2^53, beyond that an error), maps as `Map`, structs as objects.
 *
 * Arrow Int8/Int16/Float32 are Spark's byte/short/float both ways. Types Sluice does not have arrive
 * as the nearest one it has: unsigned integers as int or long, half floats as float, decimal as double (so a decimal beyond 2^53 loses digits: cast it to string in the query to keep them).
 */
import type * as A from 'apache-arrow'
import { SluiceError } from '../errors.ts'
import { type DataType, field, type StructType, structOf, t } from '../schema/data-type.ts'
import { formatDecimal, unscaledOf } from '../schema/decimal-value.ts'

const DAY_MS = 86_400_000

let loaded: typeof A | undefined

/** Loads apache-arrow on first use (so that importing Sluice does not); await it before the rest. */
export async function loadArrow(): Promise<void> {
  loaded ??= await import('apache-arrow')
}

function arrow(): typeof A {
  if (loaded === undefined) throw new SluiceError('INTERNAL', 'apache-arrow was used before loadArrow().')
  return loaded
}

/** The Sluice type of an Arrow type. @example sluiceTypeOf(new Int64()) // apache-arrow Int64 // { kind: 'long' } */
export function sluiceTypeOf(type: A.DataType): DataType {
  if (arrow().DataType.isInt(type)) return intTypeOf(type.bitWidth, type.isSigned)
  if (arrow().DataType.isFloat(type))
    return type.precision === arrow().Precision.DOUBLE ? t.double() : t.float()
  if (arrow().DataType.isDecimal(type)) return t.decimal(type.precision, type.scale)
  if (arrow().DataType.isUtf8(type) || arrow().DataType.isLargeUtf8(type)) return t.string()
  if (arrow().DataType.isBool(type)) return t.boolean()
  if (arrow().DataType.isBinary(type) || arrow().DataType.isLargeBinary(type)) return t.binary()
  if (arrow().DataType.isTimestamp(type)) return t.timestamp()
  if (arrow().DataType.isDate(type)) return t.date()
  if (arrow().DataType.isNull(type)) return { kind: 'null' }
  if (arrow().DataType.isDuration(type) || arrow().DataType.isInterval(type)) return { kind: 'interval' }
  if (arrow().DataType.isList(type))
    return t.array(sluiceTypeOf(type.children[0].type), type.children[0].nullable)
  if (arrow().DataType.isStruct(type)) return structOf(type.children.map(fieldOf))
  if (arrow().DataType.isMap(type)) {
    const [key, value] = type.children[0].type.children
    return t.map(sluiceTypeOf(key.type), sluiceTypeOf(value.type), value.nullable)
  }
  throw new SluiceError(
    'UNSUPPORTED_OPERATION',
    `Spark returned a column of Arrow type ${type}, which Sluice has no type for: cast it in the query (e.g. to string).`,
  )
}

function intTypeOf(bits: number, signed: boolean): DataType {
  if (bits === 8 && signed) return t.byte()
  if (bits === 16 && signed) return t.short()
  return bits === 64 || (bits === 32 && !signed) ? t.long() : t.int()
}

const fieldOf = (f: A.Field) => field(f.name, sluiceTypeOf(f.type), f.nullable)

/** The Sluice schema of an Arrow schema. */
export function sluiceSchemaOf(schema: A.Schema): StructType {
  return structOf(schema.fields.map(fieldOf))
}

/** Converts one Arrow value (as `Vector.get` returns it) to Sluice's representation of `type`. */
function fromArrow(v: unknown, type: DataType, at: string): unknown {
  if (v === null || v === undefined) return null
  switch (type.kind) {
    case 'long': {
      const n = typeof v === 'bigint' ? Number(v) : (v as number)
      if (!Number.isSafeInteger(n))
        throw new SluiceError(
          'ARITHMETIC_OVERFLOW',
          `Spark returned ${v} in ${at}, beyond the long range Sluice holds exactly (2^53): cast it to string in the query.`,
        )
      return n
    }
    case 'double':
      return typeof v === 'number' ? v : Number(v)
    case 'float':
      return Math.fround(v as number)
    case 'decimal':
      return formatDecimal(decimalFromWords(v as Uint32Array), type.scale)
    case 'timestamp':
      // apache-arrow gives microseconds as fractional milliseconds; Sluice holds whole ones (floor, as Spark's millis).
      return Math.floor(v as number)
    case 'date':
      return Math.floor((v as number) / DAY_MS)
    case 'interval':
      return typeof v === 'bigint' ? Number(v) / 1000 : v
    case 'array':
      return Array.from(v as Iterable<unknown>, (e) => fromArrow(e, type.element, at))
    case 'map': {
      const out = new Map<unknown, unknown>()
      for (const [k, e] of v as Iterable<[unknown, unknown]>)
        out.set(fromArrow(k, type.key, at), fromArrow(e, type.value, at))
      return out
    }
    case 'struct': {
      const row = v as Record<string, unknown>
      const out: Record<string, unknown> = {}
      for (const f of type.fields) out[f.name] = fromArrow(row[f.name], f.type, `${at}.${f.name}`)
      return out
    }
    default:
      return v
  }
}

/** Decodes Arrow IPC streams into positional rows of `schema` (the schema of the first stream when none). */
export function decodeArrowBatches(batches: readonly Uint8Array[]): {
  schema: StructType
  rows: unknown[][]
} {
  let schema: StructType | undefined
  const rows: unknown[][] = []
  for (const bytes of batches) {
    const table = arrow().tableFromIPC(bytes)
    schema ??= sluiceSchemaOf(table.schema)
    const cols = schema.fields.map((_, i) => table.getChildAt(i)!)
    for (let r = 0; r < table.numRows; r++)
      rows.push(schema.fields.map((f, i) => fromArrow(cols[i].get(r), f.type, f.name)))
  }
  return { schema: schema ?? structOf([]), rows }
}

/** The Arrow type that carries Sluice `type` to Spark (Spark reads these back as the same Spark types). */
export function arrowTypeOf(type: DataType): A.DataType {
  switch (type.kind) {
    case 'string':
      return new (arrow().Utf8)()
    case 'boolean':
      return new (arrow().Bool)()
    case 'byte':
      return new (arrow().Int8)()
    case 'short':
      return new (arrow().Int16)()
    case 'int':
      return new (arrow().Int32)()
    case 'long':
      return new (arrow().Int64)()
    case 'float':
      return new (arrow().Float32)()
    case 'double':
      return new (arrow().Float64)()
    case 'decimal':
      return new (arrow().Decimal)(type.scale, type.precision, 128)
    case 'timestamp':
      return new (arrow().TimestampMicrosecond)('UTC')
    case 'date':
      return new (arrow().DateDay)()
    case 'binary':
      return new (arrow().Binary)()
    case 'null':
      return new (arrow().Null)()
    case 'interval':
      return new (arrow().Duration)(arrow().TimeUnit.MICROSECOND)
    case 'array':
      return new (arrow().List)(new (arrow().Field)('element', arrowTypeOf(type.element), type.containsNull))
    case 'map': {
      const entry = [
        new (arrow().Field)('key', arrowTypeOf(type.key), false),
        new (arrow().Field)('value', arrowTypeOf(type.value), type.valueContainsNull),
      ]
      return new (arrow().Map_)(
        new (arrow().Field)('entries', new (arrow().Struct)(entry as A.Field<any>[]), false) as A.Field<any>,
      )
    }
    case 'struct':
      return new (arrow().Struct)(
        type.fields.map((f) => new (arrow().Field)(f.name, arrowTypeOf(f.type), f.nullable)),
      )
  }
}

/** Sluice's representation -> what apache-arrow's builders take for `type`. */
function toArrow(v: unknown, type: DataType): unknown {
  if (v === null || v === undefined) return null
  switch (type.kind) {
    case 'long':
      return BigInt(v as number)
    case 'date':
      return (v as number) * DAY_MS
    case 'interval':
      return BigInt(Math.round((v as number) * 1000))
    case 'decimal':
      return decimalWords(unscaledOf(v as string))
    case 'array':
      return (v as unknown[]).map((e) => toArrow(e, type.element))
    case 'map':
      return new Map(
        [...(v as Map<unknown, unknown>)].map(([k, e]) => [toArrow(k, type.key), toArrow(e, type.value)]),
      )
    case 'struct': {
      const row = v as Record<string, unknown>
      return Object.fromEntries(type.fields.map((f) => [f.name, toArrow(row[f.name], f.type)]))
    }
    default:
      return v
  }
}

/** Encodes positional rows of `schema` as one Arrow IPC stream (Spark Connect's LocalRelation data). */
export function encodeArrowStream(schema: StructType, rows: readonly (readonly unknown[])[]): Uint8Array {
  const columns: Record<string, A.Vector> = {}
  schema.fields.forEach((f, i) => {
    columns[f.name] = arrow().vectorFromArray(
      rows.map((r) => toArrow(r[i], f.type)),
      arrowTypeOf(f.type),
    )
  })
  return arrow().tableToIPC(new (arrow().Table)(columns), 'stream')
}

/** A 128-bit Arrow decimal's little-endian 32-bit words -> the signed unscaled value. */
function decimalFromWords(words: Uint32Array): bigint {
  let x = 0n
  for (let i = words.length - 1; i >= 0; i--) x = (x << 32n) | BigInt(words[i])
  return BigInt.asIntN(words.length * 32, x)
}

/** The signed unscaled value -> a 128-bit Arrow decimal's little-endian 32-bit words. */
function decimalWords(u: bigint): Uint32Array {
  const out = new Uint32Array(4)
  let x = BigInt.asUintN(128, u)
  for (let i = 0; i < 4; i++) {
    out[i] = Number(x & 0xffffffffn)
    x >>= 32n
  }
  return out
}
