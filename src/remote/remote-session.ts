/**
 * A remote session (`Sluice.remote('sc://host:15002')`): the same DataFrame API, run by Apache Spark
 * through Spark Connect. Plans are built by the API exactly as embedded, translated to Spark Connect
 * relations (plan-to-connect.ts) and run on the cluster; results come back as Arrow and are decoded
 * into the same typed rows (arrow-rows.ts). One gRPC channel per session; `close()` ends it.
 */
import { DataFrame } from '../api/dataframe.ts'
import type { Row } from '../api/row-types.ts'
import { invalidArgument, SluiceError } from '../errors.ts'
import { writeStdout } from '../io/output.ts'
import { type LogicalPlan, node, planChildren } from '../plan/logical-plan.ts'
import { field, type InferRow, type StructType, structOf } from '../schema/data-type.ts'
import { encodeRows } from '../schema/row-codec.ts'
import { validateTimeZone } from '../util/time/index.ts'
import { decodeArrowBatches } from './arrow-rows.ts'
import { arrowBatchesOf, SparkConnectClient } from './connect-client.ts'
import { sluiceSchemaOfProto } from './connect-types.ts'
import { parseConnectionString } from './connection-string.ts'
import { AnalyzePlanRequest_Explain_ExplainMode as Mode } from './gen/spark/connect/base_pb.js'
import type { StreamingQueryCommandResult } from './gen/spark/connect/commands_pb.js'
import { type RemoteReadSpec, toConnectRelation } from './plan-to-connect.ts'
import { RemoteDataFrame, type RemoteRunner } from './remote-data-frame.ts'
import type { RemoteWrite } from './remote-data-frame-writer.ts'
import { RemoteEngine } from './remote-engine.ts'
import { emptyLeaf, RemoteDataFrameReader, type RemoteReadHost } from './remote-reader.ts'
import type { RemoteStreamStart } from './remote-stream-writer.ts'
import type { RemoteStreamingQuery } from './remote-streaming-query.ts'
import { queryCommand, RemoteStreamingQueryManager, type RunCommand, startQuery } from './remote-streams.ts'

/** Settings of a remote session. */
export interface RemoteConfig {
  /** Spark's `spark.sql.session.timeZone` for this session, and Sluice's for rendering (default: the process's zone). */
  readonly 'sluice.sql.session.timeZone'?: string
  /** Where show(), printSchema() and explain() print (default: console.log). */
  readonly output?: (text: string) => void
}

const MODES = {
  simple: Mode.SIMPLE,
  extended: Mode.EXTENDED,
  codegen: Mode.CODEGEN,
  formatted: Mode.FORMATTED,
}

export class RemoteSluice implements RemoteRunner, RemoteReadHost {
  /** The connection string with its token redacted. */
  readonly url: string
  private readonly client: SparkConnectClient
  private readonly engine: RemoteEngine
  private readonly reads = new WeakMap<LogicalPlan, RemoteReadSpec>()
  private readonly out: (text: string) => void
  private readonly timeZone: string
  private ready: Promise<void> | undefined

  /**
   * A session on the Spark Connect server at `url` (no call is made until the first action, which
   * also sets Spark's session time zone to Sluice's).
   * @example const spark = new RemoteSluice('sc://localhost:15002')
   */
  constructor(url: string, config: RemoteConfig = {}) {
    for (const key of Object.keys(config))
      if (key !== 'sluice.sql.session.timeZone' && key !== 'output')
        throw invalidArgument(
          `Unknown remote configuration key '${key}'. Known keys: sluice.sql.session.timeZone, output.`,
        )
    this.timeZone = config['sluice.sql.session.timeZone'] ?? Intl.DateTimeFormat().resolvedOptions().timeZone
    validateTimeZone(this.timeZone)
    this.out = config.output ?? writeStdout
    this.client = new SparkConnectClient(parseConnectionString(url))
    this.url = this.client.spec.redacted
    this.engine = new RemoteEngine(this.timeZone, this.out)
  }

  private connected(): Promise<void> {
    this.ready ??= this.client.setConf({ 'spark.sql.session.timeZone': this.timeZone }).catch((e) => {
      this.ready = undefined
      throw e
    })
    return this.ready
  }

  /** The builder of a batch DataFrame over files the cluster reads. @example const df = await spark.read.json('/data/events') */
  get read(): RemoteDataFrameReader {
    return new RemoteDataFrameReader(this)
  }

  /**
   * The builder of a streaming DataFrame read by Spark (files with a schema, `rate`, `kafka`, ...).
   * @example const s = await spark.readStream.format('rate').option('rowsPerSecond', 10).load()
   */
  get readStream(): RemoteDataFrameReader {
    return new RemoteDataFrameReader(this, {
      streaming: true,
      format: 'parquet',
      options: {},
      schema: undefined,
    })
  }

  /** The streaming queries Spark runs for this session. @example await spark.streams.active() */
  get streams(): RemoteStreamingQueryManager {
    return new RemoteStreamingQueryManager(this.command, this)
  }

  /** A table or view of the Spark session, e.g. a memory sink's query name. @example await spark.table('counts') */
  async table(name: string): Promise<RemoteDataFrame> {
    return this.frame((await this.describe({ kind: 'table', name })).leaf)
  }

  /** Refused: a memory stream lives in this process. @example Sluice.local().memoryStream(schema) */
  memoryStream(): never {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      'memoryStream cannot feed a query on Spark (its rows live in this process): write the rows to files or Kafka, or use Sluice.local().',
    )
  }

  /**
   * A DataFrame over rows sent to Spark as Arrow, validated against the schema as embedded.
   * @example spark.createDataFrame([{ id: 1 }], t.struct({ id: t.long() }))
   */
  createDataFrame<S extends StructType>(
    rows: readonly InferRow<S>[],
    schema: S,
  ): RemoteDataFrame<InferRow<S>> {
    const plan = node('localRelation', { schema, rows: encodeRows(rows as readonly object[], schema) })
    return this.frame(plan)
  }

  /** A DataFrame of `id` from start (inclusive) to end (exclusive). @example spark.range(0, 10) */
  range(start: number, end?: number, step = 1): RemoteDataFrame<{ id: number }> {
    const [from, to] = end === undefined ? [0, start] : [start, end]
    if (step === 0) throw invalidArgument('range(): step must not be 0.')
    const rows: unknown[][] = []
    for (let i = from; step > 0 ? i < to : i > to; i += step) rows.push([i])
    return this.frame(
      node('localRelation', { schema: structOf([field('id', { kind: 'long' }, false)]), rows }),
    )
  }

  /** Ends the connection. @example spark.close() */
  close(): void {
    this.client.close()
  }

  // ---- RemoteRunner / RemoteReadHost ----

  frame<R extends object = Row>(plan: LogicalPlan): RemoteDataFrame<R> {
    return new RemoteDataFrame(new DataFrame<R>(plan, this.engine), this)
  }

  async describe(spec: RemoteReadSpec): Promise<{ leaf: LogicalPlan; schema: StructType }> {
    const probe = emptyLeaf()
    this.reads.set(probe, spec)
    const root = toConnectRelation(probe, (l) => this.reads.get(l))
    await this.connected()
    const r = await this.client.analyze({
      case: 'schema',
      value: { plan: { opType: { case: 'root', value: root } } },
    } as any)
    if (r.result.case !== 'schema' || r.result.value.schema === undefined)
      throw new SluiceError('INTERNAL', `Spark returned no schema for ${describeSpec(spec)}.`)
    const schema = sluiceSchemaOfProto(r.result.value.schema)
    const leaf = emptyLeaf(schema)
    this.reads.set(leaf, spec)
    return { leaf, schema }
  }

  isStreaming(plan: LogicalPlan): boolean {
    const read = this.reads.get(plan)
    if (read !== undefined) return read.kind === 'source' && read.streaming
    return planChildren(plan).some((c) => this.isStreaming(c))
  }

  async startStream(spec: RemoteStreamStart): Promise<RemoteStreamingQuery> {
    return startQuery(
      this.command,
      spec,
      toConnectRelation(spec.plan, (leaf) => this.reads.get(leaf)),
      this,
    )
  }

  async write(spec: RemoteWrite): Promise<void> {
    const input = toConnectRelation(spec.plan, (leaf) => this.reads.get(leaf))
    const writeOperation = {
      input,
      source: spec.format,
      mode: spec.mode,
      options: { ...spec.options },
      partitioningColumns: [...spec.partitionBy],
      saveType: spec.path === undefined ? undefined : { case: 'path', value: spec.path },
    }
    await this.command('writeOperation', writeOperation)
  }

  streamingCommand(
    queryId: { id: string; runId: string },
    command: { case: string; value: unknown },
  ): Promise<StreamingQueryCommandResult> {
    return queryCommand(this.command, queryId, command)
  }

  /** Runs one Spark Connect command: the case of the `Command` oneof and its value. */
  private readonly command: RunCommand = async (kind, value) => {
    await this.connected()
    return this.client.execute({
      opType: { case: 'command', value: { commandType: { case: kind, value } } },
    } as any)
  }

  async run(plan: LogicalPlan): Promise<{ schema: StructType; rows: unknown[][] }> {
    const root = toConnectRelation(plan, (leaf) => this.reads.get(leaf))
    await this.connected()
    const responses = await this.client.execute({ opType: { case: 'root', value: root } } as any)
    return decodeArrowBatches(arrowBatchesOf(responses))
  }

  async explain(plan: LogicalPlan, mode: keyof typeof MODES): Promise<string> {
    const root = toConnectRelation(plan, (leaf) => this.reads.get(leaf))
    await this.connected()
    const r = await this.client.analyze({
      case: 'explain',
      value: { plan: { opType: { case: 'root', value: root } }, explainMode: MODES[mode] },
    } as any)
    return r.result.case === 'explain' ? r.result.value.explainString : ''
  }

  renderCell(schema: StructType): (row: readonly unknown[]) => (string | null)[] {
    return this.engine.renderCell(schema)
  }

  print(text: string): void {
    this.out(text)
  }
}

function describeSpec(spec: RemoteReadSpec): string {
  return spec.kind === 'table' ? `table ${spec.name}` : `${spec.format} ${spec.paths.join(', ')}`
}
