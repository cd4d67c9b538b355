/**
 * What each streaming input of a query needs to read (the scan request a source may use to read
 * less): the columns the projections and filters right above it use, and the conditions on one
 * column against constants in the filters right above it. Only the simple shape is
 * judged, a relation under a chain of filters ending in a projection; any other consumer (a
 * watermark, an aggregate, a join, a function over rows) or a relation read twice reads every
 * column. The conditions (planner/scan-conditions.ts) only let a source skip blocks that hold no
 * matching row; the filters still run on what it reads. The filters themselves, from the lowest up
 * to the first that cannot run on another thread (exec/expr/portable-expr.ts), go as `filters`: a
 * source decoding on worker threads may drop there the rows they reject (see ScanRequest).
 */
import { type AnalyzedPlan, analyzedPlans } from '../analysis/analyzed-plan.ts'
import type { ScanCondition, ScanRequest } from '../connectors/spi.ts'
import { type PortableExpr, portableOf } from '../exec/expr/portable-expr.ts'
import type { BoundExpr } from '../functions/bound-expr.ts'
import { scanConditionsOf } from '../planner/scan-conditions.ts'

/**
 * The scan request of every streaming relation (by its logical id) that can read less.
 *
 * @example scanRequestsOf(analyzed).get(relation.id) // { columns: [0, 2], predicate: [...] }
 */
export function scanRequestsOf(plan: AnalyzedPlan): Map<number, ScanRequest> {
  const parents = new Map<AnalyzedPlan, AnalyzedPlan[]>()
  analyzedPlans.walk(plan, (p) => {
    for (const c of analyzedPlans.children(p)) {
      const list = parents.get(c)
      if (list === undefined) parents.set(c, [p])
      else if (!list.includes(p)) list.push(p)
    }
  })
  const out = new Map<number, ScanRequest>()
  analyzedPlans.walk(plan, (p) => {
    if (p.kind !== 'streamingRelation') return
    const request = requestOf(p, parents)
    if (request !== null) out.set(p.relationId, request)
  })
  return out
}

function requestOf(
  rel: AnalyzedPlan,
  parents: ReadonlyMap<AnalyzedPlan, AnalyzedPlan[]>,
): ScanRequest | null {
  const used = new Set<number>()
  const predicate: ScanCondition[] = []
  const filters: PortableExpr[] = []
  let portable = true
  let node = rel
  for (;;) {
    const above = parents.get(node)
    if (above === undefined || above.length !== 1) return requestWith(undefined, predicate, filters)
    const p = above[0]
    if (p.kind === 'filter') {
      refsOf(p.condition, used)
      scanConditionsOf(p.condition, predicate)
      const filter = portable ? portableOf(p.condition) : null
      if (filter === null) portable = false
      else filters.push(filter)
      node = p
      continue
    }
    if (p.kind !== 'project') return requestWith(undefined, predicate, filters)
    for (const e of p.exprs) refsOf(e, used)
    return requestWith(
      [...used].sort((a, b) => a - b),
      predicate,
      filters,
    )
  }
}

function requestWith(
  columns: number[] | undefined,
  predicate: ScanCondition[],
  filters: PortableExpr[],
): ScanRequest | null {
  if (columns === undefined && predicate.length === 0 && filters.length === 0) return null
  return Object.freeze({
    ...(columns === undefined ? {} : { columns: Object.freeze(columns) }),
    ...(predicate.length === 0 ? {} : { predicate: Object.freeze(predicate) }),
    ...(filters.length === 0 ? {} : { filters: Object.freeze(filters) }),
  })
}

/** Adds the ordinals an expression reads to `out`. */
function refsOf(e: BoundExpr, out: Set<number>): void {
  switch (e.kind) {
    case 'ref':
      out.add(e.ordinal)
      return
    case 'call':
    case 'udf':
      for (const a of e.args) refsOf(a, out)
      return
    case 'field':
      refsOf(e.child, out)
      return
    case 'case':
      for (const b of e.branches) {
        refsOf(b.when, out)
        refsOf(b.then, out)
      }
      if (e.otherwise !== null) refsOf(e.otherwise, out)
      return
    case 'lambda':
      refsOf(e.body, out)
      return
    default:
      return
  }
}
