/**
 * The row-producing generators beyond explode: `inline`/`inline_outer` (an array of structs, one
 * row per struct), `stack(n, v1, ..., vk)` (k values into n rows of ceil(k / n) columns `col0`...,
 * NULL-padded) and `json_tuple(json, k1, ...)` (one row of the top-level fields' text, `c0`...).
 * Each binds to one expression yielding an array of structs; the Generate operator turns each
 * struct into one output row. Types follow Spark: a stack column's values must share one type
 * (NULLs take it), json_tuple's arguments must be strings.
 */
import { SluiceError } from '../errors.ts'
import { type DataType, field, sameType, simpleString, structOf, t } from '../schema/data-type.ts'
import type { BoundCall, BoundExpr } from './bound-expr.ts'
import { castTo } from './coercion.ts'
import { requireFoldable } from './define.ts'
import { evaluateJsonPath } from './json/index.ts'

/** What a generator yields per input row (an array of structs) and the columns it adds. */
export interface RowGenerator {
  readonly input: BoundExpr
  readonly fields: readonly { readonly name: string; readonly type: DataType }[]
  readonly outer: boolean
}

function mismatch(fn: string, detail: string): SluiceError {
  return new SluiceError('DATATYPE_MISMATCH', `Cannot resolve \`${fn}\`: ${detail}.`)
}

function generatedCall(
  name: string,
  args: readonly BoundExpr[],
  fields: RowGenerator['fields'],
  fn: (...a: any[]) => unknown,
): BoundCall {
  const type = t.array(structOf(fields.map((f) => field(f.name, f.type))))
  return Object.freeze({
    kind: 'call' as const,
    name,
    impl: { kind: 'fn' as const, fn, nullSafe: true },
    args,
    type,
    nullable: false,
    sql: `${name}(${args.map((a) => (a.kind === 'call' ? a.sql : a.kind === 'literal' ? String(a.value) : a.kind === 'ref' ? a.name : '...')).join(', ')})`,
    deterministic: true,
  })
}

/**
 * `inline(arr)` / `inline_outer(arr)`: arr must be an array of structs.
 *
 * @example bindInline('inline', arrayOfStructs) // columns = the struct's fields
 */
export function bindInline(name: 'inline' | 'inline_outer', arg: BoundExpr): RowGenerator {
  const type = arg.type
  if (type.kind !== 'array' || type.element.kind !== 'struct') {
    throw mismatch(
      name,
      `[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] its argument must be an array of structs, got ${simpleString(type)}`,
    )
  }
  return {
    input: arg,
    fields: type.element.fields.map((f) => ({ name: f.name, type: f.type })),
    outer: name === 'inline_outer',
  }
}

/**
 * `stack(n, v1, ..., vk)`.
 *
 * @example bindStack([lit(2), lit(1), lit(2), lit(3)]) // rows (1, 2), (3, NULL)
 */
export function bindStack(args: readonly BoundExpr[]): RowGenerator {
  if (args.length < 2) throw mismatch('stack', 'it needs a row count and at least one value')
  const n = requireFoldable('stack', 0, args[0])
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
    throw mismatch(
      'stack',
      `[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] the row count must be a positive integer literal, got ${String(n)}`,
    )
  }
  const values = args.slice(1)
  const width = Math.ceil(values.length / n)
  const types: DataType[] = []
  for (let j = 0; j < width; j++) {
    let type: DataType = t.null()
    for (let i = j; i < values.length; i += width) {
      const vt = values[i].type
      if (vt.kind === 'null') continue
      if (type.kind !== 'null' && !sameType(type, vt)) {
        throw mismatch(
          'stack',
          `[DATATYPE_MISMATCH.STACK_COLUMN_DIFF_TYPES] column ${j} has values of types ${simpleString(type)} and ${simpleString(vt)}; cast them to one type`,
        )
      }
      type = vt
    }
    types.push(type.kind === 'null' ? t.string() : type)
  }
  const cast = values.map((v, i) => castTo(v, types[i % width]))
  const names = types.map((_, j) => `col${j}`)
  const fn = (...vals: unknown[]) => {
    const rows: Record<string, unknown>[] = []
    for (let r = 0; r < n; r++) {
      const row: Record<string, unknown> = {}
      for (let j = 0; j < width; j++) row[names[j]] = vals[r * width + j] ?? null
      rows.push(row)
    }
    return rows
  }
  return {
    input: generatedCall(
      'stack',
      cast,
      names.map((name, j) => ({ name, type: types[j] })),
      fn,
    ),
    fields: names.map((name, j) => ({ name, type: types[j] })),
    outer: false,
  }
}

/**
 * `json_tuple(json, k1, ..., kn)`: one row with the text of each top-level field (a string
 * without its quotes, anything else as compact JSON; NULL when absent or not an object).
 *
 * @example bindJsonTuple([lit('{"a":1}'), lit('a')]) // one row ('1')
 */
export function bindJsonTuple(args: readonly BoundExpr[]): RowGenerator {
  if (args.length < 2) throw mismatch('json_tuple', 'it needs a JSON string and at least one field name')
  for (const [i, a] of args.entries()) {
    if (a.type.kind !== 'string') {
      throw mismatch(
        'json_tuple',
        `[DATATYPE_MISMATCH.NON_STRING_TYPE] argument ${i + 1} must be a string, got ${simpleString(a.type)}`,
      )
    }
  }
  const fields = args.slice(1).map((_, i) => ({ name: `c${i}`, type: t.string() }))
  const fn = (json: string | null, ...keys: (string | null)[]) => {
    const row: Record<string, unknown> = {}
    keys.forEach((k, i) => {
      row[`c${i}`] =
        json === null || k === null
          ? null
          : evaluateJsonPath(json, [{ kind: 'key' }, { kind: 'named', name: k }])
    })
    return [row]
  }
  return { input: generatedCall('json_tuple', args, fields, fn), fields, outer: false }
}
