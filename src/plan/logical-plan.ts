/**
 * The logical plan: an immutable tree of frozen nodes, a closed union on `kind`. The API builds it
 * with unresolved expressions; analysis (analysis/analyzer.ts) resolves names and types. Every node
 * has a unique `id` so `df.col('x')` can point at the DataFrame it came from even after joins.
 */

import type { DataType, StructType } from '../schema/data-type.ts'
import type { Expr, SortOrderExpr } from './expr.ts'
import type { GroupStateOutputMode, GroupStateTimeout } from './group-state.ts'
import { type PlanWalker, planWalker } from './plan-walker.ts'
import type { StatefulProcessor, TimeMode } from './stateful-processor.ts'

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'left_semi' | 'left_anti' | 'cross'

interface Base {
  readonly id: number
}
export interface LocalRelationNode extends Base {
  readonly kind: 'localRelation'
  readonly schema: StructType
  /** Rows in the engine's positional layout, validated against `schema`. */
  readonly rows: readonly (readonly unknown[])[]
}
/**
 * An opaque handle to a batch read's scan (`sluice.read...load()`); the executable side (what reads
 * the rows, exec/ops/batch-scan-exec.ts) is the connector's, behind it.
 */
export interface BatchScanHandle {
  /** The format, e.g. `json`. */
  readonly name: string
  /** A one-line description for explain(), e.g. `json [/data/events] partitions [day]`. */
  readonly description: string
}
/** A batch read: the rows are read when an action runs, only the columns and partitions it needs. */
export interface BatchScanNode extends Base {
  readonly kind: 'batchScan'
  readonly schema: StructType
  readonly scan: BatchScanHandle
}
export interface ProjectNode extends Base {
  readonly kind: 'project'
  readonly exprs: readonly Expr[]
  readonly child: LogicalPlan
}
export interface FilterNode extends Base {
  readonly kind: 'filter'
  readonly condition: Expr
  readonly child: LogicalPlan
}
export interface AggregateNode extends Base {
  readonly kind: 'aggregate'
  readonly groupBy: readonly Expr[]
  readonly aggs: readonly Expr[]
  readonly child: LogicalPlan
}
export interface SortNode extends Base {
  readonly kind: 'sort'
  readonly orders: readonly SortOrderExpr[]
  readonly child: LogicalPlan
}
export interface LimitNode extends Base {
  readonly kind: 'limit'
  readonly n: number
  readonly child: LogicalPlan
}
export interface DeduplicateNode extends Base {
  readonly kind: 'deduplicate'
  /** Column names; null means all columns (`distinct()`). */
  readonly columns: readonly string[] | null
  /** `dropDuplicatesWithinWatermark`: a key is remembered until the watermark passes its event time + delay. */
  readonly withinWatermark?: boolean
  readonly child: LogicalPlan
}
export interface UnionNode extends Base {
  readonly kind: 'union'
  readonly byName: boolean
  readonly allowMissingColumns: boolean
  readonly left: LogicalPlan
  readonly right: LogicalPlan
}
export interface JoinNode extends Base {
  readonly kind: 'join'
  readonly joinType: JoinType
  readonly condition: Expr | null
  /** `join(other, ['id'])`: equi-join on same-named columns, which appear once in the output. */
  readonly using: readonly string[] | null
  readonly left: LogicalPlan
  readonly right: LogicalPlan
}
export interface AliasNode extends Base {
  readonly kind: 'alias'
  readonly alias: string
  readonly child: LogicalPlan
}
/** An opaque handle to a stream's source provider; only the runtime knows what is behind it. */
export interface StreamSourceHandle {
  readonly name: string
}
/** A streaming input (`readStream...load()`): rows arrive per micro-batch. */
export interface StreamingRelationNode extends Base {
  readonly kind: 'streamingRelation'
  readonly source: StreamSourceHandle
  readonly options: Readonly<Record<string, string>>
  readonly schema: StructType
}
/** `withWatermark(column, delay)`: marks the event-time column of a stream. */
export interface WatermarkNode extends Base {
  readonly kind: 'watermark'
  readonly column: string
  readonly delayMs: number
  /**
   * Beyond Spark: after this long without rows (processing time), the input stops holding the
   * global watermark back (undefined: never, as Spark).
   */
  readonly idleTimeoutMs: number | undefined
  /**
   * Beyond Spark: the name of the late-rows output that receives the rows a stateful operator
   * drops for being behind the watermark (undefined: they are only counted, as Spark).
   */
  readonly lateRows: string | undefined
  readonly child: LogicalPlan
}
/**
 * Beyond Spark: `df.deadLetter(name, condition, ...)`: rows where `condition` is true leave the
 * stream for the dead-letter output `name`, with `raw` and `error` (defaults when undefined).
 */
export interface DeadLetterNode extends Base {
  readonly kind: 'deadLetter'
  readonly name: string
  readonly condition: Expr
  readonly raw: Expr | undefined
  readonly error: Expr | undefined
  readonly child: LogicalPlan
}
/** Typed `map`/`flatMap`: rows go to user code as objects and come back under `schema`. */
export interface MapRowsNode extends Base {
  readonly kind: 'mapRows'
  readonly fn: (row: any) => unknown
  readonly flat: boolean
  readonly schema: StructType
  readonly child: LogicalPlan
}
/**
 * `groupByKey(keyFn).flatMapGroupsWithState(fn, ...)` (and `mapGroupsWithState`): rows go to user
 * code per group with the group's state (Spark's FlatMapGroupsWithState).
 */
export interface GroupsWithStateNode extends Base {
  readonly kind: 'groupsWithState'
  /** The shared fields of the logical and analyzed nodes. */
  readonly spec: GroupsWithStateSpec
  readonly child: LogicalPlan
}

/** What a `[map|flatMap]GroupsWithState` call says. */
export interface GroupsWithStateSpec {
  readonly keyFn: (row: any) => unknown
  /** The key's data type (state key and partitioning). */
  readonly keyType: DataType
  /** Always returns an iterable (mapGroupsWithState's function is wrapped). */
  readonly fn: (key: any, rows: Iterable<any>, state: any) => Iterable<unknown>
  readonly isMapGroupsWithState: boolean
  readonly stateSchema: StructType
  readonly outputSchema: StructType
  readonly outputMode: GroupStateOutputMode
  readonly timeout: GroupStateTimeout
}
/**
 * `observe(name, ...metrics)` (Spark's CollectMetrics): aggregates over the rows that pass this
 * point, computed per micro-batch (reported in progress's `observedMetrics`) or per batch action
 * (handed to `observation`, when the node was made with an Observation).
 */
export interface ObserveNode extends Base {
  readonly kind: 'observe'
  readonly name: string
  readonly metrics: readonly Expr[]
  readonly observation: ObservationHandle | undefined
  readonly child: LogicalPlan
}

/** Where a batch action hands the metrics of an `observe(observation, ...)` once it succeeded. */
export interface ObservationHandle {
  readonly name: string
  /** Called once per successful action with the metrics row (the first call wins, as Spark's Observation). */
  deliver(row: Readonly<Record<string, unknown>>): void
}
/** `groupByKey(keyFn).transformWithState(processor, ...)` (Spark 4's TransformWithState). */
export interface TransformWithStateNode extends Base {
  readonly kind: 'transformWithState'
  readonly spec: TransformWithStateSpec
  readonly child: LogicalPlan
}

/** What a `transformWithState` call says. */
export interface TransformWithStateSpec {
  readonly keyFn: (row: any) => unknown
  readonly keyType: DataType
  /** Makes a fresh processor (one per state partition and batch). */
  readonly processor: () => StatefulProcessor<any, any, any>
  readonly outputSchema: StructType
  readonly outputMode: GroupStateOutputMode
  readonly timeMode: TimeMode
  /** The initial state's rows (collected from a batch DataFrame) with their keys, if any. */
  readonly initialState?: readonly { readonly key: unknown; readonly row: object }[]
  /**
   * The output column that carries event time downstream (Spark's `eventTimeColumnName`): it gets
   * the input's watermark, and a row older than the watermark fails the batch.
   */
  readonly eventTimeColumnName?: string
}

export type LogicalPlan =
  | LocalRelationNode
  | BatchScanNode
  | StreamingRelationNode
  | ProjectNode
  | FilterNode
  | AggregateNode
  | SortNode
  | LimitNode
  | DeduplicateNode
  | UnionNode
  | JoinNode
  | AliasNode
  | MapRowsNode
  | WatermarkNode
  | DeadLetterNode
  | ObserveNode
  | GroupsWithStateNode
  | TransformWithStateNode

export type PlanKind = LogicalPlan['kind']

let nextId = 1
type Fields<N> = Omit<N, 'id' | 'kind'>

/** Makes a node of `kind` with a fresh id. */
export function node<K extends PlanKind>(
  kind: K,
  fields: Fields<Extract<LogicalPlan, { kind: K }>>,
): Extract<LogicalPlan, { kind: K }> {
  return Object.freeze({ id: nextId++, kind, ...fields }) as unknown as Extract<LogicalPlan, { kind: K }>
}

export function planChildren(p: LogicalPlan): readonly LogicalPlan[] {
  switch (p.kind) {
    case 'localRelation':
    case 'batchScan':
    case 'streamingRelation':
      return []
    case 'union':
    case 'join':
      return [p.left, p.right]
    default:
      return [p.child]
  }
}

/** True when the plan reads a stream somewhere (Spark's `isStreaming`). */
export function isStreamingPlan(p: LogicalPlan): boolean {
  return p.kind === 'streamingRelation' || planChildren(p).some(isStreamingPlan)
}

/**
 * The walker of logical plans: one table of every node kind's shape.
 *
 * @example logicalPlans.walk(plan, (p) => void (p.kind === 'streamingRelation' && found.push(p)))
 */
export const logicalPlans: PlanWalker<LogicalPlan> = planWalker<LogicalPlan>({
  localRelation: 'leaf',
  batchScan: 'leaf',
  streamingRelation: 'leaf',
  project: 'unary',
  filter: 'unary',
  aggregate: 'unary',
  sort: 'unary',
  limit: 'unary',
  deduplicate: 'unary',
  union: 'binary',
  join: 'binary',
  alias: 'unary',
  mapRows: 'unary',
  watermark: 'unary',
  deadLetter: 'unary',
  observe: 'unary',
  groupsWithState: 'unary',
  transformWithState: 'unary',
})
