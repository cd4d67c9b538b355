/**
 * A query keeps the progress of its last N batches in its checkpoint (`progress/<batchId>`, v2 with
 * a checksum), written after each commit, older files deleted, across restarts; CheckpointHistory
 * reads them back as the UI's runs.
 */
import assert from 'node:assert/strict'
import { readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { progressLogCodec } from '../../src/checkpoint/progress-log-codec.ts'
import { decodeVersionedFile } from '../../src/checkpoint/versioned-file.ts'
import { count, ManualClock, Sluice, type StreamingQuery, t } from '../../src/index.ts'
import { nodeFileSystem } from '../../src/io/fs.ts'
import { CheckpointHistory } from '../../src/ui/checkpoint-history.ts'
import { withTempDir } from '../harness/temp-dir.ts'
import { STREAM_TEST_CONF } from './session.ts'

const N = t.struct({ n: t.long() })

/**
 * Runs `batches` batches of a query on `dir` (one row each); returns the stopped query. `from`: the
 * batches an earlier run committed (a memory stream starts again at offset 0: those rows are re-added
 * before the start, and the checkpoint skips them).
 */
async function runBatches(
  dir: string,
  batches: number,
  keep?: number,
  from = 0,
  retain?: number,
): Promise<StreamingQuery> {
  const sluice = Sluice.local({
    ...STREAM_TEST_CONF,
    clock: new ManualClock(1_700_000_000_000),
    ...(keep === undefined ? {} : { 'sluice.sql.streaming.numRecentProgressUpdates': keep }),
    ...(retain === undefined ? {} : { 'sluice.sql.streaming.minBatchesToRetain': retain }),
  })
  const input = sluice.memoryStream(N)
  for (let i = 0; i < from; i++) input.addData({ n: i })
  const q = await input
    .toDF()
    .observe('seen', count('*').alias('rows'))
    .writeStream.format('noop')
    .queryName('kept')
    .option('checkpointLocation', dir)
    .start()
  for (let i = 0; i < batches; i++) {
    input.addData({ n: i })
    await q.processAllAvailable()
  }
  await q.stop()
  return q
}

const progressFiles = async (dir: string) =>
  (await readdir(join(dir, 'progress')).catch(() => [] as string[])).filter((f) => !f.startsWith('.'))

describe('progress kept in the checkpoint', () => {
  it('keeps the last N batches’ progress JSON, checksummed, deleting older ones', async () => {
    await withTempDir(async (dir) => {
      const q = await runBatches(dir, 5, 3)
      assert.deepEqual((await progressFiles(dir)).sort(), ['2', '3', '4'])
      for (const p of q.recentProgress.slice(2)) {
        const file = join(dir, 'progress', String(p.batchId))
        const bytes = await readFile(file)
        assert.match(bytes.toString(), /^v2\n\{.*\}\ncrc32:[0-9a-f]{8}\n$/)
        const entry = decodeVersionedFile(file, bytes, progressLogCodec, { batchId: p.batchId })
        assert.deepEqual(entry, JSON.parse(p.json), `progress/${p.batchId} is the batch's progress JSON`)
      }
    })
  })

  it('keeps them across restarts, one run per start, and reads them back as the UI’s runs', async () => {
    await withTempDir(async (dir) => {
      const first = await runBatches(dir, 2)
      const second = await runBatches(dir, 3, undefined, 2)
      assert.deepEqual((await progressFiles(dir)).sort(), ['0', '1', '2', '3', '4'])
      const history = await CheckpointHistory.open(nodeFileSystem, [dir])
      const runs = await history.runs()
      assert.deepEqual(
        runs.map((r) => [r.runId, r.id, r.name, r.status, r.batches]),
        [
          [second.runId, second.id, 'kept', 'stopped', 3],
          [first.runId, first.id, 'kept', 'stopped', 2],
        ],
      )
      const run = await history.run(second.runId)
      assert.deepEqual(
        run?.progress.map((p) => [p.batchId, p.numInputRows, p.observedMetrics.seen.rows]),
        [
          [2, 1, 1],
          [3, 1, 1],
          [4, 1, 1],
        ],
      )
      assert.equal(run?.started, second.recentProgress[0].timestamp)
    })
  })

  it('purges offsets and commits to the last minBatchesToRetain + 1 batches, across a restart', async () => {
    await withTempDir(async (dir) => {
      const files = async (log: string) =>
        (await readdir(join(dir, log)))
          .filter((f) => !f.startsWith('.'))
          .map(Number)
          .sort((a, b) => a - b)
      await runBatches(dir, 8, undefined, 0, 3)
      assert.deepEqual(await files('offsets'), [4, 5, 6, 7])
      assert.deepEqual(await files('commits'), [4, 5, 6, 7])
      // The restart purges by listing first, then by name: the same rule.
      await runBatches(dir, 3, undefined, 8, 2)
      assert.deepEqual(await files('offsets'), [8, 9, 10])
      assert.deepEqual(await files('commits'), [8, 9, 10])
    })
  })

  it('keeps none with numRecentProgressUpdates 0, and refuses a negative or fractional count', async () => {
    await withTempDir(async (dir) => {
      await runBatches(dir, 2, 0)
      assert.deepEqual(await progressFiles(dir), [])
    })
    for (const bad of [-1, 1.5])
      assert.throws(
        () => Sluice.local({ 'sluice.sql.streaming.numRecentProgressUpdates': bad }),
        (e: Error & { code?: string }) =>
          e.code === 'INVALID_ARGUMENT' && e.message.includes('numRecentProgressUpdates'),
      )
  })

  it('refuses a damaged progress file by name, and a folder that is not a checkpoint', async () => {
    await withTempDir(async (dir) => {
      await runBatches(dir, 1)
      const file = join(dir, 'progress', '0')
      await writeFile(file, (await readFile(file, 'utf8')).replace('"batchId":0', '"batchId":7'))
      const history = await CheckpointHistory.open(nodeFileSystem, [dir])
      await assert.rejects(history.runs(), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'CHECKPOINT_CORRUPT')
        assert.ok(e.message.includes(file), e.message)
        return true
      })
      await assert.rejects(CheckpointHistory.open(nodeFileSystem, [join(dir, 'progress')]), {
        code: 'PATH_NOT_FOUND',
      })
    })
  })

  it('fails the query when a progress entry cannot be written, though it is written beside the next batch', async () => {
    await withTempDir(async (dir) => {
      const sluice = Sluice.local({ ...STREAM_TEST_CONF, clock: new ManualClock(1_700_000_000_000) })
      const input = sluice.memoryStream(N)
      const q = await input.toDF().writeStream.format('noop').option('checkpointLocation', dir).start()
      input.addData({ n: 0 })
      await q.processAllAvailable()
      // A file where the folder was: every later progress entry fails to be created.
      await rename(join(dir, 'progress'), join(dir, 'progress-moved'))
      await writeFile(join(dir, 'progress'), 'not a folder')
      let failure: unknown
      try {
        for (let i = 1; i <= 3; i++) {
          input.addData({ n: i })
          await q.processAllAvailable()
        }
        await q.stop()
      } catch (e) {
        failure = e
      }
      const err = (failure ?? q.exception) as Error | null | undefined
      assert.match(String(err?.message), /STORAGE_ERROR/)
      assert.ok(err?.message.includes(join(dir, 'progress')), err?.message)
    })
  })
})
