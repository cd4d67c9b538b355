import type { ExecContext, ExecNode, RowBatch } from '../exec-node.ts'
import { requireStream } from '../stateful.ts'

/**
 * The rows a stream contributes to the current micro-batch, read from the batch's context (the
 * plan is compiled once per query and holds no per-batch rows).
 */
export class StreamScanExec implements ExecNode {
  readonly name = 'StreamScanExec'
  readonly children: readonly ExecNode[] = []
  readonly relationId: number

  constructor(relationId: number) {
    this.relationId = relationId
  }
  describe(): string {
    return `[relation ${this.relationId}]`
  }
  execute(ctx: ExecContext): RowBatch {
    // A late candidate's replay reads nothing from the sources (see routeLateRows).
    if (ctx.replay !== undefined) return []
    return requireStream(ctx, this.name).input(this.relationId)
  }
}
