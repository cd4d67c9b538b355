import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  avg,
  col,
  collect_list,
  collect_set,
  count,
  countDistinct,
  desc,
  explode,
  first,
  last,
  lit,
  max,
  min,
  Sluice,
  sum,
  t,
  udf,
  upper,
  when,
} from '../../../src/index.ts'

const printed: string[] = []
const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC', output: (s) => printed.push(s) })

const Sales = t.struct({ id: t.notNull(t.long()), cat: t.string(), price: t.double(), qty: t.int() })
const sales = sluice.createDataFrame(
  [
    { id: 1, cat: 'a', price: 10, qty: 1 },
    { id: 2, cat: 'b', price: 20, qty: 2 },
    { id: 3, cat: 'a', price: 30, qty: null },
    { id: 4, cat: null, price: null, qty: 4 },
    { id: 5, cat: 'b', price: 5, qty: 5 },
  ],
  Sales,
)

describe('DataFrame (batch)', () => {
  it('selects, filters and computes columns', () => {
    const rows = sales
      .filter(col('price').gt(8))
      .select(col('id'), col('price').multiply(2).alias('p2'))
      .collect()
    assert.deepEqual(rows, [
      { id: 1, p2: 20 },
      { id: 2, p2: 40 },
      { id: 3, p2: 60 },
    ])
  })

  it('names unaliased columns as Spark does', () => {
    assert.deepEqual(sales.select(col('price').plus(1), upper('cat'), col('qty').cast('bigint')).columns, [
      '(price + 1)',
      'upper(cat)',
      'qty',
    ])
    assert.deepEqual(sales.agg(count('*'), sum('price')).columns, ['count(1)', 'sum(price)'])
  })

  it('accepts SQL expressions in selectExpr and filter', () => {
    const rows = sales
      .selectExpr('id', 'price * 0.5 AS half', 'CASE WHEN qty > 2 THEN "many" ELSE "few" END AS q')
      .filter('id <= 2')
      .collect()
    assert.deepEqual(rows, [
      { id: 1, half: 5, q: 'few' },
      { id: 2, half: 10, q: 'few' },
    ])
  })

  it('adds, replaces, renames and drops columns', () => {
    const df = sales
      .withColumn('price', col('price').plus(1))
      .withColumn('big', col('price').gt(20))
      .withColumnRenamed('cat', 'category')
      .drop('qty')
    assert.deepEqual(df.columns, ['id', 'category', 'price', 'big'])
    assert.deepEqual(df.collect()[1], { id: 2, category: 'b', price: 21, big: true })
  })

  it('groups and aggregates with SQL null semantics', () => {
    const rows = sales
      .groupBy('cat')
      .agg(
        count('*').alias('n'),
        count('qty').alias('nq'),
        sum('price').alias('s'),
        avg('qty').alias('aq'),
        min('price').alias('lo'),
        max('price').alias('hi'),
        collect_list('id').alias('ids'),
      )
      .orderBy('cat')
      .collect()
    assert.deepEqual(rows, [
      { cat: null, n: 1, nq: 1, s: null, aq: 4, lo: null, hi: null, ids: [4] },
      { cat: 'a', n: 2, nq: 1, s: 40, aq: 1, lo: 10, hi: 30, ids: [1, 3] },
      { cat: 'b', n: 2, nq: 2, s: 25, aq: 3.5, lo: 5, hi: 20, ids: [2, 5] },
    ])
  })

  it('aggregates over all rows, including an empty input', () => {
    assert.deepEqual(sales.agg(count('*').alias('n'), sum('qty').alias('q')).collect(), [{ n: 5, q: 12 }])
    assert.deepEqual(sales.filter(lit(false)).agg(count('*').alias('n'), sum('qty').alias('q')).collect(), [
      { n: 0, q: null },
    ])
  })

  it('combines aggregates and grouping keys in one output expression', () => {
    const rows = sales
      .groupBy('cat')
      .agg(sum('price').divide(count('price')).alias('mean'), upper(col('cat')).alias('u'))
      .filter(col('cat').isNotNull())
      .orderBy('cat')
      .collect()
    assert.deepEqual(rows, [
      { cat: 'a', mean: 20, u: 'A' },
      { cat: 'b', mean: 12.5, u: 'B' },
    ])
  })

  it('supports distinct aggregates, first/last and collect_set', () => {
    const df = sluice.createDataFrame(
      [
        { k: 1, v: 'x' },
        { k: 1, v: 'x' },
        { k: 1, v: null },
        { k: 1, v: 'y' },
      ],
      t.struct({ k: t.int(), v: t.string() }),
    )
    const [row] = df
      .groupBy('k')
      .agg(
        countDistinct('v').alias('d'),
        first('v').alias('f'),
        last('v', true).alias('l'),
        collect_set('v').alias('s'),
      )
      .collect()
    assert.deepEqual(row, { k: 1, d: 2, f: 'x', l: 'y', s: ['x', 'y'] })
  })

  it('orders with nulls first ascending and last descending, as Spark does', () => {
    assert.deepEqual(
      sales
        .orderBy('price')
        .collect()
        .map((r) => r.id),
      [4, 5, 1, 2, 3],
    )
    assert.deepEqual(
      sales
        .orderBy(desc('price'))
        .collect()
        .map((r) => r.id),
      [3, 2, 1, 5, 4],
    )
  })

  it('limits, distincts and drops duplicates', () => {
    assert.equal(sales.limit(2).count(), 2)
    assert.deepEqual(sales.select('cat').distinct().orderBy('cat').collect(), [
      { cat: null },
      { cat: 'a' },
      { cat: 'b' },
    ])
    assert.deepEqual(
      sales
        .dropDuplicates(['cat'])
        .collect()
        .map((r) => r.id),
      [1, 2, 4],
    )
  })

  it('unions by position and by name', () => {
    const a = sluice.createDataFrame([{ x: 1, y: 'a' }], t.struct({ x: t.int(), y: t.string() }))
    const b = sluice.createDataFrame([{ y: 'b', x: 2 }], t.struct({ y: t.string(), x: t.long() }))
    assert.deepEqual(a.unionByName(b).collect(), [
      { x: 1, y: 'a' },
      { x: 2, y: 'b' },
    ])
    assert.deepEqual(
      a.unionByName(b).schema.fields.map((f) => f.type.kind),
      ['long', 'string'],
    )
  })

  it('explodes arrays into rows', () => {
    const df = sluice.createDataFrame(
      [
        { id: 1, tags: ['a', 'b'] },
        { id: 2, tags: [] },
        { id: 3, tags: null },
      ],
      t.struct({ id: t.int(), tags: t.array(t.string()) }),
    )
    assert.deepEqual(df.select('id', explode('tags').alias('tag')).collect(), [
      { id: 1, tag: 'a' },
      { id: 1, tag: 'b' },
    ])
  })

  it('runs typed udfs and map/flatMap', () => {
    const twice = udf((x: number | null) => (x === null ? null : x * 2), t.double())
    assert.deepEqual(sales.select(twice('price').alias('p')).limit(2).collect(), [{ p: 20 }, { p: 40 }])
    const Out = t.struct({ id: t.long(), label: t.string() })
    const mapped = sales
      .map((r) => ({ id: r.id, label: `#${r.id}` }), Out)
      .limit(1)
      .collect()
    assert.deepEqual(mapped, [{ id: 1, label: '#1' }])
    const flat = sales.flatMap((r) => (r.qty === null ? [] : [{ id: r.id, label: 'x' }]), Out).count()
    assert.equal(flat, 4)
  })

  it('evaluates when/otherwise chains', () => {
    const rows = sales
      .select(when(col('price').gt(15), 'hi').when(col('price').gt(0), 'lo').otherwise('none').alias('b'))
      .collect()
    assert.deepEqual(
      rows.map((r) => r.b),
      ['lo', 'hi', 'hi', 'none', 'lo'],
    )
  })

  it('shows a table in Spark format', () => {
    printed.length = 0
    sales.select('id', 'cat', 'price').show(2)
    assert.equal(
      printed[0],
      [
        '+---+---+-----+',
        '| id|cat|price|',
        '+---+---+-----+',
        '|  1|  a| 10.0|',
        '|  2|  b| 20.0|',
        '+---+---+-----+',
        'only showing top 2 rows',
        '',
      ].join('\n'),
    )
    printed.length = 0
    sales.filter('id = 4').select('cat').show()
    assert.equal(printed[0], ['+----+', '| cat|', '+----+', '|NULL|', '+----+', ''].join('\n'))
  })

  it('explains the analyzed and physical plans, showing the fused stage', () => {
    printed.length = 0
    sales.filter(col('price').gt(1)).select('id').groupBy('id').agg(count('*')).explain(true)
    assert.match(printed[0], /== Analyzed Logical Plan ==/)
    assert.match(
      printed[0],
      /HashAggregateExec keys=\[id#0\], functions=\[count\(1\)\] <- Filter \(price > 1\) -> Project/,
    )
    printed.length = 0
    sales.filter(col('price').gt(1)).select('id').explain('codegen')
    assert.match(printed[0], /== Generated code: PipelineExec ==/)
    assert.match(printed[0], /for \(let i = 0; i < rows.length; i\+\+\)/)
  })

  it('prints the schema', () => {
    printed.length = 0
    sales.select('id').printSchema()
    assert.equal(printed[0], 'root\n |-- id: long (nullable = false)\n')
  })
})
