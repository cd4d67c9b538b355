/**
 * Streaming aggregation (Spark's StateStoreRestoreExec + StateStoreSaveExec around a merge
 * aggregate). Below its exchange, each owner's rows of the batch are aggregated on their own with
 * the same generated loop as a batch aggregation (the partial aggregation), and each group is
 * routed to its state partition by key hash (exchange-exec.ts); above it, per state partition, the
 * groups routed there are merged with the state stored for their keys and put back.
 *
 * Output modes, as Spark:
 * - complete: every group in state, every batch; late rows are not dropped, nothing is evicted.
 * - update: the groups this batch changed; groups behind the late-events watermark are dropped
 *   (and counted), then state behind the eviction watermark is removed.
 * - append: nothing until the eviction watermark passes a group's event time (a window's end);
 *   then the group is emitted once and removed.
 *
 * State value: the aggregate slots as an array (`[s0, s1, ...]`), mutable slots (sets, lists,
 * sketches) copied on restore so a stored value is never changed after `put`.
 */

import type { BoundAggCall } from '../../analysis/analyzed-plan.ts'
import type { SlotCodec } from '../../functions/function-def.ts'
import type { HyperLogLogPlusPlus } from '../../functions/hash/index.ts'
import { type DataType, field, type StructType, simpleString, structOf } from '../../schema/data-type.ts'
import type { StateKey } from '../../state/spi.ts'
import type { ExecContext, ExecNode, Row, RowBatch } from '../exec-node.ts'
import { CodeBuilder } from '../expr/code-builder.ts'
import { compileProjection } from '../expr/compile-expr.ts'
import { EXPRESSIONS_DETAIL, expressionFingerprint } from '../expression-fingerprint.ts'
import { describeStage, type StageOp, sqlOf } from '../stage-codegen.ts'
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
  type AggregateSpec,
  compileFinish,
  compileInitial,
  compileUpdate,
  declareHelpers,
  type GroupState,
  slotLayout,
  type Update,
} from './hash-aggregate-exec.ts'

export interface StatefulAggregateOptions {
  readonly operatorId: number
  readonly numPartitions: number
  /** The grouping keys' schema (the state key). */
  readonly keySchema: StructType
  /** Index of the grouping key that carries the event time (watermark), or -1. */
  readonly eventTimeKey: number
  /** Whether that key is a window struct (its `end` is compared with the watermark). */
  readonly eventTimeIsWindow: boolean
  /** How the window key is computed (`window(ts, 10 minutes)`), recorded in the state metadata. */
  readonly windowSpec?: string
  /** The query's output mode, fixed for its life. */
  readonly outputMode: 'append' | 'update' | 'complete'
  /** The late-rows inputs this operator owns (from the planner). */
  readonly lateInputs: readonly LateRowsInput[]
  /** Whether a watermark is defined below (a moving one runs batches without data, as in Spark). */
  readonly watermarked?: boolean
}

export type Saved = readonly unknown[]

export class StatefulAggregateExec implements StatefulExec {
  readonly name: string = 'StatefulAggregateExec'
  readonly operatorName: string = 'stateStoreSave'
  readonly children: readonly ExecNode[]
  readonly operatorId: number
  stateInfo: StatefulExec['stateInfo']
  readonly watermarkDriven: boolean
  readonly exchanges: readonly ExchangeExec[]
  readonly generatedCode: string
  protected readonly spec: AggregateSpec
  protected readonly opts: StatefulAggregateOptions
  protected readonly stage: readonly StageOp[]
  protected readonly update: Update
  protected readonly finish: (st: GroupState) => Row
  protected readonly initial: () => GroupState
  protected readonly project: (row: Row) => Row
  protected readonly merge: (a: GroupState, b: GroupState) => void
  protected readonly save: (st: GroupState) => Saved
  protected readonly restore: (key: StateKey, saved: Saved) => GroupState
  /**
   * `mergeSaved(next, b)`: folds group b into `next`, a copy of a stored value, in place — for
   * aggregates whose slots are all plain values (counts, sums, min/max), so a key already in state
   * costs one array copy instead of a group object plus a new array; undefined otherwise.
   */
  protected readonly mergeSaved: ((next: unknown[], b: GroupState) => void) | undefined
  protected readonly keyTypes: readonly DataType[]
  /** The watermark operators below whose late rows this operator owns (beyond Spark). */
  protected readonly lateInputs: readonly LateRowsInput[]

  constructor(
    child: ExecNode,
    stage: { ops: readonly StageOp[]; inputWidth: number },
    spec: AggregateSpec,
    opts: StatefulAggregateOptions,
  ) {
    this.stage = stage.ops
    this.spec = spec
    this.opts = opts
    this.operatorId = opts.operatorId
    const slots = slotLayout(spec)
    const built = compileUpdate(spec, stage, slots)
    this.update = built.update
    this.generatedCode = built.code
    this.finish = compileFinish(spec, slots)
    this.initial = compileInitial(spec)
    this.project = compileProjection(spec.results)
    this.merge = compileMerge(spec)
    this.save = compileSave(spec)
    this.restore = compileRestore(spec)
    this.mergeSaved = compileMergeSaved(spec)
    this.keyTypes = opts.keySchema.fields.map((f) => f.type)
    this.lateInputs = opts.lateInputs
    const exchangeOpts = {
      operatorId: opts.operatorId,
      input: 0,
      numPartitions: opts.numPartitions,
      keys: opts.keySchema.fields.map((f) => f.name),
    }
    const exchange = new ExchangeExec(child, exchangeOpts, {
      keyTypes: this.keyTypes,
      route: (rows, _s, route) => this.routeGroups(rows, route),
      combine: (a, b) => this.combineGroups(a, b),
      partial: 'partial aggregation',
    })
    this.exchanges = [exchange]
    this.children = [exchange]
    // Spark's StateStoreSaveExec.shouldRunAnotherBatch: append or update mode, any watermark below.
    this.watermarkDriven =
      opts.outputMode !== 'complete' && (opts.eventTimeKey >= 0 || opts.watermarked === true)
    this.stateInfo = {
      operatorKind: 'aggregate',
      stores: [{ storeName: 'default', keySchema: opts.keySchema, valueSchema: valueSchemaOf(spec) }],
      details: {
        'aggregate functions': describeAggregates(spec.aggs),
        [EXPRESSIONS_DETAIL]: expressionFingerprint({
          keys: spec.groupBy,
          aggregates: spec.aggs.map((a) => a.sql),
        }),
        ...(opts.windowSpec === undefined ? {} : { window: opts.windowSpec }),
      },
    }
  }

  describe(): string {
    const stage = this.stage.length > 0 ? ` <- ${describeStage(this.stage)}` : ''
    return `operator=${this.operatorId}, keys=[${this.spec.groupBy.map(sqlOf).join(', ')}], functions=[${this.spec.aggs.map((a) => a.sql).join(', ')}], partitions=${this.opts.numPartitions}${stage}`
  }

  execute(ctx: ExecContext): RowBatch {
    if (ctx.replay !== undefined) return []
    const s = requireStream(ctx, this.name)
    const parts = s.exchanged(this.operatorId, 0)
    const mode = this.opts.outputMode
    const out: RowBatch = []
    const dropped: DroppedSessions = new Map()
    for (const p of s.partitions) {
      const pc = s.partition(this.operatorId, p)
      const part = parts[p]
      const changed = part === undefined ? [] : this.mergeIntoState(pc, part, dropped)
      if (mode === 'complete') {
        this.outputAll(pc, out)
        continue
      }
      if (mode === 'update') for (const st of changed) out.push(this.output(st))
      this.evict(pc, mode === 'append' ? out : null)
    }
    if (this.lateInputs.length > 0 && mode !== 'complete') this.routeLate(ctx, s, dropped)
    return out
  }

  /**
   * Below the exchange: the partial aggregation of the owner's rows, each group routed to its key's
   * state partition.
   */
  protected routeGroups(rows: RowBatch, route: (key: StateKey, item: unknown) => void): void {
    const groups: GroupState[] = []
    this.update(rows, groups)
    // A global aggregate has one group even before any row arrives (count = 0), as in Spark.
    if (this.spec.groupBy.length === 0 && groups.length === 0) groups.push(this.initial())
    this.routeEach(groups, route)
  }

  /** Routes each group of a partial aggregation by its grouping key. */
  protected routeEach(groups: readonly GroupState[], route: (key: StateKey, item: unknown) => void): void {
    const n = this.spec.groupBy.length
    for (const st of groups) {
      const key: unknown[] = new Array(n)
      for (let i = 0; i < n; i++) key[i] = st[`k${i}`]
      route(key, st)
    }
  }

  /** Two owners' partial groups of one key, folded together (Spark's final merge after the exchange). */
  protected combineGroups(a: unknown, b: unknown): void {
    this.merge(a as GroupState, b as GroupState)
  }

  /**
   * Sends the late candidates this batch dropped entirely to their late-rows outputs: a candidate
   * is late when every group it falls in (each window, for sliding windows) is behind the
   * late-events watermark.
   */
  protected routeLate(ctx: ExecContext, s: StreamBatchContext, _dropped: DroppedSessions): void {
    const { eventTimeKey, eventTimeIsWindow } = this.opts
    if (eventTimeKey < 0) return
    const wm = s.lateWatermarkOf(this.operatorId)
    const reason = eventTimeIsWindow ? 'window_closed' : 'behind_watermark'
    routeLateRows(
      ctx,
      this.children[0],
      this.lateInputs,
      reason,
      (rows) => {
        const groups = this.groupsOf(rows)
        for (const st of groups)
          if (!isBehind(eventTimeOf(st[`k${eventTimeKey}`], eventTimeIsWindow), wm)) return false
        return groups.length > 0
      },
      wm,
    )
  }

  /** The groups `rows` aggregate into (the same generated loop as the batch's). */
  protected groupsOf(rows: RowBatch): GroupState[] {
    const groups: GroupState[] = []
    this.update(rows, groups)
    return groups
  }

  /** Complete mode: every group in the partition's state. */
  protected outputAll(pc: PartitionContext, out: RowBatch): void {
    for (const e of pc.store().iterator()) out.push(this.output(this.restore(e.key, e.value as Saved)))
  }

  protected output(st: GroupState): Row {
    return this.project(this.finish(st))
  }

  /** Merges the groups routed to one partition into its state; returns the merged groups. */
  protected mergeIntoState(
    pc: PartitionContext,
    part: Exchanged<unknown>,
    _dropped: DroppedSessions,
  ): GroupState[] {
    const store = pc.store()
    const { eventTimeKey, eventTimeIsWindow } = this.opts
    const dropLate = this.opts.outputMode !== 'complete' && eventTimeKey >= 0
    // Only update mode outputs the changed groups; the others need no group objects for them.
    const wantChanged = this.opts.outputMode === 'update'
    const mergeSaved = wantChanged ? undefined : this.mergeSaved
    const inPlace = mergeSaved !== undefined && store.updateInPlace !== undefined
    const changed: GroupState[] = []
    const { keys, items } = part
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]
      const st = items[i] as GroupState
      if (
        dropLate &&
        isBehind(eventTimeOf(key[eventTimeKey], eventTimeIsWindow), pc.watermarkForLateEventsMs)
      ) {
        pc.metrics.numRowsDroppedByWatermark++
        continue
      }
      let saved: Saved | undefined
      if (inPlace) {
        // A numeric buffer in state is merged where it lies (the memory store); false: no key yet
        // (a stored value is always an array).
        if (store.updateInPlace?.(key, mergeSaved as NonNullable<typeof mergeSaved>, st) === true) continue
      } else saved = store.get(key) as Saved | undefined
      if (saved !== undefined && mergeSaved !== undefined) {
        // NOTE: the stored array is never changed (the committed version shares it); merge a copy.
        const next = saved.slice()
        mergeSaved(next, st)
        store.put(key, next)
        continue
      }
      let merged = st
      if (saved !== undefined) {
        merged = this.restore(key, saved)
        this.merge(merged, st)
      }
      store.put(key, this.save(merged))
      if (wantChanged) changed.push(merged)
    }
    return changed
  }

  /**
   * Removes (and in append mode emits) the groups the eviction watermark has passed, by a range
   * scan of the store's event-time order. Only when the watermark moved since the last batch: the
   * last batch evicted up to the late-events watermark, and groups put now are past it.
   */
  protected evict(pc: PartitionContext, out: RowBatch | null): void {
    const wm = pc.watermarkForEvictionMs
    if (this.opts.eventTimeKey < 0 || wm <= pc.watermarkForLateEventsMs) return
    const store = pc.store()
    for (const e of store.rangeScan(Number.NEGATIVE_INFINITY, wm)) {
      store.remove(e.key)
      if (out !== null) out.push(this.output(this.restore(e.key, e.value as Saved)))
    }
  }
}

/** Session windows dropped as late in this batch, by other-key id (for the late-rows output). */
export type DroppedSessions = Map<string, { readonly start: number; readonly end: number }[]>

/** The value schema recorded in the state metadata: one field per aggregate, its result type. */
function valueSchemaOf(spec: AggregateSpec): StructType {
  return structOf(spec.aggs.map((a) => field(a.sql, a.type, a.nullable)))
}

function describeAggregates(aggs: readonly BoundAggCall[]): string {
  return aggs.map((a) => `${a.name}(${a.args.map((x) => simpleString(x.type)).join(', ')})`).join(', ')
}

/** `merge(a, b)`: folds group b's slots into group a's (the aggregates' merge templates). */
function compileMerge(spec: AggregateSpec): (a: GroupState, b: GroupState) => void {
  return compileMergeOf(
    spec,
    ['a', 'b'],
    (i) => `a.s${i}`,
    (i) => `b.s${i}`,
  )
}

/**
 * `mergeSaved(a, b)` over a stored value's slots (`a[i]`), or undefined when a slot is not a plain
 * value (a set, list or sketch must be copied deeply before it is changed: `restore` does that).
 */
function compileMergeSaved(spec: AggregateSpec): ((a: unknown[], b: GroupState) => void) | undefined {
  if (slotCodecsOf(spec).some((c) => c !== 'value')) return undefined
  return compileMergeOf(
    spec,
    ['$a', '$b'],
    (i) => `$a[${i}]`,
    (i) => `$b.s${i}`,
  )
}

/** The aggregates' merge templates over every slot, `into(i)` receiving `from(i)`. */
function compileMergeOf<A, B>(
  spec: AggregateSpec,
  params: readonly [string, string],
  into: (slot: number) => string,
  from: (slot: number) => string,
): (a: A, b: B) => void {
  const b = new CodeBuilder()
  declareHelpers(b, spec)
  let next = 0
  for (const agg of spec.aggs) {
    const idx = agg.impl.init.map(() => next++)
    b.emit(agg.impl.merge(idx.map(into), idx.map(from)))
  }
  return b.build([...params])
}

/** How a slot is stored and restored, as its aggregate declares. */
function slotCodec(codec: SlotCodec): { save: (v: string) => string; restore: (v: string) => string } {
  switch (codec) {
    case 'set':
      return { save: (v) => v, restore: (v) => `new Set(${v})` }
    case 'map':
      return { save: (v) => v, restore: (v) => `new Map(${v})` }
    case 'list':
      return { save: (v) => v, restore: (v) => `${v}.slice()` }
    case 'hll':
      return { save: (v) => `saveHll(${v})`, restore: (v) => `restoreHll(newHll(), ${v})` }
    case 'value':
      return { save: (v) => v, restore: (v) => v }
  }
}

/** Each slot's codec, in slot order (an aggregate that declares none keeps plain values). */
function slotCodecsOf(spec: AggregateSpec): SlotCodec[] {
  return spec.aggs.flatMap((a) => a.impl.init.map((_, i) => a.impl.slotCodecs?.[i] ?? 'value'))
}

const HLL_HELPERS = {
  saveHll: (h: HyperLogLogPlusPlus) => h.registersCopy(),
  restoreHll: (h: HyperLogLogPlusPlus, registers: Uint8Array) => h.loadRegisters(registers),
}

function compileSave(spec: AggregateSpec): (st: GroupState) => Saved {
  const b = new CodeBuilder()
  declareHelpers(b, spec)
  for (const [name, value] of Object.entries(HLL_HELPERS)) b.emit(`const ${name} = ${b.constant(value)}`)
  const slots = slotCodecsOf(spec).map((codec, i) => slotCodec(codec).save(`st.s${i}`))
  b.emit(`return [${slots.join(', ')}]`)
  return b.build(['st'])
}

/** Rebuilds a group object (same shape as the aggregation's state literal) from a stored value. */
function compileRestore(spec: AggregateSpec): (key: StateKey, saved: Saved) => GroupState {
  const b = new CodeBuilder()
  declareHelpers(b, spec)
  for (const [name, value] of Object.entries(HLL_HELPERS)) b.emit(`const ${name} = ${b.constant(value)}`)
  // Parameter names no aggregate helper uses (distinct aggregates declare a `key` helper).
  const keys = spec.groupBy.map((_, i) => `k${i}: $stateKey[${i}]`)
  const slots = slotCodecsOf(spec).map((codec, i) => `s${i}: ${slotCodec(codec).restore(`$saved[${i}]`)}`)
  b.emit(`return { ${[...keys, ...slots].join(', ')} }`)
  return b.build(['$stateKey', '$saved'])
}
