/**
 * What each streaming input of a query needs to read (the scan request a source may use to read
 * less): the columns the projections and filters right above it use, and the comparisons of an
 * int or bigint column with a number in the filters right above it. Only the simple shape is
 * judged, a relation under a chain of filters ending in a projection; any other consumer (a
 * watermark, an aggregate, a join, a function over rows) or a relation read twice reads every
 * column. The conditions only let a source skip blocks that hold no matching row; the filters
 * still run on what it reads.
 */
import { type AnalyzedPlan, analyzedPlans } from '../analysis/analyzed-plan.ts'
import type { ScanCondition, ScanRequest } from '../connectors/spi.ts'
import type { BoundExpr } from '../functions/bound-expr.ts'

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
  let node = rel
  for (;;) {
    const above = parents.get(node)
    if (above === undefined || above.length !== 1) return requestWith(undefined, predicate)
    const p = above[0]
    if (p.kind === 'filter') {
      refsOf(p.condition, used)
      conditionsOf(p.condition, predicate)
      node = p
      continue
    }
    if (p.kind !== 'project') return requestWith(undefined, predicate)
    for (const e of p.exprs) refsOf(e, used)
    return requestWith(
      [...used].sort((a, b) => a - b),
      predicate,
    )
  }
}

function requestWith(columns: number[] | undefined, predicate: ScanCondition[]): ScanRequest | null {
  if (columns === undefined && predicate.length === 0) return null
  return Object.freeze({
    ...(columns === undefined ? {} : { columns: Object.freeze(columns) }),
    ...(predicate.length === 0 ? {} : { predicate: Object.freeze(predicate) }),
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

const FLIPPED = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const
type Op = keyof typeof FLIPPED

/** The conjuncts of a condition of the form `int/bigint column <op> number` (or isnotnull). */
function conditionsOf(e: BoundExpr, out: ScanCondition[]): void {
  if (e.kind !== 'call') return
  if (e.name === 'and') {
    for (const a of e.args) conditionsOf(a, out)
    return
  }
  if (e.name === 'isnotnull' && e.args[0]?.kind === 'ref') {
    out.push({ column: e.args[0].ordinal, op: 'isNotNull' })
    return
  }
  if (!(e.name in FLIPPED) || e.args.length !== 2) return
  const [a, b] = e.args
  const op = e.name as Op
  const va = numberOf(a)
  const vb = numberOf(b)
  if (integral(a) && vb !== null) out.push({ column: a.ordinal, op, value: vb })
  else if (integral(b) && va !== null) out.push({ column: b.ordinal, op: FLIPPED[op], value: va })
}

function integral(e: BoundExpr): e is Extract<BoundExpr, { kind: 'ref' }> {
  return e.kind === 'ref' && (e.type.kind === 'int' || e.type.kind === 'long')
}

/** A finite number literal, or an int literal widened to bigint (`col('long') > 7`); else null. */
function numberOf(e: BoundExpr): number | null {
  if (e.kind === 'literal') return typeof e.value === 'number' && Number.isFinite(e.value) ? e.value : null
  if (e.kind !== 'call' || e.name !== 'cast' || (e.type.kind !== 'int' && e.type.kind !== 'long')) return null
  const arg = e.args[0]
  const whole = arg?.kind === 'literal' && (arg.type.kind === 'int' || arg.type.kind === 'long')
  return whole ? numberOf(arg) : null
}
