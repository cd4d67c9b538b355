/**
 * Which input columns a filter condition proves non-null: a row passes only when the condition is
 * true, and a null-intolerant call over a NULL column is NULL, so every column reached through a
 * chain of null-intolerant calls in a top-level AND branch is non-null in the filter's output
 * (Spark's FilterExec does the same with `notNullAttributes`). Operators above the filter then
 * compile without null checks for those columns.
 */
import type { BoundExpr } from '../functions/bound-expr.ts'

const LAZY_OR_NULL_SAFE = new Set(['and', 'or', 'coalesce'])

export function nullRejectedOrdinals(condition: BoundExpr): Set<number> {
  const out = new Set<number>()
  const conjuncts = (e: BoundExpr): BoundExpr[] =>
    e.kind === 'call' && e.name === 'and' ? e.args.flatMap(conjuncts) : [e]
  for (const c of conjuncts(condition)) collect(c, out)
  return out
}

function collect(e: BoundExpr, out: Set<number>): void {
  switch (e.kind) {
    case 'ref':
      out.add(e.ordinal)
      return
    case 'field':
      collect(e.child, out)
      return
    case 'call':
      // isnotnull(x) is null-safe itself, but passing it proves x is not null.
      if (e.name === 'isnotnull') {
        collect(e.args[0], out)
        return
      }
      if (LAZY_OR_NULL_SAFE.has(e.name) || (e.impl.kind !== 'op' && e.impl.nullSafe === true)) return
      for (const a of e.args) collect(a, out)
      return
    default:
      // CASE, UDFs and literals can turn NULL into a value; they prove nothing.
      return
  }
}
