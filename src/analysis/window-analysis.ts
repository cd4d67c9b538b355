/**
 * Time windows, as Spark's TimeWindowing and SessionWindowing rules: a `window()` or
 * `session_window()` call in a select or groupBy is computed by a node added below that operator,
 * and every occurrence of the call becomes a reference to the new column (`window` /
 * `session_window`), so a groupBy key is a plain column of the aggregate's input. See
 * window-plans.ts for the nodes. One query level may use one distinct window expression, as in
 * Spark (two would multiply the rows).
 */
import { SluiceError } from '../errors.ts'
import { type CallExpr, childrenOf, type Expr, mapChildren } from '../plan/expr.ts'
import { exprToSql } from '../plan/sql/expr-sql.ts'
import { type AnalyzedPlan, type Attribute, markerSourceOf } from './analyzed-plan.ts'
import type { Analyzer } from './analyzer.ts'
import { boundKey } from './rewrite.ts'
import { type Resolved, resolveColumn } from './scope.ts'
import { parseWindowSpec, type WindowSpec } from './window-args.ts'
import { planSessionize, planSessionPerRow, planTimeWindow } from './window-plans.ts'

const WINDOW_CALLS = new Set(['window', 'session_window'])

interface Found {
  readonly call: CallExpr
  readonly spec: WindowSpec
  /** Equal for two calls that compute the same windows. */
  readonly key: string
}

/**
 * Rewrites the window calls of an operator's expressions onto a new child. Returns the inputs
 * unchanged when there are none.
 *
 * @example
 * // groupBy(window(ts, '10 minutes'), k).count() becomes, over Project(child..., window):
 * rewriteTimeWindows(analyzer, [windowCall, k], [windowCall, k, count], child)
 * // -> { groupBy: [window, k], items: [window, k, count], child: Project [..., window] }
 */
export function rewriteTimeWindows(
  analyzer: Analyzer,
  groupBy: readonly Expr[],
  items: readonly Expr[],
  child: AnalyzedPlan,
): { groupBy: readonly Expr[]; items: readonly Expr[]; child: AnalyzedPlan } {
  const calls: CallExpr[] = []
  for (const e of groupBy) collectCalls(e, calls)
  for (const e of items) collectCalls(e, calls)
  if (calls.length === 0) return { groupBy, items, child }
  const node = groupBy.length > 0 ? 'Aggregate' : 'Project'
  const found = calls.map((call) => describeCall(analyzer, call, child, node))
  const foundBy = new Map(found.map((f) => [f.call as Expr, f]))
  if (new Set(found.map((f) => f.key)).size > 1) {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      `Multiple time/session window expressions would result in a cartesian product of rows, therefore they are currently not supported: ${[...new Set(found.map((f) => exprToSql(f.call)))].join(', ')}. Compute each window in its own select()/groupBy().`,
    )
  }
  const { spec } = found[0]
  const timeAttr = markerSourceOf(spec.time, child.output)
  let planned: { plan: AnalyzedPlan; attr: Attribute }
  if (spec.kind === 'window') {
    planned = planTimeWindow(analyzer, spec, child, timeAttr)
  } else if (groupBy.some((g) => foundBy.has(stripAlias(g)))) {
    // As a grouping key, rows of one group whose sessions overlap share one merged session.
    const others = groupBy.filter((g) => !foundBy.has(stripAlias(g)))
    const keys = others.map((g) => analyzer.bind(g, child.output, node))
    planned = planSessionize(spec, keys, child, timeAttr)
  } else {
    planned = planSessionPerRow(analyzer, spec, child, timeAttr)
  }
  const replace = replacer(analyzer, planned.attr, child.output)
  return { groupBy: groupBy.map(replace), items: items.map(replace), child: planned.plan }
}

function describeCall(analyzer: Analyzer, call: CallExpr, child: AnalyzedPlan, node: string): Found {
  const spec = parseWindowSpec(analyzer, call, child, node)
  const gap =
    spec.kind === 'session'
      ? typeof spec.gap === 'object' && spec.gap !== null
        ? boundKey(spec.gap)
        : spec.gap
      : ''
  const key =
    spec.kind === 'window'
      ? `window|${boundKey(spec.time)}|${spec.size}|${spec.slide}|${spec.start}`
      : `session|${boundKey(spec.time)}|${gap}`
  return { call, spec, key }
}

const stripAlias = (e: Expr): Expr => (e.kind === 'alias' ? stripAlias(e.child) : e)

// The arguments of a window call are not searched: window(window(...)) is not a thing.
function collectCalls(e: Expr, out: CallExpr[]): void {
  if (e.kind === 'call' && WINDOW_CALLS.has(e.name)) {
    out.push(e)
    return
  }
  for (const c of childrenOf(e)) collectCalls(c, out)
}

/**
 * Replaces window calls by a reference to `attr`. A column of the old child with the same name
 * (e.g. the `window` of an earlier windowed aggregation) is pinned to its attribute, so the new
 * column does not make it ambiguous.
 */
function replacer(analyzer: Analyzer, attr: Attribute, input: readonly Attribute[]): (e: Expr) => Expr {
  const ref = analyzer.columnFor(attr)
  const lower = attr.name.toLowerCase()
  const clash = input.some((a) => a.name.toLowerCase() === lower)
  const scope = analyzer.scope(input, 'Project')
  const visit = (e: Expr): Expr => {
    if (e.kind === 'call' && WINDOW_CALLS.has(e.name)) return ref
    if (e.kind === 'column') {
      if (!clash || e.planId !== undefined || !e.parts.some((p) => p.toLowerCase() === lower)) return e
      let r: Resolved
      try {
        r = resolveColumn(scope, e.parts)
      } catch {
        return e // binding reports it
      }
      return r.attr.name.toLowerCase() === lower ? analyzer.columnFor(r.attr, r.fields) : e
    }
    return mapChildren(e, visit)
  }
  return visit
}
