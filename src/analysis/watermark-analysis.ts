/**
 * `withWatermark(column, delay)`: the named column becomes the stream's event-time column. Its
 * attribute keeps its id (so `df.col('ts')` still finds it) and gains `watermarkDelayMs`; any other
 * column marked by an earlier withWatermark loses its mark, as Spark's EventTimeWatermark does.
 */
import { SluiceError } from '../errors.ts'
import { isWindowStruct } from '../functions/window-functions.ts'
import type { WatermarkNode } from '../plan/logical-plan.ts'
import { simpleString } from '../schema/data-type.ts'
import type { AnalyzedPlan, Attribute } from './analyzed-plan.ts'
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
    if (i === bound.ordinal) return Object.freeze({ ...a, watermarkDelayMs: p.delayMs })
    if (a.watermarkDelayMs === undefined) return a
    const { watermarkDelayMs: _, ...rest } = a
    return Object.freeze(rest)
  })
  return {
    kind: 'watermark',
    eventTime: bound.ordinal,
    delayMs: p.delayMs,
    idleTimeoutMs: p.idleTimeoutMs,
    child,
    output,
  }
}
