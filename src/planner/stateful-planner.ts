/**
 * Plans the stateful operators and watermark inputs of a streaming query: each stateful operator
 * gets the next operator id, the state partition count fixed in the checkpoint, its key schema,
 * where the event time is, the output mode and the late-rows inputs it owns; each is declared in
 * the incremental plan (its stores, partitioning and whether the watermark alone drives it).
 */
import {
  type AnalyzedPlan,
  type Attribute,
  analyzedPlans,
  eventTimeColumn,
} from '../analysis/analyzed-plan.ts'
import { lateRowsSchemaOf } from '../analysis/watermark-analysis.ts'
import type { ExecNode } from '../exec/exec-node.ts'
import { EventTimeWatermarkExec } from '../exec/ops/event-time-watermark-exec.ts'
import { StatefulAggregateExec } from '../exec/ops/stateful-aggregate-exec.ts'
import { StatefulSessionAggregateExec } from '../exec/ops/stateful-session-aggregate-exec.ts'
import { StreamingDedupExec } from '../exec/ops/streaming-dedup-exec.ts'
import { sqlOf } from '../exec/stage-codegen.ts'
import type { StatefulExec } from '../exec/stateful.ts'
import type { BoundExpr } from '../functions/bound-expr.ts'
import { isWindowStruct } from '../functions/window-functions.ts'
import { field, type StructType, structOf } from '../schema/data-type.ts'
import type { IncrementalPlanning, LateInputDecl, StoreOrdering } from './incremental-plan.ts'
import { collectStage, type PlannerHooks, planPhysical } from './physical-planner.ts'
import { refineNullability, refineStage } from './refine-nullability.ts'

type Aggregate = Extract<AnalyzedPlan, { kind: 'aggregate' }>
type Deduplicate = Extract<AnalyzedPlan, { kind: 'deduplicate' }>
type Watermark = Extract<AnalyzedPlan, { kind: 'watermark' }>

const isWindowType = (a: Attribute): boolean => isWindowStruct(a.type)

function keySchemaOf(keys: readonly BoundExpr[]): StructType {
  return structOf(keys.map((k, i) => field(k.kind === 'ref' ? k.name : `key${i}`, k.type, k.nullable)))
}

/** A streaming aggregation: partial aggregation of the batch, then a merge into its state partition. */
export function planStatefulAggregate(p: Aggregate, hooks: PlannerHooks, s: IncrementalPlanning): ExecNode {
  const operatorId = s.nextOperatorId()
  const stage = collectStage(p.child)
  const { ops, nonNull } = refineStage(stage.ops)
  const refine = (e: BoundExpr) => refineNullability(e, nonNull)
  const aggs = p.aggs.map((a) => ({ ...a, args: a.args.map(refine) }))
  const spec = { groupBy: p.groupBy.map(refine), aggs, results: p.results }
  // Spark keys eviction on the first grouping column that carries the watermark.
  const eventTimeKey = p.groupBy.findIndex(
    (k) => k.kind === 'ref' && p.child.output[k.ordinal].eventTimeWatermark !== undefined,
  )
  const sessionKey = sessionKeyOf(p)
  const eventAttr =
    eventTimeKey < 0 ? undefined : p.child.output[(p.groupBy[eventTimeKey] as { ordinal: number }).ordinal]
  const windowSpec =
    eventAttr !== undefined && isWindowType(eventAttr) ? windowSpecOf(p.child, eventAttr) : undefined
  const { child, lateInputs } = s.claimLateInputs(() => planPhysical(stage.below, hooks))
  const eventTimeIsWindow = eventAttr !== undefined && isWindowType(eventAttr)
  const opts = {
    operatorId,
    numPartitions: s.numPartitions,
    keySchema: keySchemaOf(p.groupBy),
    eventTimeKey,
    eventTimeIsWindow,
    ...(windowSpec === undefined ? {} : { windowSpec }),
    outputMode: s.outputMode,
    lateInputs,
    watermarked: hasWatermarkBelow(p.child),
  }
  const stageSpec = { ops, inputWidth: stage.below.output.length }
  if (sessionKey >= 0) {
    const exec = new StatefulSessionAggregateExec(child, stageSpec, spec, { ...opts, sessionKey })
    return declare(s, exec, lateInputs, { kind: 'none' })
  }
  const ordering: StoreOrdering =
    eventTimeKey < 0
      ? { kind: 'none' }
      : { kind: 'eventTime', keyOrdinal: eventTimeKey, isWindow: eventTimeIsWindow }
  return declare(s, new StatefulAggregateExec(child, stageSpec, spec, opts), lateInputs, ordering)
}

/** Whether a streaming withWatermark lies below (Spark defines the operator's input watermark then). */
function hasWatermarkBelow(p: AnalyzedPlan): boolean {
  return p.kind === 'watermark' || analyzedPlans.children(p).some(hasWatermarkBelow)
}

/** Declares a planned stateful operator in the incremental plan; returns it. */
function declare(
  s: IncrementalPlanning,
  exec: StatefulExec,
  lateInputs: readonly LateInputDecl[],
  ordering: StoreOrdering,
): ExecNode {
  const { operatorKind, stores, details } = exec.stateInfo
  s.addExchanges(exec.exchanges)
  s.addStatefulOperator({
    operatorId: exec.operatorId,
    kind: operatorKind,
    operatorName: exec.operatorName,
    stores: stores.map((st) => ({ ...st, ordering })),
    ...(details === undefined ? {} : { details }),
    partitioning: {
      kind: 'hash',
      keys: stores[0].keySchema.fields.map((f) => f.name),
      numPartitions: s.numPartitions,
    },
    watermarkDriven: exec.watermarkDriven,
    lateInputs,
  })
  return exec
}

/** A streaming `withWatermark`: declared as a watermark input (its index counts top-down). */
export function planWatermark(p: Watermark, hooks: PlannerHooks, s: IncrementalPlanning): ExecNode {
  const column = p.output[p.eventTime].name
  const watermarkIndex = s.addWatermarkInput(p.watermarkId, {
    column,
    delayMs: p.delayMs,
    idleTimeoutMs: p.idleTimeoutMs,
    lateRows: p.lateRows,
    lateRowsSchema: p.lateRows === undefined ? undefined : lateRowsSchemaOf(p.output),
  })
  return new EventTimeWatermarkExec(planPhysical(p.child, hooks), {
    watermarkIndex,
    eventTime: p.eventTime,
    isWindow: isWindowStruct(p.output[p.eventTime].type),
    column,
    delayMs: p.delayMs,
    lateRows: p.lateRows,
    outputMode: s.outputMode,
  })
}

/**
 * How a window column is computed, as SQL (`window(ts, 600000, ...)`): followed down through
 * projections to the expression, generator or session node that makes it; undefined when it
 * comes from further away (a source column).
 */
function windowSpecOf(p: AnalyzedPlan, attr: Attribute): string | undefined {
  let node = p
  let id = attr.id
  for (;;) {
    const i = node.output.findIndex((a) => a.id === id)
    if (i < 0) return undefined
    if (node.kind === 'project') {
      const e = node.exprs[i]
      if (e.kind !== 'ref') return sqlOf(e)
      id = node.child.output[e.ordinal].id
      node = node.child
    } else if (node.kind === 'filter' || node.kind === 'watermark') {
      node = node.child
    } else if (node.kind === 'generate' && i >= node.child.output.length) {
      return sqlOf(node.input)
    } else if (node.kind === 'sessionize' && i === node.output.length - 1) {
      return `session_window(${sqlOf(node.time)}, ${sqlOf(node.gap)})`
    } else if (node.kind === 'generate' || node.kind === 'sessionize') {
      node = node.child
    } else return undefined
  }
}

/** The grouping key that is a session_window column (computed by a sessionize node below), or -1. */
function sessionKeyOf(p: Aggregate): number {
  let below: AnalyzedPlan = p.child
  while (below.kind === 'filter' || below.kind === 'project') below = below.child
  if (below.kind !== 'sessionize') return -1
  const session = below.output[below.output.length - 1]
  return p.groupBy.findIndex((k) => k.kind === 'ref' && p.child.output[k.ordinal].id === session.id)
}

/** Streaming dropDuplicates / dropDuplicatesWithinWatermark. */
export function planStreamingDedup(p: Deduplicate, hooks: PlannerHooks, s: IncrementalPlanning): ExecNode {
  const operatorId = s.nextOperatorId()
  const input = p.child.output
  const eventTime = eventTimeColumn(input)
  const { child, lateInputs } = s.claimLateInputs(() => planPhysical(p.child, hooks))
  const eventTimeKey = eventTime < 0 ? -1 : p.keys.indexOf(eventTime)
  const ordering: StoreOrdering =
    eventTimeKey < 0 || p.withinWatermark
      ? { kind: 'none' }
      : { kind: 'eventTime', keyOrdinal: eventTimeKey, isWindow: isWindowType(input[eventTime]) }
  const exec = new StreamingDedupExec(child, {
    operatorId,
    numPartitions: s.numPartitions,
    keys: p.keys,
    keySchema: structOf(p.keys.map((k) => field(input[k].name, input[k].type, input[k].nullable))),
    eventTime,
    eventTimeIsWindow: eventTime >= 0 && isWindowType(input[eventTime]),
    delayMs: s.watermarkDelayOf(input[eventTime]?.eventTimeWatermark),
    withinWatermark: p.withinWatermark,
    lateInputs,
  })
  return declare(s, exec, lateInputs, ordering)
}
