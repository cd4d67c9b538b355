/**
 * `withWatermark(column, delay)`: the named column becomes the stream's event-time column. Its
 * attribute keeps its id (so `df.col('ts')` still finds it) and gains `eventTimeWatermark` (this
 * node's id; the delay stays on the node); any other
 * column marked by an earlier withWatermark loses its mark, as Spark's EventTimeWatermark does.
 */
import { SluiceError } from '../errors.ts'
import { isWindowStruct } from '../functions/window-functions.ts'
import type { WatermarkNode } from '../plan/logical-plan.ts'
import { field, type StructType, simpleString, structOf, t } from '../schema/data-type.ts'
import { type AnalyzedPlan, type Attribute, analyzedPlans, schemaOfAttributes } from './analyzed-plan.ts'
import type { Analyzer } from './analyzer.ts'

/** Analyzes a watermark node; the event time must be a timestamp or a window struct. */
export function analyzeWatermark(analyzer: Analyzer, p: WatermarkNode): AnalyzedPlan {
  const child = analyzer.analyze(p.child)
  const bound = analyzer.bind({ kind: 'column', parts: [p.column] }, child.output, 'EventTimeWatermark')
  if (bound.kind !== 'ref') {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `withWatermark needs a top-level column name; \`${p.column}\` is a nested field. Select it as a column first.`,
    )
  }
  const type = bound.type
  if (type.kind !== 'timestamp' && !isWindowStruct(type)) {
    throw new SluiceError(
      'DATATYPE_MISMATCH',
      `Event time must be defined on a window or a timestamp, but \`${p.column}\` is of type ${simpleString(type)}. Cast it with to_timestamp() first.`,
    )
  }
  const output = child.output.map((a, i): Attribute => {
    if (i === bound.ordinal) return Object.freeze({ ...a, eventTimeWatermark: p.id })
    if (a.eventTimeWatermark === undefined) return a
    const { eventTimeWatermark: _, ...rest } = a
    return Object.freeze(rest)
  })
  return {
    kind: 'watermark',
    watermarkId: p.id,
    eventTime: bound.ordinal,
    delayMs: p.delayMs,
    idleTimeoutMs: p.idleTimeoutMs,
    lateRows: p.lateRows,
    child,
    output,
  }
}

/** The columns a late-rows output adds after the stream's own. */
export const LATE_ROWS_COLUMNS = ['late_reason', 'late_watermark', 'late_batch_id'] as const

/**
 * The late-rows outputs a streaming plan declares (beyond Spark), each with its schema: the
 * watermarked stream's columns, then `late_reason` (`window_closed`, `session_closed` or
 * `behind_watermark`), `late_watermark` (the watermark the row was judged by) and `late_batch_id`.
 * Throws when two watermarks name the same output or a stream already has one of those columns.
 *
 * @example lateRowsOutputs(analyzed) // [{ name: 'late-events', schema: struct<user, ts, late_reason, ...> }]
 */
export function lateRowsOutputs(plan: AnalyzedPlan): { name: string; schema: StructType }[] {
  const out: { name: string; schema: StructType }[] = []
  const walk = (p: AnalyzedPlan): void => {
    if (p.kind === 'watermark' && p.lateRows !== undefined) {
      const name = p.lateRows
      if (out.some((o) => o.name === name)) {
        throw new SluiceError(
          'INVALID_ARGUMENT',
          `Two withWatermark calls in this query send late rows to '${name}'; give each stream its own lateRows name.`,
        )
      }
      const clash = p.output.find((a) => (LATE_ROWS_COLUMNS as readonly string[]).includes(a.name))
      if (clash !== undefined) {
        throw new SluiceError(
          'INVALID_ARGUMENT',
          `The late-rows output '${name}' adds a column \`${clash.name}\`, which the stream already has; rename that column before withWatermark.`,
        )
      }
      out.push({ name, schema: lateRowsSchemaOf(p.output) })
    }
  }
  analyzedPlans.walk(plan, walk)
  return out
}

/**
 * The schema of a late-rows output of a stream whose columns are `output`.
 *
 * @example lateRowsSchemaOf(watermark.output) // struct<user, ts, late_reason, late_watermark, late_batch_id>
 */
export function lateRowsSchemaOf(output: readonly Attribute[]): StructType {
  const extra = [
    field('late_reason', t.string(), false),
    field('late_watermark', t.timestamp(), false),
    field('late_batch_id', t.long(), false),
  ]
  return structOf([...schemaOfAttributes(output).fields, ...extra])
}
