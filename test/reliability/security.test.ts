/**
 * Owner-only files and redacted errors: what a query writes is readable by its user only unless
 * `sluice.files.permissions` says otherwise, and no credential reaches a query's error or progress.
 */
import assert from 'node:assert/strict'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { isSluiceError, Sluice } from '../../src/index.ts'
import { buildProgress } from '../../src/runtime/progress.ts'
import { redactText } from '../../src/util/redact.ts'
import { withTempDir } from '../harness/temp-dir.ts'
import { pipeline, runBatches } from './pipeline.ts'

/** `mode` of every file and folder under `root` (itself included), as octal strings by path. */
async function modes(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>([[root, ((await stat(root)).mode & 0o777).toString(8)]])
  for (const name of await readdir(root, { recursive: true })) {
    const path = join(root, name)
    out.set(path, ((await stat(path)).mode & 0o777).toString(8))
  }
  return out
}

async function assertModes(root: string, file: string, dir: string): Promise<void> {
  for (const [path, mode] of await modes(root)) {
    const isDir = (await stat(path)).isDirectory()
    assert.equal(mode, isDir ? dir : file, `${path} has mode ${mode}`)
  }
}

describe('owner-only files', () => {
  it('creates checkpoint, state, side-output and sink files 0600 in 0700 folders', () =>
    withTempDir(async (dir) => {
      const sink = await pipeline(join(dir, 's'), 'stateless')
      await runBatches(sink, 0, 2)
      const stateful = await pipeline(join(dir, 'a'), 'stateful')
      await runBatches(stateful, 0, 2)
      const names = await readdir(stateful.checkpoint, { recursive: true })
      for (const kind of ['state', 'dead-letter', 'sources', 'offsets', 'commits', 'metadata'])
        assert.ok(names.includes(kind), `${kind} in ${names.join(', ')}`)
      assert.ok(names.some((n) => n.endsWith('.delta')))
      for (const root of [sink.checkpoint, sink.out, stateful.checkpoint])
        await assertModes(root, '600', '700')
    }))

  it("leaves modes to the umask with 'sluice.files.permissions': 'default'", () =>
    withTempDir(async (dir) => {
      const p = await pipeline(dir, 'stateless')
      const umask = process.umask()
      await runBatches(p, 0, 1, { 'sluice.files.permissions': 'default' })
      // The checkpoint too, the file source's log under sources/ included.
      for (const root of [p.out, p.checkpoint])
        await assertModes(root, (0o666 & ~umask).toString(8), (0o777 & ~umask).toString(8))
      assert.throws(() => Sluice.local({ 'sluice.files.permissions': 'world' as 'owner' }), {
        code: 'INVALID_ARGUMENT',
        message: /'sluice.files.permissions' must be 'owner' or 'default'/,
      })
    }))
})

describe('redaction', () => {
  it('redacts URL passwords and values of password/secret/token/jaas options', () => {
    assert.equal(
      redactText('kafka://app:pa55@broker:9092 sasl.password=pa55 "api.token": "t0k" secret: s3'),
      'kafka://app:*********(redacted)@broker:9092 sasl.password=*********(redacted) ' +
        '"api.token": *********(redacted) secret: *********(redacted)',
    )
    assert.equal(
      redactText('kafka.sasl.jaas.config=org.x.PlainLoginModule required username="u" password="p"; rest'),
      'kafka.sasl.jaas.config=*********(redacted) rest',
    )
    assert.equal(
      redactText("option('kafka.ssl.key.password', 'k3y')"),
      "option('kafka.ssl.key.password', *********(redacted))",
    )
    assert.equal(redactText('user=bob at http://host/a?b=1'), 'user=bob at http://host/a?b=1')
  })

  it('redacts an error thrown by user code in a sink, in the query error and its cause', () =>
    withTempDir(async (dir) => {
      const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false })
      const query = await sluice.readStream
        .format('rate-micro-batch')
        .option('rowsPerBatch', 1)
        .load()
        .writeStream.option('checkpointLocation', join(dir, 'ckpt'))
        .trigger({ availableNow: true })
        .foreachBatch(() => {
          throw new Error('cannot reach postgres://app:hunter2@db/sales (password=hunter2)')
        })
        .start()
      const error = await query.awaitTermination().then(
        () => assert.fail('the query ran'),
        (e: unknown) => e,
      )
      assert.ok(isSluiceError(error, 'STREAMING_QUERY_FAILED'))
      for (const text of [error.message, (error.cause as Error).message, (error.cause as Error).stack ?? ''])
        assert.ok(!text.includes('hunter2'), text)
      assert.match(
        error.message,
        /postgres:\/\/app:\*{9}\(redacted\)@db\/sales \(password=\*{9}\(redacted\)\)/,
      )
    }))

  it('redacts credentials in progress descriptions', () => {
    const p = buildProgress({
      query: { id: 'q', runId: 'r', name: null },
      batchId: 0,
      triggerStartMs: 0,
      previousTriggerStartMs: null,
      durations: {},
      sources: [
        { description: 'Kafka[sasl://u:pw@b:9092]', startOffset: null, endOffset: null, numInputRows: 0 },
      ],
      sink: { description: 'Jdbc[password=pw]', numOutputRows: 0 },
    })
    assert.equal(p.sources[0].description, 'Kafka[sasl://u:*********(redacted)@b:9092]')
    assert.equal(p.sink.description, 'Jdbc[password=*********(redacted)]')
  })
})
