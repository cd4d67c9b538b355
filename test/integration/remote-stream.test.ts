/**
 * Streaming on Spark through Sluice.remote, against the real local Spark Connect server: a file
 * stream into Spark's memory and Parquet sinks, the query handle (ids, status, progress, stop), a
 * restart from the checkpoint that processes each file exactly once, and the refused JS sinks.
 */
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import {
  col,
  count,
  isSluiceError,
  lit,
  max,
  Sluice,
  type StreamingQueryListener,
  type StreamingQueryProgress,
  sum,
} from '../../src/index.ts'
import { ManualClock } from '../../src/io/clock.ts'
import { ManualScheduler } from '../../src/io/scheduler.ts'
import { remoteSession, sorted, sparkConnect } from '../harness/spark-connect.ts'
import { withTempDir } from '../harness/temp-dir.ts'

let url = ''
let skip: string | undefined
before(async () => {
  const server = await sparkConnect()
  if ('skip' in server) skip = server.skip
  else url = server.url
})

const jsonLines = (rows: object[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`
let names = 0
const uniqueName = (prefix: string) => `${prefix}_${process.pid}_${++names}`

describe('Sluice.remote streaming', () => {
  it('aggregates a file stream into the memory sink, batch by batch, with Spark progress', async (tc) => {
    if (skip) return tc.skip(skip)
    const spark = remoteSession(url)
    await withTempDir(async (dir) => {
      const input = join(dir, 'in')
      await mkdir(input)
      await writeFile(
        join(input, '1.json'),
        jsonLines([
          { user: 'ann', n: 1 },
          { user: 'bob', n: 2 },
        ]),
      )
      const events = await spark.readStream.schema('user STRING, n BIGINT').json(input)
      assert.equal(events.isStreaming, true)
      const name = uniqueName('totals')
      const q = await events
        .groupBy('user')
        .agg(sum('n').alias('n'))
        .writeStream.format('memory')
        .queryName(name)
        .outputMode('complete')
        .option('checkpointLocation', join(dir, 'ckpt'))
        .start()
      try {
        assert.equal(q.name, name)
        assert.match(q.id, /^[0-9a-f-]{36}$/)
        await q.processAllAvailable()
        const table = async () => sorted(await (await spark.table(name)).collect())
        assert.deepEqual(await table(), [
          { user: 'ann', n: 1 },
          { user: 'bob', n: 2 },
        ])
        await writeFile(join(input, '2.json'), jsonLines([{ user: 'ann', n: 10 }]))
        await q.processAllAvailable()
        assert.deepEqual(await table(), [
          { user: 'ann', n: 11 },
          { user: 'bob', n: 2 },
        ])
        const last = await q.lastProgress()
        assert.equal(last?.id, q.id)
        assert.equal(last?.runId, q.runId)
        assert.equal(last?.numInputRows, 1)
        assert.equal((await q.recentProgress()).at(-1)?.batchId, last?.batchId)
        assert.equal((await q.status()).isActive, true)
        assert.ok((await spark.streams.active()).some((a) => a.id === q.id && a.name === name))
        assert.equal((await spark.streams.get(q.id))?.runId, q.runId)
      } finally {
        await q.stop()
      }
      assert.equal(await q.isActive(), false)
      assert.ok(!(await spark.streams.active()).some((a) => a.id === q.id))
      assert.equal(await spark.streams.get(q.id), null)
      assert.equal(await spark.streams.awaitAnyTermination(1), true)
      await spark.streams.resetTerminated()
      assert.equal(await q.exception(), null)
    })
    spark.close()
  })

  it('runs observe() as Spark’s CollectMetrics and reports Spark’s observedMetrics in progress', async (tc) => {
    if (skip) return tc.skip(skip)
    const spark = remoteSession(url)
    await withTempDir(async (dir) => {
      const input = join(dir, 'in')
      await mkdir(input)
      await writeFile(
        join(input, '1.json'),
        jsonLines([
          { user: 'ann', n: 1 },
          { user: 'bob', n: 2 },
        ]),
      )
      const q = await (await spark.readStream.schema('user STRING, n BIGINT').json(input))
        .observe('input', count(lit(1)).alias('rows'), sum('n').alias('total'), max(col('user')))
        .writeStream.format('noop')
        .option('checkpointLocation', join(dir, 'ckpt'))
        .start()
      try {
        await q.processAllAvailable()
        const p: StreamingQueryProgress | null = await q.lastProgress()
        assert.deepEqual(p?.observedMetrics, { input: { rows: 2, total: 3, 'max(user)': 'bob' } })
      } finally {
        await q.stop()
      }
    })
    spark.close()
  })

  it('restarts from its checkpoint and writes each input file to the Parquet sink exactly once', async (tc) => {
    if (skip) return tc.skip(skip)
    const spark = remoteSession(url)
    await withTempDir(async (dir) => {
      const [input, out, ckpt] = ['in', 'out', 'ckpt'].map((d) => join(dir, d))
      await mkdir(input)
      await writeFile(join(input, '1.json'), jsonLines([{ user: 'ann', n: 1 }]))
      const start = async () =>
        (await spark.readStream.schema('user STRING, n BIGINT').json(input)).writeStream
          .format('parquet')
          .option('checkpointLocation', ckpt)
          .trigger({ processingTime: '100 milliseconds' })
          .start(out)
      const first = await start()
      await first.processAllAvailable()
      await first.stop()
      await writeFile(join(input, '2.json'), jsonLines([{ user: 'bob', n: 2 }]))
      const second = await start()
      try {
        assert.equal(second.id, first.id)
        assert.notEqual(second.runId, first.runId)
        await second.processAllAvailable()
        assert.equal((await second.lastProgress())?.numInputRows, 1)
      } finally {
        await second.stop()
      }
      const written = await (await spark.read.parquet(out)).collect()
      assert.deepEqual(sorted(written), [
        { user: 'ann', n: 1 },
        { user: 'bob', n: 2 },
      ])
    })
    spark.close()
  })

  it('feeds a listener by polling: started, one progress event per batch, terminated', async (tc) => {
    if (skip) return tc.skip(skip)
    const clock = new ManualClock(0)
    const scheduler = new ManualScheduler(clock)
    const spark = Sluice.remote(url, {
      'sluice.sql.session.timeZone': 'UTC',
      'sluice.remote.listenerPollInterval': '1 second',
      scheduler,
      clock,
    })
    const events: string[] = []
    const listener: StreamingQueryListener = {
      onQueryStarted: (e) => events.push(`started ${e.name}`),
      onQueryProgress: ({ progress }) =>
        events.push(`batch ${progress.batchId}: ${progress.numInputRows} rows`),
      onQueryTerminated: (e) => events.push(`terminated ${e.exception}`),
    }
    spark.streams.addListener(listener)
    await withTempDir(async (dir) => {
      const input = join(dir, 'in')
      await mkdir(input)
      await writeFile(
        join(input, '1.json'),
        jsonLines([
          { user: 'ann', n: 1 },
          { user: 'bob', n: 2 },
        ]),
      )
      const name = uniqueName('polled')
      const q = await (await spark.readStream.schema('user STRING, n BIGINT').json(input)).writeStream
        .format('noop')
        .queryName(name)
        .option('checkpointLocation', join(dir, 'ckpt'))
        .start()
      try {
        await q.processAllAvailable()
        await scheduler.advance(1000)
        await scheduler.advance(1000) // a second poll reports nothing new
        await writeFile(join(input, '2.json'), jsonLines([{ user: 'cy', n: 3 }]))
        await q.processAllAvailable()
        await scheduler.advance(1000)
      } finally {
        await q.stop()
      }
      await scheduler.advance(1000)
      assert.deepEqual(events, [`started ${name}`, 'batch 0: 2 rows', 'batch 1: 1 rows', 'terminated null'])
    })
    spark.streams.removeListener(listener)
    assert.equal(scheduler.pending, 0)
    spark.close()
  })

  it("reads Spark's rate source schema as t.* types", async (tc) => {
    if (skip) return tc.skip(skip)
    const spark = remoteSession(url)
    const rate = await spark.readStream.format('rate').option('rowsPerSecond', 5).load()
    assert.deepEqual(rate.columns, ['timestamp', 'value'])
    assert.deepEqual(
      rate.local.schema.fields.map((f) => f.type.kind),
      ['timestamp', 'long'],
    )
    spark.close()
  })

  it('refuses foreach and foreachBatch with JavaScript functions, by name', () => {
    const spark = remoteSession('sc://127.0.0.1:1')
    const df = spark.range(3)
    const refused = (name: RegExp) => (e: unknown) =>
      isSluiceError(e, 'UNSUPPORTED_OPERATION') && name.test(String(e))
    assert.throws(
      () => df.writeStream.foreachBatch(() => {}),
      refused(/foreachBatch with a JavaScript function/),
    )
    assert.throws(() => df.writeStream.foreach({}), refused(/foreach with a JavaScript function/))
    spark.close()
  })
})
