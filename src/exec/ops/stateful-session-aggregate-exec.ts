/**
 * Streaming aggregation by session window (Spark's SessionWindowStateStoreRestoreExec +
 * MergingSessionsExec + SessionWindowStateStoreSaveExec). Below it every row carries its own
 * session [time, time + gap); the batch is aggregated per (keys, row session) as usual. Then, per
 * group key (the grouping keys other than the session):
 *
 * 1. the batch's sessions are merged where they overlap or touch (start <= the previous end);
 * 2. merged sessions whose end is behind the late-events watermark are dropped (and counted);
 * 3. the rest are merged the same way with the key's sessions in state, so rows bridging two
 *    stored sessions join them into one, across batches and restarts.
 *
 * State: key = the other grouping keys; value = the key's sessions sorted by start, each
 * `[saved slots with the session struct at its key position]`. Append mode emits and removes a
 * session once the eviction watermark reaches its end; complete mode emits every session. Update
 * mode is refused at start(), as in Spark.
 */
import { compositeKey } from '../../functions/values.ts'
import { structOf } from '../../schema/data-type.ts'
import type { StateKey } from '../../state/spi.ts'
import type { ExecContext, ExecNode, RowBatch } from '../exec-node.ts'
import type { StageOp } from '../stage-codegen.ts'
import { isBehind, type PartitionContext, routeLateRows, type StreamBatchContext } from '../stateful.ts'
import type { Exchanged } from './exchange-exec.ts'
import type { AggregateSpec, GroupState } from './hash-aggregate-exec.ts'
import {
  type DroppedSessions,
  type Saved,
  StatefulAggregateExec,
  type StatefulAggregateOptions,
} from './stateful-aggregate-exec.ts'

interface Session {
  readonly start: number
  readonly end: number
}

/** One stored session: the session struct, then the aggregate slots. */
type StoredSession = readonly [Session, Saved]

export class StatefulSessionAggregateExec extends StatefulAggregateExec {
  override readonly name = 'StatefulSessionAggregateExec'
  override readonly operatorName = 'sessionWindowStateStoreSaveExec'
  /** Position of the session key among the grouping keys. */
  private readonly sessionKey: number

  constructor(
    child: ExecNode,
    stage: { ops: readonly StageOp[]; inputWidth: number },
    spec: AggregateSpec,
    opts: StatefulAggregateOptions & { readonly sessionKey: number },
  ) {
    const otherFields = opts.keySchema.fields.filter((_, i) => i !== opts.sessionKey)
    super(child, stage, spec, { ...opts, keySchema: structOf(otherFields) })
    this.sessionKey = opts.sessionKey
    this.stateInfo = { ...this.stateInfo, operatorKind: 'session-window-aggregate' }
    this.watermarkDriven = opts.outputMode !== 'complete'
  }

  // Spark's SessionWindowStateStoreSaveExec runs batches without data in append mode only.
  override readonly watermarkDriven: boolean

  /** The full grouping key of a session of `other`: the session struct put back at its position. */
  private fullKey(other: StateKey, session: Session): unknown[] {
    const key = other.slice()
    key.splice(this.sessionKey, 0, session)
    return key
  }

  private sessionOf(st: GroupState): Session {
    return st[`k${this.sessionKey}`] as Session
  }

  /** Merges sessions sorted by start where they overlap or touch; folds merged groups together. */
  private sweep(sorted: GroupState[]): GroupState[] {
    const out: GroupState[] = []
    for (const st of sorted) {
      const cur = out[out.length - 1]
      const a = cur === undefined ? undefined : this.sessionOf(cur)
      const b = this.sessionOf(st)
      if (cur === undefined || a === undefined || b.start > a.end) {
        out.push(st)
        continue
      }
      this.merge(cur, st)
      cur[`k${this.sessionKey}`] = { start: a.start, end: Math.max(a.end, b.end) }
    }
    return out
  }

  /** Below the exchange: the batch's sessions grouped by their other keys, to those keys' partitions. */
  protected override routeEach(
    groups: readonly GroupState[],
    route: (key: StateKey, item: unknown) => void,
  ): void {
    const byKey = new Map<string, { other: unknown[]; sessions: GroupState[] }>()
    for (const st of groups) {
      const other = this.otherKeyOf(st)
      const id = compositeKey(other)
      let g = byKey.get(id)
      if (g === undefined) byKey.set(id, (g = { other, sessions: [] }))
      g.sessions.push(st)
    }
    for (const { other, sessions } of byKey.values()) route(other, sessions)
  }

  /** Two owners' sessions of one key: all of them (merged above the exchange). */
  protected override combineGroups(a: unknown, b: unknown): void {
    ;(a as GroupState[]).push(...(b as GroupState[]))
  }

  protected override mergeIntoState(
    pc: PartitionContext,
    part: Exchanged<unknown>,
    dropped: DroppedSessions,
  ): GroupState[] {
    const store = pc.store()
    const changed: GroupState[] = []
    for (let i = 0; i < part.keys.length; i++) {
      const other = part.keys[i]
      const sessions = part.items[i] as GroupState[]
      const batch = this.sweep(sessions.sort(byStart(this.sessionKey))).filter((st) => {
        const late = isBehind(this.sessionOf(st).end, pc.watermarkForLateEventsMs)
        if (late) {
          pc.metrics.numRowsDroppedByWatermark++
          if (this.lateInputs.length > 0) {
            const id = compositeKey(other)
            const list = dropped.get(id)
            if (list === undefined) dropped.set(id, [this.sessionOf(st)])
            else list.push(this.sessionOf(st))
          }
        }
        return !late
      })
      if (batch.length === 0) continue
      const stored = (store.get(other) as readonly StoredSession[] | undefined) ?? []
      const all = [
        ...stored.map(([session, saved]) => this.restore(this.fullKey(other, session), saved)),
        ...batch,
      ]
      const merged = this.sweep(all.sort(byStart(this.sessionKey)))
      store.put(
        other,
        merged.map((st) => [this.sessionOf(st), this.save(st)]),
      )
      changed.push(...merged)
    }
    return changed
  }

  /** A candidate is late when the merged session its own session joined in this batch was dropped. */
  protected override routeLate(ctx: ExecContext, _s: StreamBatchContext, dropped: DroppedSessions): void {
    if (dropped.size === 0) return
    routeLateRows(ctx, this.children[0], this.lateInputs, 'session_closed', (rows) => {
      const groups = this.groupsOf(rows)
      for (const st of groups) {
        const own = this.sessionOf(st)
        const list = dropped.get(compositeKey(this.otherKeyOf(st))) ?? []
        if (!list.some((d) => d.start <= own.start && own.end <= d.end)) return false
      }
      return groups.length > 0
    })
  }

  private otherKeyOf(st: GroupState): unknown[] {
    const other: unknown[] = []
    for (let i = 0; i < this.spec.groupBy.length; i++) if (i !== this.sessionKey) other.push(st[`k${i}`])
    return other
  }

  protected override outputAll(pc: PartitionContext, out: RowBatch): void {
    for (const e of pc.store().iterator()) {
      for (const [session, saved] of e.value as readonly StoredSession[])
        out.push(this.output(this.restore(this.fullKey(e.key, session), saved)))
    }
  }

  /** Emits (append) and removes the sessions the eviction watermark has passed, when it moved. */
  protected override evict(pc: PartitionContext, out: RowBatch | null): void {
    const wm = pc.watermarkForEvictionMs
    if (wm <= pc.watermarkForLateEventsMs) return
    const store = pc.store()
    for (const e of store.iterator()) {
      const sessions = e.value as readonly StoredSession[]
      const kept = sessions.filter(([session]) => !isBehind(session.end, wm))
      if (kept.length === sessions.length) continue
      if (out !== null) {
        for (const [session, saved] of sessions)
          if (isBehind(session.end, wm))
            out.push(this.output(this.restore(this.fullKey(e.key, session), saved)))
      }
      if (kept.length === 0) store.remove(e.key)
      else store.put(e.key, kept)
    }
  }
}

const byStart =
  (k: number) =>
  (a: GroupState, b: GroupState): number =>
    (a[`k${k}`] as Session).start - (b[`k${k}`] as Session).start
