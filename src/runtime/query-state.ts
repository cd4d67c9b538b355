/**
 * The state of a running query's stateful operators (shared/DESIGN.md §5): at start, each
 * operator's `state/<op>/_metadata` is written or checked against the query; per batch, every
 * (operator, partition) store is opened at the batch's version before the (synchronous) plan runs
 * and committed after the sink has the output, before `commits/N`. Operators never touch files.
 *
 * Maintenance (snapshots, deleting old versions) runs between batches at most once per
 * `maintenanceIntervalMs` (Spark's `stateStore.maintenanceInterval`, 60 s), in the background; the
 * next batch waits for it before opening stores, so a provider never serves two callers at once.
 */
import { stateMetadataPath, statePartitionDir } from '../checkpoint/layout.ts'
import type { Clock } from '../io/clock.ts'
import type { FileSystem } from '../io/fs.ts'
import type { StatefulOperatorDecl } from '../planner/incremental-plan.ts'
import { MemoryStateStoreProvider } from '../state/memory-state-store-provider.ts'
import type { StateStore, StateStoreProvider } from '../state/spi.ts'
import { openStateSchemaMetadata } from '../state/state-schema-metadata.ts'
import type { StateOperatorProgress } from './progress.ts'

export interface QueryStateOptions {
  readonly checkpoint: string
  readonly fs: FileSystem
  readonly clock: Clock
  readonly numPartitions: number
  readonly minBatchesToRetain: number
  readonly maintenanceIntervalMs: number
}

/** The stores of one batch, by operator id, one per partition. */
export type OpenStores = ReadonlyMap<number, readonly StateStore[]>

export class QueryState {
  readonly operators: readonly StatefulOperatorDecl[]
  private readonly opts: QueryStateOptions
  private readonly providers = new Map<number, StateStoreProvider[]>()
  private maintenance: Promise<void> = Promise.resolve()
  private lastMaintenanceMs: number

  constructor(operators: readonly StatefulOperatorDecl[], opts: QueryStateOptions) {
    this.operators = operators
    this.opts = opts
    this.lastMaintenanceMs = opts.clock.now()
  }

  /** Writes or checks every operator's metadata (STATE_SCHEMA_INCOMPATIBLE says what changed). */
  async init(): Promise<void> {
    const { fs, checkpoint, numPartitions } = this.opts
    for (const op of this.operators) {
      const { kind, stores, details } = op
      await openStateSchemaMetadata(fs, stateMetadataPath(checkpoint, op.operatorId), {
        operatorKind: kind,
        numPartitions,
        stores: stores.map(({ storeName, keySchema, valueSchema }) => ({
          storeName,
          keySchema,
          valueSchema,
        })),
        ...(details === undefined ? {} : { details }),
      })
      const providers: StateStoreProvider[] = []
      for (let p = 0; p < numPartitions; p++) {
        providers.push(
          new MemoryStateStoreProvider({
            id: { operatorId: op.operatorId, partition: p, storeName: 'default' },
            dir: statePartitionDir(checkpoint, op.operatorId, p),
            fs,
            minBatchesToRetain: this.opts.minBatchesToRetain,
          }),
        )
      }
      this.providers.set(op.operatorId, providers)
    }
  }

  /** Opens every store at `version` (batch N reads version N and commits N + 1, as Spark). */
  async open(version: number): Promise<OpenStores> {
    await this.maintenance
    const out = new Map<number, StateStore[]>()
    for (const [op, providers] of this.providers)
      out.set(op, await Promise.all(providers.map((p) => p.getStore(version))))
    return out
  }

  abort(stores: OpenStores): void {
    for (const list of stores.values()) for (const s of list) s.abort()
  }

  /** Commits every store; returns each operator's commit time (the slowest of its partitions). */
  async commit(stores: OpenStores): Promise<Map<number, number>> {
    const times = new Map<number, number>()
    await Promise.all(
      [...stores].map(async ([op, list]) => {
        const t0 = this.opts.clock.now()
        await Promise.all(list.map((s) => s.commit()))
        times.set(op, this.opts.clock.now() - t0)
      }),
    )
    return times
  }

  /** Starts maintenance in the background when the interval has passed since the last run. */
  maybeMaintain(): void {
    const now = this.opts.clock.now()
    if (now - this.lastMaintenanceMs < this.opts.maintenanceIntervalMs) return
    this.lastMaintenanceMs = now
    const all = [...this.providers.values()].flat()
    // A failed maintenance leaves files for the next run to tidy; it must not fail the query.
    this.maintenance = Promise.all(all.map((p) => p.doMaintenance().catch(() => undefined))).then(
      () => undefined,
    )
  }

  async close(): Promise<void> {
    await this.maintenance
    for (const list of this.providers.values()) for (const p of list) p.close()
  }

  /** Progress entries, one per operator, from its stores after commit and its batch counters. */
  progress(
    stores: OpenStores,
    commitTimes: ReadonlyMap<number, number>,
    counters: (op: number) => { numRowsDroppedByWatermark: number; custom: Record<string, number> },
  ): StateOperatorProgress[] {
    return this.operators.map((op) => {
      const list = stores.get(op.operatorId) ?? []
      let numRowsTotal = 0
      let numRowsUpdated = 0
      let numRowsRemoved = 0
      let memoryUsedBytes = 0
      for (const s of list) {
        const m = s.metrics()
        numRowsTotal += m.numKeys
        numRowsUpdated += m.numRowsUpdated
        numRowsRemoved += m.numRowsRemoved
        memoryUsedBytes += m.memoryUsedBytes
      }
      const c = counters(op.operatorId)
      return Object.freeze({
        operatorName: op.operatorName,
        numRowsTotal,
        numRowsUpdated,
        numRowsRemoved,
        commitTimeMs: commitTimes.get(op.operatorId) ?? 0,
        memoryUsedBytes,
        numRowsDroppedByWatermark: c.numRowsDroppedByWatermark,
        numShufflePartitions: this.opts.numPartitions,
        numStateStoreInstances: list.length,
        customMetrics: Object.freeze({ ...c.custom }),
      })
    })
  }
}
