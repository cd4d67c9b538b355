/**
 * `df.writeStream` of a remote session: starts the query on Spark (Spark Connect's
 * WriteStreamOperationStart) into one of Spark's built-in sinks (files, kafka, console, memory,
 * noop, ...) with a trigger, an output mode and a checkpoint location on the cluster's storage, and
 * returns a RemoteStreamingQuery handle. foreach/foreachBatch with JavaScript functions are refused.
 */
import { invalidArgument, SluiceError } from '../errors.ts'
import type { LogicalPlan } from '../plan/logical-plan.ts'
import type { TriggerOptions } from '../runtime/trigger.ts'
import type { RemoteStreamingQuery } from './remote-streaming-query.ts'

export type RemoteOutputMode = 'append' | 'update' | 'complete'

/** What the writer recorded; the session turns it into the start command. */
export interface RemoteStreamStart {
  readonly plan: LogicalPlan
  readonly format: string | undefined
  readonly options: Readonly<Record<string, string>>
  readonly outputMode: RemoteOutputMode
  readonly queryName: string | undefined
  readonly trigger: TriggerOptions | undefined
  readonly partitionBy: readonly string[]
  readonly path: string | undefined
}

/** What the writer needs from its session. */
export interface RemoteStreamHost {
  startStream(spec: RemoteStreamStart): Promise<RemoteStreamingQuery>
}

export class RemoteDataStreamWriter {
  private readonly host: RemoteStreamHost
  private readonly spec: RemoteStreamStart

  /** Made by `df.writeStream` of a remote DataFrame. */
  constructor(host: RemoteStreamHost, spec: RemoteStreamStart) {
    this.host = host
    this.spec = spec
  }

  private with(changes: Partial<RemoteStreamStart>): RemoteDataStreamWriter {
    return new RemoteDataStreamWriter(this.host, { ...this.spec, ...changes })
  }

  /** A Spark sink: `parquet`, `json`, `csv`, `kafka`, `console`, `memory`, `noop`, ... @example .format('parquet') */
  format(name: string): RemoteDataStreamWriter {
    return this.with({ format: name })
  }
  /** One option, Spark's name (`checkpointLocation`, `path`, ...). @example .option('checkpointLocation', '/ckpt/q1') */
  option(key: string, value: string | number | boolean): RemoteDataStreamWriter {
    return this.with({ options: { ...this.spec.options, [key]: String(value) } })
  }
  /** Several options. @example .options({ checkpointLocation: '/ckpt/q1' }) */
  options(values: Readonly<Record<string, string | number | boolean>>): RemoteDataStreamWriter {
    const added = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]))
    return this.with({ options: { ...this.spec.options, ...added } })
  }
  /** `append` (default), `update` or `complete`. @example .outputMode('complete') */
  outputMode(mode: RemoteOutputMode): RemoteDataStreamWriter {
    if (!['append', 'update', 'complete'].includes(mode))
      throw invalidArgument(`outputMode '${mode}' is not one of append, update, complete.`)
    return this.with({ outputMode: mode })
  }
  /** The query's name (and a memory sink's table name). @example .queryName('counts') */
  queryName(name: string): RemoteDataStreamWriter {
    return this.with({ queryName: name })
  }
  /** Spark's triggers. @example .trigger({ processingTime: '10 seconds' }) */
  trigger(trigger: TriggerOptions): RemoteDataStreamWriter {
    return this.with({ trigger })
  }
  /** File sink partition columns. @example .partitionBy('day') */
  partitionBy(...columns: string[]): RemoteDataStreamWriter {
    return this.with({ partitionBy: Object.freeze([...columns]) })
  }
  /** Refused: Spark cannot call JavaScript per batch. @example .format('parquet') // a Spark sink instead */
  foreachBatch(_fn: unknown): never {
    throw jsSink('foreachBatch')
  }
  /** Refused: Spark cannot call JavaScript per row. @example .format('kafka') // a Spark sink instead */
  foreach(_writer: unknown): never {
    throw jsSink('foreach')
  }
  /** Starts the query on Spark. @example const q = await df.writeStream.format('memory').queryName('t').start() */
  start(path?: string): Promise<RemoteStreamingQuery> {
    return this.host.startStream({ ...this.spec, path: path ?? this.spec.path })
  }
}

function jsSink(name: string): SluiceError {
  return new SluiceError(
    'UNSUPPORTED_OPERATION',
    `${name} with a JavaScript function cannot run on Spark through Sluice.remote (Spark cannot call JavaScript): ` +
      "write to one of Spark's sinks (files, kafka, memory) and read the result, or run on Sluice.local().",
  )
}
