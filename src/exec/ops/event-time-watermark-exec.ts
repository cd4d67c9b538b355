/**
 * `withWatermark` in a streaming plan: passes rows through and records the batch's event times
 * (max, min, sum, count of non-null values) for the runtime, which advances the watermark after the
 * batch (Spark's EventTimeWatermarkExec). In a batch plan withWatermark is a no-op and this
 * operator is not planned.
 *
 * Beyond Spark, with a late-rows output: rows whose event time is behind the late-events watermark
 * are also kept as late candidates. Only those can be dropped above: every event-time key an
 * operator compares (the time itself, or the end of a window or session containing it) is at or
 * after the row's event time. The stateful operator above decides which candidates it drops.
 */
import type { ExecContext, ExecNode, RowBatch } from '../exec-node.ts'
import { eventTimeOf, requireStream } from '../stateful.ts'

export class EventTimeWatermarkExec implements ExecNode {
  readonly name = 'EventTimeWatermarkExec'
  readonly children: readonly ExecNode[]
  /** This operator's position among the plan's watermark inputs (the runtime's index). */
  private readonly watermarkIndex: number
  private readonly delayMs: number
  /** The late-rows output this stream's dropped rows go to (beyond Spark), if any. */
  private readonly lateRows: string | undefined
  /** Whether rows behind the late-events watermark are kept as late candidates (never in complete mode). */
  private readonly keepLateCandidates: boolean
  private readonly eventTime: number
  private readonly isWindow: boolean
  private readonly column: string

  constructor(
    child: ExecNode,
    opts: {
      watermarkIndex: number
      eventTime: number
      isWindow: boolean
      column: string
      delayMs: number
      lateRows?: string | undefined
      /** The query's output mode (complete mode drops nothing, so nothing can be late). */
      outputMode: 'append' | 'update' | 'complete'
    },
  ) {
    this.children = [child]
    this.watermarkIndex = opts.watermarkIndex
    this.eventTime = opts.eventTime
    this.isWindow = opts.isWindow
    this.column = opts.column
    this.delayMs = opts.delayMs
    this.lateRows = opts.lateRows
    this.keepLateCandidates = opts.lateRows !== undefined && opts.outputMode !== 'complete'
  }

  describe(): string {
    const late = this.lateRows === undefined ? '' : `, lateRows=${this.lateRows}`
    return `${this.column}, delay=${this.delayMs} ms${late}`
  }

  execute(ctx: ExecContext): RowBatch {
    // A replay of one late candidate (see routeLateRows): only that row, from its own operator.
    if (ctx.replay !== undefined)
      return ctx.replay.watermarkIndex === this.watermarkIndex ? [ctx.replay.row] : []
    const rows = this.children[0].execute(ctx)
    const s = requireStream(ctx, this.name)
    const stats = s.eventTimeStats(this.watermarkIndex)
    const col = this.eventTime
    const candidates = this.keepLateCandidates ? s.lateRows.candidates(this.watermarkIndex) : null
    const lateWm = s.watermarkForLateEventsMs
    for (let i = 0; i < rows.length; i++) {
      const t = eventTimeOf(rows[i][col], this.isWindow)
      if (t === null) continue
      if (t > stats.max) stats.max = t
      if (t < stats.min) stats.min = t
      stats.sum += t
      stats.count++
      if (candidates !== null && t <= lateWm) candidates.push(rows[i])
    }
    return rows
  }
}
