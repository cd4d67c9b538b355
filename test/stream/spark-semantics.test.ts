/**
 * Streaming semantics where Sluice once differed from Spark (issue 17), checked against Spark's
 * own answers: spark/semantics.py runs each scenario in PySpark, one JSON file per step, and
 * commits, in spark/semantics.json, the batches each step ran ([batchId, rows], batches without
 * data included); here Sluice runs the same steps (spark-steps.ts), straight and with a restart
 * after every step, and must run the same batches with the same rows, or refuse as Spark refuses.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  col,
  type DataFrame,
  lit,
  type StreamingQuery,
  session_window,
  sum,
  t,
  window,
  window_time,
} from '../../src/index.ts'
import { withTempDir } from '../harness/temp-dir.ts'
import { streamSession } from './session.ts'
import {
  type Batches,
  EVENT,
  ev,
  runSteps,
  type SparkAnswer,
  type StepOptions,
  sortedRows,
} from './spark-steps.ts'

type Both = { straight: SparkAnswer; restarts: SparkAnswer }
const spark = JSON.parse(readFileSync(new URL('spark/semantics.json', import.meta.url), 'utf8')) as Record<
  string,
  Both | SparkAnswer
> & { dedupWindowTimeState: number[][] }

type Build = (df: DataFrame<any>, df2: DataFrame<any>) => DataFrame<any>
type Steps = ReturnType<typeof ev>[][]
type Mode = 'append' | 'update' | 'complete'

/** Checks one run of a scenario against Spark's answer for it. */
async function same(expected: SparkAnswer, steps: Steps, build: Build, mode: Mode, options: StepOptions) {
  if (!Array.isArray(expected)) {
    await assert.rejects(runSteps(steps, build, mode, options), /UNSUPPORTED_OPERATION|not supported/)
    return
  }
  assert.deepEqual(await runSteps(steps, build, mode, options), expected)
}

/** The scenario, straight and with restarts, each against Spark's answer. */
function scenario(name: string, what: string, steps: Steps, build: Build, mode: Mode, union = false) {
  const answer = spark[name] as Both
  it(`${what} (${name})`, () => same(answer.straight, steps, build, mode, { union }))
  it(`${what}, restarted after every step (${name})`, () =>
    same(answer.restarts, steps, build, mode, { restarts: true, union }))
}

const wm = (df: DataFrame<any>, delay = '0 seconds') => df.withWatermark('time', delay)
const CHAIN = [
  [ev('a', 1, 1), ev('a', 1, 2), ev('a', 1, 6)],
  [ev('a', 1, 12)],
  [ev('a', 1, 23)],
  [ev('a', 1, 3)],
  [ev('a', 1, 41)],
]
const fiveSeconds = (df: DataFrame<any>) => wm(df).groupBy(window('time', '5 seconds')).count()

describe('as Spark 4 answers: a window over an aggregation window keeps the watermark', () => {
  scenario(
    'chainWindowTime',
    'chained window aggregations through window_time(window), append mode',
    CHAIN,
    (df) =>
      fiveSeconds(df)
        .groupBy(window(window_time('window'), '10 seconds'))
        .agg(sum('count').as('n')),
    'append',
  )
  scenario(
    'chainWindowStruct',
    'chained window aggregations through window(window, ...), append mode',
    CHAIN,
    (df) => fiveSeconds(df).groupBy(window('window', '10 seconds')).agg(sum('count').as('n')),
    'append',
  )
  scenario(
    'chainWindowEnd',
    'window(window.end, ...) loses the watermark and is refused in append mode',
    CHAIN,
    (df) => fiveSeconds(df).groupBy(window('window.end', '10 seconds')).agg(sum('count').as('n')),
    'append',
  )
  it('dropDuplicates keyed on window_time(window) evicts its state as the watermark passes (dedupWindowTimeState)', async () => {
    const kept: number[][] = []
    const probe = (q: StreamingQuery) => {
      const ops = q.lastProgress?.stateOperators ?? []
      kept.push(ops.filter((o) => o.operatorName === 'dedupe').map((o) => o.numRowsTotal))
    }
    const build: Build = (df) =>
      fiveSeconds(df).select(window_time('window').as('wt'), 'count').dropDuplicates(['wt'])
    await runSteps(CHAIN, build, 'append', { probe })
    assert.deepEqual(kept, spark.dedupWindowTimeState)
  })
  scenario(
    'dedupWindowTime',
    'dropDuplicates keyed on window_time(window) after a window aggregation',
    CHAIN,
    (df) => fiveSeconds(df).select(window_time('window').as('wt'), 'count').dropDuplicates(['wt']),
    'append',
  )
})

describe('as Spark 4 answers: a filter after withWatermark', () => {
  const steps = [[ev('a', 1, 1), ev('x', -1, 50)], [ev('a', 1, 3)], [ev('a', 1, 30)], [ev('a', 1, 59)]]
  scenario(
    'filterPushed',
    'is pushed below the watermark, so the rows it removes do not advance it',
    steps,
    (df) => wm(df, '5 seconds').filter(col('v').gt(0)).groupBy(window('time', '10 seconds')).count(),
    'append',
  )
  scenario(
    'filterPushedThroughProject',
    'over a projection is pushed through it and below the watermark, its columns replaced by their expressions',
    steps,
    (df) =>
      wm(df, '5 seconds')
        .select(col('time'), col('v').multiply(2).alias('w'))
        .filter(col('w').gt(0))
        .groupBy(window('time', '10 seconds'))
        .count(),
    'append',
  )
  scenario(
    'filterOnTimeKept',
    'naming the event time stays above the watermark',
    [[ev('a', 1, 1), ev('x', 1, 50)], ...steps.slice(1)],
    (df) =>
      wm(df, '5 seconds')
        .filter(col('time').lt(lit('1970-01-01 00:00:40').cast('timestamp')))
        .groupBy(window('time', '10 seconds'))
        .count(),
    'append',
  )
})

describe('as Spark 4 answers: a filter after a union of watermarked inputs', () => {
  scenario(
    'filterPushedThroughUnion',
    'is pushed into each input and below its watermark',
    [
      [ev('a', 1, 1), ev('c', 1, 2)],
      [ev('a', -1, 40), ev('c', -1, 50)],
      [ev('a', 1, 3), ev('c', 1, 4)],
      [ev('a', 1, 30), ev('c', 1, 31)],
    ],
    (df, df2) =>
      wm(df, '5 seconds').union(wm(df2)).filter(col('v').gt(0)).groupBy(window('time', '10 seconds')).count(),
    'append',
    true,
  )
})

describe('as Spark 4 answers: batches without data', () => {
  scenario(
    'unionUnwatermarked',
    'a union with an unwatermarked input in update mode runs the no-data batch Spark runs',
    [[ev('a', 1, 1), ev('c', 1, 2)], [ev('a', 2, 12)], [ev('c', 3, 3), ev('a', 4, 20)], [ev('c', 5, 30)]],
    (df, df2) => wm(df, '2 seconds').union(df2).groupBy(window('time', '5 seconds')).agg(sum('v').as('s')),
    'update',
    true,
  )
  scenario(
    'completeWindow',
    'complete mode runs none when the watermark moves',
    [[ev('a', 1, 1)], [ev('a', 1, 12)], [ev('a', 1, 3)], [ev('a', 1, 30)]],
    (df) => wm(df).groupBy(window('time', '10 seconds')).count(),
    'complete',
  )
  scenario(
    'updateKeyWithWatermark',
    'groupBy(k) over a watermark in update mode runs one per watermark move',
    [[ev('a', 1, 1)], [ev('b', 1, 12)], [ev('a', 1, 3)], [ev('c', 1, 30)]],
    (df) => wm(df).groupBy('k').count(),
    'update',
  )
})

describe('as Spark 4 answers: session windows', () => {
  const bySession = (df: DataFrame<any>) => wm(df).groupBy(session_window('time', '5 seconds'), 'k').count()
  scenario(
    'sessionComplete',
    'complete mode keeps late rows',
    [[ev('a', 1, 1), ev('a', 1, 3)], [ev('a', 1, 30)], [ev('a', 1, 2)], [ev('a', 1, 10)]],
    bySession,
    'complete',
  )
  scenario(
    'sessionAppendLate',
    'append mode drops late rows',
    [[ev('a', 1, 1), ev('a', 1, 3)], [ev('a', 1, 30)], [ev('a', 1, 2)], [ev('a', 1, 50)]],
    bySession,
    'append',
  )
  it('a session window as the only grouping key is refused (sessionNoKey)', () =>
    same(
      spark.sessionNoKey as SparkAnswer,
      [[ev('a', 1, 1)]],
      (df) => wm(df).groupBy(session_window('time', '5 seconds')).count(),
      'complete',
      {},
    ))
})

describe('as Spark 4 answers: a checkpoint whose last commits were purged', () => {
  it('reruns the last batch (commitsPurged)', () =>
    withTempDir(async (dir) => {
      const expected = spark.commitsPurged as unknown as { before: Batches; after: Batches }
      const { sluice } = streamSession()
      const [src, ck] = [join(dir, 'in'), join(dir, 'ck')]
      await mkdir(src)
      let got: Batches = []
      const start = () =>
        sluice.readStream
          .format('json')
          .schema(EVENT)
          .load(src)
          .groupBy('k')
          .count()
          .writeStream.outputMode('update')
          .option('checkpointLocation', ck)
          .foreachBatch((df, id) => {
            got.push([id, sortedRows(df.collect())])
          })
          .start()
      let q = await start()
      const steps = [[ev('a', 1, 1)], [ev('a', 1, 2), ev('b', 1, 2)], [ev('b', 1, 3), ev('c', 1, 3)]]
      for (const [i, rows] of steps.entries()) {
        await writeFile(join(src, `${i}.json`), rows.map((r) => `${JSON.stringify(r)}\n`).join(''))
        await q.processAllAvailable()
      }
      await q.stop()
      assert.deepEqual(got, expected.before)
      got = []
      await rm(join(ck, 'commits', '1'))
      await rm(join(ck, 'commits', '2'))
      q = await start()
      await q.processAllAvailable()
      await q.stop()
      assert.deepEqual(got, expected.after)
    }))
})

describe('as Spark 4 answers: a stream-static join', () => {
  it('re-reads the static files listed at load() every micro-batch, as Spark without .cache() (staticJoin)', () =>
    withTempDir(async (dir) => {
      const { sluice } = streamSession()
      const st = join(dir, 'static')
      await mkdir(st)
      await writeFile(join(st, 's0.json'), '{"k": "a", "name": "A1"}\n')
      const stat = await sluice.read
        .format('json')
        .schema(t.struct({ k: t.string(), name: t.string() }))
        .load(st)
      const change = async () => {
        await writeFile(join(st, 's0.json'), '{"k": "a", "name": "A2"}\n')
        await writeFile(join(st, 's1.json'), '{"k": "b", "name": "B1"}\n')
      }
      const steps = [[ev('a', 1, 1)], [ev('a', 2, 2), ev('b', 2, 2)]]
      const build: Build = (df) => df.join(stat, 'k').select('k', 'v', 'name')
      const probe = (q: StreamingQuery) => (q.lastProgress?.batchId === 0 ? change() : undefined)
      // Spark without .cache() re-reads s0.json (A2) in batch 1, still without the new s1.json.
      assert.deepEqual(await runSteps(steps, build, 'append', { probe }), spark.staticJoin)
      assert.notDeepEqual(spark.staticJoin, spark.staticJoinCached)
    }))
})

describe('as Spark 4 answers: dropDuplicatesWithinWatermark', () => {
  scenario(
    'dedupWithinNullTime',
    'a NULL event time counts as 0, so its key expires',
    [[ev('a', 1, null)], [ev('a', 2, null), ev('b', 1, 20)], [ev('a', 3, 21)], [ev('a', 4, null)]],
    (df) => wm(df, '5 seconds').dropDuplicatesWithinWatermark(['k']),
    'append',
  )
})

describe('as Spark 4 answers: a projected column nothing reads is pruned', () => {
  // CAST('1.5' AS INT) raises CAST_INVALID_INPUT under ANSI, on every row.
  const BAD_X = "CAST(concat(CAST(v AS STRING), '.5') AS INT) AS x"
  const steps = [[ev('a', 1, 1), ev('b', 2, 3)], [ev('a', 1, 12)], [ev('a', 1, 25)]]
  scenario(
    'unusedColumnPruned',
    'a windowed count never evaluates the column x it does not read',
    steps,
    (df) => wm(df).selectExpr('*', BAD_X).groupBy(window('time', '10 seconds')).count(),
    'update',
  )
  it('a sum of x evaluates it, and the query fails as in Spark (readColumnFails)', async () => {
    assert.ok(!Array.isArray(spark.readColumnFails))
    await assert.rejects(
      runSteps(
        steps.slice(0, 1),
        (df) => wm(df).selectExpr('*', BAD_X).groupBy(window('time', '10 seconds')).agg(sum('x').as('s')),
        'update',
        {},
      ),
      /CAST_INVALID_INPUT/,
    )
  })
})
