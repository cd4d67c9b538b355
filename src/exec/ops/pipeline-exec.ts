import type { CodegenExec, ExecContext, ExecNode, Row, RowBatch } from '../exec-node.ts'
import { CodeBuilder } from '../expr/code-builder.ts'
import { describeStage, emitStage, type StageOp } from '../stage-codegen.ts'

/** A fused chain of filters and projections: one generated loop over the input batch. */
export class PipelineExec implements CodegenExec {
  readonly name = 'PipelineExec'
  readonly children: readonly ExecNode[]
  readonly ops: readonly StageOp[]
  private readonly run: (rows: RowBatch) => RowBatch
  readonly generatedCode: string

  constructor(child: ExecNode, ops: readonly StageOp[], inputWidth: number) {
    this.children = [child]
    this.ops = ops
    const b = new CodeBuilder()
    b.emit('const out = []')
    b.block('for (let i = 0; i < rows.length; i++)', () => {
      b.emit('const r = rows[i]')
      const { access, width } = emitStage(b, ops, 'r', inputWidth)
      const cols = Array.from({ length: width }, (_, i) => access(i))
      // A pure filter passes its input rows through (rows are immutable).
      b.emit(ops.some((op) => op.kind === 'project') ? `out.push([${cols.join(', ')}])` : 'out.push(r)')
    })
    b.emit('return out')
    this.run = b.build(['rows'])
    this.generatedCode = b.lastSource
  }

  describe(): string {
    return describeStage(this.ops)
  }

  execute(ctx: ExecContext): RowBatch {
    return this.run(this.children[0].execute(ctx) as Row[])
  }
}
