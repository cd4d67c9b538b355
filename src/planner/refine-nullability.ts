/**
 * Nullability learned from filters, for code generation only. Above `WHERE price > 10000` the
 * column `price` cannot be NULL, so the fused loop may skip its null checks; the DataFrame's
 * schema keeps Spark's nullability (Spark's logical Filter does not change it either).
 */
import { transformBound } from '../analysis/rewrite.ts'
import type { StageOp } from '../exec/stage-codegen.ts'
import type { BoundExpr } from '../functions/bound-expr.ts'
import { nullRejectedOrdinals } from './null-rejection.ts'

/** `e` with refs to `nonNull` ordinals non-nullable, and strict calls and fields recomputed. */
export function refineNullability(e: BoundExpr, nonNull: ReadonlySet<number>): BoundExpr {
  if (nonNull.size === 0) return e
  return transformBound(e, (node) => {
    switch (node.kind) {
      case 'ref':
        return node.nullable && nonNull.has(node.ordinal) ? Object.freeze({ ...node, nullable: false }) : node
      case 'call': {
        if (!node.strict || !node.nullable) return undefined
        const args = node.args.map((a) => refineNullability(a, nonNull))
        return Object.freeze({ ...node, args, nullable: args.some((a) => a.nullable) })
      }
      case 'field': {
        const child = refineNullability(node.child, nonNull)
        const own =
          child.type.kind === 'struct'
            ? (child.type.fields.find((f) => f.name === node.name)?.nullable ?? true)
            : true
        return Object.freeze({ ...node, child, nullable: child.nullable || own })
      }
      default:
        return undefined
    }
  })
}

/**
 * Refines a fused stage: each filter adds the columns it proves non-null, each projection passes
 * on which of its outputs are non-null. Returns the refined ops and the non-null ordinals of the
 * stage's output (for an aggregation fused on top).
 */
export function refineStage(ops: readonly StageOp[]): { ops: StageOp[]; nonNull: Set<number> } {
  let nonNull = new Set<number>()
  const out: StageOp[] = []
  for (const op of ops) {
    if (op.kind === 'filter') {
      const condition = refineNullability(op.condition, nonNull)
      nonNull = new Set([...nonNull, ...nullRejectedOrdinals(condition)])
      out.push({ kind: 'filter', condition })
    } else {
      const exprs = op.exprs.map((e) => refineNullability(e, nonNull))
      nonNull = new Set(exprs.flatMap((e, i) => (e.nullable ? [] : [i])))
      out.push({ kind: 'project', exprs })
    }
  }
  return { ops: out, nonNull }
}
