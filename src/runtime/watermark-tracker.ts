/**
 * The query's event-time watermark (shared/DESIGN.md §6), after Spark's WatermarkTracker: after
 * each batch, every withWatermark operator that saw rows moves its own watermark to the batch's
 * largest event time minus its delay (never back); the global watermark is the minimum of the
 * operators' watermarks (or the maximum, `sluice.streaming.multipleWatermarkPolicy = max`) and never
 * moves back either. An operator that has not seen a row since the query started counts as 0, as in
 * Spark (so under 'min' it holds the watermark at its old value). The global watermark is logged
 * with the next batch's offsets and applied from that batch on.
 *
 * Beyond Spark: an operator declared with `idleTimeout` that has seen no row for that long
 * (processing time, counted from the query's start until its first row) is left out, so a quiet
 * input stops holding the watermark back. When every operator is left out, the watermark stays.
 */
import type { EventTimeStats } from '../exec/stateful.ts'

export type WatermarkPolicy = 'min' | 'max'

export interface WatermarkOperator {
  readonly delayMs: number
  readonly idleTimeoutMs: number | undefined
}

interface OperatorState {
  watermarkMs: number | undefined
  lastRowAtMs: number
}

export class WatermarkTracker {
  private readonly operators: readonly WatermarkOperator[]
  private readonly policy: WatermarkPolicy
  private readonly state: OperatorState[]
  private global: number

  /** `startedAtMs`: processing time the query started (idleness counts from it until a first row). */
  constructor(operators: readonly WatermarkOperator[], policy: WatermarkPolicy, startedAtMs: number) {
    this.operators = operators
    this.policy = policy
    this.state = operators.map(() => ({ watermarkMs: undefined, lastRowAtMs: startedAtMs }))
    this.global = 0
  }

  /** Whether the query declares any watermark. */
  get defined(): boolean {
    return this.operators.length > 0
  }

  /** The global watermark now (ms since the epoch; 0 before the first one, as Spark). */
  get currentMs(): number {
    return this.global
  }

  /** Restores the global watermark logged in the checkpoint. */
  restore(ms: number): void {
    this.global = ms
  }

  /** Folds one batch's event times in (one stats entry per operator), at processing time `nowMs`. */
  observe(stats: readonly EventTimeStats[], nowMs: number): void {
    stats.forEach((s, i) => {
      if (s.count === 0) return
      const st = this.state[i]
      const wm = s.max - this.operators[i].delayMs
      if (st.watermarkMs === undefined || wm > st.watermarkMs) st.watermarkMs = wm
      st.lastRowAtMs = nowMs
    })
  }

  /** The global watermark the operators give at `nowMs`, without moving it (for a no-data check). */
  candidateMs(nowMs: number): number {
    const live: number[] = []
    this.state.forEach((st, i) => {
      const idle = this.operators[i].idleTimeoutMs
      if (idle !== undefined && nowMs - st.lastRowAtMs >= idle) return
      live.push(st.watermarkMs ?? 0)
    })
    if (live.length === 0) return this.global
    const chosen = this.policy === 'min' ? Math.min(...live) : Math.max(...live)
    return Math.max(chosen, this.global)
  }

  /** Moves the global watermark to what the operators give at `nowMs`; returns it. */
  advance(nowMs: number): number {
    this.global = this.candidateMs(nowMs)
    return this.global
  }
}
