/**
 * from_avro and to_avro in the function catalog (Spark 4's SQL functions of the same names, plus
 * Sluice's options argument on to_avro). Schemas and options must be constants; the Avro types are
 * compiled once here, at bind time, and the returned functions run per row.
 */
import { SluiceError, typeMismatch } from '../../errors.ts'
import { t } from '../../schema/data-type.ts'
import type { BoundExpr } from '../bound-expr.ts'
import { implicitCast, scalar } from '../define.ts'
import type { FunctionDef } from '../function-def.ts'
import { fromAvroOptions, toAvroOptions } from './avro-options.ts'
import {
  compileFromAvroWithRegistry,
  compileToAvroWithRegistry,
  splitRegistryOptions,
} from './avro-registry.ts'
import { compileFromAvro } from './from-avro.ts'
import { compileToAvro } from './to-avro.ts'

const NOT_CONSTANT = Symbol('not constant')

/** The value of a constant argument: a literal, or a call of constants such as `map('k', 'v')`. */
function constantValue(arg: BoundExpr): unknown {
  if (arg.kind === 'literal') return arg.value
  if (arg.kind !== 'call' || arg.impl.kind !== 'fn' || !arg.deterministic) return NOT_CONSTANT
  const values = arg.args.map(constantValue)
  if (values.includes(NOT_CONSTANT)) return NOT_CONSTANT
  if (!arg.impl.nullSafe && values.includes(null)) return null
  return arg.impl.withSite ? arg.impl.fn(...values, arg.sql) : arg.impl.fn(...values)
}

const ORDINAL = ['first', 'second', 'third']

/** A constant schema string; null (SQL NULL) or '' when `optional` means "none". */
function schemaArg(fn: string, i: number, arg: BoundExpr | undefined, optional: boolean): string | undefined {
  if (arg === undefined) return undefined
  const v = constantValue(arg)
  if (optional && (v === null || v === '')) return undefined
  if (typeof v !== 'string') {
    throw typeMismatch(
      `Cannot resolve \`${fn}\`: the ${ORDINAL[i]} argument of the ${fn.toUpperCase()} SQL function must be a constant string containing the JSON representation of the Avro schema.`,
    )
  }
  return v
}

/** A constant map of strings (SQL `map('mode', 'PERMISSIVE')`, or a JS Map/object from the API). */
function optionsArg(fn: string, arg: BoundExpr | undefined): Record<string, string> {
  if (arg === undefined) return {}
  const v = constantValue(arg)
  if (v === null) return {}
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), String(x)]))
  if (v !== NOT_CONSTANT && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, string>
  throw typeMismatch(
    `Cannot resolve \`${fn}\`: the third argument of the ${fn.toUpperCase()} SQL function must be a constant map of strings to strings containing the options, e.g. map('mode', 'PERMISSIVE').`,
  )
}

export const AVRO_FUNCTIONS: readonly FunctionDef[] = [
  scalar('from_avro', [2, 3], (args) => {
    const data = implicitCast('from_avro', 0, args[0], t.binary())
    const { registry, rest } = splitRegistryOptions('from_avro', optionsArg('from_avro', args[2]))
    // With a registry the schema argument is optional: the subject can give the reader schema.
    const schema = schemaArg('from_avro', 1, args[1], registry !== undefined)
    const options = fromAvroOptions(rest)
    const { type, decode } =
      registry === undefined
        ? compileFromAvro(schema as string, options)
        : compileFromAvroWithRegistry(schema, registry, options)
    return { type, args: [data], nullable: true, impl: { kind: 'fn', fn: decode } }
  }),
  scalar('to_avro', [1, 3], (args) => {
    const [data] = args
    const schema = schemaArg('to_avro', 1, args[1], true)
    const { registry, rest } = splitRegistryOptions('to_avro', optionsArg('to_avro', args[2]))
    const options = toAvroOptions(rest)
    if (registry !== undefined && options.wireFormat !== undefined)
      throw new SluiceError(
        'INVALID_OPTION',
        'to_avro: with schema.registry.url the Confluent header and its schema id come from the registry; remove options wireFormat and schemaId.',
      )
    const { encode } =
      registry === undefined
        ? compileToAvro(data.type, data.nullable, schema, options)
        : compileToAvroWithRegistry(data.type, data.nullable, schema, registry)
    return { type: t.binary(), args: [data], nullable: data.nullable, impl: { kind: 'fn', fn: encode } }
  }),
]
