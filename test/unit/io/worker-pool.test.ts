/**
 * The session's worker pool (`sluice.executor.threads`): tasks run on worker threads, a task's
 * error comes back as the SluiceError it was, a worker that dies fails only its task (named) and
 * is replaced, and the pool ends with the session.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { threadId } from 'node:worker_threads'
import { isSluiceError } from '../../../src/errors.ts'
import { Sluice, t } from '../../../src/index.ts'
import { executorThreadsOf, rethrowFailure, WorkerPool } from '../../../src/io/worker-pool.ts'
import type { PoolTestTask } from '../../harness/pool-task-worker.ts'

const WORKER = new URL('../../harness/pool-task-worker.ts', import.meta.url)
const run = (pool: WorkerPool, task: PoolTestTask, label = 'task') =>
  pool.run<unknown>(WORKER, task, { label })

describe('WorkerPool', () => {
  it('runs tasks on worker threads, not the calling one', async () => {
    const pool = new WorkerPool(2)
    try {
      const ids = await Promise.all([run(pool, { kind: 'threadId' }), run(pool, { kind: 'threadId' })])
      for (const id of ids) assert.notEqual(id, threadId)
      assert.ok(pool.workers.length >= 1 && pool.workers.length <= 2)
    } finally {
      await pool.close()
    }
  })

  it("gives a task's SluiceError back with its code and message", async () => {
    const pool = new WorkerPool(2)
    try {
      const reply = await run(pool, { kind: 'throw' })
      assert.throws(
        () => rethrowFailure(reply),
        (e) => isSluiceError(e, 'MALFORMED_RECORD') && e.message.includes('/in/bad.parquet'),
      )
    } finally {
      await pool.close()
    }
  })

  it('fails the task of a worker that dies, naming it, and runs the next task on a new worker', async () => {
    const pool = new WorkerPool(1)
    try {
      await assert.rejects(
        run(pool, { kind: 'exit' }, '/in/part-3.parquet'),
        (e) => isSluiceError(e, 'EXECUTOR_WORKER_FAILED') && e.message.includes('/in/part-3.parquet'),
      )
      assert.notEqual(await run(pool, { kind: 'threadId' }), threadId)
    } finally {
      await pool.close()
    }
  })

  it('ends its workers on close and refuses later tasks', async () => {
    const pool = new WorkerPool(2)
    await run(pool, { kind: 'threadId' })
    const [worker] = pool.workers
    const exited = new Promise((resolve) => worker.once('exit', resolve))
    await pool.close()
    await exited
    assert.equal(pool.workers.length, 0)
    await assert.rejects(run(pool, { kind: 'threadId' }, '/in/a.json'), (e) =>
      isSluiceError(e, 'UNSUPPORTED_OPERATION'),
    )
    await pool.close()
  })
})

describe('sluice.executor.threads', () => {
  it('defaults to 1 (threads measured slower so far) and takes 1 to 256', () => {
    assert.equal(executorThreadsOf(undefined), 1)
    assert.equal(executorThreadsOf(1), 1)
    for (const bad of [0, 1.5, 257]) {
      assert.throws(
        () => executorThreadsOf(bad),
        (e) => isSluiceError(e, 'INVALID_ARGUMENT') && e.message.includes('sluice.executor.threads'),
      )
    }
    assert.throws(() => Sluice.local({ 'sluice.executor.threads': 0 }), /sluice\.executor\.threads/)
  })

  it("sluice.stop() ends the session's worker threads: a later read on them is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-pool-session-'))
    try {
      for (const f of ['a', 'b']) writeFileSync(join(dir, `${f}.json`), '{"n":1}\n{"n":2}\n')
      const sluice = Sluice.local({
        'sluice.executor.threads': 2,
        'sluice.executor.parallelReadMinBytes': 0,
        'sluice.streaming.stopOnSignal': false,
      })
      const read = async (ckpt: string) => {
        let rows = 0
        const q = await sluice.readStream
          .format('json')
          .schema(t.struct({ n: t.long() }))
          .load(dir)
          .writeStream.foreachBatch((df) => {
            rows += df.count()
          })
          .option('checkpointLocation', join(dir, ckpt))
          .trigger({ availableNow: true })
          .start()
        await q.awaitTermination().catch(() => undefined)
        return { rows, error: q.exception }
      }
      assert.deepEqual(await read('_c1'), { rows: 4, error: null })
      await sluice.stop()
      const after = await read('_c2')
      assert.equal(after.rows, 0)
      assert.match(String(after.error?.message), /session was stopped/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('sluice.stop() stops the active queries and can be called twice', async () => {
    const sluice = Sluice.local({ 'sluice.executor.threads': 2, 'sluice.streaming.stopOnSignal': false })
    const q = await sluice.readStream.format('rate').load().writeStream.format('noop').start()
    assert.equal(q.isActive, true)
    await sluice.stop()
    assert.equal(q.isActive, false)
    await sluice.stop()
  })
})
