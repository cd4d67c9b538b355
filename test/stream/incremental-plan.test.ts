/**
 * The incremental plan as data (planIncremental): what a started query's stores and watermark
 * inputs are, read from the plan rather than from its operators; and state partitions as the unit
 * of execution: the same query run with its partitions split over two QueryStates (two owners,
 * each opening only its partitions) gives the same output, batch by batch, as one owner.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { AnalyzedPlan } from '../../src/analysis/analyzed-plan.ts'
import { Analyzer } from '../../src/analysis/analyzer.ts'
import { col, count, type DataFrame, t, window } from '../../src/index.ts'
import { ManualClock } from '../../src/io/clock.ts'
import { nodeFileSystem } from '../../src/io/fs.ts'
import { type IncrementalPlan, planIncremental } from '../../src/planner/incremental-plan.ts'
import { batchContext } from '../../src/runtime/batch-context.ts'
import { QueryState } from '../../src/runtime/query-state.ts'
import { WatermarkTracker } from '../../src/runtime/watermark-tracker.ts'
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

function relationIdOf(p: AnalyzedPlan): number {
  if (p.kind === 'streamingRelation') return p.relationId
  if (p.kind === 'localRelation' || p.kind === 'batchScan' || p.kind === 'union' || p.kind === 'join')
    throw new Error('unexpected plan')
  return relationIdOf(p.child)
}

/**
 * Runs BATCHES through `plan` with one QueryState per owner (each over its own checkpoint folder,
 * opening only its partitions); returns each batch's output rows (as sorted JSON) over all owners.
 */
async function runOwners(
  plan: IncrementalPlan,
  relationId: number,
  owners: readonly (readonly number[])[],
  dir: string,
): Promise<string[][]> {
  const clock = new ManualClock(0)
  const states = owners.map(
    (_, i) =>
      new QueryState(plan.statefulOperators, {
        checkpoint: join(dir, `owner-${i}`),
        fs: nodeFileSystem,
        clock,
        numPartitions: NUM_PARTITIONS,
        minBatchesToRetain: 100,
        maintenanceIntervalMs: 60_000,
      }),
  )
  for (const s of states) await s.init()
  const tracker = new WatermarkTracker(plan.watermarkInputs, 'min', 0)
  let lateWm = 0
  const outputs: string[][] = []
  for (const [batchId, rows] of BATCHES.entries()) {
    const wm = tracker.currentMs
    const out: unknown[][] = []
    let eventTimes = null
    for (const [i, partitions] of owners.entries()) {
      const stores = await states[i].open(batchId, partitions)
      const b = batchContext({
        batchId,
        batchTimestampMs: 0,
        watermarkForLateEventsMs: lateWm,
        watermarkForEvictionMs: wm,
        stores,
        partitions,
        input: new Map([[relationId, rows.map((r) => [r.ts, r.k])]]),
      })
      out.push(...plan.root.execute({ runtime: { currentTimestamp: 0 }, stream: b.context }))
      await states[i].commit(stores)
      // Every owner runs the part below the exchange over all rows, so all see the same event times.
      eventTimes ??= b.eventTimes
    }
    tracker.observe(eventTimes ?? [], 0)
    tracker.advance(0)
    lateWm = wm
    outputs.push(out.map((r) => JSON.stringify(r)).sort())
  }
  for (const s of states) await s.close()
  return outputs
}

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

  // NOTE: one stateful operator: with two in a chain, the rows between them would have to be
  // shuffled from owner to owner, which nothing does yet.
  it('gives the same output with its partitions split over two owners as with one', () =>
    withDir(async (dir) => {
      const windowed = input
        .toDF()
        .withWatermark('ts', '5 seconds')
        .groupBy(window(col('ts'), '10 seconds'), col('k'))
        .agg(count('*').alias('n'))
      const analyzed = analyze(windowed)
      const plan = planIncremental(analyzed, { numPartitions: NUM_PARTITIONS, outputMode: 'append' })
      const relationId = relationIdOf(analyzed)
      const all = [0, 1, 2, 3, 4, 5, 6, 7]
      const one = await runOwners(plan, relationId, [all], join(dir, 'one'))
      const two = await runOwners(
        plan,
        relationId,
        [
          [0, 2, 4, 6],
          [1, 3, 5, 7],
        ],
        join(dir, 'two'),
      )
      assert.deepEqual(two, one)
      assert.ok(one.flat().length >= 5, `windows were emitted: ${JSON.stringify(one)}`)
      // Each owner opened (and so wrote) only the partitions it owns.
      const written = await readdir(join(dir, 'two', 'owner-0', 'state', '0'))
      assert.deepEqual(written.filter((n) => n !== '_metadata').sort(), ['0', '2', '4', '6'])
    }))
})
