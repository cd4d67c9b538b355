/**
 * Spark's `SchemaConverters.toAvroType`: the Avro schema to_avro writes when given none. Records
 * are named `topLevelRecord` (nested ones after their field, namespaced by their parents), and a
 * nullable type becomes the union `[type, "null"]` (its branch index 0 precedes every non-null value).
 */
import { typeMismatch } from '../../errors.ts'
import { type DataType, simpleString } from '../../schema/data-type.ts'

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * The Avro schema (as JSON) Spark derives for `type`.
 *
 * @example
 * sluiceToAvroSchema(t.struct({ a: t.int() }), false)
 * // { type: 'record', name: 'topLevelRecord', fields: [{ name: 'a', type: ['int', 'null'] }] }
 */
export function sluiceToAvroSchema(
  type: DataType,
  nullable: boolean,
  recordName = 'topLevelRecord',
  namespace = '',
): unknown {
  const schema = nonNullSchema(type, recordName, namespace)
  return nullable && type.kind !== 'null' ? [schema, 'null'] : schema
}

function nonNullSchema(type: DataType, recordName: string, namespace: string): unknown {
  switch (type.kind) {
    case 'boolean':
    case 'int':
    case 'long':
    case 'double':
    case 'string':
    case 'null':
      return type.kind
    case 'byte':
    case 'short':
      // Avro has no 8- or 16-bit integer: Spark writes tinyint and smallint as int.
      return 'int'
    case 'float':
      return 'float'
    case 'binary':
      return 'bytes'
    case 'decimal': {
      // Spark: a fixed of the fewest bytes for the precision, named `<namespace>.<record>.fixed`.
      let size = 1
      while (2n ** BigInt(8 * size - 1) < 10n ** BigInt(type.precision)) size++
      const space = namespace === '' ? recordName : `${namespace}.${recordName}`
      return {
        type: 'fixed',
        name: 'fixed',
        namespace: space,
        size,
        logicalType: 'decimal',
        precision: type.precision,
        scale: type.scale,
      }
    }
    case 'date':
      return { type: 'int', logicalType: 'date' }
    case 'timestamp':
      return { type: 'long', logicalType: 'timestamp-micros' }
    case 'interval':
      // Spark marks day-time intervals so that from_avro reads them back as intervals.
      return { type: 'long', 'spark.sql.catalyst.type': 'interval day to second' }
    case 'array':
      return {
        type: 'array',
        items: sluiceToAvroSchema(type.element, type.containsNull, recordName, namespace),
      }
    case 'map':
      if (type.key.kind !== 'string') {
        throw typeMismatch(
          `to_avro: Avro maps have string keys, so ${simpleString(type)} cannot be written. Cast the keys to string first, e.g. transform_keys(m, (k, v) -> CAST(k AS STRING)).`,
        )
      }
      return {
        type: 'map',
        values: sluiceToAvroSchema(type.value, type.valueContainsNull, recordName, namespace),
      }
    case 'struct': {
      const child = namespace === '' ? recordName : `${namespace}.${recordName}`
      const fields = type.fields.map((f) => {
        if (!AVRO_NAME.test(f.name)) {
          throw typeMismatch(
            `to_avro: the field name '${f.name}' is not a valid Avro name (letters, digits and _, not starting with a digit). Rename the field, e.g. with alias().`,
          )
        }
        return { name: f.name, type: sluiceToAvroSchema(f.type, f.nullable, f.name, child) }
      })
      return namespace === ''
        ? { type: 'record', name: recordName, fields }
        : { type: 'record', name: recordName, namespace, fields }
    }
  }
}
