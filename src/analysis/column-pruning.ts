/**
 * Spark's ColumnPruning for projected columns: a projected expression that nothing above it reads
 * is never evaluated, so its errors (an ANSI `CAST` that raises, an overflow, a division by zero)
 * never happen, as in Spark. Checked against PySpark 4.3 (test/unit/analysis/spark/column_pruning.py):
 * Spark prunes an unread column under another projection, an aggregation (which reads only its keys
 * and arguments), a filter (which reads its condition's columns), a watermark, a union, a sort, a
 * limit, a deduplication, a join, an explode and a session window, non-deterministic expressions
 * included (Sluice: all but a stream-stream join); and as its CollapseProject, a projection over a
 * projection is merged when that evaluates nothing twice. A filter over a projection of
 * deterministic expressions moves below it first, as Spark's PushPredicateThroughNonJoin, so what
 * the projection computes runs only on the rows kept.
 *
 * The plan keeps its shape: an unread expression becomes a NULL literal of its type, so every
 * ordinal above it stays valid. Nodes whose rows leave the plan whole (a stream-stream join, a
 * dead-letter split, observe, JavaScript functions over rows, stateful functions, a watermark with a
 * late-rows output) read every column, which keeps what they store and emit as before.
 */
import { type BoundExpr, boundChildren, boundLiteral } from '../functions/bound-expr.ts'
import { type AnalyzedPlan, eventTimeColumn } from './analyzed-plan.ts'
import { transformBound } from './rewrite.ts'
import { isStreamingAnalyzed } from './streaming-checks.ts'

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

type Project = Extract<AnalyzedPlan, { kind: 'project' }>

function pruneProject(p: Project, required: Required): AnalyzedPlan {
  const read = (i: number) => required === undefined || required.has(i)
  const exprs = p.exprs.map((e, i) => (read(i) ? e : unread(e)))
  // NOTE: an unread plain reference stays but asks nothing of the child: its value is never read.
  const child = prune(p.child, refsOf(p.exprs.filter((_, i) => read(i))))
  return collapse({ ...p, exprs, child }, read)
}

const isDeterministic = (e: BoundExpr): boolean =>
  e.kind !== 'udf' && (e.kind !== 'call' || e.deterministic) && boundChildren(e).every(isDeterministic)

const isCheap = (e: BoundExpr): boolean =>
  e.kind === 'ref' || e.kind === 'literal' || (e.kind === 'field' && isCheap(e.child))

function countRefs(e: BoundExpr, counts: Map<number, number>): void {
  if (e.kind === 'ref') counts.set(e.ordinal, (counts.get(e.ordinal) ?? 0) + 1)
  for (const c of boundChildren(e)) countRefs(c, counts)
}

/**
 * Spark's CollapseProject: a projection over a projection becomes one, its input columns replaced
 * by their expressions, when each one read is deterministic and read once (or cheap: a column, a
 * literal, a field of one). Inlined into a CASE branch or an AND, an expression then runs only
 * where that branch does, so `CASE WHEN v > 100 THEN x END` over `CAST(s AS INT) AS x` never
 * casts a row with v <= 100.
 */
function collapse(p: Project, read: (i: number) => boolean): AnalyzedPlan {
  const child = p.child
  if (child.kind !== 'project') return p
  const counts = new Map<number, number>()
  for (const [i, e] of p.exprs.entries()) if (read(i)) countRefs(e, counts)
  for (const [i, n] of counts) {
    const producer = child.exprs[i]
    if (!isDeterministic(producer) || (n > 1 && !isCheap(producer))) return p
  }
  const inline = (e: BoundExpr) =>
    transformBound(e, (x) => (x.kind === 'ref' ? child.exprs[x.ordinal] : undefined))
  const exprs = p.exprs.map((e, i) => (read(i) ? inline(e) : boundLiteral(null, e.type)))
  return { ...p, exprs, child: child.child }
}

/**
 * Spark's PushPredicateThroughNonJoin over a projection of deterministic expressions: the filter
 * moves below it, its columns replaced by their expressions, so a projected expression runs only
 * on the rows the filter keeps (and two projections it separated can merge).
 */
function pushBelowProject(filter: Extract<AnalyzedPlan, { kind: 'filter' }>, project: Project): Project {
  const condition = transformBound(filter.condition, (x) =>
    x.kind === 'ref' ? project.exprs[x.ordinal] : undefined,
  )
  const below = project.child
  return { ...project, child: { kind: 'filter', condition, child: below, output: below.output } }
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
      if (p.child.kind === 'project' && p.child.exprs.every(isDeterministic))
        return prune(pushBelowProject(p, p.child), required)
      return { ...p, child: prune(p.child, union(required, p.output.length, [p.condition])) }
    case 'aggregate':
      return { ...p, child: prune(p.child, refsOf([...p.groupBy, ...p.aggs.flatMap((a) => a.args)])) }
    case 'watermark':
      // A late-rows output (beyond Spark) shows the stream's rows whole.
      if (p.lateRows !== undefined) return { ...p, child: prune(p.child, undefined) }
      return { ...p, child: prune(p.child, new Set(required ?? p.output.map((_, i) => i)).add(p.eventTime)) }
    case 'deduplicate': {
      // Its state holds the keys (and the event time's expiry), never the other columns.
      const need = union(required, p.output.length, [])
      for (const k of [...p.keys, eventTimeColumn(p.child.output)]) if (k >= 0) need.add(k)
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
      return pruneJoin(p, required)
    case 'deadLetter':
    case 'observe':
    case 'mapRows':
    case 'groupsWithState':
    case 'transformWithState':
      return { ...p, child: prune(p.child, undefined) }
  }
}

/**
 * Each side of a join asked for the columns read above it and by its condition. A stream-stream
 * join stores its sides' rows in state, so it reads every column of both.
 */
function pruneJoin(p: Extract<AnalyzedPlan, { kind: 'join' }>, required: Required): AnalyzedPlan {
  if (isStreamingAnalyzed(p.left) && isStreamingAnalyzed(p.right))
    return { ...p, left: prune(p.left, undefined), right: prune(p.right, undefined) }
  const width = p.left.output.length
  const [left, right] = [refsOf(p.leftKeys), refsOf(p.rightKeys)]
  const split = (i: number) => (i < width ? left.add(i) : right.add(i - width))
  for (const i of union(required, p.output.length, p.residual === null ? [] : [p.residual])) split(i)
  return { ...p, left: prune(p.left, left), right: prune(p.right, right) }
}
