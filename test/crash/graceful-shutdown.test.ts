/**
 * Graceful shutdown with real processes: a child runs a query with 'sluice.streaming.stopOnSignal'
 * left at its default (true) and is paused inside its sink; the parent sends a signal, waits until
 * the child has received it (so the query has been asked to stop), then lets the sink go on. The
 * batch in flight must finish and commit, no further batch may start, and the process must then end
 * by the same signal.
 */
import assert from 'node:assert/strict'
import { access, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { assertExactlyOnce, assertLogs } from '../harness/crash-checks.ts'
import {
  CrashChildren,
  removeLockOfDeadChild,
  stopPausedChild,
  untilMessage,
} from '../harness/crash-children.ts'
import type { CrashChildConfig } from '../harness/crash-protocol.ts'

const ROWS = 5

describe('graceful shutdown on a signal', () => {
  const children = new CrashChildren()
  after(() => children.killAll())

  /** Signals a child paused in the sink at `config.pauseAt`, lets it go on, and returns how it ended. */
  async function signalDuringBatch(config: CrashChildConfig, signal: 'SIGTERM' | 'SIGINT') {
    const child = children.start({ ...config, reportSignals: true })
    const failures: unknown[] = []
    child.process.on('message', (m: { type: string }) => m.type === 'failed' && failures.push(m))
    await untilMessage(child, 'paused')
    child.process.kill(signal)
    assert.equal((await child.next('signal')).signal, signal)
    child.send({ cmd: 'continue' })
    const exit = await child.exited
    assert.deepEqual(failures, [])
    return exit
  }

  /** A new run on the same checkpoint starts at `batchId` with a fresh write; stopped after the next. */
  async function assertResumesAt(checkpoint: string, outDir: string, batchId: number): Promise<void> {
    const pauseAt = { point: 'sink-start', batchId: batchId + 1 } as const
    const child = children.start({ checkpoint, outDir, rowsPerBatch: ROWS, pauseAt })
    const first = await untilMessage(child, 'batch')
    assert.deepEqual({ batchId: first.batchId, action: first.action }, { batchId, action: 'write' })
    await child.next('paused')
    await stopPausedChild(child)
    assert.equal(await assertExactlyOnce(outDir, ROWS), batchId + 2)
    await assertLogs(checkpoint, { lastOffsets: batchId + 1, lastCommit: batchId + 1, rowsPerBatch: ROWS })
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal}, commits the batch in flight, starts no other, and exits by ${signal}`, () =>
      children.withTempDir(async (dir) => {
        const checkpoint = join(dir, 'ckpt')
        const outDir = join(dir, 'out')
        await mkdir(outDir)
        const pauseAt = { point: 'sink-temp-written', batchId: 2 } as const
        const exit = await signalDuringBatch({ checkpoint, outDir, rowsPerBatch: ROWS, pauseAt }, signal)

        assert.deepEqual(exit, { code: null, signal })
        await assertLogs(checkpoint, { lastOffsets: 2, lastCommit: 2, rowsPerBatch: ROWS })
        assert.equal(await assertExactlyOnce(outDir, ROWS), 3)
        await assert.rejects(access(join(checkpoint, 'lock')), { code: 'ENOENT' }, 'the lock is released')
        await assertResumesAt(checkpoint, outDir, 3)
      }))
  }

  it('on SIGTERM while start() reruns an uncommitted batch, commits the rerun before exiting', () =>
    children.withTempDir(async (dir) => {
      const checkpoint = join(dir, 'ckpt')
      const outDir = join(dir, 'out')
      await mkdir(outDir)
      const crashed = children.start({
        checkpoint,
        outDir,
        rowsPerBatch: ROWS,
        pauseAt: { point: 'sink-start', batchId: 1 },
      })
      await untilMessage(crashed, 'paused')
      await children.kill(crashed)
      await removeLockOfDeadChild(checkpoint, crashed.process.pid!)

      const pauseAt = { point: 'sink-temp-written', batchId: 1 } as const
      const exit = await signalDuringBatch({ checkpoint, outDir, rowsPerBatch: ROWS, pauseAt }, 'SIGTERM')

      assert.deepEqual(exit, { code: null, signal: 'SIGTERM' })
      await assertLogs(checkpoint, { lastOffsets: 1, lastCommit: 1, rowsPerBatch: ROWS })
      await assert.rejects(access(join(checkpoint, 'lock')), { code: 'ENOENT' }, 'the lock is released')
      assert.equal(await assertExactlyOnce(outDir, ROWS), 2)
      await assertResumesAt(checkpoint, outDir, 2)
    }))
})
