/**
 * `withWatermark` in a streaming plan: passes rows through and records the batch's event times
 * (max, min, sum, count of non-null values) for the runtime, which advances the watermark after the
 * batch (Spark's EventTimeWatermarkExec). In a batch plan withWatermark is a no-op and this
 * operator is not planned.
 */
import type { ExecContext, ExecNode, RowBatch } from '../exec-node.ts'
import { eventTimeOf, requireStream } from '../stateful.ts'

export class EventTimeWatermarkExec implements ExecNode {
  readonly name = 'EventTimeWatermarkExec'
  readonly children: readonly ExecNode[]
  /** This operator's position among the plan's watermark operators (the runtime's index). */
  readonly watermarkIndex: number
  readonly delayMs: number
  readonly idleTimeoutMs: number | undefined
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
      idleTimeoutMs: number | undefined
    },
  ) {
    this.children = [child]
    this.watermarkIndex = opts.watermarkIndex
    this.eventTime = opts.eventTime
    this.isWindow = opts.isWindow
    this.column = opts.column
    this.delayMs = opts.delayMs
    this.idleTimeoutMs = opts.idleTimeoutMs
  }

  describe(): string {
    return `${this.column}, delay=${this.delayMs} ms`
  }

  execute(ctx: ExecContext): RowBatch {
    const rows = this.children[0].execute(ctx)
    const stats = requireStream(ctx, this.name).eventTimeStats(this.watermarkIndex)
    const col = this.eventTime
    for (let i = 0; i < rows.length; i++) {
      const t = eventTimeOf(rows[i][col], this.isWindow)
      if (t === null) continue
      if (t > stats.max) stats.max = t
      if (t < stats.min) stats.min = t
      stats.sum += t
      stats.count++
    }
    return rows
  }
}
