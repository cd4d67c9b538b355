/**
 * The file source's log is compacted like Spark's FileStreamSourceLog: every 10th entry is a
 * `N.compact` holding all files so far and older entries are deleted, so a restart reads one
 * compact file and a few entries; across 25 restarts every input row is read exactly once.
 */
import assert from 'node:assert/strict'
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { FileSourceLog } from '../../src/connectors/file/file-source-log.ts'
import { isSluiceError } from '../../src/index.ts'
import { nodeFileSystem } from '../../src/io/fs.ts'
import { withTempDir } from '../harness/temp-dir.ts'
import { pipeline, runBatches, runOnce, sinkRows } from './pipeline.ts'

/** The rows runBatches(p, 0, n) writes: a and b with n = i, then a with n = 0 for odd i or, for even i, the all-null row of the malformed line. */
function expectedRows(n: number): string[] {
  const rows: string[] = []
  for (let i = 0; i < n; i++) {
    rows.push(`{"k":"a","n":${i}}`, `{"k":"b","n":${i}}`)
    rows.push(i % 2 === 1 ? '{"k":"a","n":0}' : '{}')
  }
  return rows.sort()
}

describe('file source log compaction', () => {
  it('compacts every 10 entries and reads each file once across 25 restarts', () =>
    withTempDir(async (dir) => {
      const p = await pipeline(dir, 'stateless')
      await runBatches(p, 0, 25)
      const log = join(p.checkpoint, 'sources', 'json-0')
      assert.deepEqual((await readdir(log)).sort(), ['19.compact', '20', '21', '22', '23', '24'])
      assert.deepEqual(await sinkRows(p), expectedRows(25))
      // A restart with no new file reads nothing again; the next file is read once.
      await runOnce(p)
      assert.deepEqual(await sinkRows(p), expectedRows(25))
      await runBatches(p, 25, 30)
      assert.deepEqual((await readdir(log)).sort(), ['29.compact'])
      assert.deepEqual(await sinkRows(p), expectedRows(30))
      const records = await new FileSourceLog(nodeFileSystem, log).getRange(0)
      assert.deepEqual(
        records.map((r) => r.batchId),
        Array.from({ length: 30 }, (_, i) => i),
      )
    }))

  it('reruns a batch whose entry is inside a compact file with exactly its files', () =>
    withTempDir(async (dir) => {
      const p = await pipeline(dir, 'stateful')
      await runBatches(p, 0, 10)
      assert.ok(
        p.batches.length === 10 &&
          (await readdir(join(p.checkpoint, 'sources', 'json-0'))).includes('9.compact'),
      )
      const batch9 = p.batches[9]
      // Batch 9's source entry is 9.compact; without its commit it reruns from exactly that entry.
      await rm(join(p.checkpoint, 'commits', '9'))
      await runOnce(p)
      assert.deepEqual(p.batches.slice(10), [batch9])
    }))

  it('refuses a compacted log whose entries after the compact file have a gap', () =>
    withTempDir(async (dir) => {
      const p = await pipeline(dir, 'stateless')
      await runBatches(p, 0, 13)
      await rm(join(p.checkpoint, 'sources', 'json-0', '11'))
      const error = await runOnce(p).then(
        () => assert.fail('the query ran'),
        (e: unknown) => e,
      )
      const cause = isSluiceError(error, 'STREAMING_QUERY_FAILED') ? error.cause : error
      assert.ok(
        isSluiceError(cause, 'CHECKPOINT_CORRUPT') && /entries 11 are missing/.test(cause.message),
        String(cause),
      )
    }))
})

describe('FileSourceLog ranges', () => {
  it('reads any range of entries, before, inside and after a compaction', () =>
    withTempDir(async (dir) => {
      const log = new FileSourceLog(nodeFileSystem, dir, 3)
      const entry = (id: number) => [{ path: `/in/f-${id}`, timestamp: id, size: 1, batchId: id }]
      for (let id = 0; id < 8; id++) assert.equal(await log.add(id, entry(id)), true)
      assert.equal(await log.add(7, entry(7)), false)
      assert.deepEqual((await readdir(dir)).sort(), ['5.compact', '6', '7'])
      const ids = async (from: number, to?: number) => (await log.getRange(from, to)).map((r) => r.batchId)
      assert.deepEqual(await ids(0), [0, 1, 2, 3, 4, 5, 6, 7])
      assert.deepEqual(await ids(1, 3), [1, 2, 3])
      assert.deepEqual(await ids(4, 6), [4, 5, 6])
      assert.deepEqual(await ids(7), [7])
      assert.equal(await log.latestId(), 7)
    }))
})
