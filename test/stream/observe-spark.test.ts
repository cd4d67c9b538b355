/**
 * observe() against PySpark 4.3 on the same input: spark/observe.py runs the same queries over the
 * same JSON files (and the same batch Observation and bad observe() calls) and commits, in
 * spark/observe.json, each batch's progress.observedMetrics, the Observation's `get`, and the error
 * class Spark refuses each bad call with. Here Sluice runs them and must answer the same.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  avg,
  call_function,
  col,
  count,
  countDistinct,
  type DataFrame,
  lit,
  max,
  min,
  Observation,
  Sluice,
  sum,
  t,
} from '../../src/index.ts'
import { STREAM_TEST_CONF } from './session.ts'

type Metrics = Record<string, Record<string, unknown>>
const spark = JSON.parse(readFileSync(new URL('spark/observe.json', import.meta.url), 'utf8')) as {
  steps: Record<string, unknown>[][]
  stateless: Metrics[]
  groupedUpdate: Metrics[]
  groupedComplete: Metrics[]
  observation: Record<string, unknown>
  refusals: Record<string, string | null>
}
const KV = t.struct({ k: t.string(), v: t.long() })
const rand = () => call_function('rand')

const stateless = (df: DataFrame) =>
  df
    .observe(
      'input',
      count(lit(1)).alias('rows'),
      sum('v').alias('total'),
      max(col('v')),
      avg('v').alias('mean'),
      min('k').alias('first_key'),
    )
    .filter(col('v').gt(1))
    .observe('kept', count(lit(1)).alias('rows'), sum('v').multiply(2).plus(lit(1)).alias('expr'))

const grouped = (df: DataFrame) =>
  df
    .groupBy('k')
    .agg(count(lit(1)).alias('n'))
    .observe('groups', count(lit(1)).alias('groups'), sum('n').alias('rows'))

/** Runs `build` over spark.steps written as JSON files, one batch per step; each batch's observedMetrics. */
async function run(build: (df: DataFrame) => DataFrame, mode: 'append' | 'update' | 'complete') {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-observe-spark-'))
  const sluice = Sluice.local(STREAM_TEST_CONF)
  try {
    await mkdir(join(dir, 'in'))
    const q = await build(sluice.readStream.format('json').schema(KV).load(join(dir, 'in')))
      .writeStream.format('noop')
      .outputMode(mode)
      .option('checkpointLocation', join(dir, 'ck'))
      .start()
    const out: unknown[] = []
    for (const [i, rows] of spark.steps.entries()) {
      const text = rows.map((r) => `${JSON.stringify(r)}\n`).join('')
      await writeFile(join(dir, 'in', `${String(i).padStart(3, '0')}.json`), text)
      await q.processAllAvailable()
      out.push(JSON.parse(q.lastProgress?.json ?? '{}').observedMetrics)
    }
    await q.stop()
    return out
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const codeOf = (fn: () => unknown): string | null => {
  try {
    fn()
    return null
  } catch (e) {
    return (e as { code?: string }).code ?? String(e)
  }
}

describe('observe() against Spark', () => {
  it('reports the observedMetrics Spark reports, batch by batch (append)', async () => {
    assert.deepEqual(await run(stateless, 'append'), spark.stateless)
  })

  it('reports the observedMetrics Spark reports over an aggregation (update and complete)', async () => {
    assert.deepEqual(await run(grouped, 'update'), spark.groupedUpdate)
    assert.deepEqual(await run(grouped, 'complete'), spark.groupedComplete)
  })

  it('fills an Observation with what Spark’s gets after collect()', () => {
    const sluice = Sluice.local(STREAM_TEST_CONF)
    const rows = spark.steps.flat() as { k: string; v: number | null }[]
    const df = sluice.createDataFrame(rows, KV)
    const stats = new Observation('stats')
    const observed = df.observe(stats, count(lit(1)).alias('rows'), sum('v').alias('total'), max('k'))
    assert.equal(
      codeOf(() => stats.get),
      'NO_OBSERVE_BEFORE_GET',
      'no action yet',
    )
    assert.equal(observed.collect().length, rows.length, 'rows pass through')
    assert.deepEqual(stats.get, spark.observation)
    // Later actions leave the first action's metrics, as in Spark.
    observed.filter(col('v').gt(5)).count()
    assert.deepEqual(stats.get, spark.observation)
  })

  it('refuses what Spark refuses, with Spark’s error classes', async () => {
    const sluice = Sluice.local(STREAM_TEST_CONF)
    const df = sluice.createDataFrame(spark.steps.flat() as { k: string; v: number | null }[], KV)
    const stream = sluice.memoryStream(KV).toDF()
    const reused = new Observation('reused')
    df.observe(reused, count(lit(1)))
    const cases: Record<string, () => unknown> = {
      missingName: () => df.observe('', count(lit(1))).collect(),
      attribute: () => df.observe('m', col('v')).collect(),
      attributeBesideAggregate: () => df.observe('m', sum('v').plus(col('v'))).collect(),
      distinct: () => df.observe('m', countDistinct('k')).collect(),
      nested: () => df.observe('m', sum(max('v'))).collect(),
      nonDeterministic: () => df.observe('m', sum('v').plus(rand())).collect(),
      duplicateName: () =>
        df
          .observe('m', count(lit(1)))
          .observe('m', sum('v'))
          .collect(),
      noMetrics: () => df.observe('m').collect(),
      reuseObservation: () => df.observe(reused, count(lit(1))),
      getBeforeObserve: () => new Observation('never').get,
      streamingObservation: () => stream.observe(new Observation('s'), count(lit(1))),
      literal: () => df.observe('m', lit(42).alias('answer')).collect(),
      randInsideAggregate: () => df.observe('m', sum(rand())).collect(),
    }
    const expected = Object.fromEntries(
      Object.entries(spark.refusals).map(([name, c]) => [
        name,
        // Spark's JVM raises a plain IllegalArgumentException for this one; Sluice names it.
        c?.startsWith('IllegalArgumentException: Observation does not support streaming')
          ? 'UNSUPPORTED_OPERATION'
          : c,
      ]),
    )
    const got = Object.fromEntries(Object.entries(cases).map(([name, fn]) => [name, codeOf(fn)]))
    assert.deepEqual(got, expected)
  })
})
