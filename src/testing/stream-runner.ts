/**
 * The state of one `testStream` script run: the sink (kept across restarts), the offsets the script
 * waits for, and the current and last query; action-handlers.ts changes it, one handler per action.
 * A failing step throws an ActionFailure; test-stream.ts turns it into the report.
 */
import type { OutputMode } from '../api/data-stream-writer.ts'
import type { DataFrame } from '../api/dataframe.ts'
import type { MemoryStreamInput } from '../api/memory-stream.ts'
import type { MemoryStream } from '../connectors/memory/memory-stream.ts'
import type { Clock } from '../io/clock.ts'
import type { StreamingQuery } from '../runtime/streaming-query.ts'
import { DEFAULT_TRIGGER, resolveTrigger, type Trigger } from '../runtime/trigger.ts'
import type { StructType } from '../schema/data-type.ts'
import { HANDLERS } from './action-handlers.ts'
import type { StreamAction, StreamTestContext } from './actions.ts'
import { ActionFailure } from './failure-report.ts'
import { rowsAsObjects } from './rows.ts'
import { TestSink } from './test-sink.ts'
import { type OffsetBook, recordCommitted, settle } from './waits.ts'

export interface RunnerConfig {
  readonly df: DataFrame<any>
  readonly outputMode: OutputMode
  readonly clock: Clock | undefined
  readonly checkpointLocation: string
  readonly queryName: string
  /** The stream an addData goes to (a fresh copy when the script runs a second time). */
  readonly streamFor: (input: MemoryStreamInput<any>) => MemoryStream
}

/**
 * One script run's state and the query it starts.
 * @example const runner = new StreamRunner(config); for (const a of actions) await runner.run(a); await runner.finish()
 */
export class StreamRunner {
  readonly config: RunnerConfig
  readonly sink: TestSink
  readonly book: OffsetBook = { awaiting: new Map(), committed: new Map() }
  readonly context: StreamTestContext
  /** The query of the current run: started, and neither stopped nor failed as expected. */
  query: StreamingQuery | null = null
  lastQuery: StreamingQuery | null = null
  trigger: Trigger = DEFAULT_TRIGGER
  clock: Clock | undefined
  lastCheckedBatchId: number | null = null

  constructor(config: RunnerConfig) {
    this.config = config
    this.clock = config.clock
    this.sink = new TestSink(config.outputMode)
    this.context = Object.freeze({
      checkpointLocation: config.checkpointLocation,
      sinkRows: () => this.sinkRows(),
    })
  }

  /** Runs one action; throws an ActionFailure when it fails. */
  run(a: StreamAction): Promise<void> {
    return (HANDLERS[a.kind] as (r: StreamRunner, a: StreamAction) => Promise<void>)(this, a)
  }

  /** Stops a query left running; reports one that failed with nobody expecting it. */
  async finish(): Promise<void> {
    const q = this.query
    if (q === null) return
    if (q.isActive) await q.stop().catch(() => undefined)
    if (q.exception !== null) throw new ActionFailure('Query terminated with exception', q.exception)
  }

  /** Waits until the current query has processed what it can (never on time); no-op when stopped. */
  async settleQuery(): Promise<void> {
    if (this.query === null) return
    try {
      await settle(this.query, this.trigger, this.clock, this.book)
    } catch (e) {
      throw new ActionFailure('Error waiting for the stream to process the data', e)
    }
    recordCommitted(this.query, this.book)
  }

  /** The query checks and assertions look at: the running one, else the last one. */
  queryToInspect(what: string): StreamingQuery {
    const q = this.query ?? this.lastQuery
    if (q === null) throw new ActionFailure(`Cannot ${what} when no stream has been started`)
    return q
  }

  /** The sink's rows as objects keyed by column name. */
  sinkRows(): Record<string, unknown>[] {
    const schema = this.sink.schema
    return schema === null ? [] : (rowsAsObjects(schema, this.sink.allData()) as Record<string, unknown>[])
  }

  /** Starts the query on the script's checkpoint, writing to the script's sink. */
  async start(options: Extract<StreamAction, { kind: 'startStream' }>['options']): Promise<void> {
    const { config, sink } = this
    let trigger: Trigger
    try {
      trigger = options.trigger === undefined ? DEFAULT_TRIGGER : resolveTrigger(options.trigger)
      let writer = config.df.writeStream
        .queryName(config.queryName)
        .outputMode(config.outputMode)
        .option('checkpointLocation', config.checkpointLocation)
        .foreachBatch((batch: DataFrame<any>, batchId: number) => {
          const { schema, rows } = batchRows(batch)
          sink.addBatch(batchId, schema, rows)
        })
      if (options.trigger !== undefined) writer = writer.trigger(options.trigger)
      this.query = await writer.start()
    } catch (e) {
      throw new ActionFailure('Error starting the stream', e)
    }
    this.trigger = trigger
    this.clock = options.clock ?? config.clock
  }
}

/** A foreachBatch DataFrame's schema and positional rows. */
function batchRows(batch: DataFrame<any>): { schema: StructType; rows: readonly (readonly unknown[])[] } {
  const plan = batch.plan
  if (plan.kind === 'localRelation') return { schema: plan.schema, rows: plan.rows }
  const schema = batch.schema
  const rows = batch.collect().map((o: Record<string, unknown>) => schema.fields.map((f) => o[f.name]))
  return { schema, rows }
}
