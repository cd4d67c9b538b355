/**
 * Spark's text-format, encryption and multi-column generator functions by their
 * `pyspark.sql.functions` names: format_string/printf, to_binary, sentences, the AES functions,
 * the CSV text functions, schema_of_json, and the generators inline, inline_outer, stack and
 * json_tuple (top-level select() items, like explode).
 */
import { callExpr, columnExpr, type Expr, literalExpr, splitName } from '../plan/expr.ts'
import { type DataType, t } from '../schema/data-type.ts'
import { typeToJson } from '../schema/schema-json.ts'
import { Column, type ColumnOrValue, toExpr } from './column.ts'

type ColumnLike = Column | string

const c = (x: ColumnLike): Expr => (typeof x === 'string' ? columnExpr(splitName(x)) : x.expr)
const call = <T = unknown>(name: string, ...args: Expr[]): Column<T> => new Column<T>(callExpr(name, args))
const str = (s: string): Expr => literalExpr(s, t.string())
const options = (o: Record<string, string>): Expr[] =>
  Object.keys(o).length === 0 ? [] : [literalExpr(new Map(Object.entries(o)), t.map(t.string(), t.string()))]

/** java.util.Formatter over the values. @example format_string('%s: %.2f', 'name', 'price') */
export const format_string = (format: string, ...cols: ColumnLike[]): Column<string | null> =>
  call('format_string', str(format), ...cols.map(c))
/** Same as format_string. @example printf(lit('%05d'), 'id') */
export const printf = (format: ColumnLike, ...cols: ColumnLike[]): Column<string | null> =>
  call('printf', c(format), ...cols.map(c))
/** Text to bytes in `hex` (default), `utf-8` or `base64`. @example to_binary('hex_text', lit('hex')) */
export const to_binary = (x: ColumnLike, format?: ColumnLike): Column<Uint8Array | null> =>
  call('to_binary', c(x), ...(format === undefined ? [] : [c(format)]))
/** to_binary, NULL for malformed text. @example try_to_binary('s', lit('base64')) */
export const try_to_binary = (x: ColumnLike, format?: ColumnLike): Column<Uint8Array | null> =>
  call('try_to_binary', c(x), ...(format === undefined ? [] : [c(format)]))
/** Sentences of words. @example sentences('text') */
export const sentences = (
  x: ColumnLike,
  language?: ColumnLike,
  country?: ColumnLike,
): Column<string[][] | null> =>
  call('sentences', c(x), ...[language, country].filter((a) => a !== undefined).map(c))
/**
 * AES encryption (GCM by default, with a random IV). Optional arguments in Spark's order.
 * @example aes_encrypt('card', lit('0000111122223333'))
 */
export const aes_encrypt = (
  input: ColumnLike,
  key: ColumnLike,
  ...rest: ColumnOrValue[]
): Column<Uint8Array | null> => call('aes_encrypt', c(input), c(key), ...rest.map(toExpr))
/** Decrypts aes_encrypt's output. @example aes_decrypt('secret', lit('0000111122223333')) */
export const aes_decrypt = (
  input: ColumnLike,
  key: ColumnLike,
  ...rest: ColumnOrValue[]
): Column<Uint8Array | null> => call('aes_decrypt', c(input), c(key), ...rest.map(toExpr))
/** aes_decrypt, NULL when decryption fails. @example try_aes_decrypt('secret', lit('0000111122223333')) */
export const try_aes_decrypt = (
  input: ColumnLike,
  key: ColumnLike,
  ...rest: ColumnOrValue[]
): Column<Uint8Array | null> => call('try_aes_decrypt', c(input), c(key), ...rest.map(toExpr))

/**
 * One CSV record as a struct (schema: a struct type or DDL; options: Spark's CSV options).
 * @example from_csv('line', 'a INT, b STRING', { sep: ';' })
 */
export const from_csv = (
  x: ColumnLike,
  schema: DataType | string,
  opts: Record<string, string> = {},
): Column =>
  call(
    'from_csv',
    c(x),
    str(typeof schema === 'string' ? schema : JSON.stringify(typeToJson(schema))),
    ...options(opts),
  )
/** A struct as one CSV record. @example to_csv(struct('a', 'b'), { sep: '|' }) */
export const to_csv = (x: ColumnLike, opts: Record<string, string> = {}): Column<string | null> =>
  call('to_csv', c(x), ...options(opts))
/** The inferred schema of a CSV record, as SQL text. @example schema_of_csv('1,abc') */
export const schema_of_csv = (csv: string, opts: Record<string, string> = {}): Column<string> =>
  call('schema_of_csv', str(csv), ...options(opts))
/** The inferred type of a JSON value, as SQL text. @example schema_of_json('{"a":1}') */
export const schema_of_json = (json: string, opts: Record<string, string> = {}): Column<string> =>
  call('schema_of_json', str(json), ...options(opts))

/** One row per struct of an array of structs, a column per field. @example df.select('id', inline('items')) */
export const inline = (x: ColumnLike): Column => call('inline', c(x))
/** inline, with a row of NULLs for an empty or NULL array. @example inline_outer('items') */
export const inline_outer = (x: ColumnLike): Column => call('inline_outer', c(x))
/** The values in n rows of columns col0, col1, ... @example stack(lit(2), 'a', 'b', 'c', 'd') */
export const stack = (n: ColumnOrValue, ...cols: ColumnLike[]): Column =>
  call('stack', toExpr(n), ...cols.map(c))
/** Top-level JSON fields as columns c0, c1, ... @example json_tuple('value', 'user', 'ts') */
export const json_tuple = (json: ColumnLike, ...fields: string[]): Column =>
  call('json_tuple', c(json), ...fields.map(str))
