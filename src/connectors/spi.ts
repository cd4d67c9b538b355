/**
 * The Source/Sink SPI: how the runtime talks to connectors. One folder per connector implements
 * it, and one registry line (connectors/registry.ts) makes it reachable by `format(name)`.
 *
 * The contract that makes exactly-once possible (DESIGN §3): a source reads exactly (start, end]
 * for any offsets it handed out, so a batch rerun after a crash reads the same rows; a sink
 * receives each batch with its id and makes a repeated id a no-op (idempotent) or replaces the
 * first write (transactional), or says it gives at-least-once only.
 */
import { SluiceError } from '../errors.ts'
import type { PortableExpr } from '../exec/expr/portable-expr.ts'
import type { BatchScan } from '../exec/ops/batch-scan-exec.ts'
import type { RetryTimer } from '../io/clock.ts'
import type { FileSystem } from '../io/fs.ts'
import type { TaskExecutor } from '../io/worker-pool.ts'
import type { ScanCondition } from '../planner/scan-conditions.ts'
import type { StructType } from '../schema/data-type.ts'
import type { DeadLetterRecord } from '../schema/dead-letter-schema.ts'

/** A position in a source, as JSON-serialisable data (stored in `offsets/N` as JSON text). */
export type Offset = unknown

/** How much a source may hand out in one batch (`maxOffsetsPerTrigger`, `maxFilesPerTrigger`, ...). */
export type ReadLimit =
  | { readonly kind: 'all' }
  | { readonly kind: 'maxRows'; readonly maxRows: number }
  | { readonly kind: 'maxFiles'; readonly maxFiles: number }

export const READ_ALL: ReadLimit = Object.freeze({ kind: 'all' })

/** Rows of one batch, positional, in the order of the source's schema. */
export type SourceRows = unknown[][]

export interface Source {
  /** A one-line description for progress (`sources[].description`), e.g. `RateSource[rowsPerSecond=5]`. */
  readonly description: string
  /** The offset a fresh query starts from (before any data: nothing is read up to it). */
  initialOffset(): Promise<Offset>
  /**
   * The latest offset available now, at most `limit` past `start`. Returning `start` (equal by
   * JSON) means no new data.
   */
  latestOffset(start: Offset, limit: ReadLimit): Promise<Offset>
  /** Rows in (start, end]. Must return the same rows every time for the same arguments. */
  getBatch(start: Offset, end: Offset): Promise<SourceRows>
  /** Data up to `end` is committed; the source may forget it. */
  commit(end: Offset): Promise<void>
  stop(): Promise<void>
}

/** Optional: the source can tell the runtime that new data arrived, so an idle query wakes at once. */
export interface NotifyingSource extends Source {
  onNewData(listener: () => void): () => void
}

export function isNotifyingSource(s: Source): s is NotifyingSource {
  return typeof (s as Partial<NotifyingSource>).onNewData === 'function'
}

/** Optional: a source that dropped rows its scan's `filters` reject tells how many it read. */
export interface InputRowCounter extends Source {
  /** The rows the last `getBatch(start, end)` read, dropped ones included; undefined for another range. */
  inputRowCount(start: Offset, end: Offset): number | undefined
}

/**
 * The rows a batch read from `s` (progress `numInputRows`): its own count when it keeps one, else
 * the rows it returned.
 *
 * @example perSource.push({ id, rows: inputRowsOf(source, start, end, rows) })
 */
export function inputRowsOf(s: Source, start: Offset, end: Offset, rows: SourceRows): number {
  const counter = (s as Partial<InputRowCounter>).inputRowCount
  return (typeof counter === 'function' ? counter.call(s, start, end) : undefined) ?? rows.length
}

/** Optional: `Trigger.availableNow` — fix the end offset when the query starts. */
export interface AvailableNowSource extends Source {
  prepareForAvailableNow(): Promise<void>
}

export function isAvailableNowSource(s: Source): s is AvailableNowSource {
  return typeof (s as Partial<AvailableNowSource>).prepareForAvailableNow === 'function'
}

export { DEAD_LETTER_SCHEMA, type DeadLetterRecord, deadLetterRow } from '../schema/dead-letter-schema.ts'

/** Optional: a source that hands the records it could not read to a dead-letter output. */
export interface DeadLetterSource extends Source {
  /** The dead-letter output named by the source's `deadLetter` option (undefined: none). */
  readonly deadLetter: string | undefined
  /** The unreadable records of the last `getBatch(start, end)`; undefined for another range. */
  deadLetters(start: Offset, end: Offset): readonly DeadLetterRecord[] | undefined
}

export function isDeadLetterSource(s: Source): s is DeadLetterSource {
  return typeof (s as Partial<DeadLetterSource>).deadLetters === 'function'
}

/**
 * Optional: metrics for the source's progress (`sources[].metrics`), as Spark's ReportsSourceMetrics;
 * `end` is the offset the batch read up to.
 */
export interface SourceWithMetrics extends Source {
  metrics(end: Offset | null): Readonly<Record<string, string>>
}

export function reportsSourceMetrics(s: Source): s is SourceWithMetrics {
  return typeof (s as Partial<SourceWithMetrics>).metrics === 'function'
}

export type OutputMode = 'append' | 'update' | 'complete'

/** The delivery guarantee a sink documents. */
export type DeliveryGuarantee = 'exactly-once' | 'at-least-once' | 'none' | 'not-applicable'

export interface SinkBatch {
  readonly batchId: number
  readonly schema: StructType
  readonly rows: readonly (readonly unknown[])[]
  readonly outputMode: OutputMode
}

export interface Sink {
  readonly description: string
  readonly guarantee: DeliveryGuarantee
  /** Writes one batch. A batch id seen before must not be written twice where `guarantee` is exactly-once. */
  addBatch(batch: SinkBatch): Promise<void>
  stop(): Promise<void>
}

/** Who a running query is: what a sink may key state outside the checkpoint by. */
export interface QueryIdentity {
  /** The id stored in the checkpoint's metadata: the same across restarts. */
  readonly queryId: string
  readonly checkpointLocation: string
}

/**
 * Optional: a sink that needs the query's identity (the Kafka sink derives its transactional id from
 * it). The runtime binds it once the checkpoint is open and locked, before any batch; the sink is
 * created before that, so bad options fail start() before a checkpoint is made.
 */
export interface QueryBoundSink extends Sink {
  bindQuery(query: QueryIdentity): void
}

/** @example if (isQueryBoundSink(sink)) sink.bindQuery({ queryId, checkpointLocation }) */
export function isQueryBoundSink(s: Sink): s is QueryBoundSink {
  return typeof (s as Partial<QueryBoundSink>).bindQuery === 'function'
}

/**
 * Optional: a sink that keeps its own record of committed batches (the file sink's
 * `_sluice_metadata`) and can tell, at start, whether it holds every batch the checkpoint says is
 * committed. The runtime calls it once after recovery, before any batch; it throws CHECKPOINT_CORRUPT
 * naming both records when the sink's is behind.
 */
export interface CommitCheckedSink extends Sink {
  checkCommitted(lastCommittedBatchId: number, checkpointLocation: string): Promise<void>
}

/** @example if (isCommitCheckedSink(sink)) await sink.checkCommitted(4, '/ckpt') */
export function isCommitCheckedSink(s: Sink): s is CommitCheckedSink {
  return typeof (s as Partial<CommitCheckedSink>).checkCommitted === 'function'
}

/**
 * Optional: a sink that knows which of its own errors are transient (worth retrying the batch,
 * `sluice.sql.streaming.sink.maxRetries`): the Kafka sink names an unreachable broker. Storage
 * errors such as a full disk are judged by the runtime for every sink.
 */
export interface TransientSink extends Sink {
  isTransient(e: unknown): boolean
}

/** @example if (isTransientSink(sink) && sink.isTransient(e)) retry() */
export function isTransientSink(s: Sink): s is TransientSink {
  return typeof (s as Partial<TransientSink>).isTransient === 'function'
}

export type { ScanCondition, ScanValue } from '../planner/scan-conditions.ts'

/**
 * What a query needs from a source, so that it may read less: the columns it uses (positions in
 * the source's schema; all when absent; the others may come back null) and a conjunction of
 * conditions its rows must meet, which a source may use to skip whole blocks that hold no such row
 * (never to drop rows from a block it reads: the filter above still runs).
 */
export interface ScanRequest {
  readonly columns?: readonly number[]
  readonly predicate?: readonly ScanCondition[]
  /** Parquet: the row groups to read (indexes in the file), one split of a file read on several threads; all when absent. */
  readonly rowGroups?: readonly number[]
  /**
   * The filters right above the source, lowest first, as plain data (over the relation's schema):
   * a source that decodes on worker threads may drop there the rows one of them rejects (evaluated
   * in order, each on the rows the one below kept), since the same filters run again above it on
   * what it returns. Rows dropped this way still count as read (`InputRowCounter`). A source must
   * not drop rows on an evaluation error: it returns them, and the plan raises the error.
   */
  readonly filters?: readonly PortableExpr[]
}

/** What a connector gets when the runtime creates a source or a sink. */
export interface ConnectorContext {
  readonly options: Readonly<Record<string, string>>
  /** What the query reads of this source (streaming file sources use it); everything when absent. */
  readonly scan?: ScanRequest
  /** The session's file system (`sluice.files.permissions`); the local disk, owner-only, when absent. */
  readonly fs?: FileSystem
  /** The query's private folder for this source (`C/sources/<id>`), when checkpointed. */
  readonly checkpointDir?: string
  /** Epoch milliseconds from the session's injected clock. */
  now(): number
  /** Real-time waits for network retries, from the session (io/clock.ts `RetryTimer`). */
  readonly retryTimer?: RetryTimer
  /** The session time zone (`sluice.sql.session.timeZone`), for parsing and formatting times. */
  readonly timeZone?: string
  /** The session's worker threads (`sluice.executor.threads`); reads stay on the main thread when absent. */
  readonly executor?: TaskExecutor
}

/** In-memory tables by name (the memory sink publishes its rows here; `sluice.table(name)` reads them). */
export interface TableRegistry {
  register(name: string, schema: StructType, rows: () => readonly (readonly unknown[])[]): void
}

/** What a sink gets beyond the common context. */
export interface SinkContext extends ConnectorContext {
  readonly queryName?: string
  /** The query's output mode (file sinks take only append, as Spark's). */
  readonly outputMode?: OutputMode
  /** The schema of the rows the sink will receive. */
  readonly schema: StructType
  readonly tables: TableRegistry
  /** Prints a line (the console sink); the session's output. */
  print(text: string): void
  /** Renders a row's cells as Spark's CAST(... AS STRING) would (for the console sink). */
  renderCells(schema: StructType): (row: readonly unknown[]) => (string | null)[]
}

export interface SourceProvider {
  readonly name: string
  /** The output schema for these options (and the user's schema, if the source takes one). */
  schema(options: Readonly<Record<string, string>>, userSchema: StructType | undefined): StructType
  /** Throws a clear INVALID_OPTION error for an unknown or malformed option. */
  validate(options: Readonly<Record<string, string>>): void
  createSource(ctx: ConnectorContext, schema: StructType): Source
}

/**
 * The source provider a streaming relation names (its `StreamSourceHandle`, which the plan layer
 * only knows by name); INTERNAL when the handle is not one.
 *
 * @example requireSourceProvider(relation.source).createSource(ctx, relation.schema)
 */
export function requireSourceProvider(handle: { readonly name: string }): SourceProvider {
  const p = handle as Partial<SourceProvider>
  if (typeof p.createSource === 'function' && typeof p.schema === 'function') return p as SourceProvider
  throw new SluiceError(
    'INTERNAL',
    `The streaming source '${handle.name}' has no source provider to create it. This is a bug in Sluice; please report it.`,
  )
}

export interface SinkProvider {
  readonly name: string
  validate(options: Readonly<Record<string, string>>): void
  createSink(ctx: SinkContext): Sink
}

/** What a batch read is asked to do (`sluice.read.format(f).options(...).load(paths)`). */
export interface BatchReadRequest {
  readonly format: string
  /** The paths given to `load(...)`, local; a connector that takes none ignores them. */
  readonly paths: readonly string[]
  readonly options: Readonly<Record<string, string>>
  readonly userSchema?: StructType
  /** The session time zone. */
  readonly timeZone: string
}

/** A prepared batch read: its schema, and the scan that reads its rows when an action runs. */
export interface PreparedBatchRead {
  readonly schema: StructType
  readonly scan: BatchScan
}

/**
 * A connector's batch reads (`sluice.read`). `prepare` may look at the data (list files, infer a
 * schema); the scan reads the rows when the plan runs, with the columns and filters it is given.
 */
export interface BatchReaderProvider {
  readonly name: string
  prepare(request: BatchReadRequest, ctx: ConnectorContext): Promise<PreparedBatchRead>
}

/** What a batch write is asked to do (`df.write.format(f).mode(m).partitionBy(...).save(path)`). */
export interface BatchWriteRequest {
  readonly format: string
  readonly mode: string
  /** Local; '' for a connector that writes no path (Kafka). */
  readonly path: string
  readonly partitionBy: readonly string[]
  readonly options: Readonly<Record<string, string>>
}

/** What a batch writer gets beyond the common context. */
export interface BatchWriteContext extends ConnectorContext {
  /** The schema of the rows to write. */
  readonly schema: StructType
  /** Renders a row's cells as Spark's CAST(... AS STRING) would. */
  renderCells(schema: StructType): (row: readonly unknown[]) => (string | null)[]
}

/**
 * A connector's batch writes (`df.write`). `prepare` checks the request before any row is
 * computed and returns the write to run with the rows.
 */
export interface BatchWriterProvider {
  readonly name: string
  prepare(
    request: BatchWriteRequest,
    ctx: BatchWriteContext,
  ): (rows: readonly (readonly unknown[])[]) => Promise<void>
}
