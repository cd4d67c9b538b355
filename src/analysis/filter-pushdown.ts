/**
 * Spark's PushPredicateThroughNonJoin rule for a filter written after `withWatermark`: the
 * conjuncts that are deterministic and do not name the event-time column move below the
 * EventTimeWatermark node, so the rows they remove never advance the watermark. The others stay
 * above it. A filter over a union is pushed into its inputs first, and one over a projection
 * through it (its columns replaced by their deterministic expressions), as Spark does. (Spark's
 * optimizer does this for every query, so the watermark a query computes depends on it.)
 */
import { type BoundCall, type BoundExpr, boundChildren } from '../functions/bound-expr.ts'
import type { AnalyzedPlan } from './analyzed-plan.ts'
import { transformBound } from './rewrite.ts'

type Filter = Extract<AnalyzedPlan, { kind: 'filter' }>

const conjuncts = (e: BoundExpr): BoundExpr[] =>
  e.kind === 'call' && e.name === 'and' ? e.args.flatMap(conjuncts) : [e]

const isDeterministic = (e: BoundExpr): boolean =>
  (e.kind !== 'call' || e.deterministic) && boundChildren(e).every(isDeterministic)

const references = (e: BoundExpr, ordinal: number): boolean =>
  (e.kind === 'ref' && e.ordinal === ordinal) || boundChildren(e).some((c) => references(c, ordinal))

/** `a AND b AND ...`, built from the first conjunct's `and` node shape. */
function andOf(parts: readonly BoundExpr[], template: BoundExpr): BoundExpr {
  if (parts.length === 1) return parts[0]
  const and = template as BoundCall
  return parts.slice(1).reduce<BoundExpr>(
    (left, right) =>
      Object.freeze({
        ...and,
        args: [left, right],
        nullable: left.nullable || right.nullable,
        sql: `(${sqlOf(left)} AND ${sqlOf(right)})`,
      }),
    parts[0],
  )
}

const sqlOf = (e: BoundExpr): string =>
  e.kind === 'call' ? e.sql : e.kind === 'ref' ? e.name : String(e.kind)

/**
 * The filter with what Spark pushes below a watermark directly under it moved there; over a
 * union, its deterministic conjuncts go into each input first (Spark's union case of the same
 * rule), and from there below each input's watermark.
 *
 * @example
 * pushFilterBelowWatermark(Filter(v > 0, Watermark(ts, Relation))) // Watermark(ts, Filter(v > 0, Relation))
 */
export function pushFilterBelowWatermark(filter: Filter): AnalyzedPlan {
  const child = filter.child
  if (child.kind === 'union') return pushIntoUnion(filter, child)
  if (child.kind === 'project') return pushThroughProject(filter, child)
  if (child.kind !== 'watermark') return filter
  const parts = conjuncts(filter.condition)
  const down = parts.filter((p) => isDeterministic(p) && !references(p, child.eventTime))
  if (down.length === 0) return filter
  const up = parts.filter((p) => !down.includes(p))
  const below = child.child
  const pushed: AnalyzedPlan = {
    ...child,
    child: { kind: 'filter', condition: andOf(down, filter.condition), child: below, output: below.output },
  }
  return up.length === 0 ? pushed : { ...filter, condition: andOf(up, filter.condition), child: pushed }
}

type Union = Extract<AnalyzedPlan, { kind: 'union' }>

// NOTE: a union's inputs have its columns at the same ordinals (the analyzer casts a side whose
// types differ in a projection), so a condition over the union reads the same over each input.
function pushIntoUnion(filter: Filter, union: Union): AnalyzedPlan {
  const parts = conjuncts(filter.condition)
  const down = parts.filter(isDeterministic)
  if (down.length === 0) return filter
  const up = parts.filter((p) => !down.includes(p))
  const condition = andOf(down, filter.condition)
  const side = (p: AnalyzedPlan) =>
    pushFilterBelowWatermark({ kind: 'filter', condition, child: p, output: p.output })
  const pushed: AnalyzedPlan = { ...union, left: side(union.left), right: side(union.right) }
  return up.length === 0 ? pushed : { ...filter, condition: andOf(up, filter.condition), child: pushed }
}

type Project = Extract<AnalyzedPlan, { kind: 'project' }>

/**
 * Spark's Filter-over-Project case: with every projected expression deterministic, the condition
 * over the projection's columns is rewritten over its input (each column replaced by its
 * expression) and pushed further. Only done when that moves something below a watermark: other
 * plans keep their shape.
 */
function pushThroughProject(filter: Filter, project: Project): AnalyzedPlan {
  if (!project.exprs.every(isDeterministic)) return filter
  const below = project.child
  const condition = transformBound(filter.condition, (e) =>
    e.kind === 'ref' ? project.exprs[e.ordinal] : undefined,
  )
  const inner: Filter = { kind: 'filter', condition, child: below, output: below.output }
  const pushed = pushFilterBelowWatermark(inner)
  return pushed === inner ? filter : { ...project, child: pushed }
}
