/**
 * The part of Sluice's `DataType` the JSON functions read. `util` sits below `schema` in the layer
 * order, so this module describes the shape instead of importing it; every `DataType` from
 * `src/schema/data-type.ts` is structurally one of these and can be passed as is.
 */

export type JsonAtomicKind =
  | 'string'
  | 'boolean'
  | 'int'
  | 'long'
  | 'double'
  | 'timestamp'
  | 'date'
  | 'binary'
  | 'interval'
  | 'null'

export type JsonDataType =
  | { readonly kind: JsonAtomicKind }
  | { readonly kind: 'array'; readonly element: JsonDataType }
  | { readonly kind: 'map'; readonly key: JsonDataType; readonly value: JsonDataType }
  | JsonStructType

export interface JsonStructType {
  readonly kind: 'struct'
  readonly fields: readonly { readonly name: string; readonly type: JsonDataType }[]
}

const NAMES: Record<JsonAtomicKind, string> = {
  string: 'string',
  boolean: 'boolean',
  int: 'int',
  long: 'bigint',
  double: 'double',
  timestamp: 'timestamp',
  date: 'date',
  binary: 'binary',
  interval: 'interval day to second',
  null: 'void',
}

/**
 * Spark's `simpleString` of a type, for messages.
 *
 * @example
 * jsonTypeName({ kind: 'map', key: { kind: 'string' }, value: { kind: 'long' } }) // 'map<string,bigint>'
 */
export function jsonTypeName(type: JsonDataType): string {
  switch (type.kind) {
    case 'array':
      return `array<${jsonTypeName(type.element)}>`
    case 'map':
      return `map<${jsonTypeName(type.key)},${jsonTypeName(type.value)}>`
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.name}:${jsonTypeName(f.type)}`).join(',')}>`
    default:
      return NAMES[type.kind]
  }
}
