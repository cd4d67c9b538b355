/**
 * Array, map and higher-order functions of `sluice` (Spark's `pyspark.sql.functions` names). A
 * lambda is a JavaScript function from Columns to a Column: `transform('xs', (x) => x.plus(1))`
 * is SQL's `transform(xs, x -> x + 1)`; its parameter count picks the form (`(x, i) => ...`).
 */
import { callExpr, columnExpr, type Expr, lambdaExpr, literalExpr, splitName } from '../plan/expr.ts'
import { t } from '../schema/data-type.ts'
import { Column, type ColumnOrValue, toExpr } from './column.ts'

type ColumnLike = Column | string
type Lambda = (...params: Column[]) => Column | ColumnOrValue

const c = (x: ColumnLike): Expr => (typeof x === 'string' ? columnExpr(splitName(x)) : x.expr)
const call = (name: string, ...args: Expr[]): Column => new Column(callExpr(name, args))

const PARAM_NAMES = ['x', 'y', 'z']
// NOTE: lambdas are built synchronously, so this nesting depth cannot leak between calls; it keeps an
// inner lambda's parameters apart from the outer ones (`x_0` outside, `x_1` inside).
let depth = 0

/** A lambda expression from a JS function, with `count` parameters (its `length` when omitted). */
function lambda(fn: Lambda, count = Math.max(1, fn.length)): Expr {
  const names = Array.from({ length: count }, (_, i) => `${PARAM_NAMES[i] ?? `p${i}`}_${depth}`)
  depth++
  try {
    return lambdaExpr(names, toExpr(fn(...names.map((n) => new Column(columnExpr([n]))))))
  } finally {
    depth--
  }
}

// ---- higher-order functions ----
/** Applies `f` to each element (`(x)` or `(x, i)`). @example transform('xs', (x) => x.plus(1)) */
export const transform = (arr: ColumnLike, f: Lambda): Column => call('transform', c(arr), lambda(f))
/** Keeps the elements where `f` is true. @example filter('xs', (x) => x.gt(0)) */
export const filter = (arr: ColumnLike, f: Lambda): Column => call('filter', c(arr), lambda(f))
/** Whether `f` holds for some element (NULL when none does but one gives NULL). @example exists('xs', (x) => x.gt(0)) */
export const exists = (arr: ColumnLike, f: Lambda): Column => call('exists', c(arr), lambda(f, 1))
/** Whether `f` holds for every element. @example forall('xs', (x) => x.gt(0)) */
export const forall = (arr: ColumnLike, f: Lambda): Column => call('forall', c(arr), lambda(f, 1))
/**
 * Folds the array from `initial` with `merge`, then applies `finish`.
 * @example aggregate('xs', lit(0), (acc, x) => acc.plus(x))
 */
export const aggregate = (arr: ColumnLike, initial: Column, merge: Lambda, finish?: Lambda): Column =>
  finish === undefined
    ? call('aggregate', c(arr), initial.expr, lambda(merge, 2))
    : call('aggregate', c(arr), initial.expr, lambda(merge, 2), lambda(finish, 1))
/** Same as aggregate(). @example reduce('xs', lit(0), (acc, x) => acc.plus(x)) */
export const reduce = (arr: ColumnLike, initial: Column, merge: Lambda, finish?: Lambda): Column =>
  finish === undefined
    ? call('reduce', c(arr), initial.expr, lambda(merge, 2))
    : call('reduce', c(arr), initial.expr, lambda(merge, 2), lambda(finish, 1))
/** Merges two arrays element-wise (the shorter padded with NULLs). @example zip_with('a', 'b', (x, y) => x.plus(y)) */
export const zip_with = (a: ColumnLike, b: ColumnLike, f: Lambda): Column =>
  call('zip_with', c(a), c(b), lambda(f, 2))
/** Keeps the entries where `f(k, v)` is true. @example map_filter('m', (k, v) => v.gt(0)) */
export const map_filter = (m: ColumnLike, f: Lambda): Column => call('map_filter', c(m), lambda(f, 2))
/** New keys from `f(k, v)`. @example transform_keys('m', (k, v) => upper(k)) */
export const transform_keys = (m: ColumnLike, f: Lambda): Column => call('transform_keys', c(m), lambda(f, 2))
/** New values from `f(k, v)`. @example transform_values('m', (k, v) => v.multiply(2)) */
export const transform_values = (m: ColumnLike, f: Lambda): Column =>
  call('transform_values', c(m), lambda(f, 2))
/** Merges two maps by key with `f(k, v1, v2)`. @example map_zip_with('a', 'b', (k, x, y) => x.plus(y)) */
export const map_zip_with = (a: ColumnLike, b: ColumnLike, f: Lambda): Column =>
  call('map_zip_with', c(a), c(b), lambda(f, 3))

// ---- arrays ----
/** @example array_distinct('xs') */
export const array_distinct = (x: ColumnLike): Column => call('array_distinct', c(x))
/** @example array_union('a', 'b') */
export const array_union = (a: ColumnLike, b: ColumnLike): Column => call('array_union', c(a), c(b))
/** @example array_intersect('a', 'b') */
export const array_intersect = (a: ColumnLike, b: ColumnLike): Column => call('array_intersect', c(a), c(b))
/** @example array_except('a', 'b') */
export const array_except = (a: ColumnLike, b: ColumnLike): Column => call('array_except', c(a), c(b))
/** @example arrays_overlap('a', 'b') */
export const arrays_overlap = (a: ColumnLike, b: ColumnLike): Column => call('arrays_overlap', c(a), c(b))
/** 1-based position of the first `v`, 0 when absent. @example array_position('xs', 3) */
export const array_position = (x: ColumnLike, v: ColumnOrValue): Column =>
  call('array_position', c(x), toExpr(v))
/** @example array_remove('xs', 3) */
export const array_remove = (x: ColumnLike, v: ColumnOrValue): Column => call('array_remove', c(x), toExpr(v))
/** @example array_append('xs', 3) */
export const array_append = (x: ColumnLike, v: ColumnOrValue): Column => call('array_append', c(x), toExpr(v))
/** @example array_prepend('xs', 3) */
export const array_prepend = (x: ColumnLike, v: ColumnOrValue): Column =>
  call('array_prepend', c(x), toExpr(v))
/** @example array_compact('xs') */
export const array_compact = (x: ColumnLike): Column => call('array_compact', c(x))
/** @example array_max('xs') */
export const array_max = (x: ColumnLike): Column => call('array_max', c(x))
/** @example array_min('xs') */
export const array_min = (x: ColumnLike): Column => call('array_min', c(x))
/** Nulls first ascending, last descending. @example sort_array('xs', false) */
export const sort_array = (x: ColumnLike, asc = true): Column =>
  call('sort_array', c(x), literalExpr(asc, t.boolean()))
/** Ascending with nulls last, or by a comparator. @example array_sort('xs', (l, r) => r.minus(l)) */
export const array_sort = (x: ColumnLike, comparator?: Lambda): Column =>
  comparator === undefined ? call('array_sort', c(x)) : call('array_sort', c(x), lambda(comparator, 2))
/** 1-based start (negative from the end). @example slice('xs', 2, 3) */
export const slice = (x: ColumnLike, start: ColumnOrValue, length: ColumnOrValue): Column =>
  call('slice', c(x), toExpr(start), toExpr(length))
/** @example flatten('nested') */
export const flatten = (x: ColumnLike): Column => call('flatten', c(x))
/** @example sequence(lit(1), lit(5)) */
export const sequence = (start: ColumnLike, stop: ColumnLike, step?: ColumnLike): Column =>
  step === undefined ? call('sequence', c(start), c(stop)) : call('sequence', c(start), c(stop), c(step))
/** @example arrays_zip('a', 'b') */
export const arrays_zip = (...cols: ColumnLike[]): Column => call('arrays_zip', ...cols.map(c))
/** @example array_join('xs', ',', 'NULL') */
export const array_join = (x: ColumnLike, delimiter: string, nullReplacement?: string): Column =>
  nullReplacement === undefined
    ? call('array_join', c(x), literalExpr(delimiter, t.string()))
    : call('array_join', c(x), literalExpr(delimiter, t.string()), literalExpr(nullReplacement, t.string()))
/** @example array_repeat('x', 3) */
export const array_repeat = (x: ColumnLike, count: ColumnOrValue): Column =>
  call('array_repeat', c(x), toExpr(count))
/** @example array_insert('xs', 2, lit(9)) */
export const array_insert = (x: ColumnLike, pos: ColumnOrValue, v: ColumnOrValue): Column =>
  call('array_insert', c(x), toExpr(pos), toExpr(v))
/** Reverses a string or an array. @example reverse('xs') */
export const reverse = (x: ColumnLike): Column => call('reverse', c(x))

// ---- maps ----
/** @example map_keys('m') */
export const map_keys = (m: ColumnLike): Column => call('map_keys', c(m))
/** @example map_values('m') */
export const map_values = (m: ColumnLike): Column => call('map_values', c(m))
/** @example map_entries('m') */
export const map_entries = (m: ColumnLike): Column => call('map_entries', c(m))
/** @example map_from_entries('pairs') */
export const map_from_entries = (x: ColumnLike): Column => call('map_from_entries', c(x))
/** @example map_from_arrays('keys', 'values') */
export const map_from_arrays = (k: ColumnLike, v: ColumnLike): Column => call('map_from_arrays', c(k), c(v))
/** @example map_concat('a', 'b') */
export const map_concat = (...maps: ColumnLike[]): Column => call('map_concat', ...maps.map(c))
/** @example map_contains_key('m', 'k') */
export const map_contains_key = (m: ColumnLike, key: ColumnOrValue): Column =>
  call('map_contains_key', c(m), toExpr(key))
/** @example str_to_map('text', ',', ':') */
export const str_to_map = (x: ColumnLike, pairDelim = ',', keyValueDelim = ':'): Column =>
  call('str_to_map', c(x), literalExpr(pairDelim, t.string()), literalExpr(keyValueDelim, t.string()))
