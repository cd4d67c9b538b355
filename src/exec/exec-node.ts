/**
 * Physical operators. Batch execution materialises each operator's output as an array of
 * positional rows (a RowBatch); streaming will drive the same operators per micro-batch.
 */
import type { RuntimeContext } from '../functions/function-def.ts'
import type { StreamBatchContext } from './stateful.ts'

export type Row = unknown[]
/** One batch of rows. An alias today; a columnar layout can replace it inside exec later. */
export type RowBatch = Row[]

export interface ExecContext {
  readonly runtime: RuntimeContext
  /** Set while a streaming micro-batch runs: its watermarks and the stateful operators' stores. */
  readonly stream?: StreamBatchContext
  /**
   * Set while a stateful operator replays one late candidate row through the operators between it
   * and the watermark operator `watermarkIndex` (to learn whether it would drop that row): that
   * watermark operator yields just `row`, and every other input yields nothing.
   */
  readonly replay?: { readonly watermarkIndex: number; readonly row: Row }
  /** Set by a batch action: receives each observe() node's metrics (streams record them in `stream`). */
  readonly observedMetrics?: ObservedMetricsCollector
}

/** Receives the metrics row of observe(`name`, ...) (column name -> value). */
export type ObservedMetricsCollector = (name: string, row: Readonly<Record<string, unknown>>) => void

export interface ExecNode {
  /** Operator name as shown by explain(), e.g. `HashAggregateExec`. */
  readonly name: string
  readonly children: readonly ExecNode[]
  /** One-line description of the operator's arguments, for explain(). */
  describe(): string
  execute(ctx: ExecContext): RowBatch
  /** A stateful operator's id (it names `state/<operatorId>`); absent on stateless operators. */
  readonly operatorId?: number
}

/** An operator that runs generated code (optional capability, shown by explain('codegen')). */
export interface CodegenExec extends ExecNode {
  readonly generatedCode: string
}

export function isCodegenExec(n: ExecNode): n is CodegenExec {
  return typeof (n as Partial<CodegenExec>).generatedCode === 'string'
}

/** The nodes of a physical plan that satisfy `test`, depth first. @example findNodes(root, isStatefulExec) */
export function findNodes<T extends ExecNode>(root: ExecNode, test: (n: ExecNode) => n is T): T[] {
  const out: T[] = []
  const walk = (n: ExecNode): void => {
    if (test(n)) out.push(n)
    for (const c of n.children) walk(c)
  }
  walk(root)
  return out
}

/** Spark-style indented tree of a physical plan; with `codegen`, each stage's generated source. */
export function explainExec(root: ExecNode, codegen = false): string {
  const lines: string[] = []
  const code: string[] = []
  const walk = (n: ExecNode, depth: number): void => {
    lines.push(`${depth === 0 ? '' : `${'   '.repeat(depth - 1)}+- `}${n.name} ${n.describe()}`.trimEnd())
    if (codegen && isCodegenExec(n)) code.push(`== Generated code: ${n.name} ==\n${n.generatedCode}`)
    for (const c of n.children) walk(c, depth + 1)
  }
  walk(root, 0)
  return [lines.join('\n'), ...code].join('\n\n')
}
