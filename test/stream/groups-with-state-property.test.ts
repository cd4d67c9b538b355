/**
 * Issue 15's property: a counting flatMapGroupsWithState, over random batches with random
 * restarts, ends with each key's running total equal to the batch `groupBy().count()` of the same
 * rows (and every batch's emitted total is the count of the rows so far).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { count, type GroupState, ManualClock, Sluice, t } from '../../src/index.ts'
import {
  addData,
  execute,
  type StreamAction,
  startStream,
  stopStream,
  testStream,
} from '../../src/testing/index.ts'

const EVENT = t.struct({ k: t.string(), v: t.long() })
const COUNT = t.struct({ n: t.long() })
const OUT = t.struct({ k: t.string(), n: t.long() })

const batchArb = fc.record({
  events: fc.array(fc.record({ k: fc.constantFrom('a', 'b', 'c', 'd', 'e'), v: fc.integer() }), {
    maxLength: 10,
  }),
  restart: fc.boolean(),
})

function counting(k: string | null, rows: Iterable<unknown>, state: GroupState<{ n: number | null }>) {
  const n = (state.getOption?.n ?? 0) + [...rows].length
  state.update({ n })
  return [{ k, n }]
}

describe('counting flatMapGroupsWithState', () => {
  it('equals the batch groupBy().count() over random batches and restarts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(batchArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 4 }),
        async (batches, partitions) => {
          const sluice = Sluice.local({
            clock: new ManualClock(0),
            'sluice.streaming.stopOnSignal': false,
            'sluice.sql.shuffle.partitions': partitions,
          })
          const input = sluice.memoryStream(EVENT)
          const all = batches.flatMap((b) => b.events)
          const expected = new Map(
            sluice
              .createDataFrame(all, EVENT)
              .groupBy('k')
              .agg(count('*').as('n'))
              .collect()
              .map((r) => [r.k, r.n]),
          )
          const actions: StreamAction[] = []
          for (const b of batches) {
            actions.push(
              addData(input, ...b.events),
              execute((q) => q?.processAllAvailable()),
            )
            if (b.restart) actions.push(stopStream(), startStream())
          }
          actions.push(
            execute((_q, ctx) => {
              const last = new Map<unknown, number>()
              for (const r of ctx.sinkRows()) last.set(r.k, Math.max(last.get(r.k) ?? 0, r.n as number))
              assert.deepEqual(last, expected)
            }),
          )
          const df = input
            .toDF()
            .groupByKey((r) => r.k, t.string())
            .flatMapGroupsWithState(counting, { stateSchema: COUNT, outputSchema: OUT, outputMode: 'append' })
          await testStream(df, { outputMode: 'append' }, ...actions)
        },
      ),
      { numRuns: 20 },
    )
  })
})
