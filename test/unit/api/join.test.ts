import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { col, Sluice, t } from '../../../src/index.ts'

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
const L = sluice.createDataFrame(
  [
    { id: 1, a: 'x' },
    { id: 2, a: 'y' },
    { id: null, a: 'n' },
  ],
  t.struct({ id: t.int(), a: t.string() }),
)
const R = sluice.createDataFrame(
  [
    { id: 1, b: 10 },
    { id: 1, b: 11 },
    { id: 3, b: 30 },
    { id: null, b: 99 },
  ],
  t.struct({ id: t.long(), b: t.int() }),
)
const on = L.col('id').eq(R.col('id'))
const pairs = (rows: Record<string, unknown>[]) => rows.map((r) => `${r.a ?? '-'}${r.b ?? '-'}`).sort()

describe('joins', () => {
  it('inner join matches equal keys and never NULL keys', () => {
    assert.deepEqual(pairs(L.join(R, on).collect()), ['x10', 'x11'])
  })
  it('left, right and full outer joins pad with NULLs', () => {
    assert.deepEqual(pairs(L.join(R, on, 'left').collect()), ['n-', 'x10', 'x11', 'y-'])
    assert.deepEqual(pairs(L.join(R, on, 'right').collect()), ['-30', '-99', 'x10', 'x11'])
    assert.deepEqual(pairs(L.join(R, on, 'full').collect()), ['-30', '-99', 'n-', 'x10', 'x11', 'y-'])
  })
  it('semi and anti joins keep left rows only', () => {
    assert.deepEqual(L.join(R, on, 'left_semi').collect(), [{ id: 1, a: 'x' }])
    assert.deepEqual(L.join(R, on, 'left_anti').collect(), [
      { id: 2, a: 'y' },
      { id: null, a: 'n' },
    ])
  })
  it('joins on a non-equi condition with a nested loop', () => {
    const rows = L.join(R, L.col('id').lt(R.col('id'))).collect()
    assert.deepEqual(pairs(rows), ['x30', 'y30'])
  })
  it('joins on same-named columns, keeping one key column', () => {
    const df = L.join(R, 'id', 'full')
    assert.deepEqual(df.columns, ['id', 'a', 'b'])
    const rows = df
      .collect()
      .map((r) => `${r.id}:${r.a ?? '-'}:${r.b ?? '-'}`)
      .sort()
    assert.deepEqual(rows, ['1:x:10', '1:x:11', '2:y:-', '3:-:30', 'null:-:99', 'null:n:-'])
  })
  it('resolves qualified columns through DataFrame aliases', () => {
    const rows = L.alias('l')
      .join(R.alias('r'), col('l.id').eq(col('r.id')))
      .select('l.a', 'r.b')
      .collect()
    assert.deepEqual(pairs(rows), ['x10', 'x11'])
  })
  it('reports an ambiguous column after a join', () => {
    assert.throws(
      () => L.join(R, on).select('id').collect(),
      (e: Error) => /AMBIGUOUS_COLUMN/.test(e.message) && /`id`/.test(e.message),
    )
  })
  it('keeps residual conditions with equi keys', () => {
    const rows = L.join(R, on.and(R.col('b').gt(10))).collect()
    assert.deepEqual(pairs(rows), ['x11'])
  })
})

describe('self-joins', () => {
  it('joins a DataFrame with itself through aliases', () => {
    const rows = L.alias('x')
      .join(L.alias('y'), col('x.id').eq(col('y.id')))
      .select(col('x.a').alias('xa'), col('y.a').alias('ya'))
      .collect()
    assert.deepEqual(rows.map((r) => `${r.xa}${r.ya}`).sort(), ['xx', 'yy'])
  })
})
