/**
 * Spark's `AvroSerializer` for Sluice: a converter, compiled once per (Sluice type, Avro schema),
 * from Sluice values to the values avsc encodes. Pairs accepted are Spark's (boolean, int, long,
 * double, string -> string or enum, binary -> bytes or fixed of the same size, date -> int,
 * timestamp -> long as timestamp-millis/micros (a plain long takes milliseconds), interval ->
 * microsecond long, arrays, string-keyed maps, struct -> record (fields matched by name ignoring
 * case), struct of `member0..n` -> union, long -> [int, long], double -> [float, double]) plus two
 * Sluice has to add for lack of float and decimal types: double -> float, double -> decimal.
 * Sluice also writes timestamps to local-timestamp-millis/micros, which it reads as timestamps.
 */
import { SluiceError, typeMismatch } from '../../errors.ts'
import { type DataType, type StructType, simpleString } from '../../schema/data-type.ts'
import {
  type AvroType,
  annotationOf,
  isRecord,
  isUnion,
  nonNullBranches,
  unionHasNull,
} from './avro-schema.ts'
import { writeDecimal } from './avro-write-decimal.ts'
import { needsExactLong } from './exact-long.ts'

/** Converts one non-null Sluice value to avsc's form. */
export type AvroWriteConverter = (value: any) => unknown

type Path = readonly string[]

const fieldText = (path: Path): string =>
  path.length === 0 ? 'top-level record' : `field '${path.join('.')}'`
const toBuffer = (b: Uint8Array): Buffer =>
  Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)
const identity: AvroWriteConverter = (v) => v

// Set when a converted long needs avsc's exact long path (see exact-long.ts).
let sawBigLong = false
/** A long on its way out, noting whether avsc's fast path can write it exactly. */
const longOut = (n: number): number => {
  if (needsExactLong(n)) sawBigLong = true
  return n
}

/**
 * Whether a conversion since the last call produced a long that needs avsc's exact long type;
 * reading it clears it.
 *
 * @example
 * compileAvroWrite(t.long(), parseAvroSchema('"long"'))(-(2 ** 52) - 1)
 * takeExactLongFlag() // true
 */
export function takeExactLongFlag(): boolean {
  const saw = sawBigLong
  sawBigLong = false
  return saw
}

/**
 * The converter of non-null `type` values into values of `avro` (a union with null stands for its
 * other branch, as Spark's resolveNullableType).
 *
 * @example
 * const write = compileAvroWrite(t.timestamp(), parseAvroSchema('{"type":"long","logicalType":"timestamp-micros"}'))
 * write(1) // 1000
 */
export function compileAvroWrite(type: DataType, avro: AvroType): AvroWriteConverter {
  try {
    return converterOf(type, resolveNullable(avro), [])
  } catch (e) {
    if (!(e instanceof SluiceError)) throw e
    throw typeMismatch(
      `to_avro: cannot convert SQL type ${simpleString(type)} to Avro type ${JSON.stringify(avro.schema())}: ${e.message.replace(/^\[\w+\] /, '')}`,
    )
  }
}

/** A union of null and one type is written as that type; other unions stay as they are. */
function resolveNullable(avro: AvroType): AvroType {
  if (!isUnion(avro)) return avro
  const branches = nonNullBranches(avro)
  return branches.length === 1 ? branches[0] : avro
}

function incompatible(type: DataType, avro: AvroType, path: Path): SluiceError {
  return typeMismatch(
    `Cannot convert SQL ${fieldText(path)} to Avro ${fieldText(path)} because schema is incompatible (sqlType = ${simpleString(type)}, avroType = ${JSON.stringify(avro.schema())})`,
  )
}

function converterOf(type: DataType, avro: AvroType, path: Path): AvroWriteConverter {
  const a = avro.typeName
  const note = annotationOf(avro)
  switch (type.kind) {
    case 'null':
      if (a === 'null') return () => null
      break
    case 'boolean':
    case 'int':
    case 'string':
      if (a === type.kind) return identity
      if (type.kind === 'string' && a === 'enum') return enumWriter(avro, path)
      break
    case 'date':
    case 'byte':
    case 'short':
      if (a === 'int') return identity
      break
    case 'float':
      if (a === 'float' || a === 'double') return identity
      break
    case 'long':
      if (a === 'long') return longOut
      if (isUnion(avro)) return numericUnion(avro, 'int', 'long')
      break
    case 'double':
      if (a === 'double' || a === 'float') return identity
      if ((a === 'bytes' || a === 'fixed') && note?.logicalType === 'decimal')
        return writeDecimal(avro, note, path)
      if (isUnion(avro)) return numericUnion(avro, 'float', 'double')
      break
    case 'decimal':
      if ((a === 'bytes' || a === 'fixed') && note?.logicalType === 'decimal')
        return writeDecimal(avro, note, path, type.scale)
      break
    case 'binary':
      if (a === 'bytes') return toBuffer
      if (a === 'fixed') return fixedWriter(avro.size as number, path)
      break
    case 'timestamp':
      if (a === 'long') return timestampWriter(note?.logicalType ?? null)
      break
    case 'interval':
      if (a === 'long') return (ms: number) => longOut(ms * 1000)
      break
    case 'array':
      if (a === 'array') return arrayWriter(type.element, type.containsNull, avro.itemsType as AvroType, path)
      break
    case 'map':
      if (a === 'map' && type.key.kind === 'string')
        return mapWriter(type.value, type.valueContainsNull, avro.valuesType as AvroType, path)
      break
    case 'struct':
      if (isRecord(avro)) return recordWriter(type, avro, path)
      if (isUnion(avro)) return memberUnionWriter(type, avro, path)
      break
  }
  throw incompatible(type, avro, path)
}

function enumWriter(avro: AvroType, path: Path): AvroWriteConverter {
  const symbols = new Set(avro.symbols)
  return (s: string) => {
    if (symbols.has(s)) return s
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `to_avro: cannot convert SQL ${fieldText(path)} to Avro ${fieldText(path)} because "${s}" cannot be written since it's not defined in enum ${[...symbols].map((x) => `"${x}"`).join(', ')}.`,
    )
  }
}

function fixedWriter(size: number, path: Path): AvroWriteConverter {
  const bytes = (n: number) => `${n} ${n === 1 ? 'byte' : 'bytes'}`
  return (b: Uint8Array) => {
    if (b.length === size) return toBuffer(b)
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `to_avro: cannot convert SQL ${fieldText(path)} to Avro ${fieldText(path)} because ${bytes(b.length)} of binary data cannot be written into FIXED type with size of ${bytes(size)}.`,
    )
  }
}

function timestampWriter(logical: string | null): AvroWriteConverter {
  // Spark writes a plain long (no logical type) in milliseconds, for backward compatibility.
  if (logical === 'timestamp-micros' || logical === 'local-timestamp-micros')
    return (ms: number) => longOut(ms * 1000)
  return longOut
}

/** [int, long] takes a long and [float, double] a double, each in the wider branch. */
function numericUnion(avro: AvroType, narrow: string, wide: string): AvroWriteConverter {
  const kinds = nonNullBranches(avro).map((b) => b.typeName)
  if (kinds.length !== 2 || !kinds.includes(narrow) || !kinds.includes(wide))
    throw typeMismatch(`the Avro union ${JSON.stringify(avro.schema())} is not [${narrow}, ${wide}]`)
  const branch = (nonNullBranches(avro).find((b) => b.typeName === wide) as AvroType).branchName as string
  return narrow === 'int' ? (v: number) => ({ [branch]: longOut(v) }) : (v: number) => ({ [branch]: v })
}

/** Null where the Avro type has no null branch is Spark's AVRO_CANNOT_WRITE_NULL_FIELD. */
function nullCheck(avro: AvroType, path: Path, what: string): ((v: unknown) => null) | null {
  if (avro.typeName === 'null' || (isUnion(avro) && unionHasNull(avro))) return null
  return () => {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `to_avro: cannot write a null ${what} at ${fieldText(path)}: its Avro type ${JSON.stringify(avro.schema())} is not nullable. Make it a union with "null", or replace nulls first (coalesce).`,
    )
  }
}

/** Converts a possibly-null value at a position of Avro type `avro`. */
function nullableWriter(type: DataType, avro: AvroType, path: Path, what: string): AvroWriteConverter {
  const conv = converterOf(type, resolveNullable(avro), path)
  const onNull = nullCheck(avro, path, what)
  if (onNull === null) return conv === identity ? identity : (v) => (v === null ? null : conv(v))
  return (v) => (v === null ? onNull(v) : conv(v))
}

function arrayWriter(
  element: DataType,
  _containsNull: boolean,
  items: AvroType,
  path: Path,
): AvroWriteConverter {
  const conv = nullableWriter(element, items, [...path, 'element'], 'array element')
  if (conv === identity) return identity
  return (a: unknown[]) => a.map(conv)
}

function mapWriter(
  value: DataType,
  _containsNull: boolean,
  values: AvroType,
  path: Path,
): AvroWriteConverter {
  const conv = nullableWriter(value, values, [...path, 'value'], 'map value')
  return (m: Map<string, unknown>) => {
    // A prototype-free object: a key such as "__proto__" stays an ordinary key.
    const o: Record<string, unknown> = Object.create(null)
    for (const [k, v] of m) o[k] = conv(v)
    return o
  }
}

function recordWriter(type: StructType, avro: AvroType, path: Path): AvroWriteConverter {
  const avroFields = avro.fields ?? []
  const byName = new Map(avroFields.map((f) => [f.name.toLowerCase(), f]))
  const matched = type.fields.map((f) => {
    const af = byName.get(f.name.toLowerCase())
    if (af === undefined)
      throw typeMismatch(`Cannot find field '${[...path, f.name].join('.')}' in Avro schema`)
    return { from: f.name, to: af.name, conv: nullableWriter(f.type, af.type, [...path, af.name], 'value') }
  })
  const used = new Set(matched.map((m) => m.to))
  const extra = avroFields.filter((f) => !used.has(f.name))
  for (const f of extra) {
    if (!(isUnion(f.type) && unionHasNull(f.type)))
      throw typeMismatch(
        `Found field '${[...path, f.name].join('.')}' in Avro schema but there is no match in the SQL schema`,
      )
  }
  const extraNames = extra.map((f) => f.name)
  return (row: Record<string, unknown>) => {
    const out: Record<string, unknown> = {}
    for (let i = 0; i < matched.length; i++) out[matched[i].to] = matched[i].conv(row[matched[i].from])
    for (let i = 0; i < extraNames.length; i++) out[extraNames[i]] = null
    return out
  }
}

/** Spark's complex union: struct fields member0..n-1, the first non-null one is written. */
function memberUnionWriter(type: StructType, avro: AvroType, path: Path): AvroWriteConverter {
  const branches = nonNullBranches(avro)
  const expected = branches.map((_, i) => `member${i}`)
  const names = type.fields.map((f) => f.name)
  if (names.join(',') !== expected.join(',')) {
    throw typeMismatch(
      `Generic Avro union at ${fieldText(path)} does not match the SQL schema at ${fieldText(path)}. It expected the following members (${expected.join(', ')}) but got (${names.join(', ')})`,
    )
  }
  const convs = type.fields.map((f, i) => converterOf(f.type, branches[i], [...path, f.name]))
  const keys = branches.map((b) => b.branchName as string)
  const onAllNull = nullCheck(avro, path, 'union (every member is null)')
  return (row: Record<string, unknown>) => {
    for (let i = 0; i < names.length; i++) {
      const v = row[names[i]]
      if (v !== null && v !== undefined) return { [keys[i]]: convs[i](v) }
    }
    return onAllNull === null ? null : onAllNull(null)
  }
}
