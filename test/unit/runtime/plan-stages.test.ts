/**
 * A batch run in stages split at the exchanges (runtime/plan-stages.ts): the part below an
 * exchange runs per owner and routes to every state partition, the hand-off gives each owner the
 * buckets of its partitions from every owner (combining partial groups of one key), and the part
 * above runs only after it.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Analyzer } from '../../../src/analysis/analyzer.ts'
import { count, isSluiceError, ManualClock, Sluice, t } from '../../../src/index.ts'
import { nodeFileSystem } from '../../../src/io/fs.ts'
import { type IncrementalPlan, planIncremental } from '../../../src/planner/incremental-plan.ts'
import { type BatchContext, batchContext } from '../../../src/runtime/batch-context.ts'
import { handOff, type PlanOwner, runAbove, runBelow } from '../../../src/runtime/plan-stages.ts'
import { type OpenStores, QueryState } from '../../../src/runtime/query-state.ts'
import { relationIdsOf } from '../../harness/split-owners.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const sluice = Sluice.local({ clock: new ManualClock(0), output: () => undefined })
const KV = t.struct({ k: t.string(), v: t.long() })
const PARTITIONS = 4

function countByKey(): { plan: IncrementalPlan; relationId: number } {
  const df = sluice.memoryStream(KV).toDF().groupBy('k').agg(count('*').alias('n'))
  const analyzed = new Analyzer({ timeZone: 'UTC', runtime: { currentTimestamp: 0 } }).analyze(df.plan)
  const plan = planIncremental(analyzed, { numPartitions: PARTITIONS, outputMode: 'update' })
  return { plan, relationId: relationIdsOf(analyzed)[0] }
}

async function owner(
  plan: IncrementalPlan,
  dir: string,
  partitions: readonly number[],
  input: Map<number, unknown[][]>,
): Promise<{ state: QueryState; stores: OpenStores; batch: BatchContext; runner: PlanOwner }> {
  const state = new QueryState(plan.statefulOperators, {
    checkpoint: dir,
    fs: nodeFileSystem,
    clock: new ManualClock(0),
    numPartitions: PARTITIONS,
    minBatchesToRetain: 10,
    maintenanceIntervalMs: 60_000,
  })
  await state.init()
  const stores = await state.open(0, partitions)
  const batch = batchContext({
    batchId: 0,
    batchTimestampMs: 0,
    watermarkForLateEventsMs: 0,
    watermarkForEvictionMs: 0,
    stores,
    partitions,
    input,
  })
  return { state, stores, batch, runner: { batch, runtime: { currentTimestamp: 0 } } }
}

describe('plan stages', () => {
  it('routes below the exchange to every partition, and hands each owner its partitions from both', () =>
    withTempDir(async (dir) => {
      const { plan, relationId } = countByKey()
      assert.equal(plan.exchangeExecs.length, 1)
      const exchange = plan.exchangeExecs[0]
      const rows = (...ks: string[]) => new Map([[relationId, ks.map((k, v) => [k, v])]])
      const a = await owner(plan, `${dir}/a`, [0, 1], rows('x', 'y', 'x', 'z'))
      const b = await owner(plan, `${dir}/b`, [2, 3], rows('x', 'w'))
      const below = [runBelow(exchange, a.runner), runBelow(exchange, b.runner)]
      // Each owner's partial aggregation: one group per key it saw, over all four partitions.
      const keysOf = (parts: (typeof below)[number]) => parts.flatMap((p) => p?.keys.map((k) => k[0]) ?? [])
      assert.deepEqual(keysOf(below[0]).sort(), ['x', 'y', 'z'])
      assert.deepEqual(keysOf(below[1]).sort(), ['w', 'x'])
      handOff(exchange, below, [a.runner, b.runner])
      const out = [...runAbove(plan, a.runner), ...runAbove(plan, b.runner)]
      // Key x came from both owners; its partial counts merged before the state: one row, n = 3.
      assert.deepEqual(out.map((r) => JSON.stringify(r)).sort(), ['["w",1]', '["x",3]', '["y",1]', '["z",1]'])
      // Each owner ran only its partitions: their outputs are disjoint by key.
      const ran = (o: { batch: BatchContext }) =>
        o.batch.context
          .exchanged(0, 0)
          .flatMap((p) => p?.keys.map((k) => k[0]) ?? [])
          .sort()
      assert.deepEqual([...ran(a), ...ran(b)].sort(), ['w', 'x', 'y', 'z'])
      for (const o of [a, b]) {
        await o.state.commit(o.stores)
        await o.state.close()
      }
    }))

  it('refuses to run the part above an exchange that has not run, naming the operator', () =>
    withTempDir(async (dir) => {
      const { plan, relationId } = countByKey()
      const a = await owner(plan, dir, [0, 1, 2, 3], new Map([[relationId, [['x', 1]]]]))
      assert.throws(
        () => runAbove(plan, a.runner),
        (e) =>
          isSluiceError(e) && e.code === 'INTERNAL' && /operator 0 ran before the exchange/i.test(e.message),
      )
      // A row operator never runs an exchange (only a late candidate's replay passes through it).
      assert.throws(
        () => plan.exchangeExecs[0].execute({ runtime: { currentTimestamp: 0 } }),
        (e) => isSluiceError(e) && e.code === 'INTERNAL',
      )
      a.state.abort(a.stores)
      await a.state.close()
    }))
})
