/**
 * transformWithState's time modes as Spark 4.3 has them (spark/transform-with-state-modes.py):
 * a TTL only in ProcessingTime mode, timers not in None mode, the times a processor sees; the
 * output-mode combinations that run (Spark has no transformWithState rule there); and a batch
 * query, where processing-time timers due at the query's time fire and event-time ones never do.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import {
  isSluiceError,
  type StatefulProcessor,
  type StatefulProcessorHandle,
  type TimeMode,
  t,
  type ValueState,
} from '../../src/index.ts'
import { addData, checkNewAnswer, expectFailure, testStream } from '../../src/testing/index.ts'
import { streamSession } from './session.ts'

interface Answer {
  readonly rows: string[] | null
  readonly error: string | null
}
const spark = JSON.parse(
  readFileSync(new URL('spark/transform-with-state-modes.json', import.meta.url), 'utf8'),
) as Record<string, Answer>

const EVENT = t.struct({ user: t.string(), ts: t.timestamp() })
const OUT = t.struct({ user: t.string(), what: t.string() })
type Out = { user: string | null; what: string }

/** As the Python Probe: reports its times, optionally registers timers at 1 s and far ahead, keeps a count with a TTL. */
function probe(opts: { ttl?: number; timers?: boolean }) {
  return (): StatefulProcessor<string | null, unknown, Out> => {
    let handle: StatefulProcessorHandle
    let v: ValueState<{ n: number | null }>
    return {
      init(h) {
        handle = h
        const ttl = opts.ttl === undefined ? undefined : { ttlDurationMs: opts.ttl }
        v = h.getValueState('v', t.struct({ n: t.long() }), ttl)
      },
      *handleInputRows(user, rows, times) {
        const pt = times.getCurrentProcessingTimeInMs()
        const what = `pt=${pt === -1 ? -1 : 'now'} wm=${times.getCurrentWatermarkInMs()}`
        if (opts.timers === true) {
          handle.registerTimer(1000)
          handle.registerTimer(10 ** 15)
        }
        v.update({ n: [...rows].length })
        yield { user, what }
      },
      *handleExpiredTimer(user, _times, info) {
        yield { user, what: `fired ${info.getExpiryTimeInMs()} v=${v.get()?.n}` }
      },
    }
  }
}

function batch(timeMode: TimeMode, opts: { ttl?: number; timers?: boolean; watermark?: boolean } = {}) {
  const { sluice } = streamSession(1_700_000_000_000)
  const df = sluice.createDataFrame([{ user: 'a', ts: 5000 }], EVENT)
  const input = opts.watermark === true ? df.withWatermark('ts', '1 second') : df
  return () =>
    input
      .groupByKey((e) => e.user, t.string())
      .transformWithState(probe(opts), { outputSchema: OUT, outputMode: 'append', timeMode })
      .collect()
      .map((r) => r.what)
      .sort()
}

const sparkError = (name: string) => (e: unknown) =>
  isSluiceError(e, 'UNSUPPORTED_OPERATION') && e.message.includes(name)

describe('transformWithState on a batch DataFrame: timers and TTL as Spark 4.3', () => {
  for (const [name, run] of [
    ['batchNone', batch('None')],
    ['batchProcessingTime', batch('ProcessingTime', { ttl: 1, timers: true })],
    ['batchEventTime', batch('EventTime', { timers: true, watermark: true })],
  ] as const)
    it(`${name}: Spark's rows`, () => {
      assert.deepEqual(run(), spark[name].rows)
    })

  it('a TTL outside ProcessingTime mode, and timers in None mode, fail naming Spark error classes', () => {
    assert.equal(spark.batchTtlTimeModeNone.error, 'STATEFUL_PROCESSOR_INCORRECT_TIME_MODE_TO_ASSIGN_TTL')
    assert.throws(batch('None', { ttl: 1 }), sparkError(spark.batchTtlTimeModeNone.error))
    assert.throws(batch('EventTime', { ttl: 1 }), sparkError(spark.batchTtlTimeModeNone.error))
    const timers = spark.batchTimerTimeModeNone.error
    assert.equal(timers, 'STATEFUL_PROCESSOR_CANNOT_PERFORM_OPERATION_WITH_INVALID_TIME_MODE')
    assert.throws(batch('None', { timers: true }), sparkError(timers))
  })
})

function stream(
  timeMode: TimeMode,
  declared: 'append' | 'update',
  opts: { ttl?: number; timers?: boolean } = {},
) {
  const input = streamSession(1_700_000_000_000).sluice.memoryStream(EVENT)
  const df = input
    .toDF()
    .groupByKey((e) => e.user, t.string())
    .transformWithState(probe(opts), { outputSchema: OUT, outputMode: declared, timeMode })
  return { input, df }
}

describe('transformWithState on a stream: modes as Spark 4.3', () => {
  for (const [name, timeMode, declared, query] of [
    ['streamEventTimeWithoutWatermark', 'EventTime', 'append', 'append'],
    ['streamUpdateInAppendQuery', 'None', 'update', 'append'],
    ['streamAppendInUpdateQuery', 'None', 'append', 'update'],
  ] as const)
    it(`${name}: runs, with Spark's times`, async () => {
      const { input, df } = stream(timeMode, declared)
      const rows = spark[name].rows ?? []
      await testStream(
        df,
        { outputMode: query },
        addData(input, { user: 'a', ts: 5000 }),
        checkNewAnswer(...rows.map((what) => ({ user: 'a', what }))),
      )
    })

  it('a TTL in None mode is refused when the query starts', async () => {
    const { df } = stream('None', 'append', { ttl: 1 })
    await assert.rejects(
      df.writeStream.format('memory').queryName('ttl_none').outputMode('append').start(),
      sparkError(spark.streamTtlTimeModeNone.error ?? 'missing'),
    )
  })

  it('a timer in None mode fails the batch', async () => {
    const { input, df } = stream('None', 'append', { timers: true })
    const name = spark.streamTimerTimeModeNone.error ?? 'missing'
    await testStream(
      df,
      { outputMode: 'append' },
      addData(input, { user: 'a', ts: 5000 }),
      expectFailure((e) => e.message.includes(name)),
    )
  })

  it('complete output mode without an aggregation is refused', async () => {
    assert.equal(spark.streamCompleteQuery.error, 'STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION')
    const { df } = stream('None', 'append')
    await assert.rejects(
      df.writeStream.format('memory').queryName('complete').outputMode('complete').start(),
      (e) => isSluiceError(e, 'UNSUPPORTED_OPERATION') && /no streaming aggregations/.test(e.message),
    )
  })
})
