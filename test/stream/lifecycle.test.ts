/**
 * A query's life through the public API (Spark's StreamingQuerySuite /
 * StreamingQueryManagerSuite / ForeachBatchSinkSuite / ForeachWriterSuite): stop, failure and
 * the waits on them, the session's set of queries, the one-query-per-checkpoint rule, and what
 * foreachBatch and foreach hand to user code.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { col, isSluiceError, t, udf } from '../../src/index.ts'
import { drain, streamSession } from './session.ts'

const N = t.struct({ n: t.long() })

/** A udf that throws for negative input, to make a query fail on purpose. */
const positive = udf((n: number) => {
  if (n < 0) throw new Error(`negative value ${n}`)
  return n
}, t.long())

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-lifecycle-'))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('stopping and failing', () => {
  it('stop() ends an idle query cleanly; stopping again does nothing', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    const q = await input.toDF().writeStream.format('noop').start()
    input.addData({ n: 1 })
    await drain(q)
    assert.equal(q.isActive, true)
    await q.stop()
    assert.equal(q.isActive, false)
    assert.equal(q.exception, null)
    assert.equal(q.status.message, 'Stopped')
    assert.equal(await q.awaitTermination(), true)
    await q.stop()
    assert.equal(q.recentProgress.length, 1)
  })

  it('a failing batch ends the query: awaitTermination() rejects with its error, which is query.exception', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    const q = await input
      .toDF()
      .select(positive('n').as('n'))
      .writeStream.format('noop')
      .queryName('checked')
      .start()
    input.addData({ n: -3 })
    const error = await q.awaitTermination().then(
      () => null,
      (e: unknown) => e,
    )
    assert.ok(isSluiceError(error), String(error))
    assert.equal(q.exception, error)
    assert.equal(q.isActive, false)
    assert.match(error.message, /negative value -3/)
    // Waiting again, or on data, gives the same error.
    await assert.rejects(q.awaitTermination(), (e) => e === error)
    await assert.rejects(q.processAllAvailable(), (e) => e === error)
  })

  it('wraps the batch’s error in one that names the query, keeping the original as its cause', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    const q = await input.toDF().select(positive('n').as('n')).writeStream.format('noop').start()
    input.addData({ n: -3 })
    const error = await q.awaitTermination().then(
      () => null,
      (e: unknown) => e,
    )
    assert.ok(isSluiceError(error, 'STREAMING_QUERY_FAILED'), String(error))
    assert.ok(error.message.includes(`[id = ${q.id}, runId = ${q.runId}]`), error.message)
    assert.match(String((error.cause as Error | undefined)?.message), /negative value -3/)
  })

  it('awaitTermination(timeout) returns false while the query runs, true once it has ended', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    const q = await input.toDF().writeStream.format('noop').start()
    // A real 50 ms wait: the timeout is the API under test (it is wall-clock time, as in Spark).
    assert.equal(await q.awaitTermination(50), false)
    await q.stop()
    assert.equal(await q.awaitTermination(50), true)
  })

  it('processAllAvailable() waits for data added while a trigger was reading offsets', async () => {
    // Deterministic: the idle query's poll is woken by the clock, then the data comes k microtasks
    // later, while that trigger is between reading the offsets and reporting idle.
    for (let k = 0; k < 6; k++) {
      const { sluice, clock } = streamSession()
      const input = sluice.memoryStream(N)
      const q = await input.toDF().writeStream.format('noop').start()
      await drain(q)
      clock.advance(10)
      for (let i = 0; i < k; i++) await Promise.resolve()
      input.addData({ n: 1 })
      await q.processAllAvailable()
      const batches = q.recentProgress.length
      await q.stop()
      assert.equal(batches, 1, `data added ${k} microtasks after the trigger began`)
    }
  })

  it('explain() shows the running query’s plans', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    const q = await input.toDF().filter(col('n').gt(1)).writeStream.format('noop').start()
    try {
      assert.match(q.explain(), /Physical Plan/)
    } finally {
      await q.stop()
    }
  })
})

describe('sluice.streams', () => {
  it('lists the active queries and finds them by id', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    const a = await input.toDF().writeStream.format('noop').queryName('a').start()
    const b = await input.toDF().writeStream.format('noop').queryName('b').start()
    assert.deepEqual(sluice.streams.active.map((q) => q.name).sort(), ['a', 'b'])
    assert.equal(sluice.streams.get(a.id), a)
    await a.stop()
    assert.deepEqual(
      sluice.streams.active.map((q) => q.name),
      ['b'],
    )
    assert.equal(sluice.streams.get(a.id), undefined, 'only active queries, as Spark’s get()')
    await b.stop()
    assert.deepEqual(sluice.streams.active, [])
  })

  it('awaitAnyTermination() rejects with a failed query’s error and waits anew after resetTerminated()', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    const failing = await input.toDF().select(positive('n').as('n')).writeStream.format('noop').start()
    const other = sluice.memoryStream(N)
    const healthy = await other.toDF().writeStream.format('noop').start()
    input.addData({ n: -1 })
    await assert.rejects(sluice.streams.awaitAnyTermination(), (e) => e === failing.exception)
    // Still the same answer until reset, as in Spark.
    await assert.rejects(sluice.streams.awaitAnyTermination(), (e) => e === failing.exception)
    sluice.streams.resetTerminated()
    let ended = false
    const waiting = sluice.streams.awaitAnyTermination().then(() => {
      ended = true
    })
    other.addData({ n: 1 })
    await drain(healthy)
    assert.equal(ended, false, 'waits for a new termination')
    await healthy.stop()
    await waiting
    assert.equal(ended, true)
  })

  it('refuses a second query on a checkpoint a running query holds (CHECKPOINT_LOCKED)', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    await withDir(async (dir) => {
      const start = () => input.toDF().writeStream.format('noop').option('checkpointLocation', dir).start()
      const first = await start()
      await assert.rejects(start(), (e: unknown) => isSluiceError(e, 'CHECKPOINT_LOCKED'))
      assert.deepEqual(sluice.streams.active, [first])
      input.addData({ n: 1 })
      await drain(first)
      assert.equal(first.lastProgress?.batchId, 0, 'the first query runs on')
      await first.stop()
      const again = await start()
      assert.equal(again.id, first.id)
      await again.stop()
    })
  })
})

describe('foreachBatch and foreach', () => {
  it('foreachBatch gets each batch as a DataFrame with its batch id', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    await withDir(async (dir) => {
      const seen: { id: number; rows: unknown[]; big: number; streaming: boolean }[] = []
      const q = await input
        .toDF()
        .writeStream.option('checkpointLocation', dir)
        .foreachBatch((df, id) => {
          seen.push({
            id,
            rows: df.collect(),
            big: df.filter(col('n').gt(1)).count(),
            streaming: df.isStreaming,
          })
        })
        .start()
      input.addData({ n: 1 }, { n: 2 })
      await drain(q)
      input.addData({ n: 3 })
      await drain(q)
      await q.stop()
      assert.deepEqual(seen, [
        { id: 0, rows: [{ n: 1 }, { n: 2 }], big: 1, streaming: false },
        { id: 1, rows: [{ n: 3 }], big: 1, streaming: false },
      ])
    })
  })

  it('an error in foreachBatch fails the query with the function’s message', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    await withDir(async (dir) => {
      const q = await input
        .toDF()
        .writeStream.option('checkpointLocation', dir)
        .foreachBatch(() => {
          throw new Error('sink down')
        })
        .start()
      input.addData({ n: 1 })
      await assert.rejects(q.awaitTermination(), /sink down/)
    })
  })

  it('foreach calls open(partition, batch id), process(row) for each row, then close(null)', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    await withDir(async (dir) => {
      const calls: string[] = []
      const q = await input
        .toDF()
        .writeStream.option('checkpointLocation', dir)
        .foreach({
          open: (partition, batchId) => {
            calls.push(`open ${partition} ${batchId}`)
            return batchId !== 1 // skip batch 1's rows
          },
          process: (row) => void calls.push(`process ${row.n}`),
          close: (error) => void calls.push(`close ${error}`),
        })
        .start()
      for (const rows of [[{ n: 1 }, { n: 2 }], [{ n: 3 }], [{ n: 4 }]]) {
        input.addData(...rows)
        await drain(q)
      }
      await q.stop()
      assert.deepEqual(calls, [
        'open 0 0',
        'process 1',
        'process 2',
        'close null',
        'open 0 1',
        'close null',
        'open 0 2',
        'process 4',
        'close null',
      ])
    })
  })

  it('foreach closes with the error when process throws, and the query fails with it', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    await withDir(async (dir) => {
      const closed: (Error | null)[] = []
      const q = await input
        .toDF()
        .writeStream.option('checkpointLocation', dir)
        .foreach({
          process: () => {
            throw new Error('row rejected')
          },
          close: (e) => void closed.push(e),
        })
        .start()
      input.addData({ n: 1 })
      await assert.rejects(q.awaitTermination(), /row rejected/)
      assert.equal(closed.length, 1)
      assert.match(closed[0]?.message ?? '', /row rejected/)
    })
  })
})
