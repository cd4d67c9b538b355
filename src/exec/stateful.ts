/**
 * What stateful operators share (shared/DESIGN.md §5, §6): the per-batch streaming context the
 * runtime hands them, what a stateful operator tells the planner about its state (the planner
 * declares it in the incremental plan; the runtime never inspects operators), key partitioning,
 * and the watermark predicates. Every input of a stateful operator comes through an exchange
 * (ops/exchange-exec.ts): the operator reads what it routed to each of its partitions from the
 * context (`exchanged`) and runs each partition with its frozen `PartitionContext`.
 *
 * Watermarks follow Spark 3.5's propagation: an operator drops input rows behind the watermark of
 * the previous batch (`watermarkForLateEventsMs`) and evicts state behind this batch's
 * (`watermarkForEvictionMs`); both are 0 until a first watermark is computed, as in Spark.
 */

import { SluiceError } from '../errors.ts'
import { murmur3HashValue, sparkHash } from '../functions/hash/index.ts'
import type { DataType } from '../schema/data-type.ts'
import type { StateKey, StateStore } from '../state/spi.ts'
import type { StateStoreSchema } from '../state/state-schema-metadata.ts'
import type { ExecContext, ExecNode, ObservedMetricsCollector, Row, RowBatch } from './exec-node.ts'
import type { ExchangedParts, ExchangeExec } from './ops/exchange-exec.ts'

/** Counters an operator fills during a batch (reported as its `stateOperators[]` entry). */
export interface OperatorBatchMetrics {
  numRowsDroppedByWatermark: number
  /** Operator-specific counters (Spark's `customMetrics`), e.g. `numDroppedDuplicateRows`. */
  readonly custom: Record<string, number>
}

/** Event times one EventTimeWatermarkExec saw in a batch. */
export interface EventTimeStats {
  max: number
  min: number
  sum: number
  count: number
}

/** What one micro-batch gives every operator of the plan. */
export interface StreamBatchContext {
  readonly batchId: number
  /** The batch's timestamp (logged with its offsets). */
  readonly batchTimestampMs: number
  /** The rows stream `relationId` contributes to this batch. */
  input(relationId: number): RowBatch
  /** Late input is what this watermark has passed (the previous batch's watermark). */
  readonly watermarkForLateEventsMs: number
  /** State this watermark has passed is evicted (the batch's own watermark). */
  readonly watermarkForEvictionMs: number
  /**
   * The late-events watermark operator `operatorId` judges its input by: the one above, less the
   * delay of the time-range joins below it (its partitions' `watermarkForLateEventsMs`).
   */
  lateWatermarkOf(operatorId: number): number
  /**
   * The state partitions this owner runs above the exchanges, ascending (all of them when it is
   * the only owner).
   */
  readonly partitions: readonly number[]
  /**
   * What the exchange in front of input `input` of operator `operatorId` delivered this batch, by
   * partition (from every owner's part below it; the runtime fills it before the part above runs).
   */
  exchanged(operatorId: number, input: number): ExchangedParts
  /** The frozen context of partition `partition` of operator `operatorId` in this batch. */
  partition(operatorId: number, partition: number): PartitionContext
  metrics(operatorId: number): OperatorBatchMetrics
  eventTimeStats(watermarkIndex: number): EventTimeStats
  readonly lateRows: LateRowsBatch
  /** Dead letters of this batch (beyond Spark), by output name: rows of DEAD_LETTER_SCHEMA. */
  readonly deadLetters: { add(name: string, row: unknown[]): void }
  /** The observe() metrics of this batch (Spark's observedMetrics), by name. */
  readonly observedMetrics: { readonly add: ObservedMetricsCollector }
}

/**
 * What the part of a stateful operator above its exchange sees for one state partition in one
 * batch: the batch's id, timestamp and watermarks, and that partition's stores only.
 */
export interface PartitionContext {
  readonly batchId: number
  readonly batchTimestampMs: number
  readonly partition: number
  readonly watermarkForLateEventsMs: number
  readonly watermarkForEvictionMs: number
  /** The partition's store `name` (the operator declared it; default `'default'`). */
  store(name?: string): StateStore
  /** The operator's counters for this batch (shared by its partitions). */
  readonly metrics: OperatorBatchMetrics
}

/**
 * The late-rows outputs of one batch (beyond Spark). A watermark operator with a late-rows output
 * keeps its rows that are behind the late-events watermark as candidates; the stateful operator
 * above it replays each candidate and routes the ones it drops entirely to the output.
 */
export interface LateRowsBatch {
  /** The candidates of watermark operator `watermarkIndex` in this batch (a mutable list). */
  candidates(watermarkIndex: number): Row[]
  /**
   * Sends `row` (a row of the watermark operator's output) to the late-rows output `name`, judged
   * by `watermarkMs` (default: the batch's late-events watermark).
   */
  add(name: string, row: Row, reason: LateReason, watermarkMs?: number): void
}

/** Why a row went to the late-rows output (the `late_reason` column). */
export type LateReason = 'window_closed' | 'session_closed' | 'behind_watermark'

/**
 * A watermark input with a late-rows output whose rows reach a stateful operator without passing
 * another one (the planner hands each stateful operator the ones it owns).
 */
export interface LateRowsInput {
  readonly watermarkIndex: number
  readonly lateRows: string
}

/**
 * Routes this batch's late candidates of `inputs` that the operator drops entirely: each candidate
 * is replayed alone through `child` (the operators between the watermark and the stateful
 * operator), and goes to its late-rows output when it yields rows and `isLate` says the operator
 * drops them all. A candidate a filter removes, or that lands in a window still open, is not late.
 */
export function routeLateRows(
  ctx: ExecContext,
  child: ExecNode,
  inputs: readonly LateRowsInput[],
  reason: LateReason,
  isLate: (rows: RowBatch) => boolean,
  watermarkMs?: number,
): void {
  const s = requireStream(ctx, 'routeLateRows')
  for (const input of inputs) {
    const name = input.lateRows
    const candidates = s.lateRows.candidates(input.watermarkIndex)
    if (candidates.length === 0) continue
    for (const row of candidates) {
      const rows = child.execute({ ...ctx, replay: { watermarkIndex: input.watermarkIndex, row } })
      if (rows.length > 0 && isLate(rows)) s.lateRows.add(name, row, reason, watermarkMs)
    }
  }
}

/**
 * A stateful physical operator, as its planner sees it: the planner declares its id, name and
 * stores in the incremental plan, from which the runtime opens its stores and commits them.
 */
export interface StatefulExec extends ExecNode {
  readonly operatorId: number
  /** Spark's short name, shown in progress: `stateStoreSave`, `dedupe`, `dedupeWithinWatermark`. */
  readonly operatorName: string
  /** What `state/<operatorId>/_metadata` records (its operator kind and store schemas). */
  readonly stateInfo: {
    readonly operatorKind: string
    readonly stores: readonly StateStoreSchema[]
    /** What else the state's meaning depends on (aggregate functions, window spec), compared on restart. */
    readonly details?: Readonly<Record<string, string>>
  }
  /** Whether a moving watermark alone makes it emit or evict (a batch without new data then runs). */
  readonly watermarkDriven: boolean
  /** The exchanges in front of its inputs (its children), by input. */
  readonly exchanges: readonly ExchangeExec[]
}

export function requireStream(ctx: { readonly stream?: StreamBatchContext }, op: string): StreamBatchContext {
  if (ctx.stream === undefined) {
    throw new SluiceError(
      'INTERNAL',
      `${op} runs only inside a streaming micro-batch, but was planned into a batch query. This is a bug in Sluice; please report it.`,
    )
  }
  return ctx.stream
}

/**
 * The state partition of a key: Spark's HashPartitioning, `pmod(murmur3(keys, 42), n)`, so a key
 * lands in the partition Spark would give it.
 *
 * @example partitionOf(['a'], [t.string()], 8)
 */
export function partitionOf(key: StateKey, types: readonly DataType[], numPartitions: number): number {
  if (numPartitions === 1) return 0
  const first = key[0]
  let h: number
  if (typeof first === 'object' && first !== null) {
    // NOTE: the groups of one window share its struct object (hash-aggregate-exec.ts) and keys never
    // change once made, so the first component's hash (seeded 42, as sparkHash) is kept by identity.
    if (first !== firstHashed.value || types[0] !== firstHashed.type) {
      firstHashed.hash = murmur3HashValue(first, types[0], 42)
      firstHashed.value = first
      firstHashed.type = types[0]
    }
    h = firstHashed.hash
    for (let i = 1; i < key.length; i++) h = murmur3HashValue(key[i], types[i], h)
  } else h = sparkHash(key, types)
  h %= numPartitions
  return h < 0 ? h + numPartitions : h
}

/** The last object first key component `partitionOf` hashed, its type and its hash. */
const firstHashed: { value: unknown; type: DataType | undefined; hash: number } = {
  value: undefined,
  type: undefined,
  hash: 0,
}

/**
 * The event time of a key component for watermark checks: the value of a timestamp column, or the
 * `end` of a window struct (Spark evicts a window once the watermark reaches its end).
 *
 * @example eventTimeOf({ start: 0, end: 600000 }, true) // 600000
 */
export function eventTimeOf(value: unknown, isWindow: boolean): number | null {
  if (value === null || value === undefined) return null
  return isWindow ? (value as { end: number }).end : (value as number)
}

/** Spark's predicate: a row or key is behind the watermark when its event time is <= it. */
export function isBehind(eventTime: number | null, watermarkMs: number): boolean {
  return eventTime !== null && eventTime <= watermarkMs
}
