/**
 * Scan requests from the planner to the streaming file source: the columns the projection and
 * filters above a file relation use, and the conditions on one column in those filters, with which
 * the Parquet reader skips row groups. The rows are those of the full read, filtered.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { Analyzer } from '../../src/analysis/analyzer.ts'
import { fileFormat } from '../../src/connectors/file/formats/index.ts'
import { col, lit, t } from '../../src/index.ts'
import { scanRequestsOf } from '../../src/runtime/scan-requests.ts'
import { assertOnQuery, checkAnswer, startStream, testStream } from '../../src/testing/index.ts'
import { streamSession } from './session.ts'

const dirs: string[] = []
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

const S = t.struct({ a: t.long(), b: t.int(), s: t.string() })
// Row groups of four rows: a = 0..3, 4..7, 8..9 in each file.
const ROWS = Array.from({ length: 10 }, (_, i) => [i, i * 10, `s${i}`])

async function parquetDir(sub = ''): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sluice-scan-'))
  dirs.push(d)
  await mkdir(join(d, sub), { recursive: true })
  const bytes = fileFormat('parquet').writer(S, { rowGroupSize: '4' }, { timeZone: 'UTC' }).encode(ROWS)
  await writeFile(join(d, sub, 'part-0.parquet'), bytes)
  return d
}

const analyze = (plan: unknown) =>
  new Analyzer({ timeZone: 'UTC', runtime: { currentTimestamp: 0 } }).analyze(plan as never)

describe('scan requests of a streaming query', () => {
  it('hand the used columns and the integer comparisons of the filters below the projection', async () => {
    const { sluice } = streamSession()
    const df = sluice.readStream
      .format('parquet')
      .schema(S)
      .load(await parquetDir())
    const [request] = scanRequestsOf(
      analyze(
        df
          .where(
            col('a')
              .gt(7)
              .and(lit(3).lt(col('b'))),
          )
          .select('s').plan,
      ),
    ).values()
    // The filter itself goes too, as plain data, for the workers (worker-filters.test.ts).
    const { filters, ...rest } = request ?? {}
    assert.deepEqual(
      filters?.map((f) => f.kind === 'call' && f.name),
      ['and'],
    )
    assert.deepEqual(rest, {
      columns: [0, 1, 2],
      predicate: [
        { column: 0, op: '>', value: 7 },
        { column: 1, op: '>', value: 3 },
      ],
    })
    const [projected] = scanRequestsOf(analyze(df.select(col('s')).plan)).values()
    assert.deepEqual(projected, { columns: [2] })
    // A relation under anything but filters and a projection reads every column.
    assert.equal(scanRequestsOf(analyze(df.groupBy('s').count().plan)).size, 0)
  })

  it('hand string, double, IN and null conditions; leave other conjuncts to the filter', async () => {
    const { sluice } = streamSession()
    const df = sluice.readStream
      .format('parquet')
      .schema(S)
      .load(await parquetDir())
    const where = col('s')
      .eq('s8')
      .and(col('b').isin(10, 20))
      .and(col('s').isNotNull())
      .and(col('a').gt(1.5))
      .and(col('b').isNull())
      .and(col('s').startsWith('s'))
    const [request] = scanRequestsOf(analyze(df.where(where).select('a').plan)).values()
    assert.deepEqual(request?.predicate, [
      { column: 2, op: '=', value: 's8' },
      { column: 1, op: 'in', values: [10, 20] },
      { column: 2, op: 'isNotNull' },
      // a > 1.5 compares cast(a AS DOUBLE), which keeps the order of a.
      { column: 0, op: '>', value: 1.5 },
      { column: 1, op: 'isNull' },
    ])
  })

  it('read from Parquet give the rows of the full read: groups skipped, unused columns unread', async () => {
    const { sluice } = streamSession()
    const input = await parquetDir()
    await testStream(
      sluice.readStream.format('parquet').schema(S).load(input).where(col('a').gt(7)).select('a', 's'),
      {},
      startStream(),
      checkAnswer({ a: 8, s: 's8' }, { a: 9, s: 's9' }),
      // Only the last row group of the file was read.
      assertOnQuery((q) => q.recentProgress.reduce((n, p) => n + p.numInputRows, 0) === 2),
    )
  })

  it('map the columns of a partitioned relation to the data columns', async () => {
    const { sluice } = streamSession()
    const input = await parquetDir('year=2024')
    await testStream(
      sluice.readStream
        .format('parquet')
        .schema(t.struct({ a: t.long(), b: t.int(), s: t.string(), year: t.int() }))
        .load(input)
        .where(col('a').lt(2))
        .select('year', 'b'),
      {},
      startStream(),
      checkAnswer({ year: 2024, b: 0 }, { year: 2024, b: 10 }),
    )
  })
})
