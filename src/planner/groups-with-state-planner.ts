/**
 * Plans `[map|flatMap]GroupsWithState` in a streaming query: the next operator id, its stores (the
 * timers store ordered by time), and whether the watermark (EventTimeTimeout) or the processing
 * clock (ProcessingTimeTimeout) alone makes it run a batch without new data, as Spark's
 * `shouldRunAnotherBatch`.
 */
import { type AnalyzedPlan, eventTimeColumn, schemaOfAttributes } from '../analysis/analyzed-plan.ts'
import type { ExecNode } from '../exec/exec-node.ts'
import { BatchTransformWithStateExec } from '../exec/ops/batch-transform-with-state-exec.ts'
import { FlatMapGroupsWithStateExec, TIMERS_STORE } from '../exec/ops/flat-map-groups-with-state-exec.ts'
import {
  declaringHandle,
  type StateVariableDecl,
  TIMERS,
  TIMERS_BY_KEY,
} from '../exec/ops/processor-handle.ts'
import { TransformWithStateExec } from '../exec/ops/transform-with-state-exec.ts'
import { isWindowStruct } from '../functions/window-functions.ts'
import type { IncrementalPlanning, StoreOrdering } from './incremental-plan.ts'
import { type PlannerHooks, planPhysical } from './physical-planner.ts'

type GroupsWithState = Extract<AnalyzedPlan, { kind: 'groupsWithState' }>

/** A streaming `[map|flatMap]GroupsWithState`, declared in the incremental plan. */
export function planGroupsWithState(
  p: GroupsWithState,
  hooks: PlannerHooks,
  s: IncrementalPlanning,
): ExecNode {
  const operatorId = s.nextOperatorId()
  const input = p.child.output
  const eventTime = eventTimeColumn(input)
  const { child, lateInputs } = s.claimLateInputs(() => planPhysical(p.child, hooks))
  const exec = new FlatMapGroupsWithStateExec(child, {
    operatorId,
    numPartitions: s.numPartitions,
    spec: p.spec,
    inputSchema: schemaOfAttributes(input),
    eventTime,
    eventTimeIsWindow: eventTime >= 0 && isWindowStruct(input[eventTime].type),
    lateInputs,
  })
  const timersOrdering: StoreOrdering = { kind: 'eventTime', keyOrdinal: 0, isWindow: false }
  s.addExchanges(exec.exchanges)
  s.addStatefulOperator({
    operatorId,
    kind: exec.stateInfo.operatorKind,
    operatorName: exec.operatorName,
    stores: exec.stateInfo.stores.map((st) =>
      st.storeName === TIMERS_STORE
        ? { ...st, ordering: timersOrdering, auxiliary: true }
        : { ...st, ordering: { kind: 'none' } },
    ),
    ...(exec.stateInfo.details === undefined ? {} : { details: exec.stateInfo.details }),
    partitioning: { kind: 'hash', keys: ['key'], numPartitions: s.numPartitions },
    watermarkDriven: exec.watermarkDriven,
    processingTimeDriven: p.spec.timeout === 'ProcessingTimeTimeout',
    lateInputs,
  })
  return exec
}

type TransformWithState = Extract<AnalyzedPlan, { kind: 'transformWithState' }>

/**
 * A streaming `transformWithState`: the processor's `init` runs once here with a recording handle,
 * so its state variables become the operator's stores (named after them, in `_metadata`).
 */
export function planTransformWithState(
  p: TransformWithState,
  hooks: PlannerHooks,
  s: IncrementalPlanning,
): ExecNode {
  const operatorId = s.nextOperatorId()
  const input = p.child.output
  const eventTime = eventTimeColumn(input)
  const variables = declaredVariables(p)
  const { child, lateInputs } = s.claimLateInputs(() => planPhysical(p.child, hooks))
  const exec = new TransformWithStateExec(child, {
    operatorId,
    numPartitions: s.numPartitions,
    spec: p.spec,
    variables,
    inputSchema: schemaOfAttributes(input),
    eventTime,
    eventTimeIsWindow: eventTime >= 0 && isWindowStruct(input[eventTime].type),
    outputEventTime: eventTimeColumn(p.output),
  })
  const timersOrdering: StoreOrdering = { kind: 'eventTime', keyOrdinal: 0, isWindow: false }
  s.addExchanges(exec.exchanges)
  s.addStatefulOperator({
    operatorId,
    kind: exec.stateInfo.operatorKind,
    operatorName: exec.operatorName,
    stores: exec.stateInfo.stores.map((st) =>
      st.storeName === TIMERS
        ? { ...st, ordering: timersOrdering, auxiliary: true }
        : {
            ...st,
            ordering: { kind: 'none' },
            ...(st.storeName === TIMERS_BY_KEY ? { auxiliary: true } : {}),
            // List and map state and the timers by key are read by group: index their first key column.
            ...(st.keySchema.fields.length > 1 ? { numColsPrefixKey: 1 } : {}),
          },
    ),
    ...(exec.stateInfo.details === undefined ? {} : { details: exec.stateInfo.details }),
    partitioning: { kind: 'hash', keys: ['key'], numPartitions: s.numPartitions },
    watermarkDriven: exec.watermarkDriven,
    processingTimeDriven: p.spec.timeMode === 'ProcessingTime',
    lateInputs,
  })
  return exec
}

/** The state variables the processor's `init` declares (run once, with a recording handle). */
function declaredVariables(p: TransformWithState): StateVariableDecl[] {
  const variables: StateVariableDecl[] = []
  const probe = p.spec.processor()
  probe.init(declaringHandle(variables, p.spec.timeMode), p.spec.outputMode, p.spec.timeMode)
  probe.close?.()
  return variables
}

/** `transformWithState` on a batch DataFrame: in-memory state, each group once. */
export function planBatchTransformWithState(p: TransformWithState, child: ExecNode): ExecNode {
  return new BatchTransformWithStateExec(
    child,
    p.spec,
    declaredVariables(p),
    schemaOfAttributes(p.child.output),
  )
}
