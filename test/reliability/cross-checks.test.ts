/**
 * Checks across files at start: a checkpoint whose parts do not fit together is refused with
 * CHECKPOINT_CORRUPT naming what is missing, instead of reading nothing now and twice later.
 */
import assert from 'node:assert/strict'
import { copyFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../src/index.ts'
import { withTempDir } from '../harness/temp-dir.ts'
import { pipeline, runBatches, runOnce, sinkRows } from './pipeline.ts'

async function assertCorrupt(run: Promise<void>, ...parts: string[]): Promise<void> {
  const error = await run.then(
    () => assert.fail('the query ran'),
    (e: unknown) => e,
  )
  // At start() or, where a source finds it at its first trigger, as the query's failure.
  const cause = isSluiceError(error, 'STREAMING_QUERY_FAILED') ? error.cause : error
  assert.ok(isSluiceError(cause, 'CHECKPOINT_CORRUPT'), String(error))
  for (const part of parts) assert.ok(cause.message.includes(part), `'${part}' not in: ${cause.message}`)
}

describe('checkpoint cross-checks at start', () => {
  it('refuses a committed batch whose file-source log entry is missing', () =>
    withTempDir(async (dir) => {
      const p = await pipeline(dir, 'stateless')
      await runBatches(p, 0, 3)
      const entry = join(p.checkpoint, 'sources', 'json-0', '2')
      await rm(entry)
      await assertCorrupt(runOnce(p), entry, 'file source log')
      // Still refused on the next start: nothing was re-read.
      await assertCorrupt(runOnce(p), entry)
      assert.equal((await sinkRows(p)).length, 9)
    }))

  it('refuses a file-source log with an entry missing in the middle or at the start', () =>
    withTempDir(async (dir) => {
      const p = await pipeline(dir, 'stateless')
      await runBatches(p, 0, 3)
      await rm(join(p.checkpoint, 'sources', 'json-0', '0'))
      await assertCorrupt(runOnce(p), join(p.checkpoint, 'sources', 'json-0'), 'missing')
    }))

  it('refuses a committed batch whose file-sink log entry is missing, naming both', () =>
    withTempDir(async (dir) => {
      const p = await pipeline(dir, 'stateless')
      await runBatches(p, 0, 3)
      await rm(join(p.out, '_sluice_metadata', '2'))
      await assertCorrupt(
        runOnce(p),
        join(p.out, '_sluice_metadata', '2'),
        join(p.checkpoint, 'commits', '2'),
      )
    }))

  it('refuses a missing metadata file beside existing offsets', () =>
    withTempDir(async (dir) => {
      const p = await pipeline(dir, 'stateless')
      await runBatches(p, 0, 2)
      await rm(join(p.checkpoint, 'metadata'))
      await assertCorrupt(runOnce(p), 'metadata is missing beside offsets/1')
    }))

  it('refuses a metadata file that belongs to another query', () =>
    withTempDir(async (dir) => {
      const p = await pipeline(join(dir, 'p'), 'stateless')
      const other = await pipeline(join(dir, 'other'), 'stateless')
      await runBatches(p, 0, 2)
      await runBatches(other, 0, 1)
      await copyFile(join(other.checkpoint, 'metadata'), join(p.checkpoint, 'metadata'))
      await assertCorrupt(runOnce(p), 'belongs to another query', 'offsets/1')
    }))
})
