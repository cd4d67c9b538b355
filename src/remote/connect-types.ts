/**
 * Spark Connect's DataType message -> Sluice's types (the schema AnalyzePlan reports). Spark types
 * Sluice has no exact match for map as arrow-rows.ts maps their values: char/varchar -> string, timestamp_ntz -> timestamp.
 */
import { SluiceError } from '../errors.ts'
import { field, type DataType as SluiceType, type StructType, structOf, t } from '../schema/data-type.ts'
import type { DataType } from './gen/spark/connect/types_pb.js'

/** @example sluiceTypeOfProto(create(DataTypeSchema, { kind: { case: 'long', value: {} } })) // t.long() */
export function sluiceTypeOfProto(type: DataType): SluiceType {
  const k = type.kind
  switch (k.case) {
    case 'byte':
      return t.byte()
    case 'short':
      return t.short()
    case 'integer':
      return t.int()
    case 'long':
      return t.long()
    case 'float':
      return t.float()
    case 'double':
      return t.double()
    case 'decimal':
      return t.decimal(k.value.precision ?? 10, k.value.scale ?? 0)
    case 'string':
    case 'char':
    case 'varChar':
      return t.string()
    case 'boolean':
      return t.boolean()
    case 'binary':
      return t.binary()
    case 'date':
      return t.date()
    case 'timestamp':
    case 'timestampNtz':
      return t.timestamp()
    case 'null':
      return { kind: 'null' }
    case 'dayTimeInterval':
      return { kind: 'interval' }
    case 'array':
      return t.array(sluiceTypeOfProto(k.value.elementType!), k.value.containsNull)
    case 'map':
      return t.map(
        sluiceTypeOfProto(k.value.keyType!),
        sluiceTypeOfProto(k.value.valueType!),
        k.value.valueContainsNull,
      )
    case 'struct':
      return structOf(k.value.fields.map((f) => field(f.name, sluiceTypeOfProto(f.dataType!), f.nullable)))
    default:
      throw new SluiceError(
        'UNSUPPORTED_OPERATION',
        `Spark reports a column of type ${k.case}, which Sluice has no type for: cast it in the query (e.g. to string).`,
      )
  }
}

/** The Sluice schema of a Spark struct type. */
export function sluiceSchemaOfProto(type: DataType): StructType {
  const s = sluiceTypeOfProto(type)
  if (s.kind !== 'struct')
    throw new SluiceError('INTERNAL', `Spark reported a non-struct schema (${s.kind}).`)
  return s
}
