/**
 * `sluice.memoryStream(schema)`: a stream you add rows to by hand, for tests (yours and ours),
 * as Spark's MemoryStream.
 */
import type { MemoryStream } from '../connectors/memory/memory-stream.ts'
import { node } from '../plan/logical-plan.ts'
import type { InferInputRow, InferRow, StructType } from '../schema/data-type.ts'
import { DataFrame } from './dataframe.ts'
import type { QueryEngine } from './engine.ts'

export class MemoryStreamInput<S extends StructType> {
  private readonly stream: MemoryStream
  private readonly engine: QueryEngine

  constructor(schema: S, engine: QueryEngine) {
    this.stream = engine.memorySource(schema)
    this.engine = engine
  }

  /** Appends rows (validated against the schema) as one batch of data; returns the new offset. @example input.addData({ word: 'a' }) */
  addData(...rows: InferInputRow<S>[]): number {
    return this.stream.addData(...(rows as object[]))
  }

  /** The stream as a streaming DataFrame. @example input.toDF().select('word') */
  toDF(): DataFrame<InferRow<S>> {
    return new DataFrame(
      node('streamingRelation', { source: this.stream, options: {}, schema: this.stream.fullSchema }),
      this.engine,
    )
  }
}
