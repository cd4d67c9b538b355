/**
 * The state of a running query's stateful operators (shared/DESIGN.md §5), from the stateful
 * operators its incremental plan declares: at start, each operator's `state/<op>/_metadata` is
 * written or checked against the query; per batch, every named store of every (operator,
 * partition) the process owns is opened at the batch's version before the (synchronous) plan runs
 * and committed after the sink has the output, before `commits/N`. Providers come from the
 * registry (`sluice.sql.streaming.stateStore.providerClass`) and are made when first opened, so a
 * process that owns some partitions never touches the others. Operators never touch files.
 *
 * Maintenance (snapshots, deleting old versions) runs between batches at most once per
 * `maintenanceIntervalMs` (Spark's `stateStore.maintenanceInterval`, 60 s), in the background; the
 * next batch waits for it before opening stores, so a provider never serves two callers at once.
 * Beyond Spark, it also runs after the first batch of every run and when the query stops (if a
 * batch committed since the last one): a query that only ever runs for less than the interval
 * (short `availableNow` runs) still gets snapshots and old deltas deleted, instead of one more
 * delta per run forever, each replayed at every start.
 */
import { stateMetadataPath, statePartitionDir } from '../checkpoint/layout.ts'
import { EXPRESSIONS_DETAIL } from '../exec/expression-fingerprint.ts'
import type { Clock } from '../io/clock.ts'
import type { FileSystem } from '../io/fs.ts'
import type { StatefulOperatorDecl, StoreDecl } from '../planner/incremental-plan.ts'
import { stateStoreDir } from '../state/memory-state-store-provider.ts'
import { DEFAULT_STATE_STORE_PROVIDER, stateStoreProviderFactory } from '../state/provider-registry.ts'
import type {
  StateStore,
  StateStoreProvider,
  StateStoreProviderFactory,
  StateStoreSettings,
} from '../state/spi.ts'
import { openStateSchemaMetadata, readStateSchemaMetadata } from '../state/state-schema-metadata.ts'
import type { StateOperatorProgress } from './progress.ts'

export interface QueryStateOptions {
  readonly checkpoint: string
  readonly fs: FileSystem
  readonly clock: Clock
  readonly numPartitions: number
  readonly minBatchesToRetain: number
  readonly maintenanceIntervalMs: number
  /** `sluice.sql.streaming.stateStore.providerClass` (default `memory`). */
  readonly providerClass?: string
  /** The session's `sluice.sql.streaming.stateStore.<provider>.*` settings, handed to each provider. */
  readonly providerSettings?: StateStoreSettings
  /** `sluice.sql.streaming.stateStore.acceptExpressionChanges`: run on state whose operator expressions changed. */
  readonly acceptExpressionChanges?: boolean
}

/** The stores one owner opened for a batch: by operator id, then store name, then partition. */
export type OpenStores = ReadonlyMap<number, ReadonlyMap<string, ReadonlyMap<number, StateStore>>>

export class QueryState {
  readonly operators: readonly StatefulOperatorDecl[]
  /** `<operatorId>/<storeName>` of the stores an allowed evolution added at this start. */
  private readonly added = new Set<string>()
  private readonly opts: QueryStateOptions
  private readonly factory: StateStoreProviderFactory
  /** Providers made so far, by `<operatorId>/<storeName>/<partition>` (made when first opened). */
  private readonly providers = new Map<string, StateStoreProvider>()
  private maintenance: Promise<void> = Promise.resolve()
  private lastMaintenanceMs: number
  /** Batches committed since maintenance last started (close() runs it when there are any). */
  private committedSinceMaintenance = 0
  /** Whether maintenance ran in this run yet (it runs after the run's first batch). */
  private maintainedThisRun = false

  constructor(operators: readonly StatefulOperatorDecl[], opts: QueryStateOptions) {
    this.operators = operators
    this.opts = opts
    this.factory = stateStoreProviderFactory(opts.providerClass ?? DEFAULT_STATE_STORE_PROVIDER)
    this.lastMaintenanceMs = opts.clock.now()
  }

  /** Every state partition of the query (what a single owner opens). */
  get allPartitions(): readonly number[] {
    return Array.from({ length: this.opts.numPartitions }, (_, p) => p)
  }

  /** Writes or checks every operator's metadata (STATE_SCHEMA_INCOMPATIBLE says what changed). */
  async init(): Promise<void> {
    const { fs, checkpoint, numPartitions } = this.opts
    for (const op of this.operators) {
      const { kind, stores, details } = op
      const path = stateMetadataPath(checkpoint, op.operatorId)
      const before = await readStateSchemaMetadata(fs, path)
      await openStateSchemaMetadata(
        fs,
        path,
        {
          operatorKind: kind,
          numPartitions,
          stores: stores.map(({ storeName, keySchema, valueSchema }) => ({
            storeName,
            keySchema,
            valueSchema,
          })),
          ...(details === undefined ? {} : { details }),
        },
        {
          evolvable: kind === 'transformWithState',
          accept: this.opts.acceptExpressionChanges === true ? [EXPRESSIONS_DETAIL] : [],
        },
      )
      // NOTE: stores an allowed evolution added start empty at the first version this run opens
      // (a crash between the metadata rewrite above and that first open leaves them without it).
      for (const st of stores)
        if (before !== undefined && !before.stores.some((b) => b.storeName === st.storeName))
          this.added.add(`${op.operatorId}/${st.storeName}`)
    }
  }

  /**
   * Opens every store of `partitions` (by default all) at `version` (batch N reads version N and
   * commits N + 1, as Spark); a process that owns some partitions opens only those.
   */
  async open(version: number, partitions: readonly number[] = this.allPartitions): Promise<OpenStores> {
    await this.maintenance
    const out = new Map<number, Map<string, Map<number, StateStore>>>()
    for (const op of this.operators) {
      const byName = new Map<string, Map<number, StateStore>>()
      for (const store of op.stores) {
        const added = `${op.operatorId}/${store.storeName}`
        if (version > 0 && this.added.delete(added))
          await Promise.all(this.allPartitions.map((p) => this.provider(op, store, p).createEmpty?.(version)))
        const opened = await Promise.all(partitions.map((p) => this.provider(op, store, p).getStore(version)))
        byName.set(store.storeName, new Map(partitions.map((p, i) => [p, opened[i]])))
      }
      out.set(op.operatorId, byName)
    }
    return out
  }

  private provider(op: StatefulOperatorDecl, store: StoreDecl, partition: number): StateStoreProvider {
    const key = `${op.operatorId}/${store.storeName}/${partition}`
    let provider = this.providers.get(key)
    if (provider === undefined) {
      const { checkpoint, fs, minBatchesToRetain, clock, providerSettings } = this.opts
      const { ordering, numColsPrefixKey } = store
      provider = this.factory({
        id: { operatorId: op.operatorId, partition, storeName: store.storeName },
        dir: stateStoreDir(statePartitionDir(checkpoint, op.operatorId, partition), store.storeName),
        fs,
        minBatchesToRetain,
        clock,
        ...(ordering.kind === 'none' ? {} : { ordering }),
        ...(numColsPrefixKey === undefined ? {} : { numColsPrefixKey }),
        ...(providerSettings === undefined ? {} : { settings: providerSettings }),
      })
      this.providers.set(key, provider)
    }
    return provider
  }

  abort(stores: OpenStores): void {
    for (const s of allStores(stores)) s.abort()
  }

  /** Commits every store; returns each operator's commit time (the slowest of its partitions). */
  async commit(stores: OpenStores): Promise<Map<number, number>> {
    const times = new Map<number, number>()
    await Promise.all(
      [...stores].map(async ([op, byName]) => {
        const t0 = this.opts.clock.now()
        await Promise.all([...byName.values()].flatMap((m) => [...m.values()].map((s) => s.commit())))
        times.set(op, this.opts.clock.now() - t0)
      }),
    )
    this.committedSinceMaintenance++
    return times
  }

  /**
   * Starts maintenance in the background after the run's first batch, and later when the interval
   * has passed since it last ran.
   */
  maybeMaintain(): void {
    const now = this.opts.clock.now()
    if (this.maintainedThisRun && now - this.lastMaintenanceMs < this.opts.maintenanceIntervalMs) return
    this.startMaintenance(now)
  }

  private startMaintenance(now: number): void {
    this.lastMaintenanceMs = now
    this.maintainedThisRun = true
    this.committedSinceMaintenance = 0
    const all = [...this.providers.values()]
    // A failed maintenance leaves files for the next run to tidy; it must not fail the query.
    this.maintenance = Promise.all(all.map((p) => p.doMaintenance().catch(() => undefined))).then(
      () => undefined,
    )
  }

  /** Waits for maintenance, runs it once more if a batch committed since, and closes the stores. */
  async close(): Promise<void> {
    await this.maintenance
    if (this.committedSinceMaintenance > 0) {
      this.startMaintenance(this.opts.clock.now())
      await this.maintenance
    }
    for (const p of this.providers.values()) p.close()
  }

  /** Progress entries, one per operator, from its stores after commit and its batch counters. */
  progress(
    stores: OpenStores,
    commitTimes: ReadonlyMap<number, number>,
    counters: (op: number) => { numRowsDroppedByWatermark: number; custom: Record<string, number> },
  ): StateOperatorProgress[] {
    return this.operators.map((op) => {
      const list = [...allStores(stores, op.operatorId)]
      let numRowsTotal = 0
      let numRowsUpdated = 0
      let numRowsRemoved = 0
      let memoryUsedBytes = 0
      const custom: Record<string, number> = {}
      const auxiliary = new Set(op.stores.filter((st) => st.auxiliary === true).map((st) => st.storeName))
      for (const [name, s] of namedStores(stores, op.operatorId)) {
        const m = s.metrics()
        for (const [key, n] of Object.entries(m.customMetrics ?? {})) custom[key] = (custom[key] ?? 0) + n
        memoryUsedBytes += m.memoryUsedBytes
        if (auxiliary.has(name)) continue
        numRowsTotal += m.numKeys
        numRowsUpdated += m.numRowsUpdated
        numRowsRemoved += m.numRowsRemoved
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
        customMetrics: Object.freeze({ ...custom, ...c.custom }),
      })
    })
  }
}

/** The open stores of `operatorId`, with their store names. */
function* namedStores(stores: OpenStores, operatorId: number): IterableIterator<[string, StateStore]> {
  for (const [name, m] of stores.get(operatorId) ?? []) for (const s of m.values()) yield [name, s]
}

/** The open stores of `operatorId` (or of every operator). */
function* allStores(stores: OpenStores, operatorId?: number): IterableIterator<StateStore> {
  for (const [op, byName] of stores) {
    if (operatorId !== undefined && op !== operatorId) continue
    for (const m of byName.values()) yield* m.values()
  }
}
