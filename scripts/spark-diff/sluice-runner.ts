/**
 * Runs a spark-diff scenario through Sluice the way spark_runner.py runs it through Spark: one
 * JSON file per step, `processAllAvailable()` after each (which also runs the batches without data
 * the watermark triggers), every batch recorded as [batchId, rows sorted by their JSON].
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  col,
  count,
  type DataFrame,
  lit,
  Sluice,
  type StreamingQuery,
  session_window,
  sum,
  t,
  window,
  window_time,
} from '../../src/index.ts'
import type { Scenario } from './scenario.ts'

export type Batches = [number, Record<string, unknown>[]][]
export type Outcome = { readonly steps: Batches[] } | { readonly error: string }

const EVENT = t.struct({ k: t.string(), v: t.long(), time: t.timestamp() })
const secs = (n: number) => `${n} seconds`

/** The scenario's query over the stream `df`. */
export function buildQuery(s: Scenario, df: DataFrame<any>, df2: DataFrame<any>): DataFrame<any> {
  let q = df.withWatermark('time', secs(s.delay))
  if (s.union) q = q.union(s.unwatermarked2 === true ? df2 : df2.withWatermark('time', secs(s.delay2)))
  if (s.filterAbove !== null) q = q.filter(col('v').gt(lit(s.filterAbove)))
  if (s.x != null) q = q.selectExpr('*', `${s.x} AS x`)
  const sh = s.shape
  switch (sh.kind) {
    case 'window':
      return q
        .groupBy(window('time', secs(sh.size), secs(sh.slide)))
        .agg(count('*').as('n'), sum('v').as('s'))
    case 'session':
      return q.groupBy(session_window('time', secs(sh.gap)), 'k').agg(count('*').as('n'), sum('v').as('s'))
    case 'key':
      return q.groupBy('k').agg(count('*').as('n'), sum('v').as('s'))
    case 'dedup':
      return q.dropDuplicates([...sh.keys])
    case 'dedupWithin':
      return q.dropDuplicatesWithinWatermark(['k'])
    case 'chain':
      return q
        .groupBy(window('time', secs(sh.size)))
        .agg(count('*').as('n'))
        .groupBy(window(window_time('window'), secs(sh.outer)))
        .agg(sum('n').as('n'))
  }
}

const sorted = (rows: readonly unknown[]) =>
  (rows as Record<string, unknown>[]).toSorted((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))

const line = (r: Scenario['steps'][number][number]) =>
  `${JSON.stringify({ ...r, time: r.time === null ? null : new Date(r.time * 1000).toISOString() })}\n`

/** Writes a step's rows as one file per input that gets rows (only the first without a union). */
async function writeStep(s: Scenario, dirs: readonly string[], i: number, rows: Scenario['steps'][number]) {
  const parts = s.union ? [rows.filter((r) => r.k !== 'c'), rows.filter((r) => r.k === 'c')] : [rows]
  for (const [d, part] of parts.entries()) {
    if (part.length > 0)
      await writeFile(join(dirs[d], `${String(i).padStart(3, '0')}.json`), part.map(line).join(''))
  }
}

/** Runs the scenario; a query Sluice refuses (or that fails) gives its error's first line. */
export async function runInSluice(s: Scenario): Promise<Outcome> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-spark-diff-'))
  const sluice = Sluice.local({
    'sluice.sql.session.timeZone': 'UTC',
    'sluice.streaming.stopOnSignal': false,
  })
  const [src, src2] = [join(dir, 'in'), join(dir, 'in2')]
  await mkdir(src)
  await mkdir(src2)
  const read = (path: string) => sluice.readStream.format('json').schema(EVENT).load(path)
  let got: Batches = []
  const start = () =>
    buildQuery(s, read(src), read(src2))
      .writeStream.outputMode(s.mode)
      .option('checkpointLocation', join(dir, 'ck'))
      .foreachBatch((df, id) => {
        got.push([id, sorted(df.collect())])
      })
      .start()
  let q: StreamingQuery | undefined
  try {
    q = await start()
    const steps: Batches[] = []
    for (const [i, rows] of s.steps.entries()) {
      await writeStep(s, [src, src2], i, rows)
      await q.processAllAvailable()
      steps.push(got.toSorted((a, b) => a[0] - b[0]))
      got = []
      if (s.restarts) {
        await q.stop()
        q = await start()
      }
    }
    return { steps }
  } catch (e) {
    return { error: String((e as Error).message).split('\n')[0] }
  } finally {
    await q?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}
