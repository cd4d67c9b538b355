/**
 * Plans a join of two streams as a StreamingSymmetricHashJoinExec: the equi-join keys (also
 * `=` conjuncts the analyzer left in the residual, e.g. equal event-time windows), the conjuncts
 * over one side alone (pre-join filters) and over both (post-join filter), how the watermark
 * evicts each side (analysis/join-watermark.ts), and the operator's two stores, declared in the
 * incremental plan.
 */
import { type AnalyzedPlan, type Attribute, eventTimeColumn } from '../analysis/analyzed-plan.ts'
import {
  type JoinSides,
  shiftLeft,
  sideOf,
  stateValueWatermarkOffset,
  streamingJoinKeys,
  watermarkKeyOrdinal,
} from '../analysis/join-watermark.ts'
import type { ExecNode } from '../exec/exec-node.ts'
import type { SideEviction } from '../exec/ops/join-side-state.ts'
import {
  type StreamingJoinSide,
  type StreamingJoinType,
  StreamingSymmetricHashJoinExec,
} from '../exec/ops/streaming-join-exec.ts'
import type { BoundExpr } from '../functions/bound-expr.ts'
import { isWindowStruct } from '../functions/window-functions.ts'
import { field, type StructType, structOf, t } from '../schema/data-type.ts'
import type { IncrementalPlanning, LateInputDecl } from './incremental-plan.ts'
import { type PlannerHooks, planPhysical } from './physical-planner.ts'

type Join = Extract<AnalyzedPlan, { kind: 'join' }>

const and = (es: readonly BoundExpr[]): BoundExpr | null =>
  es.length === 0
    ? null
    : es.reduce(
        (a, b) =>
          Object.freeze({
            kind: 'call',
            name: 'and',
            impl: { kind: 'op', op: '&&' },
            args: [a, b],
            type: t.boolean(),
            nullable: a.nullable || b.nullable,
            sql: 'and',
            deterministic: true,
          }) as BoundExpr,
      )

/** The condition split as Spark's JoinConditionSplitPredicates, with extra equi keys pulled out. */
function splitResidual(p: Join) {
  const w = p.left.output.length
  const { leftKeys, rightKeys, rest } = streamingJoinKeys(p.leftKeys, p.rightKeys, p.residual, w)
  const left: BoundExpr[] = []
  const right: BoundExpr[] = []
  const both: BoundExpr[] = []
  for (const c of rest) {
    const s = sideOf(c, w)
    if (s === 'L') left.push(c)
    else if (s === 'R') right.push(shiftLeft(c, w))
    else both.push(c)
  }
  return { leftKeys, rightKeys, left: and(left), right: and(right), both: and(both) }
}

/** How the watermark evicts one side (Spark's getOneSideStateWatermarkPredicate). */
function evictionOf(
  p: Join,
  side: 'left' | 'right',
  keys: readonly BoundExpr[],
  keyOrdinal: number,
): SideEviction {
  const attrs = side === 'left' ? p.left.output : p.right.output
  if (keyOrdinal >= 0) return { kind: 'key', keyOrdinal, isWindow: isWindowStruct(keys[keyOrdinal].type) }
  const column = eventTimeColumn(attrs)
  if (column < 0) return { kind: 'none' }
  const sides: JoinSides = { attrs: [...p.left.output, ...p.right.output], leftWidth: p.left.output.length }
  const offsetMs = stateValueWatermarkOffset(p.residual, sides, side)
  if (offsetMs === undefined) return { kind: 'none' }
  return { kind: 'value', column, isWindow: isWindowStruct(attrs[column].type), offsetMs }
}

function storeSchemas(keys: readonly BoundExpr[], left: readonly Attribute[], right: readonly Attribute[]) {
  const keyFields = keys.map((k, i) => field(k.kind === 'ref' ? k.name : `key${i}`, k.type, true))
  const keySchema = structOf([
    ...keyFields,
    field('evictAtMs', t.timestamp(), true),
    field('batchId', t.long(), false),
    field('seq', t.int(), false),
  ])
  const rowOf = (attrs: readonly Attribute[]): StructType =>
    structOf(attrs.map((a, i) => field(`${a.name}#${i}`, a.type, true)))
  const value = (attrs: readonly Attribute[]) =>
    structOf([field('row', rowOf(attrs), false), field('matched', t.boolean(), false)])
  return [
    { storeName: 'left', keySchema, valueSchema: value(left) },
    { storeName: 'right', keySchema, valueSchema: value(right) },
  ]
}

/** A join of two streams: declared in the incremental plan with its `left` and `right` stores. */
export function planStreamingJoin(p: Join, hooks: PlannerHooks, s: IncrementalPlanning): ExecNode {
  const operatorId = s.nextOperatorId()
  const split = splitResidual(p)
  const keyOrdinal = watermarkKeyOrdinal(split.leftKeys, split.rightKeys, p.left.output, p.right.output)
  const left = s.claimLateInputs(() => planPhysical(p.left, hooks))
  const right = s.claimLateInputs(() => planPhysical(p.right, hooks))
  const sideSpec = (
    name: 'left' | 'right',
    keys: readonly BoundExpr[],
    pre: BoundExpr | null,
    lateInputs: readonly LateInputDecl[],
  ): StreamingJoinSide => {
    const attrs = name === 'left' ? p.left.output : p.right.output
    const eventTime = eventTimeColumn(attrs)
    return {
      keys,
      width: attrs.length,
      preFilter: pre,
      eventTime,
      eventTimeIsWindow: eventTime >= 0 && isWindowStruct(attrs[eventTime].type),
      eviction: evictionOf(p, name, keys, keyOrdinal),
      lateInputs,
    }
  }
  const stores = storeSchemas(split.leftKeys, p.left.output, p.right.output)
  const leftSpec = sideSpec('left', split.leftKeys, split.left, left.lateInputs)
  const rightSpec = sideSpec('right', split.rightKeys, split.right, right.lateInputs)
  const exec = new StreamingSymmetricHashJoinExec(left.child, right.child, {
    operatorId,
    numPartitions: s.numPartitions,
    joinType: p.joinType as StreamingJoinType,
    left: leftSpec,
    right: rightSpec,
    postFilter: split.both,
    keyTypes: split.leftKeys.map((k) => k.type),
    stores,
  })
  // Spark's produceOutputWatermark: the join's rows can be as old as its sides' state watermarks.
  const offsets = [leftSpec.eviction, rightSpec.eviction].flatMap((e) =>
    e.kind === 'key' ? [0] : e.kind === 'value' ? [e.offsetMs] : [],
  )
  if (offsets.length > 0 && Math.min(...offsets) < 0) s.addWatermarkShift(-Math.min(...offsets))
  const n = split.leftKeys.length
  s.addExchanges(exec.exchanges)
  s.addStatefulOperator({
    operatorId,
    kind: exec.stateInfo.operatorKind,
    operatorName: exec.operatorName,
    stores: stores.map((st) => ({
      ...st,
      ordering: { kind: 'eventTime', keyOrdinal: n, isWindow: false },
      numColsPrefixKey: n,
    })),
    ...(exec.stateInfo.details === undefined ? {} : { details: exec.stateInfo.details }),
    partitioning: {
      kind: 'hash',
      keys: stores[0].keySchema.fields.slice(0, n).map((f) => f.name),
      numPartitions: s.numPartitions,
    },
    watermarkDriven: exec.watermarkDriven,
    lateInputs: [...left.lateInputs, ...right.lateInputs],
  })
  return exec
}
