import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { FileMetadataLog } from '../../../src/checkpoint/file-metadata-log.ts'
import { offsetLogCodec } from '../../../src/checkpoint/offset-log-codec.ts'
import { decodeVersionedFile } from '../../../src/checkpoint/versioned-file.ts'
import { nodeFileSystem, TEMP_PREFIX } from '../../../src/io/fs.ts'
import { sampleOffsets } from '../../harness/checkpoint-entries.ts'
import { startChild } from '../../harness/child-process.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

// Each offset line is about this long, so most of the child's time goes to writing and fsyncing.
const PADDING = 4_000_000

describe('atomic writes under SIGKILL', () => {
  const cases = [
    [2, 'log'],
    [3, 'latest'],
    [5, 'log'],
    [6, 'latest'],
    [9, 'log'],
    [9, 'latest'],
  ] as const
  for (const [killAt, target] of cases) {
    it(`leaves only whole files when the writer is killed writing batch ${killAt} to ${target}`, () =>
      withTempDir(async (dir) => {
        const child = startChild('atomic-write-child.ts', [dir, String(PADDING), '10'])
        for (;;) {
          const m = await child.next('writing')
          if (m.batchId === killAt && m.target === target) break
        }
        child.process.kill('SIGKILL')
        assert.equal((await child.exited).signal, 'SIGKILL')

        const log = new FileMetadataLog(nodeFileSystem, join(dir, 'offsets'), offsetLogCodec)
        const ids = await log.listBatchIds()
        assert.ok(ids.length >= killAt, `expected at least ${killAt} entries, got ${ids.length}`)
        assert.deepEqual(
          ids,
          Array.from({ length: ids.length }, (_, i) => i),
        )
        for (const id of ids) assert.deepEqual(await log.get(id), sampleOffsets(id, PADDING))
        const latest = decodeVersionedFile('latest', await readFile(join(dir, 'latest')), offsetLogCodec)
        assert.deepEqual(latest, sampleOffsets(latest.batchId, PADDING))
        assert.ok(latest.batchId >= killAt - 1)
        // Whatever the kill interrupted can only be a temp file, which readers never see.
        const names = [...(await readdir(join(dir, 'offsets'))), ...(await readdir(dir))]
        for (const name of names)
          assert.ok(/^(\d+|offsets|latest)$/.test(name) || name.startsWith(TEMP_PREFIX), name)
      }))
  }
})
