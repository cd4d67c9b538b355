/** The small interface through which the API reaches analysis and execution (the session implements it). */
import type { MemoryStream } from '../connectors/memory/memory-stream.ts'
import type { BatchReadRequest, BatchWriteRequest } from '../connectors/spi.ts'
import type { BatchScanHandle, LogicalPlan, StreamSourceHandle } from '../plan/logical-plan.ts'
import type { QueryStartSpec } from '../runtime/query-spec.ts'
import type { StreamingQuery } from '../runtime/streaming-query.ts'
import type { StructType } from '../schema/data-type.ts'

/** What `df.write...save()` asks for (the connector registry's batch write request). */
export type FileWriteRequest = BatchWriteRequest
export type { BatchReadRequest }

export interface QueryEngine {
  /** Analyzes the plan and returns its output schema (raising analysis errors). */
  schemaOf(plan: LogicalPlan): StructType
  /**
   * True when each transformation is analyzed as it is written (classic Spark); false where errors
   * wait for the action (Spark Connect: the remote engine, whose server answers with Spark's errors).
   */
  readonly eagerAnalysis: boolean
  /** Runs the plan and returns positional rows. */
  execute(plan: LogicalPlan): unknown[][]
  /** Renders a value of `type` as CAST(... AS STRING) would, NULL as null. */
  renderCell(schema: StructType): (row: readonly unknown[]) => (string | null)[]
  /** The analyzed logical plan and the physical plan, as text. */
  explain(plan: LogicalPlan, mode: 'simple' | 'extended' | 'codegen'): string
  /** Prints a line (show(), printSchema(), explain()); the console by default. */
  print(text: string): void
  /** Resolves a stream source by format (validating its options) and its output schema. */
  streamSource(
    format: string,
    options: Readonly<Record<string, string>>,
    userSchema: StructType | undefined,
  ): { source: StreamSourceHandle; schema: StructType }
  /** Starts a streaming query. */
  startStream(spec: QueryStartSpec): Promise<StreamingQuery>
  /**
   * Prepares a batch read through the connector registry (`sluice.read...load()`): its schema, and
   * the scan a `batchScan` plan node reads when an action runs.
   */
  batchRead(request: BatchReadRequest): Promise<{ schema: StructType; scan: BatchScanHandle }>
  /** A new in-memory stream source of `schema` (`sluice.memoryStream`). */
  memorySource(schema: StructType): MemoryStream
  /** Runs the plan and writes its rows as files (`df.write...save(path)`). */
  writeFiles(plan: LogicalPlan, spec: FileWriteRequest): Promise<void>
}
