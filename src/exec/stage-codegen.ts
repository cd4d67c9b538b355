/**
 * Fused stages: a chain of filters and projections compiled into one loop body. Projected columns
 * live in local variables, so a projection feeding another projection or a filter never builds an
 * intermediate row; only the stage's consumer (output, aggregation, ...) decides what to build.
 */
import type { BoundExpr } from '../functions/bound-expr.ts'
import type { CodeBuilder } from './expr/code-builder.ts'
import { genExpr, type RowAccess } from './expr/expr-codegen.ts'
import { foldConstants } from './expr/fold-constants.ts'

export type StageOp =
  | { readonly kind: 'filter'; readonly condition: BoundExpr }
  | { readonly kind: 'project'; readonly exprs: readonly BoundExpr[] }

/**
 * Emits the ops for the row in `rowVar`; a failed filter `continue`s the enclosing loop. Returns
 * how to read the stage's output columns and how many there are.
 */
export function emitStage(
  b: CodeBuilder,
  ops: readonly StageOp[],
  rowVar: string,
  width: number,
): { access: RowAccess; width: number } {
  let access: RowAccess = (i) => `${rowVar}[${i}]`
  let w = width
  for (const op of ops) {
    if (op.kind === 'filter') {
      const c = genExpr(foldConstants(op.condition), b, access)
      b.emit(`if (${c} !== true) continue`)
    } else {
      const current = access
      const vars = op.exprs.map((e) => genExpr(foldConstants(e), b, current))
      access = (i) => vars[i]
      w = vars.length
    }
  }
  return { access, width: w }
}

/** Describes a stage for explain(). */
export function describeStage(ops: readonly StageOp[]): string {
  return ops
    .map((op) =>
      op.kind === 'filter' ? `Filter ${sqlOf(op.condition)}` : `Project [${op.exprs.map(sqlOf).join(', ')}]`,
    )
    .join(' -> ')
}

export function sqlOf(e: BoundExpr): string {
  switch (e.kind) {
    case 'ref':
      return `${e.name}#${e.ordinal}`
    case 'literal':
      return JSON.stringify(e.value) ?? String(e.value)
    case 'call':
      return e.sql
    case 'field':
      return `${sqlOf(e.child)}.${e.name}`
    case 'udf':
      return `${e.name}(${e.args.map(sqlOf).join(', ')})`
    case 'case':
      return 'CASE WHEN ...'
    case 'lambdaVar':
      return e.name
    case 'lambda':
      return `(${e.params.map((p) => p.name).join(', ')}) -> ${sqlOf(e.body)}`
  }
}
