/**
 * Runs one batch of an incremental plan in stages split at its exchanges (shared/DESIGN.md §5).
 * An owner is one runner of the batch: its input rows, the state partitions it runs and their
 * stores (its BatchContext). For each exchange, from the bottom of the plan up:
 *
 * 1. below: each owner runs the part of the plan under the exchange over its own input and routes
 *    every item to its state partition (`runBelow`; all partitions, not only its own);
 * 2. hand-off: each partition's buckets, from every owner, go to the owner that runs it
 *    (`handOff`, through `BatchContext.receive`; partitions no owner runs are dropped).
 *
 * Then each owner runs the part above the exchanges for its partitions (`runAbove`): every
 * stateful operator reads what its exchange delivered (`StreamBatchContext.exchanged`).
 *
 * `runPlanStages` does all of it for owners in one process (the micro-batch loop is one owner that
 * runs every partition); worker threads or remote owners run the same three steps with the
 * buckets sent between them.
 *
 * NOTE: an exchange's part below runs stateful operators only through exchanges with larger
 * operator ids (ids count top-down), so running the exchanges from the last to the first of
 * `plan.exchanges` runs every one after those below it.
 */
import type { RowBatch } from '../exec/exec-node.ts'
import type { ExchangedParts, ExchangeExec } from '../exec/ops/exchange-exec.ts'
import type { RuntimeContext } from '../functions/function-def.ts'
import type { IncrementalPlan } from '../planner/incremental-plan.ts'
import type { BatchContext } from './batch-context.ts'

/** One runner of a batch: its batch context (partitions, stores, input) and runtime context. */
export interface PlanOwner {
  readonly batch: BatchContext
  readonly runtime: RuntimeContext
}

/**
 * Below `exchange`, for one owner: the part of the plan under it over the owner's input, routed.
 *
 * @example const buckets = runBelow(plan.exchangeExecs[0], owner) // buckets[p]: partition p's items
 */
export function runBelow(exchange: ExchangeExec, owner: PlanOwner): ExchangedParts {
  return exchange.route({ runtime: owner.runtime, stream: owner.batch.context })
}

/**
 * Hands every owner's buckets of `exchange` (`buckets[i]`: owner i's) to the owners of their
 * partitions.
 *
 * @example handOff(exchange, owners.map((o) => runBelow(exchange, o)), owners)
 */
export function handOff(
  exchange: ExchangeExec,
  buckets: readonly ExchangedParts[],
  owners: readonly PlanOwner[],
): void {
  for (const owner of owners)
    for (const p of owner.batch.context.partitions)
      for (const from of buckets) owner.batch.receive(exchange, p, from[p])
}

/**
 * Above the exchanges, for one owner: the plan's output rows from the partitions it runs.
 *
 * @example const rows = runAbove(plan, owner)
 */
export function runAbove(plan: IncrementalPlan, owner: PlanOwner): RowBatch {
  return plan.root.execute({ runtime: owner.runtime, stream: owner.batch.context })
}

/**
 * Runs a batch over owners in one process: every exchange below then hand-off, then each owner's
 * part above; returns each owner's output rows.
 *
 * @example const [rows] = runPlanStages(plan, [{ batch, runtime }])
 */
export function runPlanStages(plan: IncrementalPlan, owners: readonly PlanOwner[]): RowBatch[] {
  for (let i = plan.exchangeExecs.length - 1; i >= 0; i--) {
    const exchange = plan.exchangeExecs[i]
    handOff(
      exchange,
      owners.map((o) => runBelow(exchange, o)),
      owners,
    )
  }
  return owners.map((o) => runAbove(plan, o))
}
