/**
 * Spark's map functions on JS Maps: `map_keys`, `map_values`, `map_entries`, `map_from_entries`,
 * `map_from_arrays`, `map_concat`, `map_contains_key`, `str_to_map`. A map built here refuses NULL
 * and duplicate keys, as Spark does under its default `spark.sql.mapKeyDedupPolicy=EXCEPTION`.
 */
import { SluiceError, typeMismatch } from '../errors.ts'
import { type DataType, field, simpleString, structOf, t } from '../schema/data-type.ts'
import { arrayType } from './array-functions.ts'
import type { BoundExpr } from './bound-expr.ts'
import { castTo, commonType } from './coercion.ts'
import { argTypeError, implicitCast, scalar, simple } from './define.ts'
import type { BoundScalar, ScalarFunctionDef } from './function-def.ts'
import { buildMap } from './higher-order-functions.ts'
import { valuesEqual } from './values.ts'

type MapT = Extract<DataType, { kind: 'map' }>

function mapType(name: string, a: BoundExpr, i = 0): MapT {
  if (a.type.kind !== 'map') throw argTypeError(name, i, a, 'map')
  return a.type
}

function oneMap(name: string, bind: (type: MapT) => Omit<BoundScalar, 'args'>): ScalarFunctionDef {
  return scalar(name, [1, 1], ([m]) => ({ ...bind(mapType(name, m)), args: [m] }))
}

const entryType = (type: MapT): DataType =>
  structOf([field('key', type.key, false), field('value', type.value, type.valueContainsNull)])

const mapFromEntries = scalar('map_from_entries', [1, 1], ([a]) => {
  const type = arrayType('map_from_entries', a)
  const el = type.element
  if (el.kind !== 'struct' || el.fields.length !== 2) {
    throw argTypeError('map_from_entries', 0, a, 'array of two-field structs (key, value)')
  }
  const [k, v] = el.fields
  const fn = (xs: (Record<string, unknown> | null)[]) =>
    xs.includes(null)
      ? null
      : buildMap(
          xs.map(
            (x) => [(x as Record<string, unknown>)[k.name], (x as Record<string, unknown>)[v.name]] as const,
          ),
          'map_from_entries',
          k.type,
        )
  return { type: t.map(k.type, v.type, v.nullable), nullable: true, args: [a], impl: { kind: 'fn', fn } }
})

const mapFromArrays = scalar('map_from_arrays', [2, 2], ([ks, vs]) => {
  const kt = arrayType('map_from_arrays', ks, 0)
  const vt = arrayType('map_from_arrays', vs, 1)
  const fn = (keys: unknown[], values: unknown[]) => {
    if (keys.length !== values.length) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `\`map_from_arrays\`: the key and value arrays differ in length (${keys.length} and ${values.length}).`,
      )
    }
    return buildMap(
      keys.map((k, i) => [k, values[i]] as const),
      'map_from_arrays',
      kt.element,
    )
  }
  return { type: t.map(kt.element, vt.element, vt.containsNull), args: [ks, vs], impl: { kind: 'fn', fn } }
})

const mapConcat = scalar('map_concat', [0, Number.POSITIVE_INFINITY], (args) => {
  if (args.length === 0)
    return { type: t.map(t.string(), t.string()), impl: { kind: 'fn', fn: () => new Map() } }
  const types = args.map((a, i) => mapType('map_concat', a, i))
  // The maps meet in their common type, as in Spark: map_concat(map(), map('a', 1)).
  const common = types.reduce<DataType | undefined>((acc, ty) => acc && commonType(acc, ty), types[0])
  if (common === undefined || common.kind !== 'map') {
    throw typeMismatch(
      `\`map_concat\`: the maps ${types.map(simpleString).join(', ')} have no common type; cast them to one map type.`,
    )
  }
  const type = common
  const fn = (...ms: Map<unknown, unknown>[]) =>
    buildMap(
      ms.flatMap((m) => [...m]),
      'map_concat',
      type.key,
    )
  return { type, args: args.map((a) => castTo(a, type)), impl: { kind: 'fn', fn } }
})

const containsKey = scalar('map_contains_key', [2, 2], ([m, k]) => {
  const type = mapType('map_contains_key', m)
  const fn = (x: Map<unknown, unknown>, key: unknown) =>
    x.has(key) || (typeof key === 'object' && [...x.keys()].some((y) => valuesEqual(y, key)))
  return {
    type: t.boolean(),
    args: [m, implicitCast('map_contains_key', 1, k, type.key)],
    impl: { kind: 'fn', fn },
  }
})

// str_to_map's delimiters are regular expressions (Java's), as in Spark; a missing value is NULL.
const strToMap = simple(
  'str_to_map',
  [t.string(), t.string(), t.string()],
  t.map(t.string(), t.string()),
  (text: string, pairDelim = ',', kvDelim = ':') => {
    const pairs = text.split(new RegExp(pairDelim, 'u')).map((pair) => {
      const m = new RegExp(kvDelim, 'u').exec(pair)
      return m === null
        ? ([pair, null] as const)
        : ([pair.slice(0, m.index), pair.slice(m.index + m[0].length)] as const)
    })
    return buildMap(pairs, 'str_to_map', t.string())
  },
  { optional: 2 },
)

export const MAP_FUNCTIONS: readonly ScalarFunctionDef[] = [
  oneMap('map_keys', (type) => ({
    type: t.array(type.key, false),
    impl: { kind: 'fn', fn: (m: Map<unknown, unknown>) => [...m.keys()] },
  })),
  oneMap('map_values', (type) => ({
    type: t.array(type.value, type.valueContainsNull),
    impl: { kind: 'fn', fn: (m: Map<unknown, unknown>) => [...m.values()] },
  })),
  oneMap('map_entries', (type) => ({
    type: t.array(entryType(type), false),
    impl: { kind: 'fn', fn: (m: Map<unknown, unknown>) => [...m].map(([key, value]) => ({ key, value })) },
  })),
  mapFromEntries,
  mapFromArrays,
  mapConcat,
  containsKey,
  strToMap,
]
