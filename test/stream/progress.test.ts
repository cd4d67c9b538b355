/**
 * Progress reports and listener events (Spark's StreamingQueryProgress / StreamingQueryListener,
 * field names and values checked against Spark 4.3's JSON for a memory stream): values, not
 * presence.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  col,
  progressToJson,
  type QueryProgressEvent,
  type QueryStartedEvent,
  type QueryTerminatedEvent,
  type StreamingQueryProgress,
  t,
  udf,
} from '../../src/index.ts'
import { addData, assertProgress, testStream } from '../../src/testing/index.ts'
import { drain, streamSession } from './session.ts'

const N = t.struct({ n: t.long() })
const PHASES = [
  'latestOffset',
  'walCommit',
  'getBatch',
  'queryPlanning',
  'addBatch',
  'commitOffsets',
] as const

describe('streaming query progress', () => {
  it('reports the rows read, the offsets read and the rows written, batch by batch', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    await testStream(
      input.toDF().filter(col('n').gt(1)),
      {},
      addData(input, { n: 1 }, { n: 2 }, { n: 3 }),
      assertProgress((p) => {
        assert.equal(p.batchId, 0)
        assert.equal(p.numInputRows, 3)
        assert.equal(p.sources.length, 1)
        assert.equal(p.sources[0].description, 'MemoryStream[n]')
        assert.equal(p.sources[0].numInputRows, 3)
        assert.equal(p.sources[0].endOffset, 0)
        assert.equal(p.sink.numOutputRows, 2, 'rows written, after the filter')
      }),
      addData(input, { n: 4 }, { n: 0 }),
      assertProgress((p) => {
        assert.equal(p.batchId, 1)
        assert.equal(p.numInputRows, 2)
        assert.equal(p.sources[0].startOffset, 0)
        assert.equal(p.sources[0].endOffset, 1)
        assert.equal(p.sink.numOutputRows, 1)
      }),
    )
  })

  it('reports a null startOffset for the first batch of a fresh query, as Spark does', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    await testStream(
      input.toDF(),
      {},
      addData(input, { n: 1 }),
      assertProgress((p) => p.sources[0].startOffset === null),
    )
  })

  it('has durations that add up to triggerExecution, with the sink’s time in addBatch', async () => {
    const { sluice, clock } = streamSession(1_000)
    const input = sluice.memoryStream(N)
    let progress: StreamingQueryProgress | null = null
    const dir = await mkdtemp(join(tmpdir(), 'sluice-progress-'))
    try {
      const q = await input
        .toDF()
        .writeStream.option('checkpointLocation', dir)
        .foreachBatch(() => clock.advance(500))
        .start()
      input.addData({ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 })
      await drain(q)
      await q.stop()
      progress = q.lastProgress
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    const p = progress
    assert.ok(p !== null)
    const d = p.durationMs
    assert.equal(d.addBatch, 500)
    const sum = PHASES.reduce((s, k) => s + (d[k] ?? 0), 0)
    assert.equal(sum, 500)
    assert.ok(
      (d.triggerExecution ?? 0) >= sum,
      `triggerExecution ${d.triggerExecution} < sum of phases ${sum}`,
    )
    assert.ok(p.batchDuration >= (d.triggerExecution ?? 0))
    assert.equal(p.timestamp, '1970-01-01T00:00:01.000Z', 'the trigger’s start on the session clock')
    assert.equal(p.processedRowsPerSecond, 8, '4 rows in 0.5 s')
    assert.equal(p.inputRowsPerSecond, 0, 'no previous trigger')
  })

  it('counts the time computing the batch’s rows in addBatch, as Spark (its sink runs the plan)', async () => {
    const { sluice, clock } = streamSession()
    const input = sluice.memoryStream(N)
    const slow = udf((n: number) => {
      clock.advance(100)
      return n
    }, t.long())
    const q = await input.toDF().select(slow('n').as('n')).writeStream.format('noop').start()
    input.addData({ n: 1 })
    await drain(q)
    await q.stop()
    assert.equal(q.lastProgress?.durationMs.queryPlanning, 0)
    assert.equal(q.lastProgress?.durationMs.addBatch, 100)
  })

  it('keeps the last 100 reports in recentProgress, oldest first', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    const q = await input.toDF().writeStream.format('noop').start()
    for (let i = 0; i < 3; i++) {
      input.addData({ n: i })
      await drain(q)
    }
    assert.deepEqual(
      q.recentProgress.map((p) => p.batchId),
      [0, 1, 2],
    )
    for (let i = 3; i < 103; i++) {
      input.addData({ n: i })
      await drain(q)
    }
    await q.stop()
    const ids = q.recentProgress.map((p) => p.batchId)
    assert.equal(ids.length, 100)
    assert.equal(ids[0], 3)
    assert.equal(ids[99], 102)
    assert.equal(q.lastProgress?.batchId, 102)
  })
})

describe('progress JSON', () => {
  async function oneBatch() {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    const q = await input.toDF().writeStream.format('memory').queryName('numbers').start()
    input.addData({ n: 1 })
    await drain(q)
    await q.stop()
    assert.ok(q.lastProgress !== null)
    return JSON.parse(progressToJson(q.lastProgress)) as Record<string, any>
  }
  const SPARK_KEYS = [
    'id',
    'runId',
    'name',
    'timestamp',
    'batchId',
    'batchDuration',
    'numInputRows',
    'inputRowsPerSecond',
    'processedRowsPerSecond',
    'durationMs',
    'stateOperators',
    'sources',
    'sink',
  ]

  it('uses Spark’s field names at every level', async () => {
    const json = await oneBatch()
    for (const k of SPARK_KEYS) assert.ok(k in json, `missing ${k}`)
    assert.equal(json.name, 'numbers')
    assert.match(json.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    assert.deepEqual(Object.keys(json.durationMs).sort(), [...PHASES, 'triggerExecution'].sort())
    assert.deepEqual(Object.keys(json.sources[0]).sort(), [
      'description',
      'endOffset',
      'inputRowsPerSecond',
      'latestOffset',
      'numInputRows',
      'processedRowsPerSecond',
      'startOffset',
    ])
    assert.deepEqual(json.sink, { description: 'MemorySink', numOutputRows: 1 })
    assert.deepEqual(json.stateOperators, [])
  })

  it('leaves out the empty eventTime map, as Spark’s JSON does', async () => {
    const json = await oneBatch()
    assert.deepEqual(Object.keys(json).sort(), [...SPARK_KEYS].sort())
  })
})

describe('streaming query listeners', () => {
  it('hear the start, one progress per batch, and the termination, in that order', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    const events: string[] = []
    let started: QueryStartedEvent | undefined
    let terminated: QueryTerminatedEvent | undefined
    const progress: QueryProgressEvent[] = []
    sluice.streams.addListener({
      onQueryStarted: (e) => {
        events.push('started')
        started = e
      },
      onQueryProgress: (e) => {
        events.push('progress')
        progress.push(e)
      },
      onQueryTerminated: (e) => {
        events.push('terminated')
        terminated = e
      },
    })
    const q = await input.toDF().writeStream.format('noop').queryName('heard').start()
    assert.deepEqual(events, ['started'], 'onQueryStarted comes before start() resolves')
    for (const n of [1, 2, 3]) {
      input.addData({ n })
      await drain(q)
    }
    await q.stop()
    assert.deepEqual(events, ['started', 'progress', 'progress', 'progress', 'terminated'])
    assert.deepEqual(started, { id: q.id, runId: q.runId, name: 'heard', timestamp: started?.timestamp })
    assert.deepEqual(
      progress.map((e) => e.progress.batchId),
      [0, 1, 2],
    )
    assert.deepEqual(terminated, { id: q.id, runId: q.runId, exception: null })
  })

  it('get the failing query’s error message on termination', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    const terminated: QueryTerminatedEvent[] = []
    sluice.streams.addListener({ onQueryTerminated: (e) => void terminated.push(e) })
    const boom = udf((_n: number): number => {
      throw new Error('kaput')
    }, t.long())
    const q = await input.toDF().select(boom('n').as('n')).writeStream.format('noop').start()
    input.addData({ n: 1 })
    await assert.rejects(q.awaitTermination())
    assert.equal(terminated.length, 1)
    assert.equal(terminated[0].id, q.id)
    assert.match(terminated[0].exception ?? '', /kaput/)
  })
})

describe('progress JSON accessors', () => {
  it('gives json and prettyJson like Spark, without adding them to the JSON itself', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    const q = await input.toDF().writeStream.format('memory').queryName('json_accessors').start()
    input.addData({ n: 1 }, { n: 2 })
    await drain(q)
    await q.stop()
    const p = q.lastProgress
    assert.ok(p !== null)
    assert.deepEqual(JSON.parse(p.json), JSON.parse(p.prettyJson))
    assert.equal(JSON.parse(p.json).numInputRows, 2)
    assert.ok(p.prettyJson.includes('\n  "numInputRows": 2,'), p.prettyJson)
    assert.ok(!('json' in JSON.parse(p.json)), 'the accessors are not serialised')
  })
})
