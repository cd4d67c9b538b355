/**
 * Physical operators. Batch execution materialises each operator's output as an array of
 * positional rows (a RowBatch); streaming will drive the same operators per micro-batch.
 */
import type { RuntimeContext } from '../functions/function-def.ts'

export type Row = unknown[]
/** One batch of rows. An alias today; a columnar layout can replace it inside exec later. */
export type RowBatch = Row[]

export interface ExecContext {
  readonly runtime: RuntimeContext
}

export interface ExecNode {
  /** Operator name as shown by explain(), e.g. `HashAggregateExec`. */
  readonly name: string
  readonly children: readonly ExecNode[]
  /** One-line description of the operator's arguments, for explain(). */
  describe(): string
  execute(ctx: ExecContext): RowBatch
}

/** Spark-style indented tree of a physical plan. */
export function explainExec(root: ExecNode): string {
  const lines: string[] = []
  const walk = (n: ExecNode, depth: number): void => {
    lines.push(`${depth === 0 ? '' : `${'   '.repeat(depth - 1)}+- `}${n.name} ${n.describe()}`.trimEnd())
    for (const c of n.children) walk(c, depth + 1)
  }
  walk(root, 0)
  return lines.join('\n')
}
