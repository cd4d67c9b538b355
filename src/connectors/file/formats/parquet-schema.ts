/**
 * Sluice types to Parquet schema elements and back. Writing follows what Spark writes with
 * `spark.sql.parquet.outputTimestampType=TIMESTAMP_MICROS` (Spark 4.3's default is the deprecated
 * INT96): string BYTE_ARRAY/STRING, tinyint INT32 INT_8, smallint INT32 INT_16, int INT32, bigint
 * INT64, float FLOAT, double DOUBLE, boolean BOOLEAN,
 * timestamp INT64 TIMESTAMP(MICROS, isAdjustedToUTC=true), date INT32 DATE, binary BYTE_ARRAY, a
 * day-time interval INT64 microseconds, arrays as 3-level LIST (`list`/`element`), maps as MAP
 * (`key_value`/`key`/`value`), structs as groups.
 */
import type { SchemaElement, SchemaTree } from 'hyparquet'
import { SluiceError } from '../../../errors.ts'
import {
  type DataType,
  type DecimalType,
  field,
  type StructField,
  type StructType,
  simpleString,
  structOf,
  t,
} from '../../../schema/data-type.ts'

type Repetition = 'REQUIRED' | 'OPTIONAL'

/**
 * The flat, depth-first Parquet schema of a struct (the root element first).
 *
 * @example
 * parquetSchemaOf(t.struct({ a: t.long() })) // [{ name: 'spark_schema', num_children: 1 }, { name: 'a', type: 'INT64', repetition_type: 'OPTIONAL' }]
 */
export function parquetSchemaOf(schema: StructType): SchemaElement[] {
  const out: SchemaElement[] = [{ name: 'spark_schema', num_children: schema.fields.length }]
  for (const f of schema.fields) addElements(out, f.name, f.type, f.nullable ? 'OPTIONAL' : 'REQUIRED')
  return out
}

function addElements(out: SchemaElement[], name: string, type: DataType, rep: Repetition): void {
  switch (type.kind) {
    case 'array':
      out.push({
        name,
        repetition_type: rep,
        converted_type: 'LIST',
        logical_type: { type: 'LIST' },
        num_children: 1,
      })
      out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 })
      addElements(out, 'element', type.element, type.containsNull ? 'OPTIONAL' : 'REQUIRED')
      return
    case 'map':
      out.push({
        name,
        repetition_type: rep,
        converted_type: 'MAP',
        logical_type: { type: 'MAP' },
        num_children: 1,
      })
      out.push({ name: 'key_value', repetition_type: 'REPEATED', num_children: 2 })
      addElements(out, 'key', type.key, 'REQUIRED')
      addElements(out, 'value', type.value, type.valueContainsNull ? 'OPTIONAL' : 'REQUIRED')
      return
    case 'struct':
      out.push({ name, repetition_type: rep, num_children: type.fields.length })
      for (const f of type.fields) addElements(out, f.name, f.type, f.nullable ? 'OPTIONAL' : 'REQUIRED')
      return
    default:
      out.push({ name, repetition_type: rep, ...leafElement(name, type) })
  }
}

function leafElement(name: string, type: DataType): Omit<SchemaElement, 'name'> {
  switch (type.kind) {
    case 'string':
      return { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } }
    case 'boolean':
      return { type: 'BOOLEAN' }
    // NOTE: the converted type only: with an INTEGER logical type as well, Spark (parquet-mr)
    // cannot read the footer hyparquet-writer writes.
    case 'byte':
      return { type: 'INT32', converted_type: 'INT_8' }
    case 'short':
      return { type: 'INT32', converted_type: 'INT_16' }
    case 'int':
      return { type: 'INT32' }
    case 'long':
    case 'interval':
      return { type: 'INT64' }
    case 'float':
      return { type: 'FLOAT' }
    case 'double':
      return { type: 'DOUBLE' }
    case 'timestamp':
      return {
        type: 'INT64',
        converted_type: 'TIMESTAMP_MICROS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
      }
    case 'date':
      return { type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } }
    case 'binary':
      return { type: 'BYTE_ARRAY' }
    case 'decimal':
      return decimalElement(type)
    default:
      throw new SluiceError(
        'UNSUPPORTED_OPERATION',
        `The Parquet format cannot write the column \`${name}\` of type ${simpleString(type).toUpperCase()}. Cast it to a concrete type first.`,
      )
  }
}

/**
 * A decimal column as Spark writes it (non-legacy): INT32 up to 9 digits, INT64 up to 18, else a
 * FIXED_LEN_BYTE_ARRAY of the fewest bytes that hold 10^precision (big-endian two's complement).
 */
function decimalElement(type: DecimalType): Omit<SchemaElement, 'name'> {
  const { precision, scale } = type
  const annotation = { converted_type: 'DECIMAL' as const, precision, scale }
  if (precision <= 9) return { type: 'INT32', ...annotation }
  if (precision <= 18) return { type: 'INT64', ...annotation }
  let bytes = 1
  while (2n ** BigInt(8 * bytes - 1) < 10n ** BigInt(precision)) bytes++
  return { type: 'FIXED_LEN_BYTE_ARRAY', type_length: bytes, ...annotation }
}

/**
 * The Sluice type of a Parquet column, as Spark reads it; null for a column Sluice cannot hold.
 * DECIMAL reads as decimal(precision, scale), INT96 and every TIMESTAMP unit as timestamp.
 *
 * @example
 * sluiceTypeOf(parquetSchema(metadata).children[0]) // t.long()
 */
export function sluiceTypeOf(node: SchemaTree): DataType | null {
  const e = node.element
  const converted = e.converted_type
  const logical = e.logical_type?.type
  if (node.children.length > 0) return nestedTypeOf(node)
  if (converted === 'DECIMAL' || logical === 'DECIMAL') {
    const precision = e.precision ?? (e.logical_type as { precision?: number } | undefined)?.precision
    const scale = e.scale ?? (e.logical_type as { scale?: number } | undefined)?.scale ?? 0
    return precision !== undefined && precision >= 1 && precision <= 38 && scale <= precision
      ? t.decimal(precision, scale)
      : null
  }
  switch (e.type) {
    case 'BOOLEAN':
      return t.boolean()
    case 'INT32':
      if (converted === 'DATE' || logical === 'DATE') return t.date()
      return int32TypeOf(e)
    case 'INT64':
      if (converted?.startsWith('TIMESTAMP') || logical === 'TIMESTAMP') return t.timestamp()
      return converted === 'UINT_64' ? null : t.long()
    case 'INT96':
      return t.timestamp()
    case 'FLOAT':
      return t.float()
    case 'DOUBLE':
      return t.double()
    case 'BYTE_ARRAY':
      return converted === 'UTF8' || converted === 'ENUM' || converted === 'JSON' || logical === 'STRING'
        ? t.string()
        : t.binary()
    case 'FIXED_LEN_BYTE_ARRAY':
      return logical === 'UUID' ? t.string() : t.binary()
    default:
      return null
  }
}

/** INT32 as Spark reads it: INT_8 tinyint, INT_16 smallint, UINT_8 smallint, UINT_16 int, UINT_32 bigint. */
function int32TypeOf(e: SchemaTree['element']): DataType {
  const logical = e.logical_type
  const [bits, signed] =
    logical?.type === 'INTEGER'
      ? [logical.bitWidth, logical.isSigned]
      : e.converted_type?.startsWith('INT_') || e.converted_type?.startsWith('UINT_')
        ? [Number(e.converted_type.replace(/^U?INT_/, '')), !e.converted_type.startsWith('U')]
        : [32, true]
  if (bits === 8) return signed ? t.byte() : t.short()
  if (bits === 16) return signed ? t.short() : t.int()
  return signed ? t.int() : t.long()
}

function nestedTypeOf(node: SchemaTree): DataType | null {
  const e = node.element
  if (e.converted_type === 'LIST' && node.children.length === 1) {
    const repeated = node.children[0]
    // 3-level lists wrap the element in a repeated group; 2-level ones repeat the element itself.
    const elementNode =
      repeated.children.length === 1 && repeated.element.name !== 'array' ? repeated.children[0] : repeated
    const el = sluiceTypeOf(elementNode)
    return el === null ? null : t.array(el, elementNode.element.repetition_type !== 'REQUIRED')
  }
  if ((e.converted_type === 'MAP' || e.converted_type === 'MAP_KEY_VALUE') && node.children.length === 1) {
    const kv = node.children[0]
    const k = kv.children[0] === undefined ? null : sluiceTypeOf(kv.children[0])
    const v = kv.children[1] === undefined ? null : sluiceTypeOf(kv.children[1])
    return k === null || v === null
      ? null
      : t.map(k, v, kv.children[1].element.repetition_type !== 'REQUIRED')
  }
  const fields: StructField[] = []
  for (const c of node.children) {
    const ct = sluiceTypeOf(c)
    if (ct === null) return null
    fields.push(field(c.element.name, ct, c.element.repetition_type !== 'REQUIRED'))
  }
  return structOf(fields)
}

/**
 * The Sluice schema of a Parquet file's root; a column Sluice cannot hold is an error naming it.
 *
 * @example
 * sluiceSchemaOf(parquetSchema(metadata), 'part-0.parquet') // struct<a:bigint,b:string>
 */
export function sluiceSchemaOf(root: SchemaTree, file: string): StructType {
  return structOf(
    root.children.map((c) => {
      const type = sluiceTypeOf(c)
      if (type === null) {
        throw new SluiceError(
          'UNSUPPORTED_OPERATION',
          `Column \`${c.element.name}\` of Parquet file ${file} has a type Sluice cannot read (${describeElement(c.element)}).`,
        )
      }
      return field(c.element.name, type, c.element.repetition_type !== 'REQUIRED')
    }),
  )
}

/** A Parquet column's type in words, for messages: `INT64 (TIMESTAMP_MICROS)`. */
export function describeElement(e: SchemaElement): string {
  const annotation = e.logical_type?.type ?? e.converted_type
  if (e.type === undefined) return annotation ?? 'group'
  return annotation === undefined ? e.type : `${e.type} (${annotation})`
}
