/**
 * Compiles bound expressions into generated functions: one expression, a projection, or a predicate
 * over positional rows. Pipelines of several filters and projections are fused by exec/pipeline.ts
 * on top of the same emitter.
 */
import type { BoundExpr } from '../../functions/bound-expr.ts'
import { CodeBuilder } from './code-builder.ts'
import { genExpr } from './expr-codegen.ts'
import { foldConstants } from './fold-constants.ts'

export type Row = unknown[]

/** `(row) => value` for one expression. */
export function compileExpr(e: BoundExpr): (row: Row) => unknown {
  const b = new CodeBuilder()
  const v = genExpr(foldConstants(e), b, (i) => `row[${i}]`)
  b.emit(`return ${v}`)
  return b.build(['row'])
}

/** `(row) => newRow` evaluating every expression. */
export function compileProjection(exprs: readonly BoundExpr[]): (row: Row) => Row {
  const b = new CodeBuilder()
  const vs = exprs.map((e) => genExpr(foldConstants(e), b, (i) => `row[${i}]`))
  b.emit(`return [${vs.join(', ')}]`)
  return b.build(['row'])
}
