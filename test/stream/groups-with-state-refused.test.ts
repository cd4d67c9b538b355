/**
 * The `[map|flatMap]GroupsWithState` combinations a streaming query refuses at start() (Spark's
 * UnsupportedOperationChecker, with Spark's messages), and the GroupState calls refused at run time.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  count,
  type DataFrame,
  type GroupState,
  GroupStateTimeout,
  isSluiceError,
  t,
} from '../../src/index.ts'
import { addData, expectFailure, testStream } from '../../src/testing/index.ts'
import { streamSession } from './session.ts'

const KV = t.struct({ k: t.string(), v: t.long(), ts: t.timestamp() })
const STATE = t.struct({ n: t.long() })
const OUT = t.struct({ k: t.string(), n: t.long() })

function setup() {
  const s = streamSession()
  const input = s.sluice.memoryStream(KV)
  return { ...s, input, grouped: input.toDF().groupByKey((r) => r.k, t.string()) }
}

const one = (k: string | null, _rows: Iterable<unknown>, state: GroupState<{ n: number | null }>) => {
  state.update({ n: 1 })
  return { k, n: 1 }
}
const many = (k: string | null, rows: Iterable<unknown>, state: GroupState<{ n: number | null }>) => [
  one(k, rows, state),
]

async function refused(df: DataFrame<any>, mode: 'append' | 'update' | 'complete', message: string) {
  await assert.rejects(df.writeStream.format('memory').queryName('refused').outputMode(mode).start(), (e) => {
    assert.ok(isSluiceError(e, 'UNSUPPORTED_OPERATION'), String(e))
    assert.ok(e.message.includes(message), e.message)
    return true
  })
}

describe('refused at start()', () => {
  it('mapGroupsWithState in append output mode', async () => {
    const { grouped } = setup()
    const df = grouped.mapGroupsWithState(one, { stateSchema: STATE, outputSchema: OUT })
    await refused(
      df,
      'append',
      'mapGroupsWithState is not supported with Append output mode on a streaming DataFrame/Dataset',
    )
  })

  it('mapGroupsWithState with an aggregation', async () => {
    const { grouped } = setup()
    const df = grouped
      .mapGroupsWithState(one, { stateSchema: STATE, outputSchema: OUT })
      .groupBy('k')
      .agg(count('*'))
    await refused(
      df,
      'update',
      'mapGroupsWithState is not supported with aggregation on a streaming DataFrame/Dataset',
    )
  })

  for (const [op, query] of [
    ['update', 'append'],
    ['append', 'update'],
  ] as const) {
    it(`flatMapGroupsWithState in ${op} mode in a query in ${query} output mode`, async () => {
      const { grouped } = setup()
      const df = grouped.flatMapGroupsWithState(many, {
        stateSchema: STATE,
        outputSchema: OUT,
        outputMode: op,
      })
      const mode = query === 'append' ? 'Append' : 'Update'
      await refused(
        df,
        query,
        `flatMapGroupsWithState in ${op} mode is not supported with ${mode} output mode on a streaming DataFrame/Dataset`,
      )
    })
  }

  it('flatMapGroupsWithState in update mode followed by an aggregation', async () => {
    const { grouped } = setup()
    const df = grouped
      .flatMapGroupsWithState(many, { stateSchema: STATE, outputSchema: OUT, outputMode: 'update' })
      .groupBy('k')
      .agg(count('*'))
    await refused(df, 'complete', 'flatMapGroupsWithState in update mode is not supported with aggregation')
  })

  it('flatMapGroupsWithState after an aggregation', async () => {
    const { input } = setup()
    const df = input
      .toDF()
      .groupBy('k')
      .agg(count('*').as('c'))
      .groupByKey((r) => r.k, t.string())
      .flatMapGroupsWithState(many, { stateSchema: STATE, outputSchema: OUT, outputMode: 'append' })
    await refused(df, 'complete', 'flatMapGroupsWithState in append mode is not supported after aggregation')
  })

  it('two mapGroupsWithState, or one mixed with a flatMapGroupsWithState', async () => {
    const { grouped } = setup()
    const twice = grouped
      .mapGroupsWithState(one, { stateSchema: STATE, outputSchema: OUT })
      .groupByKey((r) => r.k, t.string())
      .mapGroupsWithState(one, { stateSchema: STATE, outputSchema: OUT })
    await refused(
      twice,
      'update',
      'Multiple mapGroupsWithStates are not supported on a streaming DataFrames/Datasets',
    )
    const mixed = setup()
      .grouped.flatMapGroupsWithState(many, { stateSchema: STATE, outputSchema: OUT, outputMode: 'update' })
      .groupByKey((r) => r.k, t.string())
      .mapGroupsWithState(one, { stateSchema: STATE, outputSchema: OUT })
    await refused(
      mixed,
      'update',
      'Mixing mapGroupsWithStates and flatMapGroupsWithStates are not supported on a streaming DataFrames/Datasets',
    )
  })

  it('two flatMapGroupsWithState unless all append in an append-mode query', async () => {
    const chain = (mode: 'append' | 'update') =>
      setup()
        .grouped.flatMapGroupsWithState(many, { stateSchema: STATE, outputSchema: OUT, outputMode: 'append' })
        .groupByKey((r) => r.k, t.string())
        .flatMapGroupsWithState(many, { stateSchema: STATE, outputSchema: OUT, outputMode: mode })
    const message = 'Multiple flatMapGroupsWithStates are not supported when they are not all in append mode'
    await refused(chain('update'), 'update', message)
    await refused(chain('append'), 'update', message)
    const ok = await chain('append')
      .writeStream.format('memory')
      .queryName('two_appends')
      .outputMode('append')
      .start()
    await ok.stop()
  })

  it('a stateful operator after an EventTimeTimeout flatMapGroupsWithState (the global watermark)', async () => {
    const { input } = setup()
    const fmgws = (timeout: GroupStateTimeout) =>
      input
        .toDF()
        .withWatermark('ts', '1 second')
        .groupByKey((r) => r.k, t.string())
        .flatMapGroupsWithState(many, {
          stateSchema: STATE,
          outputSchema: OUT,
          outputMode: 'append',
          timeout,
        })
        .groupBy('k')
        .agg(count('*'))
    await refused(
      fmgws(GroupStateTimeout.EventTimeTimeout),
      'update',
      "Detected pattern of possible 'correctness' issue due to global watermark",
    )
    const ok = await fmgws(GroupStateTimeout.NoTimeout)
      .writeStream.format('memory')
      .queryName('no_timeout_then_agg')
      .outputMode('update')
      .start()
    await ok.stop()
  })

  it('EventTimeTimeout without a watermark', async () => {
    const { grouped } = setup()
    const df = grouped.flatMapGroupsWithState(many, {
      stateSchema: STATE,
      outputSchema: OUT,
      outputMode: 'update',
      timeout: GroupStateTimeout.EventTimeTimeout,
    })
    await refused(
      df,
      'update',
      "Watermark must be specified in the query using '[Dataset/DataFrame].withWatermark()'",
    )
  })
})

describe('refused at run time', () => {
  const run = async (
    fn: (state: GroupState<{ n: number | null }>) => void,
    message: RegExp,
    timeout = 'NoTimeout',
  ) => {
    const { input, grouped } = setup()
    const df = grouped.mapGroupsWithState(
      (k, _rows, state) => {
        fn(state)
        return { k, n: 1 }
      },
      { stateSchema: STATE, outputSchema: OUT, timeout: timeout as GroupStateTimeout },
    )
    await testStream(
      df,
      { outputMode: 'update' },
      addData(input, { k: 'a', v: 1, ts: 1 }),
      expectFailure((e) => message.test(e.message)),
    )
  }

  it('a timeout duration without ProcessingTimeTimeout', () =>
    run(
      (s) => s.setTimeoutDuration(1000),
      /Cannot set timeout duration without enabling processing time timeout/,
    ))

  it('a timeout timestamp without EventTimeTimeout', () =>
    run(
      (s) => s.setTimeoutTimestamp(1000),
      /Cannot set timeout timestamp without enabling event time timeout/,
    ))

  it('a non-positive timeout duration', () =>
    run((s) => s.setTimeoutDuration(0), /Timeout duration must be positive/, 'ProcessingTimeTimeout'))

  it('a state that does not match the state schema, naming the schema', () =>
    run(
      (s) => s.update({ n: 'x' as unknown as number }),
      /GroupState.update: the new state does not match the state schema struct<n:bigint>/,
    ))

  it('get without state', () => run((s) => s.get, /state is either not defined or has already been removed/))
})
