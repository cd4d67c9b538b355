/**
 * Structured logs: silent unless configured; with `sluice.log.level`, one JSON line per query
 * event, each carrying queryId and runId (and batchId for batches); secrets never printed.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ManualClock, Sluice, t, udf } from '../../src/index.ts'
import { createLogger } from '../../src/io/logger.ts'

function capture() {
  const lines: string[] = []
  return { lines, logDestination: { write: (line: string) => void lines.push(line) } }
}

async function runQueries(sluice: Sluice) {
  const input = sluice.memoryStream(t.struct({ n: t.long() }))
  const ok = await input.toDF().writeStream.format('noop').queryName('copy').start()
  input.addData({ n: 1 }, { n: 2 })
  await ok.processAllAvailable()
  input.addData({ n: 3 })
  await ok.processAllAvailable()
  await ok.stop()
  const boom = udf((n: number) => {
    throw new Error(`bad row ${n}`)
  }, t.long())
  const failing = await input.toDF().select(boom('n').as('n')).writeStream.format('noop').start()
  await assert.rejects(failing.awaitTermination())
  return { ok, failing }
}

describe('query logs', () => {
  it('writes nothing unless sluice.log.level is set', async () => {
    const { lines, logDestination } = capture()
    const sluice = Sluice.local({
      clock: new ManualClock(0),
      'sluice.streaming.stopOnSignal': false,
      logDestination,
    })
    await runQueries(sluice)
    assert.deepEqual(lines, [])
  })

  it('logs every query event as JSON with queryId, runId and batchId', async () => {
    const { lines, logDestination } = capture()
    const sluice = Sluice.local({
      clock: new ManualClock(0),
      'sluice.streaming.stopOnSignal': false,
      'sluice.log.level': 'info',
      logDestination,
    })
    const { ok, failing } = await runQueries(sluice)
    const entries = lines.map((l) => JSON.parse(l))
    assert.ok(entries.length >= 5)
    for (const e of entries) {
      assert.equal(typeof e.queryId, 'string', JSON.stringify(e))
      assert.equal(typeof e.runId, 'string', JSON.stringify(e))
      assert.equal(typeof e.time, 'number')
    }
    const of = (q: { runId: string }) => entries.filter((e) => e.runId === q.runId)
    assert.deepEqual(
      of(ok).map((e) => [e.msg, e.batchId]),
      [
        ['query started', undefined],
        ['batch completed', 0],
        ['batch completed', 1],
        ['query stopped', undefined],
      ],
    )
    const batch1 = of(ok).find((e) => e.batchId === 1)
    assert.equal(batch1.numInputRows, 1)
    assert.equal(batch1.queryId, ok.id)
    assert.equal(batch1.queryName, 'copy')
    assert.equal(batch1.level, 'info')
    const failed = of(failing).at(-1)
    assert.equal(failed.level, 'error')
    assert.equal(failed.msg, 'query failed')
    assert.match(failed.error, /bad row 1/)
  })

  it('redacts credentials in logged objects and messages', () => {
    const { lines, logDestination } = capture()
    const log = createLogger('info', logDestination)
    log.info(
      { options: { 'kafka.sasl.password': 'hunter2', 'kafka.sasl.jaas.config': 'x password="s3cr3t";' } },
      'connecting to kafka://alice:opensesame@broker:9092 with token=abc123',
    )
    const line = lines.join('')
    for (const secret of ['hunter2', 's3cr3t', 'opensesame', 'abc123'])
      assert.ok(!line.includes(secret), line)
    const e = JSON.parse(line)
    assert.equal(e.options['kafka.sasl.password'], '[Redacted]')
    assert.match(e.msg, /kafka:\/\/alice:\[Redacted\]@broker:9092 with token=\[Redacted\]/)
  })
})
