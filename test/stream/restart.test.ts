/**
 * Restarting a query from its checkpoint (DESIGN §3): the query id is kept and the run id is new,
 * committed data is not read again, a batch logged in offsets/ but not in commits/ is rerun with the
 * same offsets and batch id, and a checkpoint of other sources is refused (Spark's
 * StreamingQuerySuite / OffsetSeqLog recovery and "cannot change the number of sources").
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { col, isSluiceError, t } from '../../src/index.ts'
import {
  addData,
  assertOnQuery,
  assertProgress,
  checkAnswer,
  checkNewAnswer,
  execute,
  startStream,
  stopStream,
  testStream,
} from '../../src/testing/index.ts'
import { drain, streamSession } from './session.ts'

const N = t.struct({ n: t.long() })

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-restart-'))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('restart from a checkpoint', () => {
  it('keeps the query id, takes a new run id, and continues after the committed data', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    const runs: { id: string; runId: string }[] = []
    const note = assertOnQuery((q) => void runs.push({ id: q.id, runId: q.runId }))
    await testStream(
      input.toDF(),
      {},
      addData(input, { n: 1 }, { n: 2 }),
      checkAnswer({ n: 1 }, { n: 2 }),
      note,
      stopStream(),
      startStream(),
      note,
      // Nothing already processed comes out again: no new batch, no rows.
      checkNewAnswer(),
      assertOnQuery((q) => q.recentProgress.length === 0, 'no batch after a restart without new data'),
      addData(input, { n: 3 }),
      checkNewAnswer({ n: 3 }),
      assertProgress(
        (p) => p.batchId === 1 && p.sources[0].startOffset === 0 && p.sources[0].endOffset === 1,
      ),
      checkAnswer({ n: 1 }, { n: 2 }, { n: 3 }),
    )
    assert.equal(runs.length, 2)
    assert.equal(runs[0].id, runs[1].id)
    assert.notEqual(runs[0].runId, runs[1].runId)
  })

  it('picks up data added while the query was stopped', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    await testStream(
      input.toDF().filter(col('n').gt(0)),
      {},
      addData(input, { n: 1 }),
      checkAnswer({ n: 1 }),
      stopStream(),
      addData(input, { n: -5 }, { n: 2 }),
      addData(input, { n: 3 }),
      startStream(),
      checkNewAnswer({ n: 2 }, { n: 3 }),
      assertProgress((p) => p.batchId === 1 && p.numInputRows === 3, 'one batch for both additions'),
    )
  })

  it('reruns a batch whose commit is missing with the same offsets, without duplicating its rows', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    await testStream(
      input.toDF(),
      {},
      addData(input, { n: 1 }),
      checkAnswer({ n: 1 }),
      addData(input, { n: 2 }, { n: 3 }),
      checkAnswer({ n: 1 }, { n: 2 }, { n: 3 }),
      assertProgress((p) => p.batchId === 1),
      stopStream(),
      // A crash between writing offsets/1 and commits/1 leaves exactly this on disk.
      execute(async (_q, ctx) => rm(join(ctx.checkpointLocation, 'commits', '1'))),
      startStream(),
      assertProgress(
        (p) =>
          p.batchId === 1 &&
          p.numInputRows === 2 &&
          p.sources[0].startOffset === 0 &&
          p.sources[0].endOffset === 1,
        'batch 1 rerun over (0, 1]',
      ),
      checkAnswer({ n: 1 }, { n: 2 }, { n: 3 }),
      addData(input, { n: 4 }),
      checkNewAnswer({ n: 4 }),
      assertProgress((p) => p.batchId === 2 && p.sources[0].startOffset === 1),
    )
  })

  it('reads the checkpointLocation option whatever its case, as Spark does', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    await withDir(async (dir) => {
      const start = () => input.toDF().writeStream.format('console').option('checkpointlocation', dir).start()
      const first = await start()
      input.addData({ n: 1 })
      await drain(first)
      await first.stop()
      // The second run resumes from the folder the first wrote (not a temporary checkpoint).
      const second = await start()
      input.addData({ n: 2 })
      await drain(second)
      await second.stop()
      assert.equal(second.lastProgress?.batchId, 1)
      assert.deepEqual((await readdir(join(dir, 'commits'))).sort(), ['0', '1'])
    })
  })

  it('hands the rerun batch to the sink again with its batch id and the same rows', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    await withDir(async (dir) => {
      const seen: { id: number; rows: unknown[] }[] = []
      const start = () =>
        input
          .toDF()
          .writeStream.option('checkpointLocation', dir)
          .foreachBatch((df, id) => void seen.push({ id, rows: df.collect() }))
          .start()
      const first = await start()
      input.addData({ n: 1 })
      await drain(first)
      input.addData({ n: 2 })
      await drain(first)
      await first.stop()
      await rm(join(dir, 'commits', '1'))
      const second = await start()
      await drain(second)
      await second.stop()
      assert.deepEqual(seen, [
        { id: 0, rows: [{ n: 1 }] },
        { id: 1, rows: [{ n: 2 }] },
        { id: 1, rows: [{ n: 2 }] },
      ])
    })
  })

  it('refuses to restart an append-mode memory sink on a checkpoint with offsets, as Spark does', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    await withDir(async (dir) => {
      const start = () =>
        input
          .toDF()
          .writeStream.format('memory')
          .queryName('numbers')
          .option('checkpointLocation', dir)
          .start()
      const first = await start()
      input.addData({ n: 1 })
      await drain(first)
      await first.stop()
      const error = await start().then(
        async (q) => {
          await q.stop()
          return null
        },
        (e: unknown) => e,
      )
      assert.ok(error instanceof Error, 'start() must refuse')
      assert.match(error.message, /recover/)
      assert.ok(error.message.includes(join(dir, 'offsets')), error.message)
    })
  })

  it('refuses a checkpoint written for another set of sources (CHECKPOINT_INCOMPATIBLE)', async () => {
    const { sluice } = streamSession()
    const a = sluice.memoryStream(N)
    const b = sluice.memoryStream(N)
    await withDir(async (dir) => {
      const first = await a.toDF().writeStream.format('noop').option('checkpointLocation', dir).start()
      a.addData({ n: 1 })
      await drain(first)
      await first.stop()
      // Refused by start() itself, before the query reads anything.
      await assert.rejects(
        a.toDF().union(b.toDF()).writeStream.format('noop').option('checkpointLocation', dir).start(),
        (e: unknown) =>
          isSluiceError(e, 'CHECKPOINT_INCOMPATIBLE') &&
          /recorded sources 'memory-0'.*new source\(s\) 'memory-1'/.test(e.message),
      )
      assert.deepEqual(sluice.streams.active, [])
    })
  })
})
