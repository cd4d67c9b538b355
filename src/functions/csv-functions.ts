/**
 * `from_csv`, `to_csv`, `schema_of_csv` and `schema_of_json`, over the CSV/JSON formats' own
 * reader, writer and inference (registered through text-format-hooks.ts). Options are Spark's
 * data source options, given as a literal map (`map('sep', ';')`) or, from the API, an object.
 * to_csv writes array, map and struct fields as their string cast (`[1, 2]`), as Spark 4 does.
 */
import { SluiceError } from '../errors.ts'
import { typeSql } from '../plan/sql/expr-sql.ts'
import { type DataType, field, type StructType, structOf, t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { castTo } from './coercion.ts'
import { argTypeError, implicitCast, requireFoldable, scalar } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'
import { schemaFromText } from './json-functions.ts'
import { type TextOptions, textFormatHooks } from './text-format-hooks.ts'

function optionsOf(fn: string, i: number, arg: BoundExpr | undefined): TextOptions {
  if (arg === undefined) return {}
  // map('k', 'v', ...) of literals, as written in SQL text.
  if (arg.kind === 'call' && arg.name === 'map' && arg.args.every((a) => a.kind === 'literal')) {
    const kv = arg.args.map((a) => String((a as { value: unknown }).value))
    return Object.fromEntries(kv.flatMap((k, j) => (j % 2 === 0 ? [[k, kv[j + 1]]] : [])))
  }
  const v = requireFoldable(fn, i, arg)
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), String(x)]))
  if (v !== null && typeof v === 'object') return v as TextOptions
  throw new SluiceError(
    'INVALID_ARGUMENT',
    `\`${fn}\`: options must be a map of strings, e.g. map('sep', ';').`,
  )
}

function foldableText(fn: string, i: number, arg: BoundExpr): string {
  const v = requireFoldable(fn, i, arg)
  if (typeof v !== 'string') throw argTypeError(fn, i, arg, 'a string literal')
  return v
}

const fromCsv = scalar('from_csv', [2, 3], ([text, schemaArg, opts], ctx) => {
  const type = schemaFromText(foldableText('from_csv', 1, schemaArg))
  if (type.kind !== 'struct') {
    throw new SluiceError(
      'INVALID_SCHEMA',
      `\`from_csv\`: the schema must be a struct (\`a INT, b STRING\`), got ${typeSql(type)}.`,
    )
  }
  const parse = textFormatHooks('from_csv').csvParser(type, optionsOf('from_csv', 2, opts), ctx.timeZone)
  const names = type.fields.map((f) => f.name)
  const fn = (s: string) => {
    const row = parse(s)
    const out: Record<string, unknown> = {}
    for (let i = 0; i < names.length; i++) out[names[i]] = row[i]
    return out
  }
  return { type, args: [implicitCast('from_csv', 0, text, t.string())], impl: { kind: 'fn', fn } }
})

const isFlat = (type: DataType) => type.kind !== 'array' && type.kind !== 'map' && type.kind !== 'struct'

const toCsv = scalar('to_csv', [1, 2], ([value, opts], ctx) => {
  if (value.type.kind !== 'struct') throw argTypeError('to_csv', 0, value, 'a struct')
  const fields = value.type.fields
  // Nested fields are written as their string cast, so the CSV writer sees flat fields only.
  const parts: BoundExpr[] = fields.map((f) => {
    const get: BoundExpr = Object.freeze({
      kind: 'field',
      child: value,
      name: f.name,
      type: f.type,
      nullable: true,
    })
    return isFlat(f.type) ? get : castTo(get, t.string())
  })
  const flat: StructType = structOf(fields.map((f, i) => field(f.name, parts[i].type)))
  const write = textFormatHooks('to_csv').csvWriter(flat, optionsOf('to_csv', 1, opts), ctx.timeZone)
  const fn = (v: unknown, ...values: unknown[]) => (v === null ? null : write(values))
  return {
    type: t.string(),
    args: [value, ...parts],
    impl: { kind: 'fn', fn, nullSafe: true },
    nullable: value.nullable,
  }
})

function schemaOf(name: 'schema_of_csv' | 'schema_of_json'): ScalarFunctionDef {
  return scalar(name, [1, 2], ([text, opts], ctx) => {
    const sample = foldableText(name, 0, text)
    const hooks = textFormatHooks(name)
    const options = optionsOf(name, 1, opts)
    const type =
      name === 'schema_of_csv'
        ? hooks.inferCsv(sample, options, ctx.timeZone)
        : hooks.inferJson(sample, options, ctx.timeZone)
    const sql = typeSql(type)
    return {
      type: t.string(),
      nullable: false,
      impl: { kind: 'template', code: () => JSON.stringify(sql), nullSafe: true },
    }
  })
}

export const CSV_FUNCTIONS: readonly ScalarFunctionDef[] = [
  fromCsv,
  toCsv,
  schemaOf('schema_of_csv'),
  schemaOf('schema_of_json'),
]
