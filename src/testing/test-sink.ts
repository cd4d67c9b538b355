/**
 * The sink a `testStream` script checks: Spark's MemorySink semantics (each batch's rows kept by
 * batch id; a batch id at or below the last one written is ignored, so a batch rerun after a
 * restart is not written twice; complete mode replaces everything with the batch), kept by the
 * script across the query's restarts as StreamTest keeps its MemorySink. The query feeds it
 * through `foreachBatch`.
 */
import type { OutputMode } from '../api/data-stream-writer.ts'
import type { StructType } from '../schema/data-type.ts'
import { formatRow, rowsAsObjects } from './rows.ts'

type Rows = readonly (readonly unknown[])[]

/**
 * Batches by id, newest last.
 * @example const sink = new TestSink('append'); sink.addBatch(0, schema, [[1]]); sink.allData() // [[1]]
 */
export class TestSink {
  private readonly outputMode: OutputMode
  private batches: { readonly batchId: number; readonly rows: Rows }[] = []
  private lastBatchId: number | null = null
  private lastSchema: StructType | null = null

  constructor(outputMode: OutputMode) {
    this.outputMode = outputMode
  }

  /** The id of the last batch written; null before any. */
  get latestBatchId(): number | null {
    return this.lastBatchId
  }

  /** The schema of the last batch written; null before any. */
  get schema(): StructType | null {
    return this.lastSchema
  }

  /** Writes a batch unless its id was already written; returns whether it was written. */
  addBatch(batchId: number, schema: StructType, rows: Rows): boolean {
    if (this.lastBatchId !== null && batchId <= this.lastBatchId) return false
    const batch = { batchId, rows: rows.map((r) => [...r]) }
    if (this.outputMode === 'complete') this.batches = [batch]
    else this.batches.push(batch)
    this.lastBatchId = batchId
    this.lastSchema = schema
    return true
  }

  /** Every row the sink holds. */
  allData(): Rows {
    return this.batches.flatMap((b) => b.rows)
  }

  /** The rows of the last batch written. */
  latestBatchData(): Rows {
    return this.batches.at(-1)?.rows ?? []
  }

  /** The rows of the batches written after `batchId` (all of them for null). */
  dataSince(batchId: number | null): Rows {
    return this.batches.filter((b) => batchId === null || b.batchId > batchId).flatMap((b) => b.rows)
  }

  /** One line per batch, for failure reports. */
  toDebugString(): string {
    if (this.batches.length === 0) return '(no batches written)'
    const schema = this.lastSchema
    return this.batches
      .map((b) => {
        const rows = schema === null ? b.rows : rowsAsObjects(schema, b.rows)
        return `${b.batchId}: ${rows.map((r) => formatRow(r)).join(' ')}`
      })
      .join('\n')
  }
}
