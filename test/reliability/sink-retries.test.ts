/**
 * Sink retries: a failed sink write is handed to the sink again (same batch id, same rows) after a
 * backoff on the session's clock, up to `sluice.sql.streaming.sink.maxRetries`; the retries show in
 * progress and, once they run out, in the query's error. A full disk (a real tmpfs) is transient: a
 * query that waits it out commits exactly the rows it would have.
 */
import assert from 'node:assert/strict'
import { rm, writeFile } from 'node:fs/promises'
import { type AddressInfo, connect, createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { setImmediate as tick } from 'node:timers/promises'
import {
  isSluiceError,
  ManualClock,
  Sluice,
  type SluiceConfig,
  type StreamingQuery,
} from '../../src/index.ts'
import { createTopic, kafkaBroker, uniqueTopic } from '../harness/kafka-broker.ts'
import { readCommitted } from '../harness/kafka-committed-reader.ts'
import { withTempDir } from '../harness/temp-dir.ts'
import { mountTmpfs, unmount } from './mounts.ts'
import { addInput, INPUT, pipeline, sinkRows } from './pipeline.ts'

interface Attempt {
  readonly batchId: number
  readonly rows: string
  readonly atMs: number
}

/** Advances `clock` by `stepMs` whenever the query waits on it (a backoff), until it ends. */
async function driveBackoffs(
  clock: ManualClock,
  query: StreamingQuery,
  stepMs: number,
  onWait: () => unknown = () => undefined,
) {
  while (query.isActive) {
    if (clock.waiterCount > 0) {
      await onWait()
      clock.advance(stepMs)
    }
    await tick()
  }
}

/** A foreachBatch query over `input` that fails its first `failures` attempts. */
async function flakyQuery(dir: string, conf: SluiceConfig, failures: number) {
  const p = await pipeline(dir, 'stateless')
  await addInput(p, 0, ['{"k":"a","n":1}', '{"k":"b","n":2}'])
  const clock = new ManualClock(0)
  const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false, clock, ...conf })
  const attempts: Attempt[] = []
  const query = await sluice.readStream
    .format('json')
    .schema(INPUT)
    .load(p.input)
    .writeStream.foreachBatch((df, batchId) => {
      const rows = df
        .collect()
        .map((r) => `${String(r.k)}${String(r.n)}`)
        .sort()
        .join(',')
      attempts.push({ batchId, rows, atMs: clock.now() })
      if (attempts.length <= failures) throw new Error(`service unavailable (attempt ${attempts.length})`)
    })
    .option('checkpointLocation', p.checkpoint)
    .trigger({ availableNow: true })
    .start()
  return { clock, query, attempts }
}

/** A free local port (nothing listens on it once this resolves). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Forwards `port` to the broker at `target`: the broker "comes back" on an address it was missing from. */
async function forward(port: number, target: number): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1')
    client.on('error', () => client.destroy())
    upstream.on('error', () => client.destroy())
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return server
}

describe('sink retries', () => {
  it('retries a failing foreachBatch with backoff on the session clock: same batch, same rows', () =>
    withTempDir(async (dir) => {
      const { clock, query, attempts } = await flakyQuery(
        dir,
        { 'sluice.sql.streaming.sink.maxRetries': 3, 'sluice.sql.streaming.sink.retryOn': 'all' },
        2,
      )
      const statuses: string[] = []
      await driveBackoffs(clock, query, 500, () => statuses.push(query.status.message))
      await query.awaitTermination()
      assert.match(
        statuses[0] ?? '',
        /^Retrying the sink write of batch 0 \(retry 1 of 3\) in 1000 ms after: .*service unavailable \(attempt 1\)/,
      )
      assert.deepEqual(
        attempts.map((a) => [a.batchId, a.rows]),
        [
          [0, 'a1,b2'],
          [0, 'a1,b2'],
          [0, 'a1,b2'],
        ],
      )
      // 1 s, then 2 s (doubled), waited on the manual clock in 500 ms steps.
      assert.deepEqual(
        attempts.map((a) => a.atMs),
        [0, 1000, 3000],
      )
      assert.equal(query.lastProgress?.sink.metrics?.numRetries, '2')
      assert.match(query.lastProgress?.json ?? '', /"numRetries":"2"/)
    }))

  it('fails with SINK_RETRIES_EXHAUSTED naming the attempts once the retries run out', () =>
    withTempDir(async (dir) => {
      const { clock, query, attempts } = await flakyQuery(
        dir,
        { 'sluice.sql.streaming.sink.maxRetries': 2, 'sluice.sql.streaming.sink.retryOn': 'all' },
        99,
      )
      await driveBackoffs(clock, query, 1000)
      const error = await query.awaitTermination().then(
        () => assert.fail('the query succeeded'),
        (e: unknown) => e as Error,
      )
      assert.ok(isSluiceError(error, 'STREAMING_QUERY_FAILED'), error.stack)
      const cause = error.cause
      assert.ok(isSluiceError(cause, 'SINK_RETRIES_EXHAUSTED'), String(cause))
      assert.match(cause.message, /failed batch 0 after 3 attempt\(s\) over 3000 ms/)
      assert.match(cause.message, /service unavailable \(attempt 3\)/)
      assert.ok(isSluiceError(cause.cause, 'UDF_FAILED'))
      assert.equal(attempts.length, 3)
    }))

  it('a stop during a backoff ends the query without error; the batch reruns at the next start', () =>
    withTempDir(async (dir) => {
      const conf = {
        'sluice.sql.streaming.sink.maxRetries': 3,
        'sluice.sql.streaming.sink.retryOn': 'all',
      } as const
      const first = await flakyQuery(dir, conf, 99)
      await driveBackoffs(first.clock, first.query, 1000, () => first.query.stop())
      await first.query.awaitTermination()
      assert.equal(first.query.exception, null)
      assert.deepEqual(
        first.attempts.map((a) => [a.batchId, a.rows]),
        [[0, 'a1,b2']],
      )
      const second = await flakyQuery(dir, conf, 0)
      await second.query.awaitTermination()
      assert.deepEqual(
        second.attempts.map((a) => [a.batchId, a.rows]),
        [[0, 'a1,b2']],
      )
    }))

  it('does not retry a user function error by default (retryOn transient)', () =>
    withTempDir(async (dir) => {
      const { clock, query, attempts } = await flakyQuery(
        dir,
        { 'sluice.sql.streaming.sink.maxRetries': 5 },
        1,
      )
      let waits = 0
      await driveBackoffs(clock, query, 1000, () => waits++)
      const error = await query.awaitTermination().then(
        () => assert.fail('the query succeeded'),
        (e: unknown) => e as Error,
      )
      assert.ok(isSluiceError(error.cause, 'UDF_FAILED'), String(error.cause))
      assert.equal(attempts.length, 1)
      assert.equal(waits, 0)
    }))

  it('rejects a bad setting naming the key', () => {
    assert.throws(
      () => Sluice.local({ 'sluice.sql.streaming.sink.maxRetries': -1 }),
      /'sluice\.sql\.streaming\.sink\.maxRetries' must be an integer/,
    )
  })

  it('waits out an unreachable Kafka broker and writes the batch once it is back', () =>
    withTempDir(async (dir) => {
      const broker = await kafkaBroker()
      const topic = uniqueTopic('sink-retry')
      await createTopic(broker.bootstrap, topic, 1)
      const port = await freePort()
      const p = await pipeline(dir, 'stateless')
      await addInput(p, 0, ['{"k":"a","n":1}', '{"k":"b","n":2}'])
      const clock = new ManualClock(0)
      const sluice = Sluice.local({
        'sluice.streaming.stopOnSignal': false,
        clock,
        'sluice.sql.streaming.sink.maxRetries': 3,
      })
      const query = await sluice.readStream
        .format('json')
        .schema(INPUT)
        .load(p.input)
        .selectExpr('k AS key', 'CAST(n AS STRING) AS value')
        .writeStream.format('kafka')
        .option('kafka.bootstrap.servers', `127.0.0.1:${port}`)
        .option('kafka.delivery.timeout.ms', '1500')
        .option('topic', topic)
        .option('checkpointLocation', p.checkpoint)
        .trigger({ availableNow: true })
        .start()
      let proxy: Server | undefined
      try {
        await driveBackoffs(clock, query, 1000, async () => {
          proxy ??= await forward(port, broker.port)
        })
        await query.awaitTermination()
      } finally {
        await new Promise((resolve) => (proxy === undefined ? resolve(undefined) : proxy.close(resolve)))
      }
      assert.ok(proxy !== undefined, 'the first write did not fail: the broker was reachable')
      assert.equal(query.lastProgress?.sink.metrics?.numRetries, '1')
      const records = await readCommitted(broker.bootstrap, topic)
      assert.deepEqual(records.map((r) => `${r.key}=${r.value}`).sort(), ['a=1', 'b=2'])
    }))

  it('waits out a full disk under the file sink and commits exactly the rows', (t) =>
    withTempDir(async (dir) => {
      const disk = join(dir, 'disk')
      const refused = await mountTmpfs(disk, '256k')
      if (refused !== undefined) return t.skip(refused)
      try {
        const p = { ...(await pipeline(dir, 'stateless')), out: join(disk, 'out') }
        await addInput(p, 0, ['{"k":"a","n":1}', '{"k":"b","n":2}'])
        const filler = join(disk, 'filler')
        await writeFile(filler, Buffer.alloc(1024 * 1024)).catch(() => undefined)
        const clock = new ManualClock(0)
        const sluice = Sluice.local({
          'sluice.streaming.stopOnSignal': false,
          clock,
          'sluice.sql.streaming.sink.maxRetries': 3,
        })
        const query = await sluice.readStream
          .format('json')
          .schema(INPUT)
          .load(p.input)
          .writeStream.format('json')
          .option('path', p.out)
          .option('checkpointLocation', p.checkpoint)
          .trigger({ availableNow: true })
          .start()
        let freed = false
        await driveBackoffs(clock, query, 1000, async () => {
          if (!freed) await rm(filler)
          freed = true
        })
        await query.awaitTermination()
        assert.ok(freed, 'the write never failed: the disk was not full')
        assert.deepEqual(await sinkRows(p), ['{"k":"a","n":1}', '{"k":"b","n":2}'])
        assert.ok(Number(query.lastProgress?.sink.metrics?.numRetries) >= 1)
      } finally {
        await unmount(disk)
      }
    }))
})
