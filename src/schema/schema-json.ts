/**
 * Schemas as JSON, in Spark's own format (`StructType.json()` / `DataType.fromJson`), because
 * schemas are stored in checkpoints and a Spark user can carry a schema across.
 *
 *   {"type":"struct","fields":[{"name":"id","type":"long","nullable":false,"metadata":{}}]}
 *
 * Version history: v1 (this format) — Spark's format; Sluice adds nothing to it.
 */
import { SluiceError } from '../errors.ts'
import { type AtomicKind, type DataType, field, type StructType, structOf, t } from './data-type.ts'

const TYPE_NAME: Record<AtomicKind, string> = {
  string: 'string',
  boolean: 'boolean',
  byte: 'byte',
  short: 'short',
  int: 'integer',
  long: 'long',
  float: 'float',
  double: 'double',
  timestamp: 'timestamp',
  date: 'date',
  binary: 'binary',
  interval: 'interval day to second',
  null: 'void',
}
const BY_NAME = new Map<string, DataType>(
  (Object.keys(TYPE_NAME) as AtomicKind[]).map((k) => [TYPE_NAME[k], Object.freeze({ kind: k }) as DataType]),
)

/** Spark's `typeName` of a type: `integer`, `long`, `array`, `struct`. */
export function typeName(type: DataType): string {
  if (type.kind === 'decimal') return `decimal(${type.precision},${type.scale})`
  return type.kind === 'array' || type.kind === 'map' || type.kind === 'struct'
    ? type.kind
    : TYPE_NAME[type.kind]
}

const DECIMAL_NAME = /^decimal\((\d+),\s*(\d+)\)$/

export type JsonType = string | { readonly [k: string]: unknown }

/** The JSON value of a type (a string for atomic types, an object otherwise). */
export function typeToJson(type: DataType): JsonType {
  switch (type.kind) {
    case 'array':
      return { type: 'array', elementType: typeToJson(type.element), containsNull: type.containsNull }
    case 'map':
      return {
        type: 'map',
        keyType: typeToJson(type.key),
        valueType: typeToJson(type.value),
        valueContainsNull: type.valueContainsNull,
      }
    case 'struct':
      return {
        type: 'struct',
        fields: type.fields.map((f) => ({
          name: f.name,
          type: typeToJson(f.type),
          nullable: f.nullable,
          metadata: {},
        })),
      }
    case 'decimal':
      return typeName(type)
    default:
      return TYPE_NAME[type.kind]
  }
}

/** Parses a type from its JSON value (as produced by `typeToJson` or by Spark). */
export function typeFromJson(json: unknown): DataType {
  if (typeof json === 'string') {
    const atomicType = BY_NAME.get(json)
    const dec = DECIMAL_NAME.exec(json)
    if (dec !== null) return decimalOf(Number(dec[1]), Number(dec[2]))
    if (json === 'decimal') return t.decimal()
    if (atomicType === undefined) throw badSchema(`unknown type name "${json}"`)
    return atomicType
  }
  if (json === null || typeof json !== 'object')
    throw badSchema(`expected a type, got ${JSON.stringify(json)}`)
  const o = json as Record<string, unknown>
  switch (o.type) {
    case 'array':
      return t.array(typeFromJson(o.elementType), o.containsNull !== false)
    case 'map':
      return t.map(typeFromJson(o.keyType), typeFromJson(o.valueType), o.valueContainsNull !== false)
    case 'struct': {
      if (!Array.isArray(o.fields)) throw badSchema('a struct type needs a "fields" array')
      return structOf(
        o.fields.map((f: Record<string, unknown>) => {
          if (typeof f?.name !== 'string')
            throw badSchema(`a struct field needs a string "name": ${JSON.stringify(f)}`)
          return field(f.name, typeFromJson(f.type), f.nullable !== false)
        }),
      )
    }
    default:
      throw badSchema(`unknown type ${JSON.stringify(o.type)}`)
  }
}

/** Serializes a schema to Spark's JSON string. */
export function schemaToJson(schema: StructType): string {
  return JSON.stringify(typeToJson(schema))
}

/** Parses a schema from Spark's JSON string; the top-level type must be a struct. */
export function schemaFromJson(text: string): StructType {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    throw badSchema(`not valid JSON (${(e as Error).message})`)
  }
  const type = typeFromJson(parsed)
  if (type.kind !== 'struct') throw badSchema(`the top-level type must be a struct, got ${typeName(type)}`)
  return type
}

function decimalOf(precision: number, scale: number): DataType {
  try {
    return t.decimal(precision, scale)
  } catch (e) {
    throw badSchema((e as Error).message)
  }
}

function badSchema(why: string): SluiceError {
  return new SluiceError('INVALID_SCHEMA', `Cannot read schema JSON: ${why}.`)
}
