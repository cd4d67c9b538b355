/**
 * Analysis: resolves a logical plan into an analyzed plan (analyzed-plan.ts), raising clear errors
 * before anything runs: unknown or ambiguous columns, type mismatches, aggregates where they are
 * not allowed, non-grouped columns after groupBy.
 */
import { SluiceError, typeMismatch } from '../errors.ts'
import type { BoundExpr } from '../functions/bound-expr.ts'
import { boundRef } from '../functions/bound-expr.ts'
import { castTo, commonType, withBindContext } from '../functions/coercion.ts'
import type { BindContext } from '../functions/function-def.ts'
import { columnExpr, type Expr } from '../plan/expr.ts'
import { expressionTooDeep, isStackOverflow, MAX_EXPRESSION_DEPTH } from '../plan/expr-depth.ts'
import type { LogicalPlan } from '../plan/logical-plan.ts'
import { type StructType, simpleString, t } from '../schema/data-type.ts'
import { analyzeAggregate, containsAggregate } from './aggregate-analysis.ts'
import type { AnalyzedPlan, Attribute } from './analyzed-plan.ts'
import { newAttribute, newAttributeLike } from './analyzed-plan.ts'
import { bindExpr } from './bind-expr.ts'
import { analyzeDeadLetter } from './dead-letter-analysis.ts'
import { pushFilterBelowWatermark } from './filter-pushdown.ts'
import { analyzeJoin } from './join-analysis.ts'
import { analyzeObserve, checkObservedMetricNames } from './observe-analysis.ts'
import { analyzeProject } from './project-analysis.ts'
import { describeScope, type Scope } from './scope.ts'
import { analyzeTransformWithState } from './transform-with-state-analysis.ts'
import { analyzeWatermark } from './watermark-analysis.ts'

export class Analyzer {
  readonly ctx: BindContext
  private readonly byPlanId = new Map<number, readonly Attribute[]>()
  private readonly cache = new WeakMap<LogicalPlan, AnalyzedPlan>()

  constructor(ctx: BindContext) {
    this.ctx = ctx
  }

  /** Analyzes `plan` (memoised per node, so a DataFrame used twice keeps its attribute ids). */
  analyze(plan: LogicalPlan): AnalyzedPlan {
    const known = this.cache.get(plan)
    if (known !== undefined) return known
    const analyzed = withBindContext(this.ctx, () => {
      try {
        return this.analyzeNode(plan)
      } catch (e) {
        // NOTE: bindExpr refuses trees deeper than MAX_EXPRESSION_DEPTH; a check that recurses before
        // binding (aggregate detection) may still overflow first on such a tree.
        if (isStackOverflow(e))
          throw expressionTooDeep(`the ${plan.kind} plan`, `more than ${MAX_EXPRESSION_DEPTH} levels`)
        throw e
      }
    })
    this.byPlanId.set(plan.id, analyzed.output)
    this.cache.set(plan, analyzed)
    return analyzed
  }

  scope(attrs: readonly Attribute[], node: string): Scope {
    return { attrs, where: describeScope(node, attrs), byPlanId: this.byPlanId }
  }

  /**
   * A column expression that resolves to exactly `attr` (plus struct `fields`) wherever `attr` is
   * in scope, whatever other columns share its name: for rewrites that add a column below a node.
   *
   * @example
   * analyzer.columnFor(windowAttr) // resolves to the new `window` column, not an older one
   */
  columnFor(attr: Attribute, fields: readonly string[] = []): Expr {
    // Logical plan ids are positive, so a negated attribute id never collides with one.
    this.byPlanId.set(-attr.id, [attr])
    return columnExpr([attr.name, ...fields], -attr.id)
  }

  bind(e: Expr, attrs: readonly Attribute[], node: string): BoundExpr {
    return bindExpr(e, this.scope(attrs, node), { ctx: this.ctx, clause: `the ${node}` })
  }

  private analyzeNode(p: LogicalPlan): AnalyzedPlan {
    switch (p.kind) {
      case 'localRelation':
        return { kind: 'localRelation', rows: p.rows, output: attributesOf(p.schema) }
      case 'batchScan':
        return { kind: 'batchScan', scan: p.scan, output: attributesOf(p.schema) }
      case 'streamingRelation':
        return {
          kind: 'streamingRelation',
          relationId: p.id,
          sourceName: p.source.name,
          output: attributesOf(p.schema),
        }
      case 'alias': {
        const child = this.analyze(p.child)
        return {
          ...child,
          output: child.output.map((a) => Object.freeze({ ...a, qualifier: p.alias })),
        } as AnalyzedPlan
      }
      case 'project':
        return analyzeProject(this, p.exprs, this.analyze(p.child))
      case 'filter': {
        const child = this.analyze(p.child)
        if (containsAggregate(p.condition)) {
          throw new SluiceError(
            'AGGREGATE_IN_WHERE',
            'An aggregate function is not allowed in filter()/where(). Aggregate with groupBy().agg() first, then filter its output.',
          )
        }
        const cond = this.bind(p.condition, child.output, 'Filter')
        if (cond.type.kind !== 'boolean' && cond.type.kind !== 'null') {
          throw typeMismatch(`The filter condition must be boolean, but it is ${simpleString(cond.type)}.`)
        }
        return pushFilterBelowWatermark({
          kind: 'filter',
          condition: castTo(cond, t.boolean()),
          child,
          output: child.output,
        })
      }
      case 'aggregate':
        return analyzeAggregate(this, p.groupBy, p.aggs, this.analyze(p.child))
      case 'sort': {
        const child = this.analyze(p.child)
        const keys = p.orders.map((o) => ({
          expr: this.bind(o.child, child.output, 'Sort'),
          ascending: o.ascending,
          nullsFirst: o.nullsFirst,
        }))
        return { kind: 'sort', keys, child, output: child.output }
      }
      case 'limit': {
        const child = this.analyze(p.child)
        return { kind: 'limit', n: p.n, child, output: child.output }
      }
      case 'deduplicate': {
        const child = this.analyze(p.child)
        const names = p.columns
        const keys =
          names === null
            ? child.output.map((_, i) => i)
            : names.map(
                (n) =>
                  (
                    this.bind({ kind: 'column', parts: [n] }, child.output, 'Deduplicate') as {
                      ordinal: number
                    }
                  ).ordinal,
              )
        return {
          kind: 'deduplicate',
          keys,
          withinWatermark: p.withinWatermark === true,
          child,
          output: child.output,
        }
      }
      case 'watermark':
        return analyzeWatermark(this, p)
      case 'deadLetter':
        return analyzeDeadLetter(this, p)
      case 'observe':
        return analyzeObserve(this, p)
      case 'union':
        checkObservedMetricNames(p)
        return this.analyzeUnion(p)
      case 'join':
        checkObservedMetricNames(p)
        return analyzeJoin(this, p)
      case 'groupsWithState': {
        const child = this.analyze(p.child)
        return { kind: 'groupsWithState', spec: p.spec, child, output: attributesOf(p.spec.outputSchema) }
      }
      case 'transformWithState':
        return analyzeTransformWithState(this, p)
      case 'mapRows': {
        const child = this.analyze(p.child)
        return {
          kind: 'mapRows',
          fn: p.fn,
          flat: p.flat,
          child,
          output: attributesOf(p.schema),
        }
      }
    }
  }

  private analyzeUnion(p: Extract<LogicalPlan, { kind: 'union' }>): AnalyzedPlan {
    let left = this.analyze(p.left)
    let right = this.analyze(p.right)
    if (p.byName) [left, right] = alignByName(left, right, p.allowMissingColumns)
    if (left.output.length !== right.output.length) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `union() needs the same number of columns on both sides: the left has ${left.output.length} (${left.output.map((a) => a.name).join(', ')}), the right has ${right.output.length} (${right.output.map((a) => a.name).join(', ')}). Use unionByName to match columns by name.`,
      )
    }
    const types = left.output.map((a, i) => {
      const ty = commonType(a.type, right.output[i].type)
      if (ty === undefined)
        throw typeMismatch(
          `union(): column ${i + 1} (\`${a.name}\`) is ${simpleString(a.type)} on the left and ${simpleString(right.output[i].type)} on the right.`,
        )
      return ty
    })
    const castSide = (side: AnalyzedPlan): AnalyzedPlan => {
      if (
        side.output.every(
          (a, i) => a.type.kind === types[i].kind && simpleString(a.type) === simpleString(types[i]),
        )
      )
        return side
      const exprs = withBindContext(this.ctx, () =>
        side.output.map((a, i) => castTo(boundRef(i, a.name, a.type, a.nullable), types[i])),
      )
      return {
        kind: 'project',
        exprs,
        child: side,
        output: side.output.map((a, i) => newAttribute(a.name, types[i], a.nullable)),
      }
    }
    // The first input's event-time mark carries over, as in Spark (Union keeps its first child's metadata).
    const output = left.output.map((a, i) =>
      newAttributeLike(a.name, types[i], a.nullable || right.output[i].nullable, a),
    )
    return { kind: 'union', left: castSide(left), right: castSide(right), output }
  }
}

/**
 * unionByName: the right side reordered to the left's column order. With allowMissingColumns, a
 * column missing on either side is filled with NULL there, the right's extra columns going last.
 */
function alignByName(
  left: AnalyzedPlan,
  right: AnalyzedPlan,
  allowMissing: boolean,
): [AnalyzedPlan, AnalyzedPlan] {
  const same = (a: Attribute, b: Attribute) => a.name.toLowerCase() === b.name.toLowerCase()
  const extra = right.output.filter((b) => !left.output.some((a) => same(a, b)))
  const missing = left.output.find((a) => !right.output.some((b) => same(a, b)))
  if (!allowMissing && (missing !== undefined || extra.length > 0)) {
    const [name, side, other] =
      missing !== undefined ? [missing.name, 'right', 'left'] : [extra[0].name, 'left', 'right']
    throw new SluiceError(
      'COLUMN_NOT_FOUND',
      `unionByName: column \`${name}\` of the ${other} side is missing on the ${side} side (left: ${left.output.map((a) => a.name).join(', ')}; right: ${right.output.map((a) => a.name).join(', ')}). Pass allowMissingColumns: true to fill it with NULL.`,
    )
  }
  const nullOf = (a: Attribute): BoundExpr => ({ kind: 'literal', value: null, type: a.type, nullable: true })
  const refTo = (plan: AnalyzedPlan, a: Attribute): BoundExpr | undefined => {
    const i = plan.output.findIndex((b) => same(a, b))
    return i < 0 ? undefined : boundRef(i, plan.output[i].name, plan.output[i].type, plan.output[i].nullable)
  }
  const target = [...left.output, ...extra]
  const project = (plan: AnalyzedPlan): AnalyzedPlan => {
    const exprs = target.map((a) => refTo(plan, a) ?? nullOf(a))
    if (exprs.every((e, i) => e.kind === 'ref' && e.ordinal === i) && exprs.length === plan.output.length)
      return plan
    return {
      kind: 'project',
      exprs,
      child: plan,
      output: target.map((a, i) => newAttribute(a.name, exprs[i].type, exprs[i].nullable)),
    }
  }
  return [project(left), project(right)]
}

export function attributesOf(schema: StructType): Attribute[] {
  return schema.fields.map((f) => newAttribute(f.name, f.type, f.nullable))
}
