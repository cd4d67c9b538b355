/**
 * Spark Connect's streaming commands: starting a query (WriteStreamOperationStart), commands on one
 * query (StreamingQueryCommand) and on the session's query manager (StreamingQueryManagerCommand),
 * as `sluice.streams` of a remote session: active, get, awaitAnyTermination, resetTerminated.
 */
import { SluiceError } from '../errors.ts'
import type { StreamingQueryListener } from '../runtime/query-manager.ts'
import type { TriggerOptions } from '../runtime/trigger.ts'
import type { ExecutePlanResponse } from './gen/spark/connect/base_pb.js'
import type { StreamingQueryCommandResult } from './gen/spark/connect/commands_pb.js'
import type { Relation } from './gen/spark/connect/relations_pb.js'
import type { RemoteStreamStart } from './remote-stream-writer.ts'
import { RemoteStreamingQuery, type StreamingCommandRunner } from './remote-streaming-query.ts'

/** Runs one Spark Connect command (the oneof case of `Command` and its value). */
export type RunCommand = (kind: string, value: unknown) => Promise<ExecutePlanResponse[]>

type ResponseCase = ExecutePlanResponse['responseType']['case']

function resultOf<C extends ResponseCase>(
  responses: readonly ExecutePlanResponse[],
  kind: C,
  what: string,
): Extract<ExecutePlanResponse['responseType'], { case: C }>['value'] {
  const r = responses.find((x) => x.responseType.case === kind)
  if (r === undefined) throw new SluiceError('INTERNAL', `Spark answered ${what} without a result.`)
  return r.responseType.value as any
}

function triggerInit(trigger: TriggerOptions | undefined) {
  if (trigger === undefined) return undefined
  if ('processingTime' in trigger) {
    const t = trigger.processingTime
    return { case: 'processingTimeInterval', value: typeof t === 'number' ? `${t} milliseconds` : t }
  }
  if ('once' in trigger) return { case: 'once', value: true }
  if ('availableNow' in trigger) return { case: 'availableNow', value: true }
  return { case: 'continuousCheckpointInterval', value: trigger.continuous }
}

/** Starts `spec` (its plan already translated to `input`) on Spark and returns the query's handle. */
export async function startQuery(
  run: RunCommand,
  spec: RemoteStreamStart,
  input: Relation,
  runner: StreamingCommandRunner,
): Promise<RemoteStreamingQuery> {
  const start = {
    input,
    format: spec.format ?? '',
    options: { ...spec.options },
    partitioningColumnNames: [...spec.partitionBy],
    trigger: triggerInit(spec.trigger),
    outputMode: spec.outputMode,
    queryName: spec.queryName ?? '',
    sinkDestination: spec.path === undefined ? undefined : { case: 'path', value: spec.path },
  }
  const responses = await run('writeStreamOperationStart', start)
  const started = resultOf(responses, 'writeStreamOperationStartResult', 'writeStream.start()')
  if (!started.queryId)
    throw new SluiceError('INTERNAL', 'Spark answered writeStream.start() without a query id.')
  const { id, runId } = started.queryId
  return new RemoteStreamingQuery({ id, runId, name: started.name || null }, runner)
}

/** One command on one query. */
export async function queryCommand(
  run: RunCommand,
  queryId: { id: string; runId: string },
  command: { case: string; value: unknown },
): Promise<StreamingQueryCommandResult> {
  const responses = await run('streamingQueryCommand', { queryId, command })
  return resultOf(responses, 'streamingQueryCommandResult', `the streaming query command '${command.case}'`)
}

/** `sluice.streams` of a remote session: the queries Spark runs for this session. */
/** Where a manager's listeners go (the session's progress poller). */
export interface ListenerRegistry {
  add(listener: StreamingQueryListener): void
  remove(listener: StreamingQueryListener): void
}

export class RemoteStreamingQueryManager {
  private readonly run: RunCommand
  private readonly runner: StreamingCommandRunner
  private readonly listeners: ListenerRegistry

  constructor(run: RunCommand, runner: StreamingCommandRunner, listeners: ListenerRegistry) {
    this.run = run
    this.runner = runner
    this.listeners = listeners
  }

  /**
   * Calls `listener` with Spark's query events, found by polling (remote-progress-poller.ts) every
   * `sluice.remote.listenerPollInterval` (default 1 second).
   * @example spark.streams.addListener({ onQueryProgress: ({ progress }) => log(progress.numInputRows) })
   */
  addListener(listener: StreamingQueryListener): void {
    this.listeners.add(listener)
  }
  /** Stops calling `listener`. @example spark.streams.removeListener(listener) */
  removeListener(listener: StreamingQueryListener): void {
    this.listeners.remove(listener)
  }

  private async command(c: string, value: unknown) {
    const responses = await this.run('streamingQueryManagerCommand', { command: { case: c, value } })
    return resultOf(responses, 'streamingQueryManagerCommandResult', `streams.${c}`).resultType
  }

  /** The active queries. @example (await spark.streams.active()).map((q) => q.name) */
  async active(): Promise<RemoteStreamingQuery[]> {
    const r = await this.command('active', true)
    if (r.case !== 'active') return []
    return r.value.activeQueries.map(
      (q) =>
        new RemoteStreamingQuery({ id: q.id!.id, runId: q.id!.runId, name: q.name ?? null }, this.runner),
    )
  }
  /** The active query with this id, or null. @example await spark.streams.get(q.id) */
  async get(id: string): Promise<RemoteStreamingQuery | null> {
    const r = await this.command('getQuery', id)
    if (r.case !== 'query' || !r.value.id) return null
    return new RemoteStreamingQuery(
      { id: r.value.id.id, runId: r.value.id.runId, name: r.value.name ?? null },
      this.runner,
    )
  }
  /** Waits until any query ends (or `timeoutMs`); true when one did. @example await spark.streams.awaitAnyTermination(1000) */
  async awaitAnyTermination(timeoutMs?: number): Promise<boolean> {
    const r = await this.command('awaitAnyTermination', {
      timeoutMs: timeoutMs === undefined ? undefined : BigInt(timeoutMs),
    })
    return r.case === 'awaitAnyTermination' && r.value.terminated
  }
  /** Forgets ended queries, so awaitAnyTermination waits for a new one. @example await spark.streams.resetTerminated() */
  async resetTerminated(): Promise<void> {
    await this.command('resetTerminated', true)
  }
}
