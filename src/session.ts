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
import type { FileSystem } from './io/fs.ts'
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
import { sinkRetryPolicy } from './runtime/sink-retry.ts'
import type { StreamingQuery } from './runtime/streaming-query.ts'
import { field, type InferInputRow, type InferRow, type StructType, structOf } from './schema/data-type.ts'
import { encodeRows } from './schema/row-codec.ts'
import {
  fileSystemOf,
  KNOWN_KEYS,
  progressToRetain,
  type SluiceConfig,
  statefulConf,
} from './session-config.ts'
import { streamWiring } from './session-wiring.ts'
import { attachObservability, type Observability } from './ui/observability.ts'
import type { StreamingMetrics } from './ui/streaming-metrics.ts'
import type { UiServer } from './ui/ui-server.ts'
import { validateTimeZone } from './util/time/index.ts'

export type { SluiceConfig }

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
    this.runtime.runId = (this.runtime.runId ?? 0) + 1
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
