/**
 * `transformWithState`'s output, as Spark's TransformWithState with `eventTimeColumnName` (its
 * UpdateEventTimeWatermarkColumn): the named output column carries the watermark of the input
 * (the first `withWatermark` below, with its delay), so an operator above can evict and emit by
 * it; without one, no output column carries a watermark.
 */
import { SluiceError } from '../errors.ts'
import type { TransformWithStateNode } from '../plan/logical-plan.ts'
import { simpleString } from '../schema/data-type.ts'
import { type AnalyzedPlan, type Attribute, analyzedPlans } from './analyzed-plan.ts'
import { type Analyzer, attributesOf } from './analyzer.ts'

/** Analyzes a transformWithState node; marks its `eventTimeColumnName` column, if any. */
export function analyzeTransformWithState(analyzer: Analyzer, p: TransformWithStateNode): AnalyzedPlan {
  const child = analyzer.analyze(p.child)
  const output = attributesOf(p.spec.outputSchema)
  const name = p.spec.eventTimeColumnName
  if (name === undefined) return { kind: 'transformWithState', spec: p.spec, child, output }
  const watermarkId = firstWatermarkBelow(child)
  if (watermarkId === undefined)
    throw new SluiceError(
      'CANNOT_ASSIGN_EVENT_TIME_COLUMN_WITHOUT_WATERMARK',
      `Watermark needs to be defined to reassign event time column. Failed to find watermark definition in the streaming query: call withWatermark(column, delay) before groupByKey to use transformWithState's eventTimeColumnName '${name}'.`,
    )
  const bound = analyzer.bind({ kind: 'column', parts: [name] }, output, 'TransformWithState')
  if (bound.kind !== 'ref')
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `transformWithState's eventTimeColumnName must name a top-level output column; \`${name}\` is a nested field.`,
    )
  if (bound.type.kind !== 'timestamp')
    throw new SluiceError(
      'DATATYPE_MISMATCH',
      `The event time \`${name}\` has the invalid type ${simpleString(bound.type)}, but expected "TIMESTAMP": make it a timestamp in transformWithState's outputSchema.`,
    )
  const marked = output.map(
    (a, i): Attribute => (i === bound.ordinal ? Object.freeze({ ...a, eventTimeWatermark: watermarkId }) : a),
  )
  return { kind: 'transformWithState', spec: p.spec, child, output: marked }
}

/** The id of the first withWatermark node below (top-down), as Spark's `child.collect` finds it. */
function firstWatermarkBelow(plan: AnalyzedPlan): number | undefined {
  let found: number | undefined
  analyzedPlans.walk(plan, (p) => {
    if (found !== undefined) return false
    if (p.kind === 'watermark') found = p.watermarkId
  })
  return found
}
