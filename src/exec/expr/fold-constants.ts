/**
 * Constant folding: a deterministic call or CASE whose inputs are all literals is evaluated once at
 * compile time and replaced by its value, so `price > 10000` on a bigint column does not cast the
 * literal on every row. A constant that raises (e.g. `1 / 0`) is left in place, so the error still
 * happens when, and only if, a row evaluates it.
 */
import { transformBound } from '../../analysis/rewrite.ts'
import { type BoundExpr, boundChildren, boundLiteral } from '../../functions/bound-expr.ts'
import { CodeBuilder } from './code-builder.ts'
import { genExpr } from './expr-codegen.ts'

export function foldConstants(e: BoundExpr): BoundExpr {
  return transformBound(e, (node) => {
    if (node.kind !== 'call' && node.kind !== 'case') return undefined
    const kids = boundChildren(node).map(foldConstants)
    const rebuilt = rebuild(node, kids)
    if (!kids.every((k) => k.kind === 'literal')) return rebuilt
    if (rebuilt.kind === 'call' && !rebuilt.deterministic) return rebuilt
    try {
      const b = new CodeBuilder()
      b.emit(`return ${genExpr(rebuilt, b, () => 'undefined')}`)
      const value = b.build<() => unknown>([])()
      return { ...boundLiteral(value, rebuilt.type), nullable: value === null }
    } catch {
      return rebuilt
    }
  })
}

function rebuild(node: Extract<BoundExpr, { kind: 'call' | 'case' }>, kids: readonly BoundExpr[]): BoundExpr {
  if (node.kind === 'call') return Object.freeze({ ...node, args: kids })
  const branches = node.branches.map((_, i) => Object.freeze({ when: kids[2 * i], then: kids[2 * i + 1] }))
  const otherwise = node.otherwise === null ? null : kids[kids.length - 1]
  return Object.freeze({ ...node, branches, otherwise })
}
