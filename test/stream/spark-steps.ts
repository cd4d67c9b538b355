/**
 * Runs a streaming query the way test/stream/spark/semantics.py runs it in PySpark, so the two
 * answers compare batch for batch: each step writes one JSON file of rows into the source folder,
 * then `processAllAvailable()` (which also runs the batches without data the watermark triggers);
 * the step's answer is every batch the query ran, as [batchId, rows sorted by their JSON]. With
 * `restarts`, the query is stopped and started again from its checkpoint after every step.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type DataFrame, type StreamingQuery, t } from '../../src/index.ts'
import { withTempDir } from '../harness/temp-dir.ts'
import { streamSession } from './session.ts'

export type Batches = [number, Record<string, unknown>[]][]
/** Spark's answer: per step, the batches it ran; or the error class of a refused query. */
export type SparkAnswer = Batches[] | { error: string }

export const EVENT = t.struct({ k: t.string(), v: t.long(), time: t.timestamp() })

/** An input row as the JSON line Spark reads: `time` in whole seconds (null: no event time). */
export const ev = (k: string, v: number, s: number | null) => ({
  k,
  v,
  time: s === null ? null : new Date(s * 1000).toISOString(),
})

/** Rows in a fixed order (by their JSON), as the PySpark script sorts them. */
export const sortedRows = (rows: readonly unknown[]) =>
  (rows as Record<string, unknown>[]).toSorted((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))

export interface StepOptions {
  /** Stop and start the query again from its checkpoint after every step. */
  readonly restarts?: boolean
  /** Called after every step with the running query (to read its progress). */
  readonly probe?: (q: StreamingQuery) => void | Promise<void>
  /** Rows with k = 'c' go to a second input (build's second DataFrame), as the script's union. */
  readonly union?: boolean
}

/**
 * Runs `steps` through `build` over a JSON file source; returns the batches each step ran.
 *
 * @example await runSteps([[ev('a', 1, 1)]], (df) => df.groupBy('k').count(), 'update')
 */
export function runSteps(
  steps: readonly { k: string }[][],
  build: (df: DataFrame<any>, df2: DataFrame<any>) => DataFrame<any>,
  mode: 'append' | 'update' | 'complete',
  options: StepOptions = {},
): Promise<Batches[]> {
  const { restarts = false, probe } = options
  return withTempDir(async (dir) => {
    const { sluice } = streamSession()
    const [src, src2] = [join(dir, 'in'), join(dir, 'in2')]
    await mkdir(src)
    await mkdir(src2)
    const read = (path: string) => sluice.readStream.format('json').schema(EVENT).load(path)
    let got: Batches = []
    const start = () =>
      build(read(src), read(src2))
        .writeStream.outputMode(mode)
        .option('checkpointLocation', join(dir, 'ck'))
        .foreachBatch((df, id) => {
          got.push([id, sortedRows(df.collect())])
        })
        .start()
    let q: StreamingQuery = await start()
    const out: Batches[] = []
    try {
      for (const [i, rows] of steps.entries()) {
        const parts = options.union
          ? [rows.filter((r) => r.k !== 'c'), rows.filter((r) => r.k === 'c')]
          : [rows]
        for (const [d, part] of parts.entries()) {
          const lines = part.map((r) => `${JSON.stringify(r)}\n`).join('')
          if (part.length > 0)
            await writeFile(join([src, src2][d], `${String(i).padStart(3, '0')}.json`), lines)
        }
        await q.processAllAvailable()
        out.push(got.toSorted((a, b) => a[0] - b[0]))
        await probe?.(q)
        got = []
        if (restarts) {
          await q.stop()
          q = await start()
        }
      }
    } finally {
      await q.stop()
    }
    return out
  })
}
