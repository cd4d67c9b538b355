/**
 * The analyzed plan: the logical plan with every name resolved. Each node lists its output
 * attributes (name, type, nullability, a unique id and the qualifier it can be referred to by) and
 * holds bound expressions whose column references are ordinals into its input row.
 */

import type { BoundExpr } from '../functions/bound-expr.ts'
import type { AggregateImpl } from '../functions/function-def.ts'
import type {
  BatchScanHandle,
  GroupsWithStateSpec,
  JoinType,
  ObservationHandle,
  TransformWithStateSpec,
} from '../plan/logical-plan.ts'
import { type PlanWalker, planWalker } from '../plan/plan-walker.ts'
import { type DataType, field, type StructType, structOf } from '../schema/data-type.ts'

export interface Attribute {
  readonly name: string
  readonly type: DataType
  readonly nullable: boolean
  readonly id: number
  readonly qualifier: string | null
  /**
   * Set on an event-time column declared by `withWatermark` (Spark's `spark.watermarkDelayMs`
   * metadata), and on a window column computed from one: the `watermarkId` of the watermark node
   * that declared it (its delay is that node's). Stateful operators keyed by it evict and drop late
   * rows by the watermark.
   */
  readonly eventTimeWatermark?: number
}

/**
 * The first column that carries a watermark (an event-time column or a window of one), or -1.
 * @example eventTimeColumn(p.child.output) // 0
 */
export function eventTimeColumn(attrs: readonly Attribute[]): number {
  return attrs.findIndex((a) => a.eventTimeWatermark !== undefined)
}

/** The schema of a node's output (what `df.schema` shows). */
export function schemaOfAttributes(attrs: readonly Attribute[]): StructType {
  return structOf(attrs.map((a) => field(a.name, a.type, a.nullable)))
}

let nextAttrId = 1
export function newAttribute(
  name: string,
  type: DataType,
  nullable: boolean,
  qualifier: string | null = null,
): Attribute {
  return Object.freeze({ name, type, nullable, id: nextAttrId++, qualifier })
}

/**
 * The attribute of column `from` passed through under `name`: `from` itself (same id, so df.col()
 * still finds it) when the name is unchanged, else a new one that keeps its event-time marker.
 *
 * @example passedThrough(ts, 'eventTime', t.timestamp(), true) // a new attribute, still watermarked
 */
export function passedThrough(from: Attribute, name: string, type: DataType, nullable: boolean): Attribute {
  return from.name === name ? from : newAttributeLike(name, type, nullable, from)
}

/**
 * The input column whose event-time marker an expression carries: a plain reference, or
 * `window_time(w)` of a window column (Spark's ResolveWindowTime copies the window's watermark
 * metadata onto the event time it computes). Undefined for anything else.
 *
 * @example markerSourceOf(windowTimeOfW, input) // the attribute `window`
 */
export function markerSourceOf(e: BoundExpr, input: readonly Attribute[]): Attribute | undefined {
  if (e.kind === 'ref') return input[e.ordinal]
  if (e.kind === 'call' && e.name === 'window_time' && e.args[0]?.kind === 'ref')
    return input[e.args[0].ordinal]
  return undefined
}

/** A new attribute carrying `from`'s event-time marker, if any (Spark's Alias keeps metadata). */
export function newAttributeLike(
  name: string,
  type: DataType,
  nullable: boolean,
  from: Attribute,
): Attribute {
  const a = newAttribute(name, type, nullable)
  return from.eventTimeWatermark === undefined
    ? a
    : Object.freeze({ ...a, eventTimeWatermark: from.eventTimeWatermark })
}

export interface BoundAggCall {
  readonly name: string
  readonly impl: AggregateImpl
  readonly args: readonly BoundExpr[]
  readonly type: DataType
  readonly nullable: boolean
  readonly sql: string
}

export interface SortKey {
  readonly expr: BoundExpr
  readonly ascending: boolean
  readonly nullsFirst: boolean
}

interface Base {
  readonly output: readonly Attribute[]
}
export type AnalyzedPlan =
  | (Base & { readonly kind: 'localRelation'; readonly rows: readonly (readonly unknown[])[] })
  | (Base & { readonly kind: 'batchScan'; readonly scan: BatchScanHandle })
  | (Base & {
      readonly kind: 'streamingRelation'
      /** The logical node's id: the runtime maps it to the source instance of the running query. */
      readonly relationId: number
      readonly sourceName: string
    })
  | (Base & { readonly kind: 'project'; readonly exprs: readonly BoundExpr[]; readonly child: AnalyzedPlan })
  | (Base & { readonly kind: 'filter'; readonly condition: BoundExpr; readonly child: AnalyzedPlan })
  | (Base & {
      /** Rows where `condition` is true go to the dead-letter output `name` (beyond Spark). */
      readonly kind: 'deadLetter'
      readonly name: string
      readonly condition: BoundExpr
      /** The record's text (a string). */
      readonly raw: BoundExpr
      /** Why it is a dead letter (a string). */
      readonly error: BoundExpr
      readonly child: AnalyzedPlan
    })
  | (Base & {
      /** `observe(name, ...)`: passes its child's rows through and records the metrics over them. */
      readonly kind: 'observe'
      readonly name: string
      /** The metrics as a global aggregate: its calls, and the result expressions over their values. */
      readonly aggs: readonly BoundAggCall[]
      readonly results: readonly BoundExpr[]
      /** The metrics row's columns (names and types of `results`). */
      readonly metrics: StructType
      readonly observation: ObservationHandle | undefined
      readonly child: AnalyzedPlan
    })
  | (Base & {
      readonly kind: 'aggregate'
      readonly groupBy: readonly BoundExpr[]
      readonly aggs: readonly BoundAggCall[]
      /** Output expressions over the row [group keys..., aggregate results...]. */
      readonly results: readonly BoundExpr[]
      readonly child: AnalyzedPlan
    })
  | (Base & {
      readonly kind: 'generate'
      /** inline: the input is an array of structs, each struct one row of its fields. */
      readonly generator: 'explode' | 'posexplode' | 'inline'
      readonly outer: boolean
      readonly input: BoundExpr
      readonly child: AnalyzedPlan
    })
  | (Base & { readonly kind: 'sort'; readonly keys: readonly SortKey[]; readonly child: AnalyzedPlan })
  | (Base & { readonly kind: 'limit'; readonly n: number; readonly child: AnalyzedPlan })
  | (Base & {
      readonly kind: 'deduplicate'
      readonly keys: readonly number[]
      readonly withinWatermark: boolean
      readonly child: AnalyzedPlan
    })
  | (Base & {
      readonly kind: 'watermark'
      /** The logical withWatermark node's id: what the event-time attributes it marks refer to. */
      readonly watermarkId: number
      /** Ordinal of the event-time column in the child's (and this node's) output. */
      readonly eventTime: number
      readonly delayMs: number
      readonly idleTimeoutMs: number | undefined
      /** The late-rows output this stream's dropped late rows go to, if any. */
      readonly lateRows: string | undefined
      readonly child: AnalyzedPlan
    })
  | (Base & {
      /**
       * session_window() as a grouping key (Spark's UpdatingSessions): output is the input plus a
       * `session_window` column holding, per row, the merged session of its group (the other
       * grouping keys). A row's own session is [time, time + gap); sessions of one group that
       * overlap or touch merge. Rows whose time is NULL or whose gap is NULL or not positive are dropped.
       */
      readonly kind: 'sessionize'
      /** The other grouping keys, over the child's row. */
      readonly keys: readonly BoundExpr[]
      /** The event time (timestamp, epoch ms). */
      readonly time: BoundExpr
      /** The gap in ms (a literal when static), per row. */
      readonly gap: BoundExpr
      readonly child: AnalyzedPlan
    })
  | (Base & { readonly kind: 'union'; readonly left: AnalyzedPlan; readonly right: AnalyzedPlan })
  | (Base & {
      readonly kind: 'join'
      readonly joinType: JoinType
      /** Equi-join keys: left keys over the left row, right keys over the right row. */
      readonly leftKeys: readonly BoundExpr[]
      readonly rightKeys: readonly BoundExpr[]
      /** The rest of the condition, over the concatenated [left..., right...] row. */
      readonly residual: BoundExpr | null
      readonly left: AnalyzedPlan
      readonly right: AnalyzedPlan
    })
  | (Base & {
      readonly kind: 'mapRows'
      readonly fn: (row: any) => unknown
      readonly flat: boolean
      readonly child: AnalyzedPlan
    })
  | (Base & {
      /** `[map|flatMap]GroupsWithState`; output is `spec.outputSchema`. */
      readonly kind: 'groupsWithState'
      readonly spec: GroupsWithStateSpec
      readonly child: AnalyzedPlan
    })
  | (Base & {
      /** `transformWithState`; output is `spec.outputSchema`. */
      readonly kind: 'transformWithState'
      readonly spec: TransformWithStateSpec
      readonly child: AnalyzedPlan
    })

export type AnalyzedKind = AnalyzedPlan['kind']

/**
 * The walker of analyzed plans: one table of every node kind's shape.
 *
 * @example analyzedPlans.children(join) // [join.left, join.right]
 */
export const analyzedPlans: PlanWalker<AnalyzedPlan> = planWalker<AnalyzedPlan>({
  localRelation: 'leaf',
  batchScan: 'leaf',
  streamingRelation: 'leaf',
  project: 'unary',
  filter: 'unary',
  deadLetter: 'unary',
  observe: 'unary',
  aggregate: 'unary',
  generate: 'unary',
  sort: 'unary',
  limit: 'unary',
  deduplicate: 'unary',
  watermark: 'unary',
  sessionize: 'unary',
  union: 'binary',
  join: 'binary',
  mapRows: 'unary',
  groupsWithState: 'unary',
  transformWithState: 'unary',
})

/**
 * Hands each Observation of `plan` the metrics its observe() node recorded in a batch action.
 *
 * @example deliverObservations(analyzed, observed) // observation.get is now set
 */
export function deliverObservations(
  plan: AnalyzedPlan,
  observed: ReadonlyMap<string, Readonly<Record<string, unknown>>>,
): void {
  analyzedPlans.walk(plan, (p) => {
    const row = p.kind === 'observe' ? observed.get(p.name) : undefined
    if (p.kind === 'observe' && row !== undefined) p.observation?.deliver(row)
  })
}
