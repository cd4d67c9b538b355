/**
 * The join of two streams (Spark's StreamingSymmetricHashJoinExec). Both sides' rows are buffered
 * in state (join-side-state.ts), partitioned by the equi-join key: each side has its own exchange
 * (inputs 0 and 1). Each batch, per state partition:
 *
 * 1. the left side's new rows join the right side's buffered rows, then are buffered;
 * 2. the right side's new rows join the left side's buffered rows (new ones included, so a pair of
 *    new rows joins once), then are buffered;
 * 3. each side's rows behind its state watermark are evicted; an outer join emits an evicted row
 *    of its outer side that never matched, with nulls for the other side.
 *
 * Before that, below its exchange, each side drops its rows behind the late-events watermark (by
 * its own watermarked column). A row that fails the conjuncts of the condition over its own side alone is never
 * buffered (an outer side emits it with nulls at once, as Spark). A left semi join emits a left row
 * at its first match, once.
 */

import type { BoundExpr } from '../../functions/bound-expr.ts'
import type { DataType } from '../../schema/data-type.ts'
import type { StateKey } from '../../state/spi.ts'
import type { StateStoreSchema } from '../../state/state-schema-metadata.ts'
import type { ExecContext, ExecNode, Row, RowBatch } from '../exec-node.ts'
import { compileExpr, compileProjection } from '../expr/compile-expr.ts'
import { EXPRESSIONS_DETAIL, expressionFingerprint } from '../expression-fingerprint.ts'
import { sqlOf } from '../stage-codegen.ts'
import {
  eventTimeOf,
  isBehind,
  type LateRowsInput,
  type PartitionContext,
  requireStream,
  routeLateRows,
  type StatefulExec,
  type StreamBatchContext,
} from '../stateful.ts'
import { type Exchanged, ExchangeExec } from './exchange-exec.ts'
import {
  evictAtOf,
  type SideEviction,
  type SideState,
  sideState,
  stateWatermarkOf,
} from './join-side-state.ts'

export type StreamingJoinType = 'inner' | 'left' | 'right' | 'full' | 'left_semi'

/** One side of the join, as planned. */
export interface StreamingJoinSide {
  /** The equi-join keys over this side's row. */
  readonly keys: readonly BoundExpr[]
  readonly width: number
  /** The condition's conjuncts over this side alone (over this side's row), or null. */
  readonly preFilter: BoundExpr | null
  /** The side's watermarked column (late rows are dropped by it), or -1. */
  readonly eventTime: number
  readonly eventTimeIsWindow: boolean
  readonly eviction: SideEviction
  /** The late-rows inputs below this side that the join owns (beyond Spark). */
  readonly lateInputs: readonly LateRowsInput[]
}

export interface StreamingJoinOptions {
  readonly operatorId: number
  readonly numPartitions: number
  readonly joinType: StreamingJoinType
  readonly left: StreamingJoinSide
  readonly right: StreamingJoinSide
  /** The conjuncts over both sides (over [left..., right...]), or null. */
  readonly postFilter: BoundExpr | null
  readonly keyTypes: readonly DataType[]
  /** The `left` and `right` stores (join-side-state.ts). */
  readonly stores: readonly StateStoreSchema[]
}

type SideName = 'left' | 'right'
type Predicate = ((row: Row) => unknown) | null

interface CompiledSide {
  readonly spec: StreamingJoinSide
  readonly key: (row: Row) => Row
  readonly pre: Predicate
}

export class StreamingSymmetricHashJoinExec implements StatefulExec {
  readonly name = 'StreamingSymmetricHashJoinExec'
  readonly operatorName = 'symmetricHashJoin'
  readonly children: readonly ExecNode[]
  readonly operatorId: number
  readonly stateInfo: StatefulExec['stateInfo']
  readonly watermarkDriven: boolean
  readonly exchanges: readonly ExchangeExec[]
  private readonly opts: StreamingJoinOptions
  private readonly sides: Readonly<Record<SideName, CompiledSide>>
  private readonly post: Predicate

  constructor(left: ExecNode, right: ExecNode, opts: StreamingJoinOptions) {
    this.opts = opts
    this.operatorId = opts.operatorId
    this.stateInfo = {
      operatorKind: 'symmetricHashJoin',
      stores: opts.stores,
      details: {
        joinType: opts.joinType,
        condition: opts.postFilter === null ? '' : sqlOf(opts.postFilter),
        [EXPRESSIONS_DETAIL]: expressionFingerprint({ left: opts.left.keys, right: opts.right.keys }),
      },
    }
    this.watermarkDriven = opts.left.eviction.kind !== 'none' || opts.right.eviction.kind !== 'none'
    const compile = (spec: StreamingJoinSide): CompiledSide => ({
      spec,
      key: compileProjection(spec.keys),
      pre: spec.preFilter === null ? null : compileExpr(spec.preFilter),
    })
    this.sides = { left: compile(opts.left), right: compile(opts.right) }
    this.post = opts.postFilter === null ? null : compileExpr(opts.postFilter)
    this.exchanges = [this.exchangeOf('left', 0, left), this.exchangeOf('right', 1, right)]
    this.children = this.exchanges
  }

  /** The exchange of one side: its rows past the late-events watermark, by join key. */
  private exchangeOf(name: SideName, input: number, child: ExecNode): ExchangeExec {
    const { operatorId, numPartitions, keyTypes } = this.opts
    const keys = this.sides[name].spec.keys.map(sqlOf)
    return new ExchangeExec(
      child,
      { operatorId, input, numPartitions, keys },
      { keyTypes, route: (rows, s, route) => this.routeSide(name, rows, s, route) },
    )
  }

  private routeSide(
    name: SideName,
    rows: RowBatch,
    s: StreamBatchContext,
    route: (key: StateKey, row: Row) => void,
  ): void {
    const side = this.sides[name]
    const metrics = s.metrics(this.operatorId)
    const lateWm = s.lateWatermarkOf(this.operatorId)
    const { eventTime, eventTimeIsWindow } = side.spec
    for (const row of rows) {
      if (eventTime >= 0 && isBehind(eventTimeOf(row[eventTime], eventTimeIsWindow), lateWm)) {
        metrics.numRowsDroppedByWatermark++
        continue
      }
      route(side.key(row), row)
    }
  }

  describe(): string {
    const { joinType, left, right, postFilter, numPartitions } = this.opts
    const keys = left.keys.map((k, i) => `${sqlOf(k)} = ${sqlOf(right.keys[i])}`)
    const cond = postFilter === null ? '' : `, condition=${sqlOf(postFilter)}`
    return `operator=${this.operatorId}, ${joinType} [${keys.join(', ')}]${cond}, partitions=${numPartitions}`
  }

  execute(ctx: ExecContext): RowBatch {
    if (ctx.replay !== undefined) return []
    const s = requireStream(ctx, this.name)
    const metrics = s.metrics(this.operatorId)
    const routed = [s.exchanged(this.operatorId, 0), s.exchanged(this.operatorId, 1)]
    const out: RowBatch = []
    let leftRows = 0
    let rightRows = 0
    for (const p of s.partitions) {
      const pc = s.partition(this.operatorId, p)
      const left = sideState(pc.store('left'), pc.batchId)
      const right = sideState(pc.store('right'), pc.batchId)
      const l = routed[0][p] as Exchanged<Row> | undefined
      const r = routed[1][p] as Exchanged<Row> | undefined
      if (l !== undefined)
        for (let i = 0; i < l.items.length; i++)
          this.joinRow('left', l.keys[i], l.items[i], right, left, pc, out)
      if (r !== undefined)
        for (let i = 0; i < r.items.length; i++)
          this.joinRow('right', r.keys[i], r.items[i], left, right, pc, out)
      this.evict('left', left, pc, out)
      this.evict('right', right, pc, out)
      leftRows += pc.store('left').metrics().numKeys
      rightRows += pc.store('right').metrics().numKeys
    }
    metrics.custom.numLeftStateRows = leftRows
    metrics.custom.numRightStateRows = rightRows
    this.routeLate(ctx, s)
    return out
  }

  /** Joins one new row of `name` with the other side's buffered rows, then buffers it. */
  private joinRow(
    name: SideName,
    key: StateKey,
    row: Row,
    other: SideState,
    mine: SideState,
    pc: PartitionContext,
    out: RowBatch,
  ): void {
    const { joinType } = this.opts
    const side = this.sides[name]
    if (side.pre !== null && side.pre(row) !== true) {
      if (this.isOuter(name)) out.push(this.withNulls(name, row))
      return
    }
    const semi = joinType === 'left_semi'
    let matched = false
    for (const b of other.rowsOf(key)) {
      const joined = name === 'left' ? [...row, ...b.row] : [...b.row, ...row]
      if (this.post !== null && this.post(joined) !== true) continue
      if (semi && name === 'left') {
        matched = true
        break
      }
      if (semi && b.matched) continue
      matched = true
      out.push(semi ? b.row : joined)
      if (!b.matched && joinType !== 'inner') other.markMatched(b)
    }
    if (semi && name === 'left' && matched) out.push(row)
    const evictAt = evictAtOf(side.spec.eviction, key, row)
    // SPARK-49829: judged by the late-events watermark, not the eviction one, so a row still joins
    // the other side's new rows of this batch (e.g. windows an aggregation below emits now); the
    // eviction at the end of the batch removes it (and emits it unmatched for an outer join).
    const wm = stateWatermarkOf(side.spec.eviction, pc.watermarkForLateEventsMs)
    if (wm !== undefined && isBehind(evictAt, wm)) return
    if (semi && name === 'left' && matched) return
    mine.append(key, row, evictAt, matched)
  }

  /** Evicts the side's rows behind its state watermark; an outer side emits the unmatched ones. */
  private evict(name: SideName, state: SideState, pc: PartitionContext, out: RowBatch): void {
    const wm = stateWatermarkOf(this.sides[name].spec.eviction, pc.watermarkForEvictionMs)
    if (wm === undefined) return
    const outer = this.isOuter(name)
    for (const b of state.evict(wm)) if (outer && !b.matched) out.push(this.withNulls(name, b.row))
  }

  private isOuter(name: SideName): boolean {
    const t = this.opts.joinType
    return t === 'full' || t === name
  }

  private withNulls(name: SideName, row: Row): Row {
    const { left, right } = this.opts
    return name === 'left'
      ? [...row, ...new Array(right.width).fill(null)]
      : [...new Array(left.width).fill(null), ...row]
  }

  /** Sends each side's candidates that the join dropped as late to their late-rows outputs. */
  private routeLate(ctx: ExecContext, s: StreamBatchContext): void {
    ;(['left', 'right'] as const).forEach((name, i) => {
      const { lateInputs, eventTime, eventTimeIsWindow } = this.sides[name].spec
      if (lateInputs.length === 0 || eventTime < 0) return
      const wm = s.lateWatermarkOf(this.operatorId)
      routeLateRows(
        ctx,
        this.children[i],
        lateInputs,
        'behind_watermark',
        (late) => late.every((r) => isBehind(eventTimeOf(r[eventTime], eventTimeIsWindow), wm)),
        wm,
      )
    })
  }
}
