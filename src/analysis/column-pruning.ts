/**
 * Spark's ColumnPruning for projected columns: a projected expression that nothing above it reads
 * is never evaluated, so its errors (an ANSI `CAST` that raises, an overflow, a division by zero)
 * never happen, as in Spark. Checked against PySpark 4.3 (test/unit/analysis/spark/column_pruning.py):
 * Spark prunes an unread column under another projection, an aggregation (which reads only its keys
 * and arguments), a filter (which reads its condition's columns), a watermark, a union, a sort, a
 * limit, an explode and a session window, non-deterministic expressions included.
 *
 * The plan keeps its shape: an unread expression becomes a NULL literal of its type, so every
 * ordinal above it stays valid. Nodes whose rows leave the plan whole (a deduplication, a join, a
 * dead-letter split, observe, JavaScript functions over rows, stateful functions) read every
 * column, which keeps what they store and emit as before.
 */
import { type BoundExpr, boundChildren, boundLiteral } from '../functions/bound-expr.ts'
import type { AnalyzedPlan } from './analyzed-plan.ts'

/** The ordinals of a node's output its parent reads; `undefined`: all of them. */
type Required = ReadonlySet<number> | undefined

function addRefs(e: BoundExpr, out: Set<number>): void {
  if (e.kind === 'ref') out.add(e.ordinal)
  for (const c of boundChildren(e)) addRefs(c, out)
}

/** `required` (all of `width` when undefined) plus every column `exprs` read. */
function union(required: Required, width: number, exprs: readonly BoundExpr[]): Set<number> {
  const out = new Set(required ?? Array.from({ length: width }, (_, i) => i))
  for (const e of exprs) addRefs(e, out)
  return out
}

/** Only the ordinals below `width` (the columns a node passes through from its child). */
const below = (required: Required, width: number): Required =>
  required === undefined ? undefined : new Set([...required].filter((i) => i < width))

const refsOf = (exprs: readonly BoundExpr[]): Set<number> => union(new Set(), 0, exprs)

/** An expression nothing reads, as a NULL of its type (plain references and literals stay). */
const unread = (e: BoundExpr): BoundExpr =>
  e.kind === 'ref' || e.kind === 'literal' ? e : boundLiteral(null, e.type)

function pruneProject(p: Extract<AnalyzedPlan, { kind: 'project' }>, required: Required): AnalyzedPlan {
  if (required === undefined) return { ...p, child: prune(p.child, refsOf(p.exprs)) }
  const exprs = p.exprs.map((e, i) => (required.has(i) ? e : unread(e)))
  // NOTE: an unread plain reference stays but asks nothing of the child: its value is never read.
  return { ...p, exprs, child: prune(p.child, refsOf(p.exprs.filter((_, i) => required.has(i)))) }
}

/**
 * The plan with every projected expression that nothing reads replaced by a NULL literal.
 *
 * @example
 * pruneColumns(Aggregate([k], count(*), Project([k, v, CAST(s AS INT) AS x], Relation)))
 * // Aggregate([k], count(*), Project([k, v, NULL AS x], Relation))
 */
export function pruneColumns(plan: AnalyzedPlan): AnalyzedPlan {
  return prune(plan, undefined)
}

function prune(p: AnalyzedPlan, required: Required): AnalyzedPlan {
  switch (p.kind) {
    case 'project':
      return pruneProject(p, required)
    case 'filter':
      return { ...p, child: prune(p.child, union(required, p.output.length, [p.condition])) }
    case 'aggregate':
      return { ...p, child: prune(p.child, refsOf([...p.groupBy, ...p.aggs.flatMap((a) => a.args)])) }
    case 'watermark': {
      const need = new Set(required ?? p.output.map((_, i) => i)).add(p.eventTime)
      return { ...p, child: prune(p.child, need) }
    }
    case 'union':
      return { ...p, left: prune(p.left, required), right: prune(p.right, required) }
    case 'sort':
      return {
        ...p,
        child: prune(
          p.child,
          union(
            required,
            p.output.length,
            p.keys.map((k) => k.expr),
          ),
        ),
      }
    case 'limit':
      return { ...p, child: prune(p.child, required) }
    case 'generate': {
      const width = p.child.output.length
      return { ...p, child: prune(p.child, union(below(required, width), width, [p.input])) }
    }
    case 'sessionize': {
      const width = p.child.output.length
      const reads = [...p.keys, p.time, p.gap]
      return { ...p, child: prune(p.child, union(below(required, width), width, reads)) }
    }
    case 'localRelation':
    case 'batchScan':
    case 'streamingRelation':
      return p
    case 'join':
      return { ...p, left: prune(p.left, undefined), right: prune(p.right, undefined) }
    case 'deduplicate':
    case 'deadLetter':
    case 'observe':
    case 'mapRows':
    case 'groupsWithState':
    case 'transformWithState':
      return { ...p, child: prune(p.child, undefined) }
  }
}
