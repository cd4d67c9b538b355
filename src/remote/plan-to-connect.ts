/**
 * Sluice's logical plan -> a Spark Connect `Relation` tree. Each node becomes the structured message
 * Spark's own clients send (Project, Filter, Aggregate, Join, SetOperation, ...), and every relation
 * carries its Sluice node id as Spark's `plan_id`, so `df.col('x')` resolves against the same
 * DataFrame on Spark as embedded. What cannot run on Spark is refused by name, with what to use.
 */
import { create, type MessageInitShape } from '@bufbuild/protobuf'
import { SluiceError } from '../errors.ts'
import type { Expr } from '../plan/expr.ts'
import type { JoinType, LogicalPlan, PlanKind } from '../plan/logical-plan.ts'
import { encodeArrowStream } from './arrow-rows.ts'
import { sortOrderInit, toConnectExpr } from './expr-to-connect.ts'
import type { Expression } from './gen/spark/connect/expressions_pb.js'
import {
  Aggregate_GroupType,
  Join_JoinType,
  type Relation,
  RelationSchema,
  SetOperation_SetOpType,
} from './gen/spark/connect/relations_pb.js'

type RelationInit = MessageInitShape<typeof RelationSchema>
type RelType = RelationInit['relType']

/**
 * A read that runs on the cluster: what `sluice.read`/`readStream` of a remote session recorded
 * (a data source), or `sluice.table(name)` (a table or view, e.g. a memory sink's).
 */
export type RemoteReadSpec =
  | {
      readonly kind: 'source'
      readonly format: string
      readonly paths: readonly string[]
      readonly options: Readonly<Record<string, string>>
      /** The user's schema as DDL, when one was given (no inference then). */
      readonly schemaDDL: string | undefined
      readonly streaming: boolean
    }
  | { readonly kind: 'table'; readonly name: string }

/** Looks up the read behind a leaf (remote reads are leaves whose rows live on the cluster). */
export type ReadLookup = (leaf: LogicalPlan) => RemoteReadSpec | undefined

const JOIN: Readonly<Record<JoinType, Join_JoinType>> = Object.freeze({
  inner: Join_JoinType.INNER,
  left: Join_JoinType.LEFT_OUTER,
  right: Join_JoinType.RIGHT_OUTER,
  full: Join_JoinType.FULL_OUTER,
  left_semi: Join_JoinType.LEFT_SEMI,
  left_anti: Join_JoinType.LEFT_ANTI,
  cross: Join_JoinType.CROSS,
})

function refuse(what: string, instead: string): never {
  throw new SluiceError(
    'UNSUPPORTED_OPERATION',
    `${what} cannot run on Spark through Sluice.remote: ${instead}`,
  )
}

interface Ctx {
  readonly rel: (p: LogicalPlan) => Relation
  readonly ex: (e: Expr) => Expression
  readonly reads: ReadLookup
}

/** @example toConnectRelation(df.plan, reads) // Relation { project: { input: { read: ... } } } */
export function toConnectRelation(plan: LogicalPlan, reads: ReadLookup): Relation {
  const ctx: Ctx = {
    rel: (p) => {
      const handler = HANDLERS[p.kind] as (p: LogicalPlan, c: Ctx) => RelType
      return create(RelationSchema, { common: { planId: BigInt(p.id) }, relType: handler(p, ctx) })
    },
    ex: toConnectExpr,
    reads,
  }
  return ctx.rel(plan)
}

/** One handler per plan kind: a missing kind is a compile error. */
const HANDLERS: { readonly [K in PlanKind]: (p: Extract<LogicalPlan, { kind: K }>, c: Ctx) => RelType } = {
  localRelation: (p, { reads }) => {
    const read = reads(p)
    if (read !== undefined) return { case: 'read', value: readInit(read) }
    return { case: 'localRelation', value: { data: encodeArrowStream(p.schema, p.rows) } }
  },
  batchScan: () =>
    refuse(
      'A DataFrame read by Sluice.local()',
      "read it with the remote session's read (spark.read), which Spark runs on the cluster.",
    ),
  project: (p, { rel, ex }) => {
    return { case: 'project', value: { input: rel(p.child), expressions: p.exprs.map(ex) } }
  },
  filter: (p, { rel, ex }) => {
    return { case: 'filter', value: { input: rel(p.child), condition: ex(p.condition) } }
  },
  aggregate: (p, { rel, ex }) => {
    // Sluice lists the grouping columns first in `aggs`; Spark's Aggregate adds them itself.
    const prefix = p.aggs.slice(0, p.groupBy.length).every((e, i) => e === p.groupBy[i])
    const aggs = prefix ? p.aggs.slice(p.groupBy.length) : p.aggs
    if (!prefix && p.groupBy.length > 0)
      refuse('An aggregate that does not output its grouping columns first', 'use groupBy(...).agg(...).')
    return {
      case: 'aggregate',
      value: {
        input: rel(p.child),
        groupType: Aggregate_GroupType.GROUPBY,
        groupingExpressions: p.groupBy.map(ex),
        aggregateExpressions: aggs.map(ex),
      },
    }
  },
  sort: (p, { rel }) => {
    return {
      case: 'sort',
      value: { input: rel(p.child), order: p.orders.map(sortOrderInit), isGlobal: true },
    }
  },
  limit: (p, { rel }) => {
    return { case: 'limit', value: { input: rel(p.child), limit: p.n } }
  },
  deduplicate: (p, { rel }) => {
    return {
      case: 'deduplicate',
      value: {
        input: rel(p.child),
        columnNames: p.columns === null ? [] : [...p.columns],
        allColumnsAsKeys: p.columns === null,
        withinWatermark: p.withinWatermark ?? false,
      },
    }
  },
  union: (p, { rel }) => {
    return {
      case: 'setOp',
      value: {
        leftInput: rel(p.left),
        rightInput: rel(p.right),
        setOpType: SetOperation_SetOpType.UNION,
        isAll: true,
        byName: p.byName,
        allowMissingColumns: p.allowMissingColumns,
      },
    }
  },
  join: (p, { rel, ex }) => {
    return {
      case: 'join',
      value: {
        left: rel(p.left),
        right: rel(p.right),
        joinType: JOIN[p.joinType],
        joinCondition: p.condition === null ? undefined : ex(p.condition),
        usingColumns: p.using === null ? [] : [...p.using],
      },
    }
  },
  alias: (p, { rel }) => {
    return { case: 'subqueryAlias', value: { input: rel(p.child), alias: p.alias } }
  },
  watermark: (p, { rel }) => {
    if (p.idleTimeoutMs !== undefined)
      refuse(
        `withWatermark(${p.column}, ..., { idleTimeout })`,
        'Spark has no idle timeout; drop the option (an idle input then holds the watermark, as in Spark).',
      )
    if (p.lateRows !== undefined)
      refuse(
        `withWatermark(${p.column}, ..., { lateRows: '${p.lateRows}' })`,
        'Spark only counts late rows (numRowsDroppedByWatermark); drop the option or run on Sluice.local().',
      )
    return {
      case: 'withWatermark',
      value: { input: rel(p.child), eventTime: p.column, delayThreshold: `${p.delayMs} milliseconds` },
    }
  },
  mapRows: (p) => {
    return refuse(
      `${p.flat ? 'flatMap' : 'map'} with a JavaScript function`,
      'Spark cannot run JavaScript; express the transformation with select/withColumn and built-in functions, or run on Sluice.local().',
    )
  },
  observe: (p, { rel, ex }) => {
    if (p.observation !== undefined)
      refuse(
        `observe(new Observation('${p.name}'), ...)`,
        "a remote session does not hand metrics back to an Observation yet; observe by name on a stream and read progress's observedMetrics, or run on Sluice.local().",
      )
    return {
      case: 'collectMetrics',
      value: { input: rel(p.child), name: p.name, metrics: p.metrics.map(ex) },
    }
  },
  deadLetter: (p) => {
    return refuse(
      `deadLetter('${p.name}', ...)`,
      'dead-letter outputs are a Sluice feature; filter the bad rows into a second query instead, or run on Sluice.local().',
    )
  },
  groupsWithState: () => {
    return refuse(
      'mapGroupsWithState/flatMapGroupsWithState with a JavaScript function',
      "Spark cannot run JavaScript state functions (Spark Connect runs only Python's applyInPandasWithState); run the stateful part on Sluice.local().",
    )
  },
  transformWithState: () => {
    return refuse(
      'transformWithState with a JavaScript StatefulProcessor',
      "Spark cannot run JavaScript processors (Spark Connect runs only Python's transformWithStateInPandas); run the stateful part on Sluice.local().",
    )
  },
  streamingRelation: (p) => {
    return refuse(
      `The embedded stream source '${p.source.name}'`,
      "use the remote session's own readStream (Spark's sources).",
    )
  },
}

function readInit(read: RemoteReadSpec) {
  if (read.kind === 'table')
    return { readType: { case: 'namedTable' as const, value: { unparsedIdentifier: read.name } } }
  return {
    isStreaming: read.streaming,
    readType: {
      case: 'dataSource' as const,
      value: {
        format: read.format,
        paths: [...read.paths],
        options: { ...read.options },
        schema: read.schemaDDL,
      },
    },
  }
}
