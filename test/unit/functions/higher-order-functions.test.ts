/**
 * Higher-order functions from the TypeScript API (JS functions as lambdas) agree with the same
 * lambdas written in SQL, whose answers are checked against Spark in spark-functions.test.ts.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  aggregate,
  array_sort,
  col,
  concat,
  exists,
  expr,
  filter,
  forall,
  isSluiceError,
  lit,
  map_filter,
  map_zip_with,
  Sluice,
  t,
  transform,
  transform_keys,
  transform_values,
  when,
  zip_with,
} from '../../../src/index.ts'

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
const S = t.struct({
  id: t.long(),
  xs: t.array(t.long()),
  ys: t.array(t.long()),
  m: t.map(t.string(), t.long()),
})
const df = sluice.createDataFrame(
  [
    {
      id: 1,
      xs: [1, 2, 3],
      ys: [10, 20],
      m: new Map([
        ['a', 1],
        ['b', -2],
      ]),
    },
    { id: 2, xs: [], ys: [5], m: new Map() },
    { id: 3, xs: null, ys: [null], m: null },
    { id: 4, xs: [4, null], ys: [], m: new Map([['c', 3]]) },
  ],
  S,
)
const values = (c: ReturnType<typeof col>) =>
  df
    .orderBy('id')
    .select(c.alias('c'))
    .collect()
    .map((r) => r.c)
const sqlValues = (sql: string) => values(expr(sql))

describe('higher-order functions from TypeScript', () => {
  it('gives the same answers as the SQL lambdas', () => {
    const pairs: [ReturnType<typeof col>, string][] = [
      [transform('xs', (x) => x.plus(1)), 'transform(xs, x -> x + 1)'],
      [transform('xs', (x, i) => x.multiply(i)), 'transform(xs, (x, i) -> x * i)'],
      [transform('xs', (x) => x.plus(col('id'))), 'transform(xs, x -> x + id)'],
      [
        transform('xs', (x) => transform('ys', (y) => x.plus(y))),
        'transform(xs, x -> transform(ys, y -> x + y))',
      ],
      [filter('xs', (x) => x.gt(1)), 'filter(xs, x -> x > 1)'],
      [exists('xs', (x) => x.gt(2)), 'exists(xs, x -> x > 2)'],
      [forall('xs', (x) => x.gt(0)), 'forall(xs, x -> x > 0)'],
      [
        aggregate('xs', lit(0).cast('bigint'), (acc, x) => acc.plus(x)),
        'aggregate(xs, 0L, (acc, x) -> acc + x)',
      ],
      [
        aggregate(
          'xs',
          lit(0).cast('bigint'),
          (acc, x) => acc.plus(x),
          (acc) => acc.multiply(10),
        ),
        'aggregate(xs, 0L, (acc, x) -> acc + x, acc -> acc * 10)',
      ],
      [zip_with('xs', 'ys', (x, y) => x.plus(y)), 'zip_with(xs, ys, (x, y) -> x + y)'],
      [array_sort('ys', (l, r) => r.minus(l).cast('int')), 'array_sort(ys, (l, r) -> CAST(r - l AS INT))'],
      [map_filter('m', (_k, v) => v.gt(0)), 'map_filter(m, (k, v) -> v > 0)'],
      [
        transform_values('m', (k, v) => when(k.eqNullSafe('a'), v.multiply(100)).otherwise(v)),
        "transform_values(m, (k, v) -> CASE WHEN k <=> 'a' THEN v * 100 ELSE v END)",
      ],
      [transform_keys('m', (k) => concat(k, lit('!'))), "transform_keys(m, (k, v) -> concat(k, '!'))"],
      [map_zip_with('m', 'm', (_k, a, b) => a.plus(b)), 'map_zip_with(m, m, (k, a, b) -> a + b)'],
    ]
    for (const [column, sql] of pairs) assert.deepEqual(values(column), sqlValues(sql), sql)
    assert.deepEqual(sqlValues('transform(xs, x -> x + id)'), [[2, 3, 4], [], null, [8, null]])
    assert.deepEqual(sqlValues('exists(xs, x -> x > 3)'), [false, false, null, true])
  })

  it('runs lambdas inside filters of a fused stage', () => {
    const ids = df
      .filter(exists('xs', (x) => x.eq(col('id'))))
      .select('id')
      .collect()
    assert.deepEqual(ids, [{ id: 1 }, { id: 4 }])
  })

  it('refuses a lambda where no higher-order function takes one, and a wrong parameter count', () => {
    assert.throws(
      () => sqlValues('upper(x -> x)'),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
    assert.throws(
      () => sqlValues('exists(xs, (x, i) -> x > i)'),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
    assert.throws(
      () => sqlValues('filter(xs, x -> x + 1)'),
      (e) => isSluiceError(e, 'DATATYPE_MISMATCH'),
    )
  })
})
