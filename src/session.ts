/**
 * The session: configuration, the analyzer and the planner wired together (the composition root).
 * It implements the small QueryEngine interface the API runs queries through.
 */

import { type AnalyzedPlan, deliverObservations, schemaOfAttributes } from './analysis/analyzed-plan.ts'
import { Analyzer } from './analysis/analyzer.ts'
import { pruneColumns } from './analysis/column-pruning.ts'
import { explainAnalyzed } from './analysis/explain-analyzed.ts'
import { DataFrameReader } from './api/data-frame-reader.ts'
import { DataStreamReader } from './api/data-stream-reader.ts'
import { DataFrame } from './api/dataframe.ts'
import type { BatchReadRequest, FileWriteRequest, QueryEngine } from './api/engine.ts'
import { MemoryStreamInput } from './api/memory-stream.ts'
import type { Row } from './api/row-types.ts'
import { batchReader, batchWriter } from './connectors/batch-registry.ts'
import { MemoryStream } from './connectors/memory/memory-stream.ts'
import type { ConnectorContext, PreparedBatchRead } from './connectors/spi.ts'
import { invalidArgument } from './errors.ts'
import type { ExecNode } from './exec/exec-node.ts'
import { explainExec } from './exec/exec-node.ts'
import { valueToString } from './functions/cast.ts'
import type { BindContext, RuntimeContext } from './functions/function-def.ts'
import { type Clock, systemClock, systemRetryTimer } from './io/clock.ts'
import { type FilePermissions, type FileSystem, localFileSystem, nodeFileSystem } from './io/fs.ts'
import { localPath } from './io/local-path.ts'
import { writeStdout } from './io/output.ts'
import { executorThreadsOf, parallelReadMinBytesOf, WorkerPool } from './io/worker-pool.ts'
import { type LogicalPlan, node } from './plan/logical-plan.ts'
import { parseInterval } from './plan/sql/interval.ts'
import { parseSchemaDDL } from './plan/sql/type-parser.ts'
import { planIncremental } from './planner/incremental-plan.ts'
import { planPhysical } from './planner/physical-planner.ts'
import { type RemoteConfig, RemoteSluice } from './remote/remote-session.ts'
import type { StreamingQueryManager } from './runtime/query-manager.ts'
import type { QueryStartSpec } from './runtime/query-spec.ts'
import { SessionStreams } from './runtime/session-streams.ts'
import { type SinkRetryConfig, sinkRetryPolicy } from './runtime/sink-retry.ts'
import type { StreamingQuery } from './runtime/streaming-query.ts'
import { field, type InferInputRow, type InferRow, type StructType, structOf } from './schema/data-type.ts'
import { encodeRows } from './schema/row-codec.ts'
import { streamWiring } from './session-wiring.ts'
import {
  DEFAULT_STATE_STORE_PROVIDER,
  STATE_STORE_PROVIDER_CLASS,
  STATE_STORE_SETTING_KEYS,
  stateStoreProviderFactory,
  stateStoreSettingsOf,
} from './state/provider-registry.ts'
import { attachObservability, type Observability, type ObservabilityConfig } from './ui/observability.ts'
import type { StreamingMetrics } from './ui/streaming-metrics.ts'
import type { UiServer } from './ui/ui-server.ts'
import { validateTimeZone } from './util/time/index.ts'

/** The stateful-streaming settings, checked. */
function statefulConf(config: SluiceConfig) {
  const partitions = config['sluice.sql.shuffle.partitions'] ?? 8
  if (!Number.isSafeInteger(partitions) || partitions < 1 || partitions > 10_000) {
    throw invalidArgument(
      `'sluice.sql.shuffle.partitions' must be an integer from 1 to 10000, but is ${partitions}.`,
    )
  }
  const policy = config['sluice.sql.streaming.multipleWatermarkPolicy'] ?? 'min'
  if (policy !== 'min' && policy !== 'max') {
    throw invalidArgument(
      `'sluice.sql.streaming.multipleWatermarkPolicy' must be 'min' or 'max', but is '${policy}'.`,
    )
  }
  const providerClass = config[STATE_STORE_PROVIDER_CLASS] ?? DEFAULT_STATE_STORE_PROVIDER
  stateStoreProviderFactory(providerClass)
  return {
    shufflePartitions: partitions,
    watermarkPolicy: policy,
    noDataMicroBatches: config['sluice.sql.streaming.noDataMicroBatches.enabled'] ?? true,
    maintenanceIntervalMs: parseInterval(
      config['sluice.sql.streaming.stateStore.maintenanceInterval'] ?? '60 seconds',
    ),
    stateStoreProviderClass: providerClass,
    acceptExpressionChanges: config['sluice.sql.streaming.stateStore.acceptExpressionChanges'] ?? false,
    stateStoreSettings: stateStoreSettingsOf(config as Readonly<Record<string, unknown>>),
  } as const
}

/** Session settings, by Spark's key names where Spark has one (`sluice.ui.*`, `sluice.log.level`: see ObservabilityConfig). */
export interface SluiceConfig extends ObservabilityConfig, SinkRetryConfig {
  /** Time zone for parsing/formatting timestamps and for date functions (default: the process's zone, as Spark uses the JVM's). */
  readonly 'sluice.sql.session.timeZone'?: string
  /** Where show(), printSchema() and explain() print (default: console.log). */
  readonly output?: (text: string) => void
  /** Processing-time source (default: the system clock); tests inject a manual clock. */
  readonly clock?: Clock
  /** Root folder for checkpoints of queries started without a `checkpointLocation` option. */
  readonly 'sluice.sql.streaming.checkpointLocation'?: string
  /** Offsets/commits entries kept in a checkpoint (Spark's minBatchesToRetain, default 100). */
  readonly 'sluice.sql.streaming.minBatchesToRetain'?: number
  /**
   * How many batches' progress a query keeps in its checkpoint (`<checkpoint>/progress/`), for
   * `sluice ui --checkpoint` (Spark's numRecentProgressUpdates, default 100; 0 keeps none).
   */
  readonly 'sluice.sql.streaming.numRecentProgressUpdates'?: number
  /** How long an idle query waits before polling its sources again (default '10ms'). */
  readonly 'sluice.sql.streaming.pollingDelay'?: string
  /** Stop running queries gracefully on SIGTERM/SIGINT, committing the batch in flight (default true). */
  readonly 'sluice.streaming.stopOnSignal'?: boolean
  /**
   * State partitions of each stateful operator (default 8: enough to spread state over a few
   * workers later, few enough that one process commits them quickly). Fixed in the checkpoint at a
   * query's first start; later starts use the checkpoint's value, as Spark.
   */
  readonly 'sluice.sql.shuffle.partitions'?: number
  /** How several watermarks combine: 'min' (default, safe) or 'max'; fixed in the checkpoint. */
  readonly 'sluice.sql.streaming.multipleWatermarkPolicy'?: 'min' | 'max'
  /** Run batches without new data when the watermark lets an operator emit or evict (default true). */
  readonly 'sluice.sql.streaming.noDataMicroBatches.enabled'?: boolean
  /** How often state stores snapshot and delete old versions, between batches (default '60 seconds'). */
  readonly 'sluice.sql.streaming.stateStore.maintenanceInterval'?: string
  /**
   * Modes of the checkpoint, state and file-sink files Sluice creates: 'owner' (default: 0600 files,
   * 0700 folders) or 'default' (0666/0777 less the process umask, for output other users read).
   */
  readonly 'sluice.files.permissions'?: FilePermissions
  /**
   * The state store provider (Spark's conf of the same name): `memory` (the default; Spark's
   * `org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider` is the same).
   */
  readonly 'sluice.sql.streaming.stateStore.providerClass'?: string
  /**
   * Beyond Spark: run a restarted query on state whose stateful operators' expressions changed
   * (another grouping expression, aggregate argument, dedup key or join key of the same type), which
   * is otherwise refused with STATE_SCHEMA_INCOMPATIBLE because old and new results would mix.
   * Default false. Set it for the one start that deploys a change you know is safe (e.g. a renamed
   * column); that start records the new expressions.
   * @example Sluice.local({ 'sluice.sql.streaming.stateStore.acceptExpressionChanges': true })
   */
  readonly 'sluice.sql.streaming.stateStore.acceptExpressionChanges'?: boolean
  /**
   * LMDB provider: the folder its local copies of the state live under (default: env
   * `SLUICE_STATE_LMDB_DIR`, else `<tmp>/sluice-state-lmdb`). The checkpoint stays the source of
   * truth: a copy that is missing or from another folder is rebuilt from it.
   * @example Sluice.local({ 'sluice.sql.streaming.stateStore.lmdb.localDir': '/var/lib/app/state' })
   */
  readonly 'sluice.sql.streaming.stateStore.lmdb.localDir'?: string
  /**
   * LMDB provider: a store whose data file is larger than this many bytes unmaps and maps its folder
   * again after each commit, load and snapshot part, so the pages it touched leave the process's RSS
   * (default: env `SLUICE_STATE_LMDB_REMAP_BYTES`, else 32 MiB; 0: after every commit).
   * @example Sluice.local({ 'sluice.sql.streaming.stateStore.lmdb.remapBytes': 64 * 2 ** 20 })
   */
  readonly 'sluice.sql.streaming.stateStore.lmdb.remapBytes'?: number
  /**
   * LMDB provider: the most changed keys an open store keeps on the heap before writing them into its
   * folder ahead of the commit, as Spark's RocksDB write buffer (default: env
   * `SLUICE_STATE_LMDB_MAX_OVERLAY_ENTRIES`, else 50,000).
   * @example Sluice.local({ 'sluice.sql.streaming.stateStore.lmdb.maxOverlayEntries': 20000 })
   */
  readonly 'sluice.sql.streaming.stateStore.lmdb.maxOverlayEntries'?: number
  /**
   * The worker threads a query's file sources decode on (default 1: every read on the main thread;
   * two threads were measured slower on Nexmark q0-q2, see README "Threads"). Closed by `sluice.stop()`.
   * @example Sluice.local({ 'sluice.executor.threads': 2 })
   */
  readonly 'sluice.executor.threads'?: number
  /**
   * The fewest bytes a batch's input must hold to be decoded on the worker threads (default 1 MiB,
   * measured): smaller batches stay on the main thread, where threads would cost more than they give.
   * @example Sluice.local({ 'sluice.executor.parallelReadMinBytes': 0 })
   */
  readonly 'sluice.executor.parallelReadMinBytes'?: number
}

const KNOWN_KEYS = new Set([
  'sluice.sql.session.timeZone',
  'output',
  'clock',
  'sluice.sql.streaming.checkpointLocation',
  'sluice.sql.streaming.minBatchesToRetain',
  'sluice.sql.streaming.numRecentProgressUpdates',
  'sluice.sql.streaming.pollingDelay',
  'sluice.streaming.stopOnSignal',
  'sluice.sql.shuffle.partitions',
  'sluice.sql.streaming.multipleWatermarkPolicy',
  'sluice.sql.streaming.noDataMicroBatches.enabled',
  'sluice.sql.streaming.stateStore.maintenanceInterval',
  'sluice.ui.enabled',
  'sluice.ui.port',
  'sluice.ui.host',
  'sluice.log.level',
  'logDestination',
  'sluice.files.permissions',
  STATE_STORE_PROVIDER_CLASS,
  'sluice.sql.streaming.stateStore.acceptExpressionChanges',
  'sluice.sql.streaming.sink.maxRetries',
  'sluice.sql.streaming.sink.retryBackoff',
  'sluice.sql.streaming.sink.maxRetryBackoff',
  'sluice.sql.streaming.sink.retryOn',
  'sluice.executor.threads',
  'sluice.executor.parallelReadMinBytes',
  ...STATE_STORE_SETTING_KEYS,
])

function progressToRetain(config: SluiceConfig): number {
  const n = config['sluice.sql.streaming.numRecentProgressUpdates'] ?? 100
  if (!Number.isSafeInteger(n) || n < 0)
    throw invalidArgument(
      `'sluice.sql.streaming.numRecentProgressUpdates' must be a whole number >= 0 (0 keeps no progress in checkpoints), but is ${n}.`,
    )
  return n
}

function fileSystemOf(config: SluiceConfig): FileSystem {
  const permissions = config['sluice.files.permissions'] ?? 'owner'
  if (permissions !== 'owner' && permissions !== 'default') {
    throw invalidArgument(
      `'sluice.files.permissions' must be 'owner' or 'default', but is '${String(permissions)}'.`,
    )
  }
  return permissions === 'owner' ? nodeFileSystem : localFileSystem(permissions)
}

export class Sluice implements QueryEngine {
  readonly conf: Readonly<Record<string, unknown>>
  private readonly ctx: BindContext
  private readonly runtime: RuntimeContext
  private readonly clock: Clock
  private readonly out: (text: string) => void
  private readonly streaming: SessionStreams
  private readonly shufflePartitions: number
  private readonly observability: Observability
  private readonly fs: FileSystem
  private readonly executor: WorkerPool

  private constructor(config: SluiceConfig) {
    for (const key of Object.keys(config)) {
      if (!KNOWN_KEYS.has(key))
        throw invalidArgument(
          `Unknown configuration key '${key}'. Known keys: ${[...KNOWN_KEYS].join(', ')}.`,
        )
    }
    const timeZone = config['sluice.sql.session.timeZone'] ?? Intl.DateTimeFormat().resolvedOptions().timeZone
    validateTimeZone(timeZone)
    this.conf = Object.freeze({ 'sluice.sql.session.timeZone': timeZone })
    this.clock = config.clock ?? systemClock
    this.runtime = { currentTimestamp: this.clock.now() }
    this.ctx = Object.freeze({ timeZone, runtime: this.runtime })
    this.out = config.output ?? writeStdout
    const stateful = statefulConf(config)
    this.fs = fileSystemOf(config)
    this.shufflePartitions = stateful.shufflePartitions
    this.executor = new WorkerPool(
      executorThreadsOf(config['sluice.executor.threads']),
      parallelReadMinBytesOf(config['sluice.executor.parallelReadMinBytes']),
    )
    this.streaming = new SessionStreams(
      {
        analyze: (plan, runtime) => new Analyzer({ ...this.ctx, runtime }).analyze(plan),
        planIncremental: (plan, conf) => planIncremental(plan, conf),
        explain: (plan) => this.explain(plan, 'extended'),
        clock: this.clock,
        print: (text) => this.print(text),
        renderCells: (schema) => this.renderCell(schema),
        timeZone,
      },
      {
        checkpointRoot:
          config['sluice.sql.streaming.checkpointLocation'] === undefined
            ? undefined
            : localPath(
                config['sluice.sql.streaming.checkpointLocation'],
                "conf 'sluice.sql.streaming.checkpointLocation'",
              ),
        minBatchesToRetain: config['sluice.sql.streaming.minBatchesToRetain'] ?? 100,
        numRecentProgressUpdates: progressToRetain(config),
        pollingDelayMs: parseInterval(config['sluice.sql.streaming.pollingDelay'] ?? '10 milliseconds'),
        handleSignals: config['sluice.streaming.stopOnSignal'] ?? true,
        sinkRetry: sinkRetryPolicy(config),
        ...stateful,
      },
      streamWiring(this.fs, this.executor),
    )
    this.observability = attachObservability(this.streaming.manager, config)
  }

  /**
   * Stops the session (Spark's `spark.stop()`): every active query stops (committing its batch in
   * flight), then the worker threads of `sluice.executor.threads` end. Idempotent.
   * @example await sluice.stop()
   */
  async stop(): Promise<void> {
    await this.streaming.manager.stopAll()
    await this.executor.close()
  }

  /** The web UI server, when `sluice.ui.enabled` is true. @example console.log(await sluice.ui?.ready()) */
  get ui(): UiServer | null {
    return this.observability.ui
  }

  /** Prometheus metrics of this session's queries. @example server.on('request', sluice.metrics.handler) */
  get metrics(): StreamingMetrics {
    return this.observability.metrics
  }

  /** The running streaming queries and the listener bus. @example sluice.streams.active */
  get streams(): StreamingQueryManager {
    return this.streaming.manager
  }

  /** The builder of a batch DataFrame over files. @example const df = await sluice.read.json('/data/events') */
  get read(): DataFrameReader {
    return new DataFrameReader(this, this.ctx.timeZone)
  }

  /** The builder of a streaming DataFrame. @example sluice.readStream.format('rate').option('rowsPerSecond', 10).load() */
  get readStream(): DataStreamReader {
    return new DataStreamReader(this)
  }

  /**
   * A stream you add rows to by hand (tests), as Spark's MemoryStream.
   * @example const input = sluice.memoryStream(t.struct({ word: t.string() })); input.addData({ word: 'a' })
   */
  memoryStream<S extends StructType>(schema: S): MemoryStreamInput<S> {
    return new MemoryStreamInput(schema, this)
  }

  /** The rows a memory sink has written so far, as a DataFrame. @example sluice.table('counts').collect() */
  table(name: string): DataFrame {
    const { schema, rows } = this.streaming.table(name)
    return new DataFrame(node('localRelation', { schema, rows }), this)
  }

  streamSource(
    format: string,
    options: Readonly<Record<string, string>>,
    userSchema: StructType | undefined,
  ) {
    return this.streaming.streamSource(format, options, userSchema)
  }

  startStream(spec: QueryStartSpec): Promise<StreamingQuery> {
    return this.streaming.start(spec)
  }

  /** The context batch connectors get: the session's file system, clock and time zone. */
  private connectorContext(options: Readonly<Record<string, string>>): ConnectorContext {
    return {
      options,
      fs: this.fs,
      now: () => this.clock.now(),
      retryTimer: systemRetryTimer,
      timeZone: this.ctx.timeZone,
    }
  }

  /**
   * Prepares a batch read through the connector registry (what `sluice.read...load()` calls).
   * @example const { schema } = await sluice.batchRead({ format: 'json', paths: ['/data'], options: {}, timeZone: 'UTC' })
   */
  batchRead(request: BatchReadRequest): Promise<PreparedBatchRead> {
    return batchReader(request.format).prepare(request, this.connectorContext(request.options))
  }

  /**
   * A new memory stream source (what `sluice.memoryStream(schema)` wraps).
   * @example sluice.memorySource(t.struct({ word: t.string() })).addData({ word: 'a' })
   */
  memorySource(schema: StructType): MemoryStream {
    return new MemoryStream(schema)
  }

  async writeFiles(plan: LogicalPlan, req: FileWriteRequest): Promise<void> {
    const schema = this.schemaOf(plan)
    const write = batchWriter(req.format).prepare(req, {
      ...this.connectorContext(req.options),
      schema,
      renderCells: (s) => this.renderCell(s),
    })
    await write(this.execute(plan))
  }

  /**
   * A session running in this process on the embedded defaults.
   * @example const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
   */
  static local(config: SluiceConfig = {}): Sluice {
    return new Sluice(config)
  }

  /**
   * A session whose queries run on Apache Spark through Spark Connect (docs/remote.md): the same
   * DataFrame API, with asynchronous actions. The URL is Spark Connect's: `sc://host:port/;token=...`.
   * @example const spark = Sluice.remote('sc://localhost:15002'); await spark.range(3).count()
   */
  static remote(url: string, config: RemoteConfig = {}): RemoteSluice {
    return new RemoteSluice(url, config)
  }

  /**
   * A DataFrame over in-memory rows, validated against the schema.
   * @example const df = sluice.createDataFrame([{ id: 1, name: 'a' }], t.struct({ id: t.long(), name: t.string() }))
   */
  createDataFrame<S extends StructType>(rows: readonly InferInputRow<S>[], schema: S): DataFrame<InferRow<S>>
  /** With a DDL schema, as Spark's: `sluice.createDataFrame(rows, 'id BIGINT, name STRING')`. */
  createDataFrame(rows: readonly Row[], schema: string): DataFrame<Row>
  createDataFrame(rows: readonly object[], schema: StructType | string): DataFrame<Row> {
    const struct = typeof schema === 'string' ? parseSchemaDDL(schema) : schema
    return new DataFrame(node('localRelation', { schema: struct, rows: encodeRows(rows, struct) }), this)
  }

  /** A DataFrame of `id` from start (inclusive) to end (exclusive). @example sluice.range(0, 10) */
  range(start: number, end?: number, step = 1): DataFrame<{ id: number }> {
    const [from, to] = end === undefined ? [0, start] : [start, end]
    if (step === 0) throw invalidArgument('range(): step must not be 0.')
    const rows: unknown[][] = []
    for (let i = from; step > 0 ? i < to : i > to; i += step) rows.push([i])
    const schema = structOf([field('id', { kind: 'long' }, false)])
    return new DataFrame(node('localRelation', { schema, rows }), this)
  }

  // ---- QueryEngine ----

  /** Each transformation is analyzed as it is written, as classic Spark's. */
  readonly eagerAnalysis = true

  schemaOf(plan: LogicalPlan): StructType {
    const analyzed = this.analyze(plan)
    return schemaOfAttributes(analyzed.output)
  }

  execute(plan: LogicalPlan): unknown[][] {
    const analyzed = this.analyze(plan)
    const exec = this.plan(analyzed)
    // NOTE: current_timestamp() is fixed for one query execution, as in Spark.
    this.runtime.currentTimestamp = this.clock.now()
    const observed = new Map<string, Readonly<Record<string, unknown>>>()
    const rows = exec.execute({ runtime: this.runtime, observedMetrics: (n, row) => observed.set(n, row) })
    // Only a successful action fills its Observations (as Spark's, from onSuccess).
    deliverObservations(analyzed, observed)
    return rows
  }

  renderCell(schema: StructType): (row: readonly unknown[]) => (string | null)[] {
    const fns = schema.fields.map((f) => valueToString(f.type, this.ctx.timeZone))
    return (row) => row.map((v, i) => (v === null ? null : fns[i](v)))
  }

  explain(plan: LogicalPlan, mode: 'simple' | 'extended' | 'codegen'): string {
    const analyzed = this.analyze(plan)
    // A stream's plan is shown with a scan standing for each micro-batch's rows.
    const physical = explainExec(
      planIncremental(analyzed, { numPartitions: this.shufflePartitions, outputMode: 'append' }).root,
      mode === 'codegen',
    )
    if (mode === 'simple') return `== Physical Plan ==\n${physical}\n`
    return `== Analyzed Logical Plan ==\n${explainAnalyzed(analyzed)}\n\n== Physical Plan ==\n${physical}\n`
  }

  print(text: string): void {
    this.out(text)
  }

  private analyze(plan: LogicalPlan): AnalyzedPlan {
    return new Analyzer(this.ctx).analyze(plan)
  }

  private plan(analyzed: AnalyzedPlan): ExecNode {
    return planPhysical(pruneColumns(analyzed), {})
  }
}
