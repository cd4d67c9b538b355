/**
 * A checkpoint the query cannot use, through the public API: each case must fail `start()` (recovery
 * runs before it resolves) with the documented code and a message that names the file or the
 * checkpoint and what to do, must never hand a batch to the sink, and must leave every byte of the
 * checkpoint as it was (snapshots of the whole folder before and after).
 */
import assert from 'node:assert/strict'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { isSluiceError, Sluice } from '../../src/index.ts'
import { assertExactlyOnce, snapshotTree } from '../harness/crash-checks.ts'
import { CrashChildren, untilMessage } from '../harness/crash-children.ts'
import { exactlyOnceBatchWriter } from '../harness/crash-exactly-once-sink.ts'
import { withTempDir } from '../harness/temp-dir.ts'

const ROWS = 5

/** Starts the test query on `checkpoint`; every batch it hands the sink is pushed to `seen`. */
function startQuery(checkpoint: string, outDir: string, seen: number[] = []) {
  const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false })
  const write = exactlyOnceBatchWriter(outDir)
  const query = sluice.readStream
    .format('rate-micro-batch')
    .option('rowsPerBatch', ROWS)
    .load()
    .writeStream.option('checkpointLocation', checkpoint)
    .trigger({ availableNow: true })
    .foreachBatch((df, batchId) => {
      seen.push(batchId)
      return write(df, batchId)
    })
    .start()
  return { sluice, query }
}

/** Runs the query `batches` times (one batch each: rate-micro-batch under availableNow). */
async function runBatches(checkpoint: string, outDir: string, batches: number): Promise<void> {
  for (let i = 0; i < batches; i++) await (await startQuery(checkpoint, outDir).query).awaitTermination()
}

/** Asserts that start() rejects with `code`, the message holding every part, the sink untouched. */
async function assertStartFails(checkpoint: string, outDir: string, code: string, parts: readonly string[]) {
  const seen: number[] = []
  const { sluice, query } = startQuery(checkpoint, outDir, seen)
  const error = await query.then(
    () => assert.fail('start() resolved'),
    (e: unknown) => e,
  )
  assert.ok(isSluiceError(error), String(error))
  assert.equal(error.code, code, error.message)
  for (const part of parts) assert.ok(error.message.includes(part), `'${part}' not in: ${error.message}`)
  assert.deepEqual(seen, [], 'no batch reached the sink')
  assert.deepEqual(sluice.streams.active, [])
}

/** A checkpoint with batches 0..2 committed, damaged by `damage`, must fail start() unchanged. */
async function assertDamagedCheckpointFails(
  damage: (checkpoint: string) => Promise<void>,
  code: string,
  parts: (checkpoint: string) => readonly string[],
): Promise<void> {
  await withTempDir(async (dir) => {
    const checkpoint = join(dir, 'ckpt')
    const outDir = join(dir, 'out')
    await mkdir(outDir)
    await runBatches(checkpoint, outDir, 3)
    await damage(checkpoint)
    const before = await snapshotTree(checkpoint)
    await assertStartFails(checkpoint, outDir, code, parts(checkpoint))
    assert.deepEqual(await snapshotTree(checkpoint), before, 'the checkpoint is unchanged')
  })
}

const RESTORE = 'Restore the checkpoint from a backup'

describe('checkpoint errors at start()', () => {
  const children = new CrashChildren()
  after(() => children.killAll())

  it('start() rejects with CHECKPOINT_CORRUPT naming offsets/N when it holds garbage', () =>
    assertDamagedCheckpointFails(
      (c) => writeFile(join(c, 'offsets', '2'), Buffer.from([0xff, 0xfe, 0x00, 0x67, 0x61, 0x72, 0x62])),
      'CHECKPOINT_CORRUPT',
      (c) => [join(c, 'offsets', '2'), 'not UTF-8', RESTORE],
    ))

  it('start() rejects with CHECKPOINT_CORRUPT naming offsets/N when its lines are not JSON', () =>
    assertDamagedCheckpointFails(
      (c) => writeFile(join(c, 'offsets', '2'), 'v1\n{"batchId":2,\n'),
      'CHECKPOINT_CORRUPT',
      (c) => [join(c, 'offsets', '2'), 'not valid JSON', RESTORE],
    ))

  it('start() rejects with CHECKPOINT_CORRUPT naming commits/N when it is truncated', () =>
    assertDamagedCheckpointFails(
      async (c) => {
        const path = join(c, 'commits', '2')
        const bytes = await readFile(path)
        await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)))
      },
      'CHECKPOINT_CORRUPT',
      (c) => [join(c, 'commits', '2'), 'truncated', RESTORE],
    ))

  it('start() rejects with CHECKPOINT_VERSION_UNSUPPORTED when offsets/N was written as v3', () =>
    assertDamagedCheckpointFails(
      (c) => writeFile(join(c, 'offsets', '2'), 'v3\n{"batchId":2,"aFieldFromTheFuture":true}\n'),
      'CHECKPOINT_VERSION_UNSUPPORTED',
      (c) => [join(c, 'offsets', '2'), 'v3', 'at most v2', 'upgrade Sluice'],
    ))

  it('start() rejects with CHECKPOINT_CORRUPT naming metadata when it holds garbage', () =>
    assertDamagedCheckpointFails(
      (c) => writeFile(join(c, 'metadata'), 'not a checkpoint file\n'),
      'CHECKPOINT_CORRUPT',
      (c) => [join(c, 'metadata'), 'version line', RESTORE],
    ))

  it('start() rejects with CHECKPOINT_LOCKED while another process runs a query on the checkpoint', () =>
    children.withTempDir(async (dir) => {
      const checkpoint = join(dir, 'ckpt')
      const outDir = join(dir, 'out')
      await mkdir(outDir)
      const pauseAt = { point: 'sink-start', batchId: 1 } as const
      const other = children.start({ checkpoint, outDir, rowsPerBatch: ROWS, pauseAt })
      await untilMessage(other, 'paused')
      // The holder's heartbeat may rewrite the lock meanwhile: compare its owner, every other byte.
      const withoutHeartbeat = async () => {
        const files = await snapshotTree(checkpoint)
        const lock = Buffer.from(files.lock, 'hex').toString('utf8').split('\n')[1]
        return { ...files, lock: JSON.parse(lock).owner }
      }
      const before = await withoutHeartbeat()
      await assertStartFails(checkpoint, outDir, 'CHECKPOINT_LOCKED', [
        checkpoint,
        `pid ${other.process.pid}`,
        'Stop the other query first',
      ])
      assert.deepEqual(await withoutHeartbeat(), before, 'the checkpoint is unchanged')
      await children.kill(other)
    }))

  it('start() takes over at once the lock of an owner on this host that was killed, and resumes', () =>
    children.withTempDir(async (dir) => {
      const checkpoint = join(dir, 'ckpt')
      const outDir = join(dir, 'out')
      await mkdir(outDir)
      const pauseAt = { point: 'sink-start', batchId: 1 } as const
      const killed = children.start({ checkpoint, outDir, rowsPerBatch: ROWS, pauseAt })
      await untilMessage(killed, 'paused')
      await children.kill(killed)
      // The lease (60 s) has not run out, but the owner's pid is dead on this host: no need to wait.
      const seen: number[] = []
      await (await startQuery(checkpoint, outDir, seen).query).awaitTermination()
      assert.deepEqual(seen, [1, 2], 'batch 1 is rerun, then availableNow runs batch 2')
      assert.equal(await assertExactlyOnce(outDir, ROWS), 3)
    }))
})
