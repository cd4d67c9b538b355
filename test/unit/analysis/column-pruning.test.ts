/**
 * Spark's ColumnPruning: a projected column that nothing reads is never evaluated, so its ANSI
 * error never happens. Spark's answers come from test/unit/analysis/spark/column_pruning.py
 * (PySpark 4.3, ANSI on); a string '2.5' makes `CAST(s AS INT)` raise CAST_INVALID_INPUT.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { array, col, type DataFrame, explode, Sluice, sum, t, window } from '../../../src/index.ts'

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
const S = t.struct({ k: t.string(), v: t.long(), s: t.string() })
const df = sluice.createDataFrame(
  [
    { k: 'a', v: 1, s: '2.5' },
    { k: 'b', v: 2, s: '7' },
  ],
  S,
)
const other = sluice.createDataFrame([{ k: 'c', v: 3, s: '8' }], S)
const X = 'CAST(s AS INT) AS x'
const withX = () => df.selectExpr('*', X)

/** Spark's answer per case: its rows (sorted JSON) or 'error' (CAST_INVALID_INPUT). */
const CASES: readonly [string, () => DataFrame<any>, string[] | 'error'][] = [
  ['aggUnused', () => withX().groupBy('k').count(), ['{"k":"a","count":1}', '{"k":"b","count":1}']],
  ['aggReads', () => withX().groupBy('k').agg(sum('x')), 'error'],
  ['filterReads', () => withX().filter('x > 0').groupBy('k').count(), 'error'],
  [
    'filterOther',
    () => withX().filter('v > 0').groupBy('k').count(),
    ['{"k":"a","count":1}', '{"k":"b","count":1}'],
  ],
  ['projectOver', () => withX().select('k'), ['{"k":"a"}', '{"k":"b"}']],
  ['projectTwice', () => withX().select('k', 'x').select('k'), ['{"k":"a"}', '{"k":"b"}']],
  [
    'nonDeterministic',
    () => df.selectExpr('*', 'CASE WHEN rand() < 2 THEN CAST(s AS INT) END AS x').groupBy('k').count(),
    ['{"k":"a","count":1}', '{"k":"b","count":1}'],
  ],
  [
    'union',
    () => withX().union(other.selectExpr('*', '1 AS x')).groupBy('k').count(),
    ['{"k":"a","count":1}', '{"k":"b","count":1}', '{"k":"c","count":1}'],
  ],
  ['dedup', () => withX().dropDuplicates(['k']), 'error'],
  ['sortUnused', () => withX().orderBy('v').select('k'), ['{"k":"a"}', '{"k":"b"}']],
  [
    'windowUnused',
    () =>
      df
        .selectExpr('*', X, "timestamp'2024-01-01 00:00:00' AS ts")
        .groupBy(window(col('ts'), '5 seconds'))
        .count(),
    ['{"window":{"start":1704067200000,"end":1704067205000},"count":2}'],
  ],
  [
    'explodeUnused',
    () =>
      withX()
        .select(col('k'), explode(array('v', 'v')).as('e'))
        .groupBy('k')
        .count(),
    ['{"k":"a","count":2}', '{"k":"b","count":2}'],
  ],
  // CollapseProject: x inlined into the CASE branch runs only where the branch does.
  [
    'caseGuard',
    () => withX().selectExpr('k', 'CASE WHEN v > 100 THEN x END AS y'),
    ['{"k":"a","y":null}', '{"k":"b","y":null}'],
  ],
  // Read twice and not cheap: not inlined, so x runs on every row.
  [
    'caseGuardTwice',
    () => withX().selectExpr('k', 'CASE WHEN v > 100 THEN x END AS y', 'CASE WHEN v > 200 THEN x END AS z'),
    'error',
  ],
  [
    'caseGuardNonDeterministic',
    () =>
      df
        .selectExpr('*', 'CAST(s AS INT) + CAST(rand() AS INT) AS x')
        .selectExpr('k', 'CASE WHEN v > 100 THEN x END AS y'),
    'error',
  ],
  [
    'caseGuardCheapTwice',
    () =>
      df
        .selectExpr('*', 's AS x')
        .selectExpr(
          'k',
          'CASE WHEN v > 100 THEN CAST(x AS INT) END AS y',
          'CASE WHEN v > 200 THEN CAST(x AS INT) END AS z',
        ),
    ['{"k":"a","y":null,"z":null}', '{"k":"b","y":null,"z":null}'],
  ],
  // PushPredicateThroughNonJoin moves the filter below the lower projection, then they merge.
  [
    'caseGuardFilter',
    () => withX().filter('v > 0').selectExpr('k', 'CASE WHEN v > 100 THEN x END AS y'),
    ['{"k":"a","y":null}', '{"k":"b","y":null}'],
  ],
  // The filter runs first, so x is cast only on the rows it keeps (not a's '2.5').
  [
    'filterGuardsAgg',
    () => withX().filter('v > 1').groupBy('k').agg(sum('x').as('sx')),
    ['{"k":"b","sx":7}'],
  ],
  [
    'filterOnXGuards',
    () => df.selectExpr('*', X, 'v > 1 AS big').filter('big AND x > 0').select('k', 'x'),
    ['{"k":"b","x":7}'],
  ],
  ['dedupThenSelect', () => withX().dropDuplicates(['k']).select('k'), ['{"k":"a"}', '{"k":"b"}']],
  [
    'joinUnused',
    () =>
      withX()
        .join(other.selectExpr('k AS k2'), col('k').neq(col('k2')))
        .select('k'),
    ['{"k":"a"}', '{"k":"b"}'],
  ],
  ['limitUnused', () => withX().limit(5).select('k'), ['{"k":"a"}', '{"k":"b"}']],
]

const answer = (build: () => DataFrame<any>): string[] | 'error' => {
  try {
    return build()
      .collect()
      .map((r) => JSON.stringify(r, (_, v) => (v instanceof Date ? v.getTime() : v)))
      .toSorted()
  } catch (e) {
    assert.match(String(e), /CAST_INVALID_INPUT/)
    return 'error'
  }
}

describe('column pruning (Spark ColumnPruning)', () => {
  for (const [name, build, spark] of CASES) {
    it(`${name}: ${spark === 'error' ? 'evaluates the column a node reads, and fails' : 'never evaluates the unread column'}`, () => {
      assert.deepEqual(answer(build), spark)
    })
  }
})
