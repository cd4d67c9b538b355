/**
 * Runs an incremental plan with its state partitions split over several owners in one process, as
 * worker threads or remote owners would run it: each owner has its own QueryState (its own
 * checkpoint folder, opening only its partitions) and its own share of each batch's input rows;
 * every exchange's part below runs on each owner, its buckets are handed to the owners of their
 * partitions (runtime/plan-stages.ts `handOff`), and each owner runs the part above for its
 * partitions. The event times all owners saw make the next watermark, as one tracker would.
 */
import { join } from 'node:path'
import type { AnalyzedPlan } from '../../src/analysis/analyzed-plan.ts'
import { analyzedPlans } from '../../src/analysis/analyzed-plan.ts'
import type { EventTimeStats } from '../../src/exec/stateful.ts'
import { ManualClock } from '../../src/io/clock.ts'
import { nodeFileSystem } from '../../src/io/fs.ts'
import type { IncrementalPlan } from '../../src/planner/incremental-plan.ts'
import { type BatchContext, batchContext } from '../../src/runtime/batch-context.ts'
import { type PlanOwner, runPlanStages } from '../../src/runtime/plan-stages.ts'
import { QueryState } from '../../src/runtime/query-state.ts'
import { WatermarkTracker } from '../../src/runtime/watermark-tracker.ts'

/** One batch: each stream's rows, by relation id. */
export type SplitBatch = ReadonlyMap<number, readonly unknown[][]>

export interface SplitOptions {
  readonly numPartitions: number
  /** Reopen every owner's state from its folder after each batch (a restart). */
  readonly restartEveryBatch?: boolean
}

/**
 * Runs `batches` through `plan` with owner i running partitions `owners[i]` and reading every
 * owners.length-th row of each stream (from the i-th); returns each batch's output rows over all
 * owners, as sorted JSON.
 *
 * @example const out = await runSplitOwners(plan, batches, [[0, 2], [1, 3]], dir, { numPartitions: 4 })
 */
export async function runSplitOwners(
  plan: IncrementalPlan,
  batches: readonly SplitBatch[],
  owners: readonly (readonly number[])[],
  dir: string,
  opts: SplitOptions,
): Promise<string[][]> {
  const clock = new ManualClock(0)
  const open = async (): Promise<QueryState[]> => {
    const states = owners.map(
      (_, i) =>
        new QueryState(plan.statefulOperators, {
          checkpoint: join(dir, `owner-${i}`),
          fs: nodeFileSystem,
          clock,
          numPartitions: opts.numPartitions,
          minBatchesToRetain: 100,
          maintenanceIntervalMs: 60_000,
        }),
    )
    for (const s of states) await s.init()
    return states
  }
  let states = await open()
  const tracker = new WatermarkTracker(plan.watermarkInputs, 'min', 0)
  let lateWm = 0
  const outputs: string[][] = []
  for (const [batchId, input] of batches.entries()) {
    const wm = tracker.currentMs
    const stores = await Promise.all(states.map((s, i) => s.open(batchId, owners[i])))
    const contexts: BatchContext[] = owners.map((partitions, i) =>
      batchContext({
        batchId,
        batchTimestampMs: 0,
        watermarkForLateEventsMs: lateWm,
        watermarkForEvictionMs: wm,
        stores: stores[i],
        partitions,
        input: shareOf(input, i, owners.length),
      }),
    )
    const runners: PlanOwner[] = contexts.map((batch) => ({ batch, runtime: { currentTimestamp: 0 } }))
    const out = runPlanStages(plan, runners).flat()
    for (const [i, s] of states.entries()) await s.commit(stores[i])
    tracker.observe(mergeEventTimes(contexts.map((c) => c.eventTimes)), 0)
    tracker.advance(0)
    lateWm = wm
    outputs.push(out.map((r) => JSON.stringify(r)).sort())
    if (opts.restartEveryBatch === true) {
      for (const s of states) await s.close()
      states = await open()
    }
  }
  for (const s of states) await s.close()
  return outputs
}

/** Owner `i` of `n`'s rows of a batch: every n-th row of each stream, from the i-th. */
function shareOf(input: SplitBatch, i: number, n: number): Map<number, unknown[][]> {
  return new Map([...input].map(([id, rows]) => [id, rows.filter((_, j) => j % n === i).map((r) => [...r])]))
}

/** The event times every owner's watermark operators saw, per watermark input. */
function mergeEventTimes(perOwner: readonly (readonly EventTimeStats[])[]): EventTimeStats[] {
  const out: EventTimeStats[] = []
  for (const stats of perOwner)
    for (const [i, s] of stats.entries()) {
      const m = (out[i] ??= {
        max: Number.NEGATIVE_INFINITY,
        min: Number.POSITIVE_INFINITY,
        sum: 0,
        count: 0,
      })
      m.max = Math.max(m.max, s.max)
      m.min = Math.min(m.min, s.min)
      m.sum += s.sum
      m.count += s.count
    }
  return out
}

/** The relation ids of the streams a plan reads, left before right. */
export function relationIdsOf(p: AnalyzedPlan): number[] {
  if (p.kind === 'streamingRelation') return [p.relationId]
  return analyzedPlans.children(p).flatMap(relationIdsOf)
}
