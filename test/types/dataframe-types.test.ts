// Type tests for row-type inference through the DataFrame API; `npm run typecheck` fails if they
// regress. The runtime assertions check the same DataFrames really have those columns.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { avg, col, count, type DataFrame, lit, type Row, Sluice, sum, t, upper } from '../../src/index.ts'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const expectType = <T extends true>(_: T): void => {}
type RowOf<D> = D extends DataFrame<infer R> ? R : never

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
const S = t.struct({ id: t.notNull(t.long()), cat: t.string(), price: t.double() })
const df = sluice.createDataFrame([{ id: 1, cat: 'a', price: 2 }], S)

expectType<Equal<RowOf<typeof df>, { id: number; cat: string | null; price: number | null }>>(true)

const picked = df.select('id', 'price')
expectType<Equal<RowOf<typeof picked>, { id: number; price: number | null }>>(true)

const named = df.select('cat', col('price').alias('p'), lit(1).alias('one'))
expectType<Equal<RowOf<typeof named>, { cat: string | null; p: unknown; one: 1 }>>(true)

// An unaliased expression has a name only Spark's naming rule knows: the row type stays loose.
const loose = df.select('id', upper('cat'))
expectType<Equal<RowOf<typeof loose>, Row>>(true)

const grouped = df
  .groupBy('cat')
  .agg(count('*').alias('n'), sum('price').alias('total'), avg('price').alias('mean'))
expectType<
  Equal<RowOf<typeof grouped>, { cat: string | null; n: number; total: number | null; mean: number | null }>
>(true)

const global = df.agg(count('*').alias('n'))
expectType<Equal<RowOf<typeof global>, { n: number }>>(true)

const widened = df.withColumn('flag', lit(true)).drop('price')
expectType<Equal<RowOf<typeof widened>, { id: number; cat: string | null; flag: true }>>(true)

// observe() passes the rows through: the row type is the input's.
const observed = df.observe('m', count('*').alias('rows'))
expectType<Equal<RowOf<typeof observed>, RowOf<typeof df>>>(true)

it('infers select/groupBy/agg row types (checked by the type checker) that match the runtime columns', () => {
  assert.deepEqual(picked.columns, ['id', 'price'])
  assert.deepEqual(named.columns, ['cat', 'p', 'one'])
  assert.deepEqual(grouped.columns, ['cat', 'n', 'total', 'mean'])
  assert.deepEqual(global.collect(), [{ n: 1 }])
  assert.deepEqual(widened.collect(), [{ id: 1, cat: 'a', flag: true }])
})
