/**
 * More of Spark's functions by their `pyspark.sql.functions` names: strings, date/time and the
 * statistical aggregates. Every catalog function is also reachable through `expr('...')` and
 * `call_function(name, ...cols)`; docs/functions.md lists them all.
 */
import { SluiceError } from '../errors.ts'
import { callExpr, columnExpr, type Expr, literalExpr, splitName } from '../plan/expr.ts'
import { t } from '../schema/data-type.ts'
import { Column, type ColumnOrValue, literalOf, toExpr } from './column.ts'

type ColumnLike = Column | string

const c = (x: ColumnLike): Expr => (typeof x === 'string' ? columnExpr(splitName(x)) : x.expr)
const call = <T = unknown>(name: string, ...args: Expr[]): Column<T> => new Column<T>(callExpr(name, args))
const str = (s: string): Expr => literalExpr(s, t.string())

// ---- strings and misc ----
/** Replaces every `search` with `replacement`. @example replace('s', lit('a'), lit('b')) */
export const replace = (x: ColumnLike, search: ColumnLike, replacement?: ColumnLike): Column =>
  replacement === undefined
    ? call('replace', c(x), c(search))
    : call('replace', c(x), c(search), c(replacement))
/** @example translate('s', 'abc', 'xyz') */
export const translate = (x: ColumnLike, from: string, to: string): Column =>
  call('translate', c(x), str(from), str(to))
/** @example substring_index('host', '.', 2) */
export const substring_index = (x: ColumnLike, delim: string, count: number): Column =>
  call('substring_index', c(x), str(delim), literalOf(count))
/** @example split_part('s', lit(','), lit(2)) */
export const split_part = (x: ColumnLike, delim: ColumnLike, part: ColumnLike): Column =>
  call('split_part', c(x), c(delim), c(part))
/** @example levenshtein('a', 'b') */
export const levenshtein = (a: ColumnLike, b: ColumnLike): Column => call('levenshtein', c(a), c(b))
/** Spark's type name of the column, e.g. `array<int>`. @example typeOf('xs') */
export const typeOf = (x: ColumnLike): Column<string> => call('typeof', c(x))
export { typeOf as typeof }
/** A random UUID string per row. @example uuid() */
export const uuid = (): Column<string> => call('uuid')

// ---- random numbers ----
const seedExpr = (name: string, seed: number): Expr => {
  if (!Number.isSafeInteger(seed))
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `${name}(seed): the seed must be a whole number within ±2^53, but is ${seed}; write a larger one in SQL: expr('${name}(<seed>)').`,
    )
  return literalExpr(seed, t.long())
}
/**
 * A uniform random double in [0, 1) per row: Spark's XORShiftRandom, started again at each batch,
 * so a seed gives Spark's values (one partition) and a rerun batch the same ones.
 * @example df.select(rand(42).alias('r'))
 */
export const rand = (seed?: number): Column<number> =>
  seed === undefined ? call('rand') : call('rand', seedExpr('rand', seed))
/** A standard normal random double per row, as rand. @example df.select(randn(42).alias('n')) */
export const randn = (seed?: number): Column<number> =>
  seed === undefined ? call('randn') : call('randn', seedExpr('randn', seed))

// ---- numbers as text ----
/** `x` rounded HALF_EVEN to `d` places with grouping commas: `12,332.12`. @example format_number('price', 2) */
export const format_number = (x: ColumnLike, d: number): Column<string> =>
  call('format_number', c(x), literalOf(d))
/** Text read by a number format as a decimal (`'$99.99'`). @example to_number('price', '$999.99') */
export const to_number = (x: ColumnLike, format: string): Column<string> =>
  call('to_number', c(x), str(format))
/** As `to_number`, NULL where the text does not match. @example try_to_number('price', '999.99') */
export const try_to_number = (x: ColumnLike, format: string): Column<string> =>
  call('try_to_number', c(x), str(format))
/**
 * A number written by a number format (`'99G999D9S'`: `-12454.8` is `12,454.8-`); a date or
 * timestamp by a datetime pattern; binary as `'hex'`, `'base64'` or `'utf-8'` text.
 * @example to_char('price', '$99,999.99')
 */
export const to_char = (x: ColumnLike, format: string): Column<string> => call('to_char', c(x), str(format))
/** Same as `to_char`. @example to_varchar('price', '999.99') */
export const to_varchar = (x: ColumnLike, format: string): Column<string> =>
  call('to_varchar', c(x), str(format))

// ---- date and time ----
/** Truncates to a unit (`'year'`, `'month'`, `'week'`, `'day'`, `'hour'`, ...). @example date_trunc('hour', 'ts') */
export const date_trunc = (unit: string, ts: ColumnLike): Column => call('date_trunc', str(unit), c(ts))
/** @example trunc('d', 'month') */
export const trunc = (date: ColumnLike, unit: string): Column => call('trunc', c(date), str(unit))
/** The UTC timestamp shown as wall-clock time in `tz`. @example from_utc_timestamp('ts', 'Asia/Seoul') */
export const from_utc_timestamp = (ts: ColumnLike, tz: ColumnOrValue): Column =>
  call('from_utc_timestamp', c(ts), toExpr(tz))
/** The inverse of from_utc_timestamp. @example to_utc_timestamp('ts', 'Asia/Seoul') */
export const to_utc_timestamp = (ts: ColumnLike, tz: ColumnOrValue): Column =>
  call('to_utc_timestamp', c(ts), toExpr(tz))
/** @example make_timestamp('y', 'mo', 'd', 'h', 'mi', 's') */
export const make_timestamp = (...fields: ColumnLike[]): Column => call('make_timestamp', ...fields.map(c))
/** @example make_date('y', 'm', 'd') */
export const make_date = (y: ColumnLike, m: ColumnLike, d: ColumnLike): Column =>
  call('make_date', c(y), c(m), c(d))
/** Microseconds since the epoch. @example unix_micros('ts') */
export const unix_micros = (ts: ColumnLike): Column<number | null> => call('unix_micros', c(ts))
/** @example unix_millis('ts') */
export const unix_millis = (ts: ColumnLike): Column<number | null> => call('unix_millis', c(ts))
/** @example unix_seconds('ts') */
export const unix_seconds = (ts: ColumnLike): Column<number | null> => call('unix_seconds', c(ts))
/** @example add_months('d', 1) */
export const add_months = (d: ColumnLike, n: ColumnOrValue): Column => call('add_months', c(d), toExpr(n))
/** @example months_between('end', 'start') */
export const months_between = (end: ColumnLike, start: ColumnLike, roundOff = true): Column =>
  call('months_between', c(end), c(start), literalOf(roundOff))
/** @example last_day('d') */
export const last_day = (d: ColumnLike): Column => call('last_day', c(d))
/** @example next_day('d', 'Mon') */
export const next_day = (d: ColumnLike, dayOfWeek: string): Column => call('next_day', c(d), str(dayOfWeek))

// ---- aggregates ----
/** Sample standard deviation. @example stddev('x') */
export const stddev = (x: ColumnLike): Column<number | null> => call('stddev', c(x))
/** @example stddev_samp('x') */
export const stddev_samp = (x: ColumnLike): Column<number | null> => call('stddev_samp', c(x))
/** @example stddev_pop('x') */
export const stddev_pop = (x: ColumnLike): Column<number | null> => call('stddev_pop', c(x))
/** Sample variance. @example variance('x') */
export const variance = (x: ColumnLike): Column<number | null> => call('variance', c(x))
/** @example var_samp('x') */
export const var_samp = (x: ColumnLike): Column<number | null> => call('var_samp', c(x))
/** @example var_pop('x') */
export const var_pop = (x: ColumnLike): Column<number | null> => call('var_pop', c(x))
/** @example skewness('x') */
export const skewness = (x: ColumnLike): Column<number | null> => call('skewness', c(x))
/** @example kurtosis('x') */
export const kurtosis = (x: ColumnLike): Column<number | null> => call('kurtosis', c(x))
/** Pearson correlation. @example corr('x', 'y') */
export const corr = (x: ColumnLike, y: ColumnLike): Column<number | null> => call('corr', c(x), c(y))
/** @example covar_pop('x', 'y') */
export const covar_pop = (x: ColumnLike, y: ColumnLike): Column<number | null> =>
  call('covar_pop', c(x), c(y))
/** @example covar_samp('x', 'y') */
export const covar_samp = (x: ColumnLike, y: ColumnLike): Column<number | null> =>
  call('covar_samp', c(x), c(y))
/** Rows where the condition is true. @example count_if(col('x').gt(0)) */
export const count_if = (cond: ColumnLike): Column<number> => call('count_if', c(cond))
/** @example bool_and('ok') */
export const bool_and = (x: ColumnLike): Column<boolean | null> => call('bool_and', c(x))
/** @example bool_or('ok') */
export const bool_or = (x: ColumnLike): Column<boolean | null> => call('bool_or', c(x))
/** @example every('ok') */
export const every = (x: ColumnLike): Column<boolean | null> => call('every', c(x))
/** @example some('ok') */
export const some = (x: ColumnLike): Column<boolean | null> => call('some', c(x))
/** `x` of the row with the largest `ord`. @example max_by('name', 'price') */
export const max_by = (x: ColumnLike, ord: ColumnLike): Column => call('max_by', c(x), c(ord))
/** @example min_by('name', 'price') */
export const min_by = (x: ColumnLike, ord: ColumnLike): Column => call('min_by', c(x), c(ord))
/** Exact median (interpolated). @example median('x') */
export const median = (x: ColumnLike): Column<number | null> => call('median', c(x))
/** Exact percentile(s), interpolated. @example percentile('x', 0.9) */
export const percentile = (x: ColumnLike, p: number | readonly number[]): Column =>
  call('percentile', c(x), percentagesOf(p))
/** @example percentile_approx('x', 0.5) */
export const percentile_approx = (x: ColumnLike, p: number | readonly number[], accuracy = 10000): Column =>
  call('percentile_approx', c(x), percentagesOf(p), literalOf(accuracy))
/** The most frequent value. @example mode('x') */
export const mode = (x: ColumnLike): Column => call('mode', c(x))
/** @example any_value('x') */
export const any_value = (x: ColumnLike): Column => call('any_value', c(x))

function percentagesOf(p: number | readonly number[]): Expr {
  if (typeof p === 'number') return literalExpr(p, t.double())
  return callExpr(
    'array',
    p.map((x) => literalExpr(x, t.double())),
  )
}
