/**
 * Issue 4's property: for random event streams with random lateness, random batch boundaries and
 * random restarts, the final output of a windowed append-mode count equals the batch computation
 * over the rows that were not behind the watermark at their batch.
 *
 * The reference watermark: a batch judges its rows by the watermark of the batch before it (Spark
 * 3.5's late-events watermark). With batches without data (the default), one runs whenever the
 * watermark moves, so that is max(0, max event time of all earlier batches - delay); without them,
 * the batch before ran with the watermark from the batches before *it*. A row is behind the
 * watermark when its window's end is <= it (Spark's rule).
 */
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { col, count, ManualClock, Sluice, t, window } from '../../src/index.ts'
import {
  addData,
  checkAnswer,
  execute,
  type StreamAction,
  startStream,
  stopStream,
  testStream,
} from '../../src/testing/index.ts'
import { STREAM_TEST_CONF } from './session.ts'

const WINDOW_MS = 10_000
const DELAY_MS = 5_000
const EVENT = t.struct({ ts: t.timestamp(), k: t.string() })
type Event = { ts: number; k: string }

const eventArb = fc.record({ ts: fc.integer({ min: 0, max: 60_000 }), k: fc.constantFrom('a', 'b', 'c') })
const batchArb = fc.record({ events: fc.array(eventArb, { maxLength: 8 }), restart: fc.boolean() })

/** The rows each batch keeps: those whose window ends after the watermark of the batch before. */
function keptRows(batches: readonly { events: readonly Event[] }[], noDataBatches: boolean): Event[] {
  const kept: Event[] = []
  let watermark = 0
  let previous = 0
  for (const b of batches) {
    const late = noDataBatches ? watermark : previous
    for (const e of b.events) {
      const end = e.ts - (e.ts % WINDOW_MS) + WINDOW_MS
      if (end > late) kept.push(e)
    }
    previous = watermark
    for (const e of b.events) watermark = Math.max(watermark, e.ts - DELAY_MS)
  }
  return kept
}

describe('windowed append-mode count', () => {
  it('equals the batch count over the rows not behind the watermark, however the stream is cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(batchArb, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        async (batches, noData) => {
          const sluice = Sluice.local({
            ...STREAM_TEST_CONF,
            clock: new ManualClock(0),
            'sluice.sql.streaming.noDataMicroBatches.enabled': noData,
          })
          const input = sluice.memoryStream(EVENT)
          const windowed = (df: ReturnType<typeof input.toDF>) =>
            df
              .groupBy(window(col('ts'), '10 seconds'), col('k'))
              .agg(count('*').alias('n'))
              .select(col('window.start').alias('start'), col('k'), col('n'))
          const expected = windowed(sluice.createDataFrame(keptRows(batches, noData), EVENT))
            .collect()
            .map((r) => ({ ...r }))
          // Final events far ahead (their own key) push the watermark past every window above; the
          // second batch of them evicts by it when batches without data are off.
          const flush = { ts: 1_000_000, k: 'flush' }
          const actions: StreamAction[] = []
          for (const b of batches) {
            // An empty addData still moves the memory stream's offset: it runs a batch with no rows.
            actions.push(
              addData(input, ...b.events),
              execute((q) => q?.processAllAvailable()),
            )
            if (b.restart) actions.push(stopStream(), startStream())
          }
          actions.push(
            addData(input, flush),
            execute((q) => q?.processAllAvailable()),
          )
          actions.push(addData(input, flush), checkAnswer(...expected))
          await testStream(
            windowed(input.toDF().withWatermark('ts', '5 seconds')),
            { outputMode: 'append' },
            ...actions,
          )
        },
      ),
      { numRuns: 25 },
    )
  })
})
