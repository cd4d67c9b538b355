/**
 * The incremental plan as data (planIncremental): what a started query's stores and watermark
 * inputs are, read from the plan rather than from its operators; and state partitions as the unit
 * of execution: the same query run with its partitions split over two QueryStates (two owners,
 * each opening only its partitions and reading half of the input, the rows each exchange routes to
 * the other owner's partitions handed across) gives the same output, batch by batch and across
 * restarts, as one owner, also with chained stateful operators.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { AnalyzedPlan } from '../../src/analysis/analyzed-plan.ts'
import { Analyzer } from '../../src/analysis/analyzer.ts'
import { expr } from '../../src/api/functions.ts'
import {
  col,
  count,
  type DataFrame,
  type GroupState,
  max,
  session_window,
  sum,
  t,
  window,
  window_time,
} from '../../src/index.ts'
import {
  type IncrementalOutputMode,
  type IncrementalPlan,
  planIncremental,
} from '../../src/planner/incremental-plan.ts'
import { relationIdsOf, runSplitOwners } from '../harness/split-owners.ts'
import { drain, streamSession } from './session.ts'

const EVENTS = t.struct({ ts: t.timestamp(), k: t.string() })
const NUM_PARTITIONS = 8

/** Batches of events: keys spread over partitions, windows closing as the watermark moves. */
const BATCHES = [
  [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ ts: 1000 + i * 500, k: `k${i}` })),
  [...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ ts: 12_000 + i * 100, k: `k${i % 5}` })), { ts: 1500, k: 'k1' }],
  [{ ts: 30_000, k: 'k9' }],
  [{ ts: 60_000, k: 'k0' }],
]

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-incremental-'))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function analyze(df: DataFrame): AnalyzedPlan {
  return new Analyzer({ timeZone: 'UTC', runtime: { currentTimestamp: 0 } }).analyze(df.plan)
}

const ALL = [0, 1, 2, 3, 4, 5, 6, 7]
const SPLIT = [
  [0, 2, 4, 6],
  [1, 3, 5, 7],
]

/**
 * Runs `df` (in append mode by default) with one owner of every partition, then with the partitions split over
 * two owners (each reading half of every batch's rows, the exchanges handing rows across, each
 * owner's state reopened from its folder after every batch); both must give the same output.
 * `streams[i]` gives the batches of the plan's i-th stream. Returns the plan and the output.
 */
async function sameOverTwoOwners(
  df: DataFrame,
  streams: readonly (readonly (readonly unknown[][])[])[],
  dir: string,
  outputMode: IncrementalOutputMode = 'append',
): Promise<{ plan: IncrementalPlan; one: string[][] }> {
  const analyzed = analyze(df)
  const plan = planIncremental(analyzed, { numPartitions: NUM_PARTITIONS, outputMode })
  const ids = relationIdsOf(analyzed)
  const batches = streams[0].map((_, b) => new Map(ids.map((id, i) => [id, streams[i][b]])))
  const opts = { numPartitions: NUM_PARTITIONS }
  const one = await runSplitOwners(plan, batches, [ALL], join(dir, 'one'), opts)
  const two = await runSplitOwners(plan, batches, SPLIT, join(dir, 'two'), {
    ...opts,
    restartEveryBatch: true,
  })
  assert.deepEqual(two, one)
  // Each owner opened (and so wrote) only the partitions it owns, for every operator.
  for (const op of plan.statefulOperators) {
    const written = await readdir(join(dir, 'two', 'owner-0', 'state', String(op.operatorId)))
    assert.deepEqual(written.filter((n) => n !== '_metadata').sort(), ['0', '2', '4', '6'])
  }
  return { plan, one }
}

/** BATCHES as positional rows of EVENTS. */
const ROWS = BATCHES.map((b) => b.map((r) => [r.ts, r.k]))

describe('the incremental plan', () => {
  const { sluice } = streamSession()
  const input = sluice.memoryStream(EVENTS)
  const df = input
    .toDF()
    .withWatermark('ts', '5 seconds')
    .dropDuplicates(['k', 'ts'])
    .groupBy(window(col('ts'), '10 seconds'), col('k'))
    .agg(count('*').alias('n'))
  const analyzed = new Analyzer({ timeZone: 'UTC', runtime: { currentTimestamp: 0 } }).analyze(
    df.plan as never,
  )
  const plan = planIncremental(analyzed, { numPartitions: NUM_PARTITIONS, outputMode: 'append' })

  it('declares the stores and watermark inputs of a started query as data', () =>
    withDir(async (dir) => {
      const batches: unknown[][] = []
      const q = await df.writeStream
        .outputMode('append')
        .option('checkpointLocation', dir)
        .foreachBatch((b) => void batches.push(b.collect()))
        .start()
      for (const rows of BATCHES) {
        input.addData(...rows)
        await drain(q)
      }
      await q.stop()
      assert.ok(batches.flat().length > 0, 'the windows the watermark passed were emitted')
      assert.equal(plan.outputMode, 'append')
      assert.ok(Object.isFrozen(plan) && Object.isFrozen(plan.statefulOperators[0].stores[0]))
      assert.deepEqual(
        plan.statefulOperators.map((op) => ({
          id: op.operatorId,
          kind: op.kind,
          stores: op.stores.map((s) => [s.storeName, s.ordering.kind]),
          keys: op.partitioning.keys,
          partitions: op.partitioning.numPartitions,
        })),
        [
          {
            id: 0,
            kind: 'aggregate',
            stores: [['default', 'eventTime']],
            keys: ['window', 'k'],
            partitions: 8,
          },
          { id: 1, kind: 'dedupe', stores: [['default', 'eventTime']], keys: ['k', 'ts'], partitions: 8 },
        ],
      )
      assert.deepEqual(plan.watermarkInputs, [
        {
          index: 0,
          column: 'ts',
          delayMs: 5000,
          idleTimeoutMs: undefined,
          lateRows: undefined,
          lateRowsSchema: undefined,
        },
      ])
      assert.deepEqual(
        plan.exchanges.map((e) => e.operatorId),
        [0, 1],
      )
      assert.equal(plan.graph.nodes.length, plan.graph.edges.length + 1)
      // The graph names the stateful operators by their ids (the UI links them to progress).
      assert.deepEqual(
        plan.graph.nodes.flatMap((n) => (n.operatorId === undefined ? [] : [n.operatorId])),
        [0, 1],
      )
      // The state directories the running query wrote are the ones the plan declares.
      assert.deepEqual((await readdir(join(dir, 'state'))).sort(), ['0', '1'])
    }))

  it('gives the same output with its partitions split over two owners as with one', () =>
    withDir(async (dir) => {
      const windowed = input
        .toDF()
        .withWatermark('ts', '5 seconds')
        .groupBy(window(col('ts'), '10 seconds'), col('k'))
        .agg(count('*').alias('n'))
      const { one } = await sameOverTwoOwners(windowed, [ROWS], dir)
      assert.ok(one.flat().length >= 5, `windows were emitted: ${JSON.stringify(one)}`)
    }))

  it('merges the partial groups both owners send for one key before the state (update mode)', () =>
    withDir(async (dir) => {
      const counts = input.toDF().groupBy('k').agg(count('*').alias('n'), max('ts').alias('last'))
      const { one } = await sameOverTwoOwners(counts, [ROWS], dir, 'update')
      // Key k1 reaches its partition from both owners in batch 1, and is output once.
      assert.deepEqual(
        one[1].filter((r) => r.startsWith('["k1",')),
        ['["k1",4,12600]'],
      )
    }))

  it('merges the sessions both owners send for one key before the state (session windows)', () =>
    withDir(async (dir) => {
      const sessions = input
        .toDF()
        .withWatermark('ts', '5 seconds')
        .groupBy(session_window(col('ts'), '3 seconds'), col('k'))
        .agg(count('*').alias('n'))
      const { one } = await sameOverTwoOwners(sessions, [ROWS], dir)
      assert.ok(one.flat().length >= 5, `sessions were emitted: ${JSON.stringify(one)}`)
    }))

  it('judges a session late only after merging what both owners sent for its key', () =>
    withDir(async (dir) => {
      const sessions = input
        .toDF()
        .withWatermark('ts', '0 seconds')
        .groupBy(session_window(col('ts'), '3 seconds'), col('k'))
        .agg(count('*').alias('n'))
      // Batch 2 is judged by watermark 10 s: owner 0's session of b alone, [6 s, 9 s), is behind
      // it; merged with owner 1's [8 s, 11 s) it is not, as one owner sees it.
      const batches = [
        [[10_000, 'a']],
        [[10_500, 'a']],
        [
          [6000, 'b'],
          [8000, 'b'],
        ],
        [[30_000, 'c']],
        [],
      ]
      const { one } = await sameOverTwoOwners(sessions, [batches], dir)
      assert.ok(
        one[4].some((r) => r.includes('"b",2')),
        `the merged session of b was emitted: ${JSON.stringify(one)}`,
      )
    }))

  it('groups both owners’ rows of one key into one call of mapGroupsWithState', () =>
    withDir(async (dir) => {
      const running = (
        key: string | null,
        rows: Iterable<unknown>,
        state: GroupState<{ count: number | null }>,
      ) => {
        const n = (state.getOption?.count ?? 0) + [...rows].length
        state.update({ count: n })
        return { key, count: n }
      }
      const df = input
        .toDF()
        .groupByKey((r) => r.k, t.string())
        .mapGroupsWithState(running, {
          stateSchema: t.struct({ count: t.long() }),
          outputSchema: t.struct({ key: t.string(), count: t.long() }),
        })
      const { one } = await sameOverTwoOwners(df, [ROWS], dir, 'update')
      assert.ok(one[1].includes('["k1",4]'), JSON.stringify(one))
    }))

  it('hands rows across owners between chained stateful operators: a dedup, then a windowed count', () =>
    withDir(async (dir) => {
      const { plan: chained, one } = await sameOverTwoOwners(df, [ROWS.map((b) => [...b, ...b])], dir)
      assert.deepEqual(
        chained.exchanges.map((e) => [e.operatorId, e.input, e.partitioning.keys]),
        [
          [0, 0, ['window', 'k']],
          [1, 0, ['k', 'ts']],
        ],
      )
      assert.ok(one.flat().length >= 5, `windows were emitted: ${JSON.stringify(one)}`)
    }))

  it('hands rows across owners between chained stateful operators: a windowed count, then a dedup', () =>
    withDir(async (dir) => {
      const counted = input
        .toDF()
        .withWatermark('ts', '5 seconds')
        .groupBy(window(col('ts'), '10 seconds'), col('k'))
        .agg(count('*').alias('n'))
        // Keyed on every column it keeps: which duplicate comes first cannot change the output.
        .select(window_time('window').as('wt'), col('n'))
        .dropDuplicates(['wt', 'n'])
      const { one } = await sameOverTwoOwners(counted, [ROWS], dir)
      assert.ok(one.flat().length >= 2, `rows were emitted: ${JSON.stringify(one)}`)
    }))

  it('hands rows across owners between chained stateful operators: a window over a window', () =>
    withDir(async (dir) => {
      const twice = input
        .toDF()
        .withWatermark('ts', '5 seconds')
        .groupBy(window(col('ts'), '10 seconds'), col('k'))
        .agg(count('*').alias('n'))
        .groupBy(window(window_time('window'), '20 seconds'))
        .agg(sum('n').alias('total'))
      const { one } = await sameOverTwoOwners(twice, [ROWS], dir)
      assert.ok(one.flat().length >= 1, `windows were emitted: ${JSON.stringify(one)}`)
    }))

  it('hands rows across owners between chained stateful operators: a stream-stream join, then a count', () =>
    withDir(async (dir) => {
      const right = sluice.memoryStream(EVENTS)
      const joined = input
        .toDF()
        .withWatermark('ts', '5 seconds')
        .alias('l')
        .join(
          right.toDF().withWatermark('ts', '5 seconds').alias('r'),
          expr('l.k = r.k AND r.ts BETWEEN l.ts AND l.ts + INTERVAL 2 SECONDS'),
        )
        .groupBy(window(col('l.ts'), '10 seconds'), col('l.k'))
        .agg(count('*').alias('n'))
      const later = ROWS.map((b) => b.map(([ts, k]) => [(ts as number) + 1000, k]))
      const { plan: chained, one } = await sameOverTwoOwners(joined, [ROWS, later], dir)
      assert.deepEqual(
        chained.exchanges.map((e) => [e.operatorId, e.input]),
        [
          [0, 0],
          [1, 0],
          [1, 1],
        ],
      )
      assert.deepEqual(
        chained.watermarkInputs.map((w) => [w.index, w.column, w.delayMs]),
        [
          [0, 'ts', 5000],
          [1, 'ts', 5000],
        ],
      )
      assert.ok(one.flat().length >= 3, `windows were emitted: ${JSON.stringify(one)}`)
    }))
})
