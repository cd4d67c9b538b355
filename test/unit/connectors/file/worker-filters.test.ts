/**
 * The filters right above a file source, run on the worker threads that decode its files: plain
 * data bound again on the worker to the same implementation (same results, same errors), refused
 * for UDFs and non-deterministic calls; on real Parquet files the workers return only the rows the
 * filters keep and count every row decoded, and an evaluation error keeps every row for the main
 * thread to raise.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AnalyzedPlan } from '../../../../src/analysis/analyzed-plan.ts'
import { Analyzer } from '../../../../src/analysis/analyzer.ts'
import { inputRowsOf, READ_ALL, type ScanRequest } from '../../../../src/connectors/spi.ts'
import { compileExpr } from '../../../../src/exec/expr/compile-expr.ts'
import { portableOf, rebind } from '../../../../src/exec/expr/portable-expr.ts'
import type { BoundExpr } from '../../../../src/functions/bound-expr.ts'
import { coalesce, col, lit, Sluice, t, udf, when } from '../../../../src/index.ts'
import type { TaskExecutor } from '../../../../src/io/worker-pool.ts'
import { scanRequestsOf } from '../../../../src/runtime/scan-requests.ts'
import { openFileSource, writeParquetFiles } from '../../../harness/file-fixtures.ts'
import { tempDirsRemovedAfter } from '../../../harness/temp-dir.ts'
import { poolsClosedAfter } from '../../../harness/worker-pools.ts'

const S = t.struct({ id: t.long(), name: t.string(), score: t.double() })
const tempDir = tempDirsRemovedAfter('sluice-worker-filters-')
const pool = poolsClosedAfter()

const analyze = (plan: unknown): AnalyzedPlan =>
  new Analyzer({ timeZone: 'UTC', runtime: { currentTimestamp: 0 } }).analyze(plan as never)

/** The bound condition of the filter right under the top projection of `plan`. */
function conditionOf(plan: AnalyzedPlan): BoundExpr {
  let p: AnalyzedPlan = plan
  while (p.kind !== 'filter') p = (p as { child: AnalyzedPlan }).child
  return p.condition
}

const SAMPLE = Array.from({ length: 40 }, (_, i) => [
  i % 9 === 0 ? null : i * 3,
  i % 4 === 0 ? null : `n${i}`,
  i / 3,
])

async function input(): Promise<string> {
  const dir = await tempDir()
  const rowsOf = (f: number) =>
    Array.from({ length: 300 }, (_, i) => ({ id: f * 300 + i, name: `n${i}`, score: i / 4 }))
  await writeParquetFiles(dir, S, 3, rowsOf, 30)
  return dir
}

async function batch(dir: string, scan: ScanRequest | undefined, executor?: TaskExecutor) {
  const source = await openFileSource('parquet', { path: dir }, S, await tempDir(), { executor, scan })
  const start = await source.initialOffset()
  const end = await source.latestOffset(start, READ_ALL)
  const rows = (await source.getBatch(start, end)) as unknown[][]
  return { rows, read: inputRowsOf(source, start, end, rows) }
}

describe('filters on the file-decoding workers', () => {
  it('bind again to the same results: arithmetic, IN, CASE, coalesce, strings, casts', () => {
    const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
    const df = sluice.createDataFrame([], S)
    const conditions = [
      col('id').mod(7).eq(0),
      col('id').isin(3, 6, 9).or(col('name').startsWith('n1')),
      // Literals of the column's type: an IN held as a set of constants (InSet), not as arguments.
      col('name').isin('n2', 'n5', null),
      col('name').isin('n2', 'n7').and(col('score').isin(1, 2.5)),
      when(col('score').gt(5), col('id').lt(60)).otherwise(col('name').isNull()),
      coalesce(col('id'), lit(0)).plus(1).gt(col('score').cast('int')),
      col('name').substr(2, 1).eq('2').and(col('score').cast('string').contains('.')),
    ]
    for (const c of conditions) {
      const bound = conditionOf(analyze(df.where(c).select('id').plan))
      const portable = portableOf(bound)
      assert.ok(portable !== null, bound.kind === 'call' ? bound.sql : bound.kind)
      // Plain data: it survives JSON (and so the structured clone to a worker).
      const again = rebind(JSON.parse(JSON.stringify(portable)), 'UTC')
      assert.ok(again !== null)
      const [f, g] = [compileExpr(bound), compileExpr(again)]
      assert.deepEqual(
        SAMPLE.map((r) => g(r)),
        SAMPLE.map((r) => f(r)),
      )
    }
  })

  it('are refused with a UDF or a non-deterministic call, and so is every filter above one', async () => {
    const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
    const df = sluice.createDataFrame([], S)
    const odd = udf((x: number | null) => x !== null && x % 2 === 1, t.boolean())
    assert.equal(portableOf(conditionOf(analyze(df.where(odd('id')).select('id').plan))), null)
    assert.equal(portableOf(conditionOf(analyze(df.where('rand(1) < 0.5').select('id').plan))), null)
    assert.equal(
      portableOf(conditionOf(analyze(df.where('year(current_timestamp()) > 0').select('id').plan))),
      null,
    )
    const stream = sluice.readStream
      .format('parquet')
      .schema(S)
      .load(await tempDir())
    const chain = stream.where(col('id').gt(3)).where(odd('id')).where(col('id').lt(9)).select('id')
    const [request] = scanRequestsOf(analyze(chain.plan)).values()
    assert.equal(request?.filters?.length, 1)
  })

  it('drop on the workers the rows the filter rejects, and count every row read', async () => {
    const dir = await input()
    const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
    const df = sluice.readStream.format('parquet').schema(S).load(dir)
    const [scan] = scanRequestsOf(
      analyze(df.where(col('id').mod(7).eq(0)).select('id', 'name').plan),
    ).values()
    const here = await batch(dir, scan)
    const workers = await batch(dir, scan, pool(2))
    // The main thread leaves the filter to the plan; the workers ran it already.
    assert.equal(here.rows.length, 900)
    assert.deepEqual(
      workers.rows,
      here.rows.filter((r) => (r[0] as number) % 7 === 0),
    )
    assert.equal(workers.rows.length, 129)
    assert.equal(workers.read, 900)
    assert.equal(here.read, 900)
  })

  it('keep every row of a split whose filter throws, for the main thread to raise it', async () => {
    const dir = await input()
    const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
    const df = sluice.readStream.format('parquet').schema(S).load(dir)
    // ANSI: CAST('n0' AS INT) fails.
    const [scan] = scanRequestsOf(analyze(df.where(col('name').cast('int').gt(0)).select('id').plan)).values()
    assert.equal(scan?.filters?.length, 1)
    const workers = await batch(dir, scan, pool(2))
    assert.deepEqual(workers.rows, (await batch(dir, scan)).rows)
    assert.equal(workers.rows.length, 900)
  })
})
