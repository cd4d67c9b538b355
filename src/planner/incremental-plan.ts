/**
 * The incremental plan of a streaming query: the executable operators, and beside them, as frozen
 * plain data, everything the runtime needs to know about them (shared/DESIGN.md §5, §6): the
 * stateful operators and the stores each declares, the watermark inputs, the exchanges that route
 * rows to state partitions, the output mode, and the operator graph (for explain and a UI).
 *
 * The runtime builds its QueryState, WatermarkTracker and side outputs from this data; it never
 * walks or inspects the executable tree. It runs a batch in stages split at the exchanges
 * (runtime/plan-stages.ts): each exchange (`exchangeExecs`, in the order of `exchanges`) runs the
 * part below it and routes its items to state partitions; then `root` runs the part above.
 *
 * Operator ids and watermark indexes are a pure function of the plan's shape: both count the
 * streaming stateful (resp. withWatermark) nodes of the analyzed plan top-down, left before right,
 * from 0, as Spark's do. Operator ids name state directories (`state/<operatorId>`), so the same
 * query always gets the same ids.
 */

import type { AnalyzedPlan } from '../analysis/analyzed-plan.ts'
import { pruneColumns } from '../analysis/column-pruning.ts'
import type { ExecNode } from '../exec/exec-node.ts'
import type { ExchangeExec } from '../exec/ops/exchange-exec.ts'
import { StreamScanExec } from '../exec/ops/stream-scan-exec.ts'
import type { StructType } from '../schema/data-type.ts'
import type { StateStoreSchema } from '../state/state-schema-metadata.ts'
import { planPhysical } from './physical-planner.ts'

export type IncrementalOutputMode = 'append' | 'update' | 'complete'

/**
 * The order a store keeps its keys in: `none` (a hash map: get, put, full and prefix scans), or
 * `eventTime` (range scans over the event-time key component, e.g. for timers and eviction).
 */
export type StoreOrdering =
  | { readonly kind: 'none' }
  | { readonly kind: 'eventTime'; readonly keyOrdinal: number; readonly isWindow: boolean }

/** One named store of a stateful operator: its key/value schemas (recorded in `_metadata`). */
export interface StoreDecl extends StateStoreSchema {
  readonly ordering: StoreOrdering
  /**
   * An index kept beside the operator's state (e.g. timers ordered by time): committed with it,
   * but not counted in progress's numRowsTotal / numRowsUpdated / numRowsRemoved.
   */
  readonly auxiliary?: boolean
  /** Index keys by their first this-many components, for fast prefix scans (Spark's `numColsPrefixKey`; default 0). */
  readonly numColsPrefixKey?: number
}

/** How rows reach an operator's state partitions: Spark's HashPartitioning of the state key. */
export interface Partitioning {
  readonly kind: 'hash'
  /** The state key's column names. */
  readonly keys: readonly string[]
  readonly numPartitions: number
}

/** A stateful operator as the runtime sees it. */
export interface StatefulOperatorDecl {
  /** Names `state/<operatorId>`; a pure function of the plan's shape. */
  readonly operatorId: number
  /** The operator kind recorded in `state/<operatorId>/_metadata` (`aggregate`, `dedupe`, ...). */
  readonly kind: string
  /** Spark's short name, shown in progress: `stateStoreSave`, `dedupe`, `dedupeWithinWatermark`. */
  readonly operatorName: string
  readonly stores: readonly StoreDecl[]
  /** What else the state's meaning depends on (aggregate functions, window spec), compared on restart. */
  readonly details?: Readonly<Record<string, string>>
  readonly partitioning: Partitioning
  /**
   * Whether a moving watermark alone makes this operator emit or evict (so a batch without new
   * data runs when the watermark advances, Spark's `shouldRunAnotherBatch`).
   */
  readonly watermarkDriven: boolean
  /**
   * Whether the processing-time clock alone makes it emit (processing-time timeouts): a batch
   * without new data runs on each trigger whose clock moved past the last batch's timestamp.
   */
  readonly processingTimeDriven?: boolean
  /** The late-rows inputs this operator owns (watermark inputs below it with a late-rows output). */
  readonly lateInputs: readonly LateInputDecl[]
  /**
   * How far behind the global watermark this operator's input watermark is (ms; absent: 0): a
   * time-range stream-stream join below it emits rows up to its range behind the watermark, so
   * the operators above see the watermark delayed by it (Spark 3.5+'s WatermarkPropagator).
   */
  readonly inputWatermarkShiftMs?: number
}

/** A watermark input with a late-rows output (beyond Spark). */
export interface LateInputDecl {
  readonly watermarkIndex: number
  readonly lateRows: string
}

/** A `withWatermark` of the query: one input of the WatermarkTracker. */
export interface WatermarkInputDecl {
  /** Position among the query's watermark inputs (top-down, left before right). */
  readonly index: number
  readonly column: string
  readonly delayMs: number
  readonly idleTimeoutMs: number | undefined
  /** The late-rows output its dropped rows go to (beyond Spark), if any. */
  readonly lateRows: string | undefined
  /** That output's schema: the stream's columns, then `late_reason`, `late_watermark`, `late_batch_id`. */
  readonly lateRowsSchema: StructType | undefined
}

/**
 * The hash exchange in front of one input of a stateful operator: rows (or, for an aggregation,
 * partially aggregated groups) to their state partition by key. It is a stage boundary: the part
 * below it runs on each owner's input, the part above it per state partition.
 */
export interface ExchangeDecl {
  /** The stateful operator the exchange feeds. */
  readonly operatorId: number
  /** Which input of that operator (0; a stream-stream join's right side is 1). */
  readonly input: number
  readonly partitioning: Partitioning
}

/** The operator graph, as data: one node per executable operator, edges child -> parent. */
export interface OperatorGraph {
  readonly nodes: readonly {
    readonly id: number
    readonly name: string
    readonly description: string
    /** Set on a stateful operator: its id, as in `progress.stateOperators` and `state/<operatorId>`. */
    readonly operatorId?: number
  }[]
  readonly edges: readonly { readonly from: number; readonly to: number }[]
}

/** What `planIncremental` returns. */
export interface IncrementalPlan {
  readonly root: ExecNode
  readonly outputMode: IncrementalOutputMode
  /** In operator-id order. */
  readonly statefulOperators: readonly StatefulOperatorDecl[]
  /** In index order. */
  readonly watermarkInputs: readonly WatermarkInputDecl[]
  /**
   * In operator-id order, then input order. An exchange's part below depends only on exchanges
   * with larger operator ids (ids count top-down), so a runtime runs them from last to first.
   */
  readonly exchanges: readonly ExchangeDecl[]
  /** The executable exchanges, one per `exchanges` entry, in the same order (each runs as a stage). */
  readonly exchangeExecs: readonly ExchangeExec[]
  readonly graph: OperatorGraph
}

/** The streaming facts of one query's planning, filled in as its operators are planned. */
export interface IncrementalPlanning {
  readonly numPartitions: number
  readonly outputMode: IncrementalOutputMode
  /** Declares the next stateful operator (top-down); returns its id. */
  nextOperatorId(): number
  /** Declares the watermark input of withWatermark node `watermarkId`; returns its index. */
  addWatermarkInput(watermarkId: number, input: Omit<WatermarkInputDecl, 'index'>): number
  /**
   * The delay of the watermark an event-time column refers to (its `eventTimeWatermark`), planned
   * below; 0 without one.
   */
  watermarkDelayOf(watermarkId: number | undefined): number
  /** Records a planned stateful operator. */
  addStatefulOperator(op: StatefulOperatorDecl): void
  /** Records the exchanges in front of a planned stateful operator's inputs. */
  addExchanges(exchanges: readonly ExchangeExec[]): void
  /**
   * Plans `child` below a stateful operator; returns it with the late-rows inputs it owns (those
   * below it that no other stateful operator below owns).
   */
  claimLateInputs(plan: () => ExecNode): { child: ExecNode; lateInputs: readonly LateInputDecl[] }
  /**
   * Says that the operator just planned emits rows up to `shiftMs` behind its input watermark (a
   * time-range join): the stateful operator whose `claimLateInputs` planned it, and those above,
   * get `inputWatermarkShiftMs`.
   */
  addWatermarkShift(shiftMs: number): void
}

/**
 * A fresh planning context (the ids it hands out count from 0).
 *
 * @example
 * const planning = incrementalPlanning(8, 'append')
 */
export function incrementalPlanning(
  numPartitions: number,
  outputMode: IncrementalOutputMode,
): IncrementalPlanning & { result(root: ExecNode): IncrementalPlan } {
  let operatorIds = 0
  const watermarks: WatermarkInputDecl[] = []
  const operators: StatefulOperatorDecl[] = []
  const exchanges: ExchangeExec[] = []
  const unclaimed: LateInputDecl[] = []
  const delays = new Map<number, number>()
  // Watermark shifts: one frame per claimLateInputs call, owned by the operator that made it.
  const frames: { owner: number; shiftMs: number }[] = []
  const shifts = new Map<number, number>()
  const shifted = (op: StatefulOperatorDecl): StatefulOperatorDecl => {
    const s = shifts.get(op.operatorId) ?? 0
    return s > 0 ? { ...op, inputWatermarkShiftMs: s } : op
  }
  return {
    watermarkDelayOf: (id) => (id === undefined ? 0 : (delays.get(id) ?? 0)),
    numPartitions,
    outputMode,
    nextOperatorId: () => operatorIds++,
    addWatermarkShift(shiftMs) {
      const top = frames.at(-1)
      if (top !== undefined) top.shiftMs = Math.max(top.shiftMs, shiftMs)
    },
    addWatermarkInput(watermarkId, input) {
      delays.set(watermarkId, input.delayMs)
      const index = watermarks.length
      watermarks.push(Object.freeze({ ...input, index }))
      if (input.lateRows !== undefined)
        unclaimed.push(Object.freeze({ watermarkIndex: index, lateRows: input.lateRows }))
      return index
    },
    addStatefulOperator: (op) => operators.push(deepFreeze(op)),
    addExchanges: (execs) => exchanges.push(...execs),
    claimLateInputs(plan) {
      const mark = unclaimed.length
      // The caller took the last operator id just before (an operator claims its own inputs).
      const frame = { owner: operatorIds - 1, shiftMs: 0 }
      frames.push(frame)
      const child = plan()
      frames.pop()
      if (frame.shiftMs > 0) {
        shifts.set(frame.owner, Math.max(shifts.get(frame.owner) ?? 0, frame.shiftMs))
        // The operators above see the delayed watermark too.
        const up = frames.at(-1)
        if (up !== undefined) up.shiftMs = Math.max(up.shiftMs, frame.shiftMs)
      }
      return { child, lateInputs: Object.freeze(unclaimed.splice(mark)) }
    },
    result: (root) =>
      deepFreeze({
        root,
        outputMode,
        statefulOperators: operators.sort((a, b) => a.operatorId - b.operatorId).map(shifted),
        watermarkInputs: watermarks,
        ...exchangesOf(exchanges),
        graph: operatorGraph(root),
      }),
  }
}

/** The exchanges as data and as executables, in operator-id then input order. */
function exchangesOf(execs: readonly ExchangeExec[]): Pick<IncrementalPlan, 'exchanges' | 'exchangeExecs'> {
  const sorted = [...execs].sort(
    (a, b) => a.opts.operatorId - b.opts.operatorId || a.opts.input - b.opts.input,
  )
  const exchanges = sorted.map(({ opts }) => ({
    operatorId: opts.operatorId,
    input: opts.input,
    partitioning: { kind: 'hash' as const, keys: opts.keys, numPartitions: opts.numPartitions },
  }))
  return { exchanges, exchangeExecs: Object.freeze(sorted) }
}

/** The operator graph of an executable tree: nodes numbered depth first from the root (0). */
export function operatorGraph(root: ExecNode): OperatorGraph {
  const nodes: OperatorGraph['nodes'][number][] = []
  const edges: OperatorGraph['edges'][number][] = []
  const walk = (n: ExecNode): number => {
    const id = nodes.length
    nodes.push({
      id,
      name: n.name,
      description: n.describe(),
      ...(n.operatorId === undefined ? {} : { operatorId: n.operatorId }),
    })
    for (const c of n.children) edges.push({ from: walk(c), to: id })
    return id
  }
  walk(root)
  return { nodes, edges }
}

/** Freezes plain data (arrays and plain objects), leaving executable objects (class instances) alone. */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== Array.prototype) return value
  for (const v of Object.values(value)) deepFreeze(v)
  return Object.freeze(value)
}

/**
 * Plans a streaming query incrementally: its stateful operators read and write state partitions,
 * its scans read each micro-batch's rows of their stream.
 *
 * @example
 * const plan = planIncremental(analyzed, { numPartitions: 8, outputMode: 'update' })
 * plan.statefulOperators[0].stores[0].storeName // 'default'
 */
export function planIncremental(
  analyzed: AnalyzedPlan,
  conf: { readonly numPartitions: number; readonly outputMode: IncrementalOutputMode },
): IncrementalPlan {
  const planning = incrementalPlanning(conf.numPartitions, conf.outputMode)
  const root = planPhysical(pruneColumns(analyzed), {
    streamingScan: (relationId) => new StreamScanExec(relationId),
    incremental: planning,
  })
  return planning.result(root)
}
