/**
 * Triggers on a manual clock (Spark's StreamingQuerySuite / TriggerAvailableNowSuite):
 * processingTime runs a batch when the clock reaches the next multiple of the interval; once runs
 * one batch and ends; availableNow processes what is there at the start and ends.
 */
import { describe, it } from 'node:test'
import { t } from '../../src/index.ts'
import {
  addData,
  advanceClock,
  assertOnQuery,
  assertProgress,
  checkAnswer,
  checkNewAnswer,
  startStream,
  testStream,
} from '../../src/testing/index.ts'
import { streamSession } from './session.ts'

const N = t.struct({ n: t.long() })
const every10s = { processingTime: '10 seconds' } as const

describe('processingTime trigger', () => {
  it('runs a batch only when the clock reaches the next multiple of the interval', async () => {
    const { sluice, clock } = streamSession(3_000)
    const input = sluice.memoryStream(N)
    await testStream(
      input.toDF(),
      { clock },
      startStream({ trigger: every10s }),
      addData(input, { n: 1 }),
      checkAnswer(),
      advanceClock(6_999),
      checkAnswer(),
      advanceClock(1),
      checkAnswer({ n: 1 }),
      assertProgress((p) => p.batchId === 0 && p.timestamp === '1970-01-01T00:00:10.000Z'),
      addData(input, { n: 2 }),
      advanceClock(10_000),
      checkNewAnswer({ n: 2 }),
      assertProgress((p) => p.batchId === 1 && p.timestamp === '1970-01-01T00:00:20.000Z'),
    )
  })

  it('says "Waiting for next trigger" between triggers, with the trigger no longer active', async () => {
    const { sluice, clock } = streamSession()
    const input = sluice.memoryStream(N)
    await testStream(
      input.toDF(),
      { clock },
      startStream({ trigger: every10s }),
      addData(input, { n: 1 }),
      advanceClock(10_000),
      checkAnswer({ n: 1 }),
      assertOnQuery(
        (q) => q.status.message === 'Waiting for next trigger' && !q.status.isTriggerActive,
        'status between triggers',
      ),
    )
  })

  it('runs no batch for triggers that find no new data', async () => {
    const { sluice, clock } = streamSession()
    const input = sluice.memoryStream(N)
    await testStream(
      input.toDF(),
      { clock },
      startStream({ trigger: every10s }),
      advanceClock(10_000),
      advanceClock(10_000),
      assertOnQuery((q) => q.recentProgress.length === 0 && q.isActive, 'no progress without data'),
      assertOnQuery((q) => q.status.message === 'Waiting for data to arrive'),
    )
  })
})

describe('once trigger', () => {
  it('processes everything available in one batch, then ends; a new start takes the new data', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    await testStream(
      input.toDF(),
      {},
      addData(input, { n: 1 }),
      addData(input, { n: 2 }),
      startStream({ trigger: { once: true } }),
      checkAnswer({ n: 1 }, { n: 2 }),
      assertOnQuery((q) => !q.isActive && q.exception === null, 'ended by itself, without error'),
      assertOnQuery((q) => q.recentProgress.length === 1 && q.recentProgress[0].numInputRows === 2),
      addData(input, { n: 3 }),
      startStream({ trigger: { once: true } }),
      checkNewAnswer({ n: 3 }),
      assertProgress(
        (p) => p.batchId === 1 && p.sources[0].startOffset === 1 && p.sources[0].endOffset === 2,
      ),
    )
  })

  it('ends without a batch when there is no new data', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    await testStream(
      input.toDF(),
      {},
      startStream({ trigger: { once: true } }),
      checkAnswer(),
      assertOnQuery((q) => !q.isActive && q.recentProgress.length === 0),
    )
  })
})

describe('availableNow trigger', () => {
  it('processes all the memory stream holds at the start, then ends', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(N)
    await testStream(
      input.toDF(),
      {},
      addData(input, { n: 1 }),
      addData(input, { n: 2 }, { n: 3 }),
      startStream({ trigger: { availableNow: true } }),
      checkAnswer({ n: 1 }, { n: 2 }, { n: 3 }),
      assertOnQuery((q) => !q.isActive && q.exception === null),
      assertProgress((p) => p.sources[0].endOffset === 1 && p.numInputRows === 3),
    )
  })

  it('reads one batch of rowsPerBatch from rate-micro-batch, then ends; the next start reads the next', async () => {
    const { sluice } = streamSession()
    const rate = sluice.readStream.format('rate-micro-batch').option('rowsPerBatch', 3).load()
    await testStream(
      rate,
      {},
      startStream({ trigger: { availableNow: true } }),
      checkAnswer({ timestamp: 0, value: 0 }, { timestamp: 0, value: 1 }, { timestamp: 0, value: 2 }),
      assertOnQuery((q) => !q.isActive && q.recentProgress.length === 1),
      startStream({ trigger: { availableNow: true } }),
      checkNewAnswer(
        { timestamp: 1000, value: 3 },
        { timestamp: 1000, value: 4 },
        { timestamp: 1000, value: 5 },
      ),
      assertProgress((p) => {
        const s = p.sources[0]
        return (
          JSON.stringify(s.startOffset) === '{"offset":3,"timestamp":1000}' &&
          JSON.stringify(s.endOffset) === '{"offset":6,"timestamp":2000}'
        )
      }),
    )
  })
})
