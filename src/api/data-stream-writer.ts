/**
 * `df.writeStream`: the builder that starts a streaming query. `start()` resolves once the query
 * owns its checkpoint and has started (a second process on the same checkpoint is refused there);
 * PySpark's start() returns at once, Sluice's returns a Promise because checkpoints are async I/O.
 */

import type { SinkBatch } from '../connectors/spi.ts'
import { invalidArgument } from '../errors.ts'
import { localPathOptions } from '../io/local-path.ts'
import { node } from '../plan/logical-plan.ts'
import { PARTITION_COLUMNS_OPTION } from '../plan/write-options.ts'
import type { ForeachWriter, QueryStartSpec } from '../runtime/query-spec.ts'
import type { StreamingQuery } from '../runtime/streaming-query.ts'
import type { TriggerOptions } from '../runtime/trigger.ts'
import type { OptionValue } from './data-stream-reader.ts'
import { DataFrame } from './dataframe.ts'
import type { QueryEngine } from './engine.ts'

export type OutputMode = 'append' | 'update' | 'complete'

/** The builder's state; `foreachBatch` still takes the user's (df, batchId) function. */
interface WriterState extends Omit<QueryStartSpec, 'foreachBatch'> {
  readonly foreachBatch: ((df: DataFrame<any>, batchId: number) => void | Promise<void>) | undefined
}

const MODES = new Set(['append', 'update', 'complete'])

export class DataStreamWriter<R extends object = Record<string, unknown>> {
  private readonly engine: QueryEngine
  private readonly spec: WriterState

  constructor(engine: QueryEngine, spec: WriterState) {
    this.engine = engine
    this.spec = spec
  }

  private with(changes: Partial<WriterState>): DataStreamWriter<R> {
    return new DataStreamWriter<R>(this.engine, { ...this.spec, ...changes })
  }

  /** The sink: `console`, `memory`, `noop`, `json`, `csv`, `text`, `parquet`. @example .format('console') */
  format(name: string): DataStreamWriter<R> {
    return this.with({ format: name })
  }
  /** @example .option('checkpointLocation', 'ckpt/q1') */
  option(key: string, value: OptionValue): DataStreamWriter<R> {
    return this.with({ options: { ...this.spec.options, [key]: String(value) } })
  }
  /** @example .options({ checkpointLocation: 'ckpt/q1', numRows: 5 }) */
  options(values: Readonly<Record<string, OptionValue>>): DataStreamWriter<R> {
    const added = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]))
    return this.with({ options: { ...this.spec.options, ...added } })
  }
  /** `append` (default), `update` or `complete`, with Spark's rules. @example .outputMode('update') */
  outputMode(mode: OutputMode): DataStreamWriter<R> {
    if (!MODES.has(mode))
      throw invalidArgument(
        `Unknown output mode '${mode}'. Accepted output modes are 'append', 'complete', 'update'.`,
      )
    return this.with({ outputMode: mode })
  }
  /**
   * File sinks: one `key=value/` folder level per column, in order (the columns leave the files).
   * @example .format('parquet').partitionBy('day')
   */
  partitionBy(...columns: string[]): DataStreamWriter<R> {
    return this.with({
      options: { ...this.spec.options, [PARTITION_COLUMNS_OPTION]: JSON.stringify(columns) },
    })
  }
  /** The query's name (the memory sink's table name). @example .queryName('counts') */
  queryName(name: string): DataStreamWriter<R> {
    return this.with({ queryName: name })
  }
  /** @example .trigger({ processingTime: '1 second' }) */
  trigger(trigger: TriggerOptions): DataStreamWriter<R> {
    return this.with({ trigger })
  }
  /** Calls `fn` with each batch as a DataFrame (at-least-once: make it idempotent per batchId). @example .foreachBatch(async (df, id) => save(id, df.collect())) */
  foreachBatch(fn: (df: DataFrame<R>, batchId: number) => void | Promise<void>): DataStreamWriter<R> {
    return this.with({ foreachBatch: fn })
  }
  /** Calls the writer for every row (at-least-once). @example .foreach({ process: (row) => console.log(row) }) */
  foreach(writer: ForeachWriter<R>): DataStreamWriter<R> {
    return this.with({ foreach: writer })
  }
  /**
   * Starts the query. Unsupported operations, bad options and a checkpoint owned by another query
   * are errors here.
   * @example const query = await df.writeStream.format('console').start()
   */
  start(path?: string): Promise<StreamingQuery> {
    const options = localPathOptions(path === undefined ? this.spec.options : { ...this.spec.options, path })
    const fn = this.spec.foreachBatch
    const engine = this.engine
    const foreachBatch =
      fn === undefined
        ? undefined
        : (b: SinkBatch) =>
            fn(new DataFrame(node('localRelation', { schema: b.schema, rows: b.rows }), engine), b.batchId)
    return this.engine.startStream({ ...this.spec, options, foreachBatch })
  }
}

export type { ForeachWriter }
