import assert from 'node:assert/strict'
import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { SinkMetadataLog } from '../../../../src/connectors/file/sink-metadata-log.ts'
import { isSluiceError } from '../../../../src/errors.ts'
import { nodeFileSystem } from '../../../../src/io/fs.ts'
import { withTempDir } from '../../../harness/temp-dir.ts'

const file = (batchId: number, i = 0) => ({ path: `part-${batchId}-${i}.json`, size: 10 + i, batchId })

describe('SinkMetadataLog', () => {
  it('commits a batch once: a replayed add is refused and changes nothing', () =>
    withTempDir(async (dir) => {
      const log = new SinkMetadataLog(nodeFileSystem, dir)
      assert.equal(await log.latestBatchId(), -1)
      assert.equal(await log.has(0), false)
      assert.equal(await log.add(0, [file(0), file(0, 1)]), true)
      assert.equal(await log.add(0, [file(0, 7)]), false)
      assert.equal(await log.has(0), true)
      assert.deepEqual(await log.allFiles(), [file(0), file(0, 1)])
      assert.equal(await SinkMetadataLog.exists(nodeFileSystem, dir), true)
    }))

  it('compacts every tenth batch and deletes the entries it folds in', () =>
    withTempDir(async (dir) => {
      const log = new SinkMetadataLog(nodeFileSystem, dir, 3)
      for (let b = 0; b < 7; b++) await log.add(b, b === 4 ? [] : [file(b)])
      assert.deepEqual(await readdir(join(dir, '_sluice_metadata')), ['5.compact', '6'])
      assert.deepEqual(
        await log.allFiles(),
        [0, 1, 2, 3, 5, 6].map((b) => file(b)),
      )
      assert.equal(await log.latestBatchId(), 6)
      assert.equal(await log.has(1), true)
    }))

  it('refuses a damaged or newer entry, naming the file', () =>
    withTempDir(async (dir) => {
      const log = new SinkMetadataLog(nodeFileSystem, dir)
      await log.add(0, [file(0)])
      await writeFile(join(dir, '_sluice_metadata', '0'), 'v1\n{"path":"../x","size":1,"batchId":0}\n')
      await assert.rejects(
        log.allFiles(),
        (e) => isSluiceError(e, 'CHECKPOINT_CORRUPT') && /outside the sink folder/.test(e.message),
      )
      await writeFile(join(dir, '_sluice_metadata', '0'), 'v3\n')
      await assert.rejects(log.allFiles(), (e) => isSluiceError(e, 'CHECKPOINT_VERSION_UNSUPPORTED'))
    }))
})
