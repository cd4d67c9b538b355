/**
 * The function catalog: every scalar and aggregate function by its canonical lower-case name.
 * One table, so analysis, `expr()` and the DataFrame functions all see the same functions.
 */
import { SluiceError, suggest } from '../errors.ts'
import { AGGREGATE_FUNCTIONS } from './aggregates.ts'
import { ARITHMETIC } from './arithmetic.ts'
import { ARRAY_BUILDERS } from './array-builders.ts'
import { ARRAY_FUNCTIONS } from './array-functions.ts'
import './cast.ts'
import { AES_FUNCTIONS } from './aes-functions.ts'
import { COLLECT_UNION } from './collect-union.ts'
import { COLLECTION_FUNCTIONS } from './collections.ts'
import { CSV_FUNCTIONS } from './csv-functions.ts'
import { DATETIME_EXTRAS } from './datetime-extras.ts'
import { ENCODING_FUNCTIONS } from './encoding-functions.ts'
import { EXTRA_FUNCTIONS } from './extra.ts'
import { FORMAT_NUMBER } from './format-number.ts'
import { FORMAT_STRING_FUNCTIONS } from './format-string.ts'
import type { FunctionDef } from './function-def.ts'
import { HIGHER_ORDER_FUNCTIONS } from './higher-order-functions.ts'
import { MAP_FUNCTIONS } from './map-functions.ts'
import { MATH_FUNCTIONS } from './math.ts'
import { MISC_FUNCTIONS } from './misc-functions.ts'
import { ORDERED_SET_AGGREGATES } from './ordered-set-aggregates.ts'
import { PREDICATES } from './predicates.ts'
import { RANDOM_FUNCTIONS } from './random-functions.ts'
import { REFERENCE_EXTRAS, SPARK_ALIASES } from './reference-extras.ts'
import { SCALAR_EXTRAS } from './scalar-extras.ts'
import { SENTENCES } from './sentences.ts'
import { STATISTICAL_AGGREGATES } from './statistical-aggregates.ts'
import { STRING_FUNCTIONS } from './strings.ts'
import { TEXT_CODEC_FUNCTIONS } from './text-codec-functions.ts'
import { TO_BINARY_FUNCTIONS } from './to-binary.ts'
import { TO_CHAR } from './to-char.ts'
import { TO_NUMBER } from './to-number.ts'
import { VALUE_AGGREGATES } from './value-aggregates.ts'
import { VECTOR_FUNCTIONS } from './vector-functions.ts'
import { WINDOW_FUNCTIONS } from './window-functions.ts'

const CATALOG = new Map<string, FunctionDef>()
for (const def of [
  ...ARITHMETIC,
  ...PREDICATES,
  ...STRING_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...COLLECTION_FUNCTIONS,
  ...AGGREGATE_FUNCTIONS,
  ...EXTRA_FUNCTIONS,
  ...WINDOW_FUNCTIONS,
  ...HIGHER_ORDER_FUNCTIONS,
  ...ARRAY_FUNCTIONS,
  ...ARRAY_BUILDERS,
  ...MAP_FUNCTIONS,
  ...DATETIME_EXTRAS,
  ...MISC_FUNCTIONS,
  FORMAT_NUMBER,
  ...TO_NUMBER,
  ...TO_CHAR,
  ...SCALAR_EXTRAS,
  ...ENCODING_FUNCTIONS,
  ...STATISTICAL_AGGREGATES,
  ...VALUE_AGGREGATES,
  // Issue 17, the rest of Spark 4's reference (text formats, AES, generators' helpers, aliases).
  ...FORMAT_STRING_FUNCTIONS,
  ...TO_BINARY_FUNCTIONS,
  ...AES_FUNCTIONS,
  ...CSV_FUNCTIONS,
  SENTENCES,
  ...REFERENCE_EXTRAS,
  ...TEXT_CODEC_FUNCTIONS,
  ...VECTOR_FUNCTIONS,
  COLLECT_UNION,
  ...ORDERED_SET_AGGREGATES,
  ...RANDOM_FUNCTIONS,
]) {
  if (CATALOG.has(def.name)) throw new Error(`function ${def.name} defined twice`)
  CATALOG.set(def.name, def)
}
for (const [alias, target] of SPARK_ALIASES) {
  const def = CATALOG.get(target)
  if (def === undefined || CATALOG.has(alias)) throw new Error(`alias ${alias} of ${target} is not free`)
  CATALOG.set(alias, def)
}

/** Names the analyzer rewrites itself before binding (not in the table). */
export const SPECIAL_FORMS = new Set([
  'between',
  'if',
  'iff',
  'explode',
  'explode_outer',
  'posexplode',
  'posexplode_outer',
  'inline',
  'inline_outer',
  'stack',
  'json_tuple',
])

/** The definition of `name`, or an UNKNOWN_FUNCTION error with close names. */
export function lookupFunction(name: string): FunctionDef {
  const def = CATALOG.get(name)
  if (def !== undefined) return def
  const close = suggest(name, [...CATALOG.keys(), ...SPECIAL_FORMS])
  throw new SluiceError(
    'UNKNOWN_FUNCTION',
    `Unknown function \`${name}\`.${close.length > 0 ? ` Did you mean ${close.map((c) => `\`${c}\``).join(', ')}?` : ''}`,
  )
}

export function isAggregateFunction(name: string): boolean {
  return CATALOG.get(name)?.kind === 'aggregate'
}

export function functionNames(): string[] {
  return [...CATALOG.keys()].sort()
}
