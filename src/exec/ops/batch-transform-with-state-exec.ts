/**
 * `transformWithState` on a batch DataFrame: one processor over in-memory stores (nothing is
 * persisted); the initial state's rows reach `handleInitialState` first, then each group's rows
 * `handleInputRows` once; then, in ProcessingTime mode, the timers due at the query's time fire
 * (as Spark 4.3's batch transformWithState). There is no watermark (-1), so event-time timers never
 * fire; a TTL counts from the query's time and cannot expire within it.
 */
import type { TransformWithStateSpec } from '../../plan/logical-plan.ts'
import type { StatefulProcessor, TimerValues } from '../../plan/stateful-processor.ts'
import type { StructType } from '../../schema/data-type.ts'
import { MemoryStateStore } from '../../state/memory-state-store.ts'
import type { StateStore } from '../../state/spi.ts'
import { StateMap } from '../../state/state-map.ts'
import type { ExecContext, ExecNode, RowBatch } from '../exec-node.ts'
import type { PartitionContext } from '../stateful.ts'
import { callWithKey, decoderOf, groupRows, keyFunctionOf, outputEncoder } from './groups-with-state.ts'
import { LiveHandle, processorStores, type StateVariableDecl, TIMERS } from './processor-handle.ts'
import { timerValuesOf } from './transform-with-state-exec.ts'

export class BatchTransformWithStateExec implements ExecNode {
  readonly name = 'TransformWithStateExec'
  readonly children: readonly ExecNode[]
  readonly #spec: TransformWithStateSpec
  readonly #variables: readonly StateVariableDecl[]
  readonly #input: StructType

  constructor(
    child: ExecNode,
    spec: TransformWithStateSpec,
    variables: readonly StateVariableDecl[],
    input: StructType,
  ) {
    this.children = [child]
    this.#spec = spec
    this.#variables = variables
    this.#input = input
  }

  describe(): string {
    return `timeMode=${this.#spec.timeMode}, batch`
  }

  execute(ctx: ExecContext): RowBatch {
    const spec = this.#spec
    const decode = decoderOf(this.#input)
    const objects = this.children[0].execute(ctx).map(decode)
    const now = ctx.runtime.currentTimestamp
    const stores = new Map<string, StateStore>()
    const host = { commitUpdates: async () => undefined, describe: () => 'transformWithState (batch)' }
    for (const st of processorStores(spec.keyType, this.#variables))
      stores.set(st.storeName, new MemoryStateStore(host, 0, new StateMap(0, false), 0))
    const pc: PartitionContext = {
      batchId: 0,
      batchTimestampMs: now,
      partition: 0,
      watermarkForLateEventsMs: 0,
      watermarkForEvictionMs: 0,
      store: (name = 'default') => stores.get(name) as StateStore,
      metrics: { numRowsDroppedByWatermark: 0, custom: {} },
    }
    const counters = { numRegisteredTimers: 0, numDeletedTimers: 0, numValuesRemovedDueToTTLExpiry: 0 }
    const handle = new LiveHandle(pc, this.#variables, { counters, timeMode: spec.timeMode })
    const processor = spec.processor()
    processor.init(handle, spec.outputMode, spec.timeMode)
    // A batch query has no watermark: event-time timers never fire; processing-time ones due now do.
    const timerValues = timerValuesOf(spec.timeMode, now, -1)
    const out: unknown[] = []
    const checkKey = keyFunctionOf((k: unknown) => k, spec.keyType)
    for (const seed of spec.initialState ?? []) {
      const key = checkKey(seed.key as object)
      handle.key = key
      callWithKey(
        'transformWithState',
        key,
        () => {
          processor.handleInitialState?.(key, seed.row, timerValues)
          return []
        },
        out,
      )
    }
    for (const g of groupRows(objects, keyFunctionOf(spec.keyFn, spec.keyType))) {
      handle.key = g.key
      callWithKey(
        'transformWithState',
        g.key,
        () => processor.handleInputRows(g.key, g.rows, timerValues),
        out,
      )
    }
    if (spec.timeMode === 'ProcessingTime')
      fireDueTimers(processor, handle, { timers: pc.store(TIMERS), now, timerValues, out })
    processor.close?.()
    return outputEncoder(spec.outputSchema)(out as object[])
  }
}

/** Fires, in time order, the timers due at `now` (Spark 4.3 does so in a batch query too). */
function fireDueTimers(
  processor: StatefulProcessor<unknown, object, unknown>,
  handle: LiveHandle,
  at: {
    readonly timers: StateStore
    readonly now: number
    readonly timerValues: TimerValues
    readonly out: unknown[]
  },
): void {
  const due = [...at.timers.iterator()]
    .map((e) => e.key as readonly [number, unknown])
    .filter(([expiryMs]) => expiryMs <= at.now)
    .sort((a, b) => a[0] - b[0])
  for (const [expiryMs, key] of due) {
    handle.key = key
    handle.deleteTimer(expiryMs)
    if (processor.handleExpiredTimer === undefined) continue
    const info = Object.freeze({ getExpiryTimeInMs: () => expiryMs })
    callWithKey(
      'transformWithState',
      key,
      () => processor.handleExpiredTimer?.(key, at.timerValues, info) ?? [],
      at.out,
    )
  }
}
