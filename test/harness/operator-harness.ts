/**
 * Drives one stateful operator directly (after Flink's OneInputStreamOperatorTestHarness): the
 * operator is planned from a DataFrame over one stream (planIncremental), its stores are real ones
 * (QueryState over a checkpoint folder), and each `batch` hands it rows with the watermarks the
 * test chooses — no sources, sink, loop or clock. `restart()` reopens the state from the folder,
 * as a restarted query would.
 */
import type { AnalyzedPlan } from '../../src/analysis/analyzed-plan.ts'
import { Analyzer } from '../../src/analysis/analyzer.ts'
import type { OperatorBatchMetrics } from '../../src/exec/stateful.ts'
import type { DataFrame } from '../../src/index.ts'
import { ManualClock } from '../../src/io/clock.ts'
import { nodeFileSystem } from '../../src/io/fs.ts'
import {
  type IncrementalOutputMode,
  type IncrementalPlan,
  planIncremental,
} from '../../src/planner/incremental-plan.ts'
import { batchContext } from '../../src/runtime/batch-context.ts'
import { runPlanStages } from '../../src/runtime/plan-stages.ts'
import { QueryState } from '../../src/runtime/query-state.ts'
import type { StateEntry } from '../../src/state/spi.ts'

/** What one batch gave: its output rows, the operator's counters, its state after commit. */
export interface HarnessBatch {
  readonly output: unknown[][]
  readonly metrics: OperatorBatchMetrics
  /** The default store's entries of every partition after the batch committed. */
  readonly state: readonly StateEntry[]
}

export class OperatorHarness {
  readonly plan: IncrementalPlan
  private readonly relationId: number
  private readonly dir: string
  private readonly numPartitions: number
  private state: QueryState | undefined
  private version = 0
  private watermarkMs = 0

  /**
   * @example const h = new OperatorHarness(df.groupBy('k').count(), 'update', dir)
   */
  constructor(df: DataFrame, outputMode: IncrementalOutputMode, dir: string, numPartitions = 4) {
    const analyzed = new Analyzer({ timeZone: 'UTC', runtime: { currentTimestamp: 0 } }).analyze(df.plan)
    this.plan = planIncremental(analyzed, { numPartitions, outputMode })
    this.relationId = relationIdOf(analyzed)
    this.dir = dir
    this.numPartitions = numPartitions
  }

  /**
   * Runs one batch of `rows` (positional, the stream's columns); `watermarkMs` is this batch's
   * (eviction) watermark, the previous batch's is its late-events watermark.
   */
  async batch(rows: readonly unknown[][], watermarkMs = this.watermarkMs): Promise<HarnessBatch> {
    const state = await this.open()
    const stores = await state.open(this.version)
    const b = batchContext({
      batchId: this.version,
      batchTimestampMs: 0,
      watermarkForLateEventsMs: this.watermarkMs,
      watermarkForEvictionMs: watermarkMs,
      stores,
      partitions: state.allPartitions,
      input: new Map([[this.relationId, rows.map((r) => [...r])]]),
    })
    const [output] = runPlanStages(this.plan, [{ batch: b, runtime: { currentTimestamp: 0 } }])
    await state.commit(stores)
    this.version++
    this.watermarkMs = watermarkMs
    const op = this.plan.statefulOperators[0].operatorId
    return { output, metrics: b.metricsOf(op), state: await this.entries() }
  }

  /** Closes the state and reopens it from the checkpoint folder (a restart). */
  async restart(): Promise<void> {
    await this.close()
  }

  async close(): Promise<void> {
    await this.state?.close()
    this.state = undefined
  }

  private async open(): Promise<QueryState> {
    if (this.state !== undefined) return this.state
    this.state = new QueryState(this.plan.statefulOperators, {
      checkpoint: this.dir,
      fs: nodeFileSystem,
      clock: new ManualClock(0),
      numPartitions: this.numPartitions,
      minBatchesToRetain: 100,
      maintenanceIntervalMs: 60_000,
    })
    await this.state.init()
    return this.state
  }

  /** The committed entries of the first operator's default store, all partitions. */
  private async entries(): Promise<StateEntry[]> {
    const state = await this.open()
    const stores = await state.open(this.version)
    const op = this.plan.statefulOperators[0].operatorId
    const out: StateEntry[] = []
    for (const store of stores.get(op)?.get('default')?.values() ?? []) out.push(...store.iterator())
    state.abort(stores)
    return out
  }
}

function relationIdOf(p: AnalyzedPlan): number {
  if (p.kind === 'streamingRelation') return p.relationId
  if (p.kind === 'localRelation' || p.kind === 'batchScan' || p.kind === 'union' || p.kind === 'join')
    throw new Error('the harness drives a plan over one stream')
  return relationIdOf(p.child)
}
