/**
 * The functions of `sluice` (Spark's `pyspark.sql.functions`). Where a function takes columns, a
 * string names a column (`upper('name')`); `lit()` makes a literal.
 */
import {
  callExpr,
  caseExpr,
  columnExpr,
  type Expr,
  literalExpr,
  splitName,
  starExpr,
  udfExpr,
} from '../plan/expr.ts'
import { parseExpression } from '../plan/sql/expr-parser.ts'
import { type DataType, t } from '../schema/data-type.ts'
import { typeToJson } from '../schema/schema-json.ts'
import { Column, type ColumnOrValue, literalOf, toExpr } from './column.ts'

export type ColumnLike = Column | string

const c = (x: ColumnLike): Expr => (typeof x === 'string' ? col(x).expr : x.expr)
const call = <T = unknown>(name: string, ...args: Expr[]): Column<T> => new Column<T>(callExpr(name, args))

/** A column by name; `a.b` is a struct field, `` `a.b` `` a name with a dot. @example col('user.name') */
export function col(name: string): Column {
  if (name === '*') return new Column(starExpr())
  if (name.endsWith('.*')) return new Column(starExpr(splitName(name.slice(0, -2))))
  return new Column(columnExpr(splitName(name)))
}
/** Same as col(). @example column('price') */
export const column = col
/** A literal value. @example lit(0.908) */
export function lit<V extends string | number | boolean | null | Uint8Array | Date>(
  v: V,
): Column<V extends Date ? number : V>
export function lit<T>(v: Column<T>): Column<T>
export function lit(v: ColumnOrValue | Date): Column<unknown> {
  return v instanceof Column ? v : new Column(literalOf(v))
}
/** A Spark SQL expression, optionally aliased. @example expr('price * 0.908 AS euros') */
export const expr = (sql: string): Column => new Column(parseExpression(sql))

// ---- conditional and null handling ----
/** Starts a CASE WHEN chain. @example when(col('a').gt(0), 'pos').otherwise('neg') */
export const when = (condition: Column, value: ColumnOrValue): Column =>
  new Column(caseExpr([{ when: condition.expr, then: toExpr(value) }], null))
/** First non-null argument. @example coalesce('a', lit(0)) */
export const coalesce = (...cols: ColumnLike[]): Column => call('coalesce', ...cols.map(c))
/** @example isnull('a') */
export const isnull = (x: ColumnLike): Column<boolean> => call('isnull', c(x))
/** @example isnan('x') */
export const isnan = (x: ColumnLike): Column => call('isnan', c(x))
/** @example nanvl('x', lit(0)) */
export const nanvl = (a: ColumnLike, b: ColumnLike): Column => call('nanvl', c(a), c(b))
/** @example greatest('a', 'b') */
export const greatest = (...cols: ColumnLike[]): Column => call('greatest', ...cols.map(c))
/** @example least('a', 'b') */
export const least = (...cols: ColumnLike[]): Column => call('least', ...cols.map(c))

// ---- math ----
/** @example abs('x') */
export const abs = (x: ColumnLike): Column => call('abs', c(x))
/** HALF_UP rounding. @example round('x', 2) */
export const round = (x: ColumnLike, scale = 0): Column => call('round', c(x), literalExpr(scale, t.int()))
/** HALF_EVEN (banker's) rounding. @example bround('x', 2) */
export const bround = (x: ColumnLike, scale = 0): Column => call('bround', c(x), literalExpr(scale, t.int()))
/** @example floor('x') */
export const floor = (x: ColumnLike): Column => call('floor', c(x))
/** @example ceil('x') */
export const ceil = (x: ColumnLike): Column => call('ceil', c(x))
/** @example sqrt('x') */
export const sqrt = (x: ColumnLike): Column => call('sqrt', c(x))
/** @example pow('x', lit(2)) */
export const pow = (x: ColumnLike, y: ColumnLike | number): Column =>
  call('pow', c(x), typeof y === 'number' ? literalOf(y) : c(y))
/** Positive remainder. @example pmod('a', lit(7)) */
export const pmod = (a: ColumnLike, b: ColumnLike | number): Column =>
  call('pmod', c(a), typeof b === 'number' ? literalOf(b) : c(b))
/** Addition giving NULL on overflow. @example try_add('a', 'b') */
export const try_add = (a: ColumnLike, b: ColumnLike): Column => call('try_add', c(a), c(b))
/** @example try_subtract('a', 'b') */
export const try_subtract = (a: ColumnLike, b: ColumnLike): Column => call('try_subtract', c(a), c(b))
/** @example try_multiply('a', 'b') */
export const try_multiply = (a: ColumnLike, b: ColumnLike): Column => call('try_multiply', c(a), c(b))
/** Division giving NULL for a zero divisor. @example try_divide('a', 'b') */
export const try_divide = (a: ColumnLike, b: ColumnLike): Column => call('try_divide', c(a), c(b))

// ---- strings ----
/** @example concat('first', lit(' '), 'last') */
export const concat = (...cols: ColumnLike[]): Column => call('concat', ...cols.map(c))
/** Joins with a separator, skipping nulls. @example concat_ws('-', 'a', 'b') */
export const concat_ws = (sep: string, ...cols: ColumnLike[]): Column<string> =>
  call('concat_ws', literalExpr(sep, t.string()), ...cols.map(c))
/** @example lower('name') */
export const lower = (x: ColumnLike): Column<string | null> => call('lower', c(x))
/** @example upper('name') */
export const upper = (x: ColumnLike): Column<string | null> => call('upper', c(x))
/** @example trim('name') */
export const trim = (x: ColumnLike): Column<string | null> => call('trim', c(x))
/** @example ltrim('name') */
export const ltrim = (x: ColumnLike): Column => call('ltrim', c(x))
/** @example rtrim('name') */
export const rtrim = (x: ColumnLike): Column => call('rtrim', c(x))
/** Characters (code points). @example length('name') */
export const length = (x: ColumnLike): Column<number | null> => call('length', c(x))
/** 1-based. @example substring('name', 1, 3) */
export const substring = (x: ColumnLike, pos: number, len: number): Column =>
  call('substring', c(x), literalOf(pos), literalOf(len))
/** @example split('csv', ',') */
export const split = (x: ColumnLike, pattern: string, limit = -1): Column =>
  call('split', c(x), literalExpr(pattern, t.string()), literalExpr(limit, t.int()))
/** @example regexp_extract('url', 'id=(\\d+)', 1) */
export const regexp_extract = (x: ColumnLike, pattern: string, idx: number): Column =>
  call('regexp_extract', c(x), literalExpr(pattern, t.string()), literalExpr(idx, t.int()))
/** @example regexp_replace('s', '\\s+', ' ') */
export const regexp_replace = (x: ColumnLike, pattern: string, replacement: string): Column =>
  call('regexp_replace', c(x), literalExpr(pattern, t.string()), literalExpr(replacement, t.string()))
/** @example lpad('id', 5, '0') */
export const lpad = (x: ColumnLike, len: number, pad: string): Column =>
  call('lpad', c(x), literalOf(len), literalOf(pad))
/** @example rpad('id', 5, ' ') */
export const rpad = (x: ColumnLike, len: number, pad: string): Column =>
  call('rpad', c(x), literalOf(len), literalOf(pad))
/** @example instr('s', 'x') */
export const instr = (x: ColumnLike, sub: string): Column => call('instr', c(x), literalOf(sub))

// ---- structs, arrays, maps ----
/** @example struct('a', 'b') */
export const struct = (...cols: ColumnLike[]): Column => call('struct', ...cols.map(c))
/** @example array('a', 'b') */
export const array = (...cols: ColumnLike[]): Column => call('array', ...cols.map(c))
/** @example create_map(lit('k'), 'v') */
export const create_map = (...cols: ColumnLike[]): Column => call('map', ...cols.map(c))
/** Number of elements; -1 for NULL (Spark's default). @example size('tags') */
export const size = (x: ColumnLike): Column<number> => call('size', c(x))
/** 1-based array element or map value. @example element_at('tags', 1) */
export const element_at = (x: ColumnLike, key: ColumnOrValue): Column => call('element_at', c(x), toExpr(key))
/** @example array_contains('tags', 'x') */
export const array_contains = (x: ColumnLike, v: ColumnOrValue): Column =>
  call('array_contains', c(x), toExpr(v))
/** One row per element (or map entry). @example df.select('id', explode('tags').alias('tag')) */
export const explode = (x: ColumnLike): Column => call('explode', c(x))
/** Like explode, with a NULL row for an empty or NULL collection. @example explode_outer('tags') */
export const explode_outer = (x: ColumnLike): Column => call('explode_outer', c(x))
/** explode with the position. @example posexplode('tags') */
export const posexplode = (x: ColumnLike): Column => call('posexplode', c(x))

// ---- aggregates ----
/** Rows (`'*'`) or non-null values. @example count('*') */
export const count = (x: ColumnLike): Column<number> =>
  call('count', x === '*' ? literalExpr(1, t.int()) : c(x))
/** @example countDistinct('user') */
export const countDistinct = (...cols: ColumnLike[]): Column<number> =>
  new Column(callExpr('count', cols.map(c), true))
/** @example count_distinct('user') */
export const count_distinct = countDistinct
/** @example sum('price') */
export const sum = (x: ColumnLike): Column<number | null> => call('sum', c(x))
/** @example sum_distinct('price') */
export const sum_distinct = (x: ColumnLike): Column<number | null> =>
  new Column(callExpr('sum', [c(x)], true))
/** @example avg('price') */
export const avg = (x: ColumnLike): Column<number | null> => call('avg', c(x))
/** @example mean('price') */
export const mean = avg
/** @example min('price') */
export const min = (x: ColumnLike): Column => call('min', c(x))
/** @example max('price') */
export const max = (x: ColumnLike): Column => call('max', c(x))
/** @example first('price', true) */
export const first = (x: ColumnLike, ignoreNulls = false): Column =>
  call('first', c(x), literalExpr(ignoreNulls, t.boolean()))
/** @example last('price') */
export const last = (x: ColumnLike, ignoreNulls = false): Column =>
  call('last', c(x), literalExpr(ignoreNulls, t.boolean()))
/** @example collect_list('item') */
export const collect_list = (x: ColumnLike): Column<unknown[]> => call('collect_list', c(x))
/** @example collect_set('item') */
export const collect_set = (x: ColumnLike): Column<unknown[]> => call('collect_set', c(x))

/** HyperLogLog++ estimate; `rsd` is the relative standard deviation (default 0.05: ~95% of estimates within 10%). @example approx_count_distinct('user') */
export const approx_count_distinct = (x: ColumnLike, rsd = 0.05): Column<number> =>
  call('approx_count_distinct', c(x), literalExpr(rsd, t.double()))

// ---- hashing ----
/** Spark's Murmur3 hash of the columns (seed 42), stable across runs and processes. @example hash('user', 'day') */
export const hash = (...cols: ColumnLike[]): Column<number> => call('hash', ...cols.map(c))
/** Hex MD5 of a string (UTF-8) or binary. @example md5('email') */
export const md5 = (x: ColumnLike): Column<string | null> => call('md5', c(x))
/** Hex SHA-1. @example sha1('email') */
export const sha1 = (x: ColumnLike): Column<string | null> => call('sha1', c(x))
/** Hex SHA-2 with 224, 256 (or 0), 384 or 512 bits; NULL for other bit lengths. @example sha2('email', 256) */
export const sha2 = (x: ColumnLike, numBits: number): Column<string | null> =>
  call('sha2', c(x), literalExpr(numBits, t.int()))
/** CRC-32 as a bigint. @example crc32('payload') */
export const crc32 = (x: ColumnLike): Column<number | null> => call('crc32', c(x))

// ---- sort orders ----
/** @example df.orderBy(asc('a')) */
export const asc = (x: ColumnLike): Column => new Column(c(x)).asc()
/** @example df.orderBy(desc('a')) */
export const desc = (x: ColumnLike): Column => new Column(c(x)).desc()

// ---- user functions ----
/**
 * A typed user-defined function. Arguments arrive as Sluice values (nulls included).
 * @example const twice = udf((x: number | null) => (x === null ? null : x * 2), t.double()); df.select(twice('price'))
 */
export function udf<A extends unknown[], R>(
  fn: (...args: A) => R,
  returnType: DataType,
  name = fn.name || 'udf',
): (...cols: ColumnLike[]) => Column {
  return (...cols) => new Column(udfExpr(name, fn as (...args: any[]) => unknown, returnType, cols.map(c)))
}

/** Generic access to any catalog function by name. @example call_function('upper', col('a')) */
export const call_function = (name: string, ...cols: ColumnLike[]): Column => call(name, ...cols.map(c))

export { c as columnExprOf }

// ---- date and time ----
const strLit = (s: string) => literalExpr(s, t.string())
/** Parses a string (Spark's cast rules, or a datetime pattern); ANSI: unparseable text is an error. @example to_timestamp('ts', 'yyyy-MM-dd HH:mm') */
export const to_timestamp = (x: ColumnLike, format?: string): Column<number | null> =>
  call('to_timestamp', c(x), ...(format === undefined ? [] : [strLit(format)]))
/** Like to_timestamp, NULL for unparseable text. @example try_to_timestamp('ts') */
export const try_to_timestamp = (x: ColumnLike, format?: string): Column =>
  call('try_to_timestamp', c(x), ...(format === undefined ? [] : [strLit(format)]))
/** @example to_date('ts') */
export const to_date = (x: ColumnLike, format?: string): Column =>
  call('to_date', c(x), ...(format === undefined ? [] : [strLit(format)]))
/** Formats with a Spark datetime pattern in the session time zone. @example date_format('ts', 'yyyy-MM-dd HH:mm') */
export const date_format = (x: ColumnLike, format: string): Column<string | null> =>
  call('date_format', c(x), strLit(format))
/** @example year('ts') */
export const year = (x: ColumnLike): Column => call('year', c(x))
/** @example month('ts') */
export const month = (x: ColumnLike): Column => call('month', c(x))
/** @example dayofmonth('ts') */
export const dayofmonth = (x: ColumnLike): Column => call('dayofmonth', c(x))
/** 1 = Sunday ... 7 = Saturday. @example dayofweek('ts') */
export const dayofweek = (x: ColumnLike): Column => call('dayofweek', c(x))
/** @example hour('ts') */
export const hour = (x: ColumnLike): Column<number | null> => call('hour', c(x))
/** @example minute('ts') */
export const minute = (x: ColumnLike): Column<number | null> => call('minute', c(x))
/** @example second('ts') */
export const second = (x: ColumnLike): Column => call('second', c(x))
/** Fixed for one query execution. @example current_timestamp() */
export const current_timestamp = (): Column => call('current_timestamp')
/** @example current_date() */
export const current_date = (): Column => call('current_date')
/** Seconds since the epoch to a formatted string. @example from_unixtime('secs') */
export const from_unixtime = (x: ColumnLike, format = 'yyyy-MM-dd HH:mm:ss'): Column =>
  call('from_unixtime', c(x), strLit(format))
/** Seconds since the epoch of a timestamp, or of a string parsed with `format`; now when no argument. @example unix_timestamp('ts') */
export const unix_timestamp = (x?: ColumnLike, format?: string): Column =>
  x === undefined
    ? call('unix_timestamp')
    : call('unix_timestamp', c(x), ...(format === undefined ? [] : [strLit(format)]))
/** @example timestamp_seconds('secs') */
export const timestamp_seconds = (x: ColumnLike): Column => call('timestamp_seconds', c(x))
/** @example timestamp_millis('ms') */
export const timestamp_millis = (x: ColumnLike): Column => call('timestamp_millis', c(x))
/** @example date_add('d', 1) */
export const date_add = (x: ColumnLike, days: number): Column => call('date_add', c(x), literalOf(days))
/** @example datediff('end', 'start') */
export const datediff = (end: ColumnLike, start: ColumnLike): Column => call('datediff', c(end), c(start))

// ---- time windows ----
/**
 * Event-time windows, as a struct column `window` of `start` (inclusive) and `end` (exclusive).
 * Tumbling when `slideDuration` is omitted; sliding otherwise (a row goes to every window that
 * contains it). `startTime` offsets the windows from 1970-01-01. Rows with a NULL time are dropped.
 * Durations are interval strings ('10 minutes', '1 hour 30 minutes').
 * @example df.groupBy(window('ts', '10 minutes', '5 minutes'), 'user').count()
 */
export const window = (
  timeColumn: ColumnLike,
  windowDuration: string,
  slideDuration?: string,
  startTime?: string,
): Column<{ start: number | null; end: number | null }> => {
  const args = [c(timeColumn), strLit(windowDuration)]
  if (slideDuration !== undefined || startTime !== undefined)
    args.push(strLit(slideDuration ?? windowDuration))
  if (startTime !== undefined) args.push(strLit(startTime))
  return call('window', ...args)
}
/**
 * Session windows, as a struct column `session_window`: a row's session is [time, time + gap), and
 * in a groupBy the sessions of one group that overlap merge into one. The gap is an interval string
 * or a string column evaluated per row (rows whose gap is NULL, not an interval, or not positive are dropped).
 * @example df.groupBy(session_window('ts', '5 minutes'), 'user').count()
 */
export const session_window = (
  timeColumn: ColumnLike,
  gapDuration: string | Column,
): Column<{ start: number | null; end: number | null }> =>
  call(
    'session_window',
    c(timeColumn),
    typeof gapDuration === 'string' ? strLit(gapDuration) : gapDuration.expr,
  )
/**
 * The event time of a window column: its end minus 1 millisecond (Spark subtracts 1 microsecond;
 * Sluice timestamps have millisecond precision).
 * @example df.groupBy(window('ts', '10 minutes')).count().select(window_time('window'))
 */
export const window_time = (windowColumn: ColumnLike): Column<number | null> =>
  call('window_time', c(windowColumn))

// ---- JSON ----
/**
 * Parses JSON text with a schema (a struct, array or map type, a DDL string or Spark schema JSON).
 * Options as Spark's: `mode` PERMISSIVE (default: malformed fields become NULL, the raw text goes
 * to a `_corrupt_record` string field if the schema has one) or FAILFAST (an error naming the record).
 * @example from_json('value', t.struct({ id: t.long() }), { mode: 'FAILFAST' })
 */
export const from_json = (
  x: ColumnLike,
  schema: DataType | string,
  options: Record<string, string> = {},
): Column =>
  call(
    'from_json',
    c(x),
    strLit(typeof schema === 'string' ? schema : JSON.stringify(typeToJson(schema))),
    literalExpr(new Map(Object.entries(options)), t.map(t.string(), t.string())),
  )
/** Struct, array or map to JSON text. @example to_json(struct('a', 'b')) */
export const to_json = (x: ColumnLike): Column<string | null> => call('to_json', c(x))
/** Extracts with a JSONPath (`$.a.b[0]`); strings come back unquoted. @example get_json_object('value', '$.user.id') */
export const get_json_object = (x: ColumnLike, path: string): Column =>
  call('get_json_object', c(x), strLit(path))

// ---- Avro ----
const optionsLit = (options: Record<string, string>) =>
  literalExpr(new Map(Object.entries(options)), t.map(t.string(), t.string()))
/**
 * Decodes Avro binary written with `jsonFormatSchema` (Spark's spark-avro `from_avro`). Options:
 * `mode` FAILFAST (default) or PERMISSIVE (malformed -> null / a struct of nulls), `avroSchema` (a
 * reader schema to evolve to), and for Kafka values from Confluent serializers
 * `wireFormat: 'confluent'` (skip magic byte + 4-byte schema id) with optional `schemaId` to check.
 * With `schema.registry.url` (Confluent's REST API) each value's schema id names its writer schema,
 * resolved into the reader schema (`jsonFormatSchema`, or null to take `subject`'s `version`,
 * default latest): see README "Schema registry".
 * @example from_avro('value', null, { 'schema.registry.url': 'http://localhost:8081', subject: 'orders-value' })
 * @example from_avro('value', '{"type":"record","name":"r","fields":[{"name":"id","type":"long"}]}', { mode: 'PERMISSIVE' })
 */
export const from_avro = (
  x: ColumnLike,
  jsonFormatSchema: string | null,
  options: Record<string, string> = {},
): Column => call('from_avro', c(x), literalExpr(jsonFormatSchema, t.string()), optionsLit(options))
/**
 * Encodes a value as Avro binary, with `jsonFormatSchema` or the schema Spark derives (record
 * `topLevelRecord`, nullable -> union with null). Options: `wireFormat: 'confluent'` with `schemaId`
 * prefixes the Confluent header. With `schema.registry.url` the schema is registered under its
 * subject (`topic` with `subject.name.strategy`, or `subject`) and its id written in each header.
 * @example to_avro(struct('id', 'name'), undefined, { 'schema.registry.url': 'http://localhost:8081', topic: 'users' })
 * @example to_avro(struct('id', 'name')).alias('value')
 */
export const to_avro = (
  x: ColumnLike,
  jsonFormatSchema?: string,
  options: Record<string, string> = {},
): Column<Uint8Array | null> =>
  call('to_avro', c(x), literalExpr(jsonFormatSchema ?? null, t.string()), optionsLit(options))
