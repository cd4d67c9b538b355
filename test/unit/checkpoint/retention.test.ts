import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { commitLogCodec } from '../../../src/checkpoint/commit-log-codec.ts'
import { FileMetadataLog } from '../../../src/checkpoint/file-metadata-log.ts'
import { offsetLogCodec } from '../../../src/checkpoint/offset-log-codec.ts'
import {
  applyRetention,
  computeRetention,
  DEFAULT_MIN_BATCHES_TO_RETAIN,
} from '../../../src/checkpoint/retention.ts'
import { isSluiceError } from '../../../src/errors.ts'
import { nodeFileSystem } from '../../../src/io/fs.ts'
import { sampleCommit, sampleOffsets } from '../../harness/checkpoint-entries.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('computeRetention', () => {
  it('keeps everything while the current batch id is at most minBatchesToRetain', () => {
    assert.deepEqual(computeRetention(range(0, 100), range(0, 99)), {
      thresholdBatchId: undefined,
      offsetsToPurge: [],
      commitsToPurge: [],
    })
    assert.deepEqual(computeRetention([], []).offsetsToPurge, [])
  })

  it('purges below currentBatchId - minBatchesToRetain from both logs, as Spark does', () => {
    // Spark: after writing offsets 101 with the default 100, purge(1) deletes batch 0 only.
    const plan = computeRetention(range(0, 101), range(0, 100))
    assert.equal(DEFAULT_MIN_BATCHES_TO_RETAIN, 100)
    assert.deepEqual(plan, { thresholdBatchId: 1, offsetsToPurge: [0], commitsToPurge: [0] })
    assert.deepEqual(computeRetention(range(0, 4), range(0, 3), 2), {
      thresholdBatchId: 2,
      offsetsToPurge: [0, 1],
      commitsToPurge: [0, 1],
    })
  })

  it('with minBatchesToRetain 1 still keeps the batch a rerun starts from', () => {
    const plan = computeRetention(range(0, 5), range(0, 4), 1)
    assert.deepEqual(plan.offsetsToPurge, [0, 1, 2, 3])
    assert.deepEqual(plan.commitsToPurge, [0, 1, 2, 3])
  })

  it('rejects a minBatchesToRetain below 1 or not an integer', () => {
    for (const bad of [0, -1, 1.5]) {
      assert.throws(
        () => computeRetention([0], [0], bad),
        (e) => isSluiceError(e, 'INVALID_ARGUMENT') && /minBatchesToRetain/.test(e.message),
      )
    }
  })
})

describe('applyRetention', () => {
  it('deletes the purgeable entries from both logs on disk', async () => {
    await withTempDir(async (dir) => {
      const offsets = new FileMetadataLog(nodeFileSystem, join(dir, 'offsets'), offsetLogCodec)
      const commits = new FileMetadataLog(nodeFileSystem, join(dir, 'commits'), commitLogCodec)
      for (const id of range(0, 6)) await offsets.add(id, sampleOffsets(id))
      for (const id of range(0, 5)) await commits.add(id, sampleCommit(id))
      const plan = await applyRetention(offsets, commits, 3)
      assert.equal(plan.thresholdBatchId, 3)
      assert.deepEqual(await offsets.listBatchIds(), [3, 4, 5, 6])
      assert.deepEqual(await commits.listBatchIds(), [3, 4, 5])
    })
  })
})
