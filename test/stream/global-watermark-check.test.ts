/**
 * Spark's global-watermark correctness check (checkStreamingQueryGlobalWatermarkLimit): a stateful
 * operator after an aggregation whose rows are not final (update or complete output mode) is
 * refused at start(); a dedup whose keys have no event time is not stateful for that check.
 * Spark's answers: test/stream/spark/global_watermark_check.py (PySpark 4.3.0).
 */
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { col, isSluiceError, Sluice, window } from '../../src/index.ts'
import { withTempDir } from '../harness/temp-dir.ts'

async function start(dir: string, mode: 'append' | 'update' | 'complete', build: (df: any) => any) {
  const sluice = Sluice.local({ output: () => {}, 'sluice.sql.session.timeZone': 'UTC' })
  await mkdir(join(dir, 'in'), { recursive: true })
  await writeFile(join(dir, 'in', '0.json'), '{"k":"a","time":"1970-01-01T00:00:01Z"}\n')
  const w = sluice.readStream
    .schema('k STRING, time TIMESTAMP')
    .json(join(dir, 'in'))
    .withWatermark('time', '1 second')
  const q = await build(w)
    .writeStream.outputMode(mode)
    .format('noop')
    .option('checkpointLocation', join(dir, 'ckpt'))
    .start()
  await q.processAllAvailable()
  await q.stop()
  assert.equal(q.exception, null)
}

const refusedAsSpark = (e: unknown) =>
  isSluiceError(e) &&
  e.code === 'UNSUPPORTED_OPERATION' &&
  /possible 'correctness' issue due to global watermark.*aggregation in complete output mode/.test(e.message)

describe("Spark's global-watermark correctness check", () => {
  it('refuses a dedup on the window after a complete-mode windowed aggregation', () =>
    withTempDir(async (dir) => {
      await assert.rejects(
        start(dir, 'complete', (w) =>
          w
            .groupBy(window(col('time'), '5 seconds'))
            .count()
            .dropDuplicates(['window']),
        ),
        refusedAsSpark,
      )
    }))

  it('runs the same chain in append mode, and a dedup without event time after an update-mode aggregation', () =>
    withTempDir(async (dir) => {
      await start(join(dir, 'a'), 'append', (w) =>
        w
          .groupBy(window(col('time'), '5 seconds'))
          .count()
          .dropDuplicates(['window']),
      )
      await start(join(dir, 'b'), 'update', (w) => w.groupBy('k').count().dropDuplicates(['k']))
    }))
})
