/**
 * The streaming half of a session: source resolution for readStream, the memory tables, the query
 * manager, and where a started query's checkpoint is (an explicit `checkpointLocation`, one under
 * `sluice.sql.streaming.checkpointLocation`, or a temporary one for console, memory and noop
 * sinks, as Spark allows). The connectors, file system and clocks come from the session
 * (`StreamWiring`, built by session-wiring.ts).
 */
import { join } from 'node:path'
import { optionOf } from '../connectors/connector-options.ts'
import type { Sink, SinkContext, SourceProvider, TableRegistry } from '../connectors/spi.ts'
import { SluiceError } from '../errors.ts'
import type { Clock, RetryTimer } from '../io/clock.ts'
import type { FileSystem } from '../io/fs.ts'
import type { Scheduler } from '../io/scheduler.ts'
import type { TaskExecutor } from '../io/worker-pool.ts'
import type { LogicalPlan, StreamSourceHandle } from '../plan/logical-plan.ts'
import type { StructType } from '../schema/data-type.ts'
import { STATE_STORE_PROVIDER_CLASS } from '../state/provider-registry.ts'
import type { StateStoreSettings } from '../state/spi.ts'
import { DEFAULT_PROGRESS_TO_RETAIN, openQueryCheckpoint } from './file-query-checkpoint.ts'
import type { QueryCheckpoint } from './query-checkpoint.ts'
import { StreamingQueryManager } from './query-manager.ts'
import type { QueryStartSpec } from './query-spec.ts'
import { SHUFFLE_PARTITIONS, type StarterDeps, startQuery, WATERMARK_POLICY } from './query-starter.ts'
import type { SinkRetryPolicy } from './sink-retry.ts'
import type { StreamingQuery } from './streaming-query.ts'

export interface StreamingConf {
  /** Root folder for checkpoints of queries started without `checkpointLocation`. */
  readonly checkpointRoot: string | undefined
  readonly minBatchesToRetain: number
  /** Batches whose progress a checkpoint keeps in `progress/` (0: none); default 100. */
  readonly numRecentProgressUpdates?: number
  readonly pollingDelayMs: number
  /** Stop queries gracefully on SIGTERM/SIGINT. */
  readonly handleSignals: boolean
  /** `sluice.sql.shuffle.partitions` for queries starting fresh. */
  readonly shufflePartitions: number
  readonly watermarkPolicy: 'min' | 'max'
  readonly noDataMicroBatches: boolean
  readonly maintenanceIntervalMs: number
  /** `sluice.sql.streaming.stateStore.acceptExpressionChanges`. */
  readonly acceptExpressionChanges: boolean
  /** `sluice.sql.streaming.stateStore.providerClass`. */
  readonly stateStoreProviderClass: string
  /** `sluice.sql.streaming.stateStore.<provider>.*`, checked. */
  readonly stateStoreSettings: StateStoreSettings
  /** `sluice.sql.streaming.sink.*`: how a failed sink write is retried. */
  readonly sinkRetry: SinkRetryPolicy
}

export interface SessionHooks {
  readonly analyze: StarterDeps['analyze']
  readonly planIncremental: StarterDeps['planIncremental']
  readonly explain: (plan: LogicalPlan) => string
  readonly clock: Clock
  readonly print: (text: string) => void
  readonly renderCells: (schema: StructType) => (row: readonly unknown[]) => (string | null)[]
  readonly timeZone: string
}

/**
 * What the session (the composition root) wires in: the concrete connectors, file system, lock
 * clock and names. Nothing here picks an implementation itself.
 */
export interface StreamWiring {
  /** The source provider for `readStream.format(name)` (the connector registry). */
  readonly sourceProvider: (format: string) => SourceProvider
  /** The sink a start() spec names: foreach, foreachBatch, or a registry format, validated. */
  readonly createSink: (spec: QueryStartSpec, ctx: Omit<SinkContext, 'options' | 'queryName'>) => Sink
  /** Where checkpoints, state and sink files go (`sluice.files.permissions` sets its file modes). */
  readonly fs: FileSystem
  /** The session's worker threads (`sluice.executor.threads`), which sources may split reads over. */
  readonly executor?: TaskExecutor
  /** The lock's lease is wall-clock time shared with other processes, whatever clock drives triggers. */
  readonly lockClock: Clock
  readonly lockScheduler: Scheduler
  /** Real-time waits for connectors' network retries (not the query's clock: see io/clock.ts). */
  readonly retryTimer: RetryTimer
  /** A fresh folder for a temporary checkpoint (console, memory, noop and foreach sinks). */
  readonly temporaryCheckpoint: () => string
  readonly newId: () => string
}

// Spark 4 gives these sinks a temporary checkpoint when none is set; file-like sinks need one.
const TEMP_CHECKPOINT_SINKS = new Set(['console', 'memory', 'noop', 'foreach', 'foreachBatch'])

export class SessionStreams {
  readonly manager: StreamingQueryManager
  private readonly tables = new Map<
    string,
    { schema: StructType; rows: () => readonly (readonly unknown[])[] }
  >()
  private readonly hooks: SessionHooks
  private readonly conf: StreamingConf
  private readonly wiring: StreamWiring

  constructor(hooks: SessionHooks, conf: StreamingConf, wiring: StreamWiring) {
    this.hooks = hooks
    this.conf = conf
    this.wiring = wiring
    this.manager = new StreamingQueryManager({
      nowMs: () => hooks.clock.now(),
      handleSignals: conf.handleSignals,
    })
  }

  /** A registered source by format, with its options validated and its output schema. */
  streamSource(
    format: string,
    options: Readonly<Record<string, string>>,
    userSchema: StructType | undefined,
  ): { source: StreamSourceHandle; schema: StructType } {
    const provider = this.wiring.sourceProvider(format)
    provider.validate(options)
    return { source: provider, schema: provider.schema(options, userSchema) }
  }

  /** A memory table's schema and current rows (what the memory sink has written). */
  table(name: string): { schema: StructType; rows: readonly (readonly unknown[])[] } {
    const t = this.tables.get(name)
    if (t === undefined) {
      throw new SluiceError(
        'COLUMN_NOT_FOUND',
        `No table named '${name}'. Tables come from memory sinks: writeStream.format('memory').queryName('${name}'). Known: ${[...this.tables.keys()].join(', ') || 'none'}.`,
      )
    }
    return { schema: t.schema, rows: t.rows() }
  }

  start(spec: QueryStartSpec): Promise<StreamingQuery> {
    const { hooks } = this
    const registry: TableRegistry = {
      register: (name, schema, rows) => this.tables.set(name, { schema, rows }),
    }
    return startQuery(spec, {
      analyze: hooks.analyze,
      planIncremental: hooks.planIncremental,
      explain: hooks.explain,
      clock: hooks.clock,
      manager: this.manager,
      newId: this.wiring.newId,
      pollingDelayMs: this.conf.pollingDelayMs,
      sinkRetry: this.conf.sinkRetry,
      state: {
        fs: this.wiring.fs,
        minBatchesToRetain: this.conf.minBatchesToRetain,
        maintenanceIntervalMs: this.conf.maintenanceIntervalMs,
        noDataMicroBatches: this.conf.noDataMicroBatches,
        acceptExpressionChanges: this.conf.acceptExpressionChanges,
        providerSettings: this.conf.stateStoreSettings,
      },
      sinkContext: {
        now: () => hooks.clock.now(),
        timeZone: hooks.timeZone,
        tables: registry,
        print: hooks.print,
        renderCells: hooks.renderCells,
        fs: this.wiring.fs,
        retryTimer: this.wiring.retryTimer,
        ...(this.wiring.executor === undefined ? {} : { executor: this.wiring.executor }),
      },
      createSink: this.wiring.createSink,
      openCheckpoint: (s, ctx) => this.openCheckpoint(s, ctx),
    })
  }

  /**
   * As Spark: a memory sink keeps its rows in this process only, so an append/update query cannot
   * resume from a checkpoint that already has batches (its earlier output would be missing).
   */
  private async refuseMemoryRecovery(location: string): Promise<void> {
    const offsets = join(location, 'offsets')
    if ((await this.wiring.fs.list(offsets)).length > 0) {
      throw new SluiceError(
        'UNSUPPORTED_OPERATION',
        `This query does not support recovering from checkpoint location. Delete ${offsets} to start over (a memory sink recovers only in complete output mode).`,
      )
    }
  }

  private async openCheckpoint(
    spec: QueryStartSpec,
    ctx: { runId: string; sinkFormat: string; sourceIds: readonly string[] },
  ): Promise<QueryCheckpoint> {
    // Options are case-insensitive, as Spark's (`checkpointlocation` names the same option).
    let location = optionOf(spec.options, 'checkpointLocation')
    if (location === undefined && this.conf.checkpointRoot !== undefined)
      location = join(this.conf.checkpointRoot, spec.queryName ?? this.wiring.newId())
    const temporary = location === undefined
    if (location === undefined) {
      if (!TEMP_CHECKPOINT_SINKS.has(ctx.sinkFormat)) {
        throw new SluiceError(
          'INVALID_OPTION',
          `checkpointLocation must be specified either through option("checkpointLocation", ...) or the session conf 'sluice.sql.streaming.checkpointLocation' (the ${ctx.sinkFormat} sink needs a checkpoint to recover).`,
        )
      }
      location = this.wiring.temporaryCheckpoint()
    }
    if (!temporary && ctx.sinkFormat === 'memory' && spec.outputMode !== 'complete')
      await this.refuseMemoryRecovery(location)
    return openQueryCheckpoint(location, {
      fs: this.wiring.fs,
      clock: this.wiring.lockClock,
      scheduler: this.wiring.lockScheduler,
      runId: ctx.runId,
      fixedConf: {},
      initialConf: {
        [SHUFFLE_PARTITIONS]: String(this.conf.shufflePartitions),
        [WATERMARK_POLICY]: this.conf.watermarkPolicy,
        [STATE_STORE_PROVIDER_CLASS]: this.conf.stateStoreProviderClass,
      },
      minBatchesToRetain: this.conf.minBatchesToRetain,
      progressToRetain: this.conf.numRecentProgressUpdates ?? DEFAULT_PROGRESS_TO_RETAIN,
      temporary,
      sourceIds: ctx.sourceIds,
      onLockLost: () => undefined,
    })
  }
}
