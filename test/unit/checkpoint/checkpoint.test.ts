import assert from 'node:assert/strict'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { openCheckpoint } from '../../../src/checkpoint/checkpoint.ts'
import { isSluiceError } from '../../../src/errors.ts'
import { ManualClock } from '../../../src/io/clock.ts'
import { nodeFileSystem } from '../../../src/io/fs.ts'
import { ManualScheduler } from '../../../src/io/scheduler.ts'
import { sampleCommit, sampleOffsets } from '../../harness/checkpoint-entries.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const NOW = 1_700_000_000_000

function open(dir: string, ids: string[] = ['q-1', 'q-2']) {
  const clock = new ManualClock(NOW)
  return openCheckpoint(nodeFileSystem, dir, {
    clock,
    scheduler: new ManualScheduler(clock),
    newQueryId: () => ids.shift()!,
  })
}

describe('openCheckpoint', () => {
  it('creates the offsets and commits folders', () =>
    withTempDir(async (dir) => {
      const ckpt = await open(join(dir, 'c'))
      assert.deepEqual((await readdir(join(dir, 'c'))).sort(), ['commits', 'offsets'])
      assert.equal(ckpt.sourceDir('files-0'), join(dir, 'c', 'sources', 'files-0'))
    }))

  it('writes the query metadata once and reads the same id back on restart', () =>
    withTempDir(async (dir) => {
      const conf = { 'sluice.sql.shuffle.partitions': '8' }
      const first = await (await open(dir)).readOrCreateMetadata(conf)
      assert.deepEqual(first, { id: 'q-1', createdAtMs: NOW, conf })
      assert.equal(
        await readFile(join(dir, 'metadata'), 'utf8'),
        'v2\n{"id":"q-1","createdAtMs":1700000000000,"conf":{"sluice.sql.shuffle.partitions":"8"}}\ncrc32:47ae47b0\n',
      )
      const again = await (await open(dir, ['other'])).readOrCreateMetadata({
        ...conf,
        'sluice.new.conf': 'x',
      })
      assert.deepEqual(again, first)
    }))

  it('gives racing first starts the same query id', () =>
    withTempDir(async (dir) => {
      const [a, b] = await Promise.all([open(dir, ['a']), open(dir, ['b'])])
      const [ma, mb] = await Promise.all([a.readOrCreateMetadata({}), b.readOrCreateMetadata({})])
      assert.equal(ma.id, mb.id)
    }))

  it('refuses a restart whose fixed confs changed, naming each conf and both values', () =>
    withTempDir(async (dir) => {
      await (await open(dir)).readOrCreateMetadata({ 'sluice.sql.shuffle.partitions': '8', a: '1' })
      await assert.rejects(
        (await open(dir)).readOrCreateMetadata({ 'sluice.sql.shuffle.partitions': '4', a: '1' }),
        (e) =>
          isSluiceError(e, 'CHECKPOINT_INCOMPATIBLE') &&
          e.message.includes("conf 'sluice.sql.shuffle.partitions' is '8' in the checkpoint but '4' now") &&
          e.message.includes(dir) &&
          e.message.includes('new checkpoint location'),
      )
    }))

  it('refuses corrupt metadata and leaves it as it was', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, 'metadata'), '{"id":"from-spark"}')
      await assert.rejects((await open(dir)).readOrCreateMetadata({}), (e) =>
        isSluiceError(e, 'CHECKPOINT_CORRUPT'),
      )
      assert.equal(await readFile(join(dir, 'metadata'), 'utf8'), '{"id":"from-spark"}')
    }))

  it('decides recovery from the logs on disk', () =>
    withTempDir(async (dir) => {
      const ckpt = await open(dir)
      assert.deepEqual(await ckpt.recover(), { kind: 'fresh', batchId: 0 })
      await ckpt.offsets.add(0, sampleOffsets(0))
      assert.equal((await ckpt.recover()).kind, 'rerun')
      await ckpt.commits.add(0, sampleCommit(0))
      await ckpt.offsets.add(1, sampleOffsets(1))
      assert.deepEqual(await ckpt.recover(['bids', 'rate', 'idle']), {
        kind: 'rerun',
        batchId: 1,
        startOffsets: sampleOffsets(0).offsets,
        entry: sampleOffsets(1),
        previousWatermarkMs: sampleOffsets(0).batchWatermarkMs,
      })
      await ckpt.commits.add(1, sampleCommit(1))
      const next = await ckpt.recover()
      assert.deepEqual([next.kind, next.batchId], ['next', 2])
      await assert.rejects(ckpt.recover(['bids']), (e) => isSluiceError(e, 'CHECKPOINT_INCOMPATIBLE'))
    }))

  it('takes and releases the lock for a run of this process', () =>
    withTempDir(async (dir) => {
      const ckpt = await open(dir)
      const lock = await ckpt.acquireLock('run-1')
      assert.equal(lock.owner.pid, process.pid)
      await assert.rejects(ckpt.acquireLock('run-2'), (e) => isSluiceError(e, 'CHECKPOINT_LOCKED'))
      await lock.release()
      await (await ckpt.acquireLock('run-3')).release()
    }))
})
