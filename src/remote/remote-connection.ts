/**
 * The connection behind a remote session: one Spark Connect client, the reads recorded for plan
 * leaves, and everything the remote builders and handles run through (RemoteRunner and friends).
 * Not public API: users hold the RemoteSluice.
 */
import { DataFrame } from '../api/dataframe.ts'
import type { Row } from '../api/row-types.ts'
import { SluiceError } from '../errors.ts'
import type { Clock } from '../io/clock.ts'
import type { Scheduler } from '../io/scheduler.ts'
import { type LogicalPlan, planChildren } from '../plan/logical-plan.ts'
import type { StructType } from '../schema/data-type.ts'
import { decodeArrowBatches, loadArrow } from './arrow-rows.ts'
import { arrowBatchesOf, type SparkConnectClient } from './connect-client.ts'
import { sluiceSchemaOfProto } from './connect-types.ts'
import { AnalyzePlanRequest_Explain_ExplainMode as Mode } from './gen/spark/connect/base_pb.js'
import type { StreamingQueryCommandResult } from './gen/spark/connect/commands_pb.js'
import type { Relation } from './gen/spark/connect/relations_pb.js'
import { type RemoteReadSpec, toConnectRelation } from './plan-to-connect.ts'
import { RemoteDataFrame, type RemoteRunner } from './remote-data-frame.ts'
import type { RemoteWrite } from './remote-data-frame-writer.ts'
import type { RemoteEngine } from './remote-engine.ts'
import { RemoteProgressPoller } from './remote-progress-poller.ts'
import { emptyLeaf, type RemoteReadHost } from './remote-reader.ts'
import type { RemoteStreamStart } from './remote-stream-writer.ts'
import type { RemoteStreamingQuery, StreamingCommandRunner } from './remote-streaming-query.ts'
import {
  type ListenerRegistry,
  queryCommand,
  RemoteStreamingQueryManager,
  type RunCommand,
  startQuery,
} from './remote-streams.ts'

const MODES = {
  simple: Mode.SIMPLE,
  extended: Mode.EXTENDED,
  codegen: Mode.CODEGEN,
  formatted: Mode.FORMATTED,
}

export interface ConnectionOptions {
  readonly timeZone: string
  readonly out: (text: string) => void
  /** Timers and time for the listener's polling. */
  readonly scheduler: Scheduler
  readonly clock: Clock
  readonly pollIntervalMs: number
}

export class RemoteConnection implements RemoteRunner, RemoteReadHost, StreamingCommandRunner {
  private readonly client: SparkConnectClient
  private readonly engine: RemoteEngine
  private readonly reads = new WeakMap<LogicalPlan, RemoteReadSpec>()
  private readonly out: (text: string) => void
  private readonly timeZone: string
  private ready: Promise<void> | undefined
  private readonly poller: RemoteProgressPoller
  private readonly listeners: ListenerRegistry

  constructor(client: SparkConnectClient, engine: RemoteEngine, opts: ConnectionOptions) {
    this.client = client
    this.engine = engine
    this.timeZone = opts.timeZone
    this.out = opts.out
    this.poller = new RemoteProgressPoller(
      () => this.streams().active(),
      () => opts.clock.now(),
    )
    this.listeners = {
      add: (l) => this.poller.add(l, opts.scheduler, opts.pollIntervalMs),
      remove: (l) => this.poller.remove(l),
    }
  }

  /** Sets Spark's session time zone on first use (and again after a failed attempt). */
  private connected(): Promise<void> {
    this.ready ??= this.client.setConf({ 'spark.sql.session.timeZone': this.timeZone }).catch((e) => {
      this.ready = undefined
      throw e
    })
    return this.ready
  }

  /** The Spark Connect relation of a plan (refusing what cannot run on Spark), Arrow loaded for it. */
  private async relation(plan: LogicalPlan): Promise<Relation> {
    await loadArrow()
    return toConnectRelation(plan, (leaf) => this.reads.get(leaf))
  }

  close(): void {
    for (const l of [...this.poller.listenerSet()]) this.poller.remove(l)
    this.client.close()
  }

  frame<R extends object = Row>(plan: LogicalPlan): RemoteDataFrame<R> {
    return new RemoteDataFrame(new DataFrame<R>(plan, this.engine), this)
  }

  async describe(spec: RemoteReadSpec): Promise<{ leaf: LogicalPlan; schema: StructType }> {
    const probe = emptyLeaf()
    this.reads.set(probe, spec)
    const root = await this.relation(probe)
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
    return startQuery(this.command, spec, await this.relation(spec.plan), this)
  }

  async write(spec: RemoteWrite): Promise<void> {
    const input = await this.relation(spec.plan)
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

  /** The session's streaming query manager on Spark. */
  streams(): RemoteStreamingQueryManager {
    return new RemoteStreamingQueryManager(this.command, this, this.listeners)
  }

  /** Runs one Spark Connect command: the case of the `Command` oneof and its value. */
  private readonly command: RunCommand = async (kind, value) => {
    await this.connected()
    return this.client.execute({
      opType: { case: 'command', value: { commandType: { case: kind, value } } },
    } as any)
  }

  async run(plan: LogicalPlan): Promise<{ schema: StructType; rows: unknown[][] }> {
    const root = await this.relation(plan)
    await this.connected()
    const responses = await this.client.execute({ opType: { case: 'root', value: root } } as any)
    return decodeArrowBatches(arrowBatchesOf(responses))
  }

  async explain(plan: LogicalPlan, mode: keyof typeof MODES): Promise<string> {
    const root = await this.relation(plan)
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
