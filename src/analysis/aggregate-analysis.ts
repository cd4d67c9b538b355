/**
 * groupBy().agg() and global aggregates. Output expressions may combine grouping expressions and
 * aggregate calls (`sum(x) / count(x)`, `upper(k)`); any other column reference is a NOT_GROUPED
 * error, an aggregate inside an aggregate is NESTED_AGGREGATE.
 */
import { SluiceError } from '../errors.ts'
import type { BoundExpr } from '../functions/bound-expr.ts'
import { boundRef } from '../functions/bound-expr.ts'
import { isAggregateFunction, lookupFunction } from '../functions/catalog.ts'
import type { AggregateFunctionDef } from '../functions/function-def.ts'
import { childrenOf, type Expr } from '../plan/expr.ts'
import { exprToSql } from '../plan/sql/expr-sql.ts'
import type { AnalyzedPlan, Attribute, BoundAggCall } from './analyzed-plan.ts'
import { newAttribute, passedThrough } from './analyzed-plan.ts'
import type { Analyzer } from './analyzer.ts'
import { bindExpr } from './bind-expr.ts'
import { outputName } from './project-analysis.ts'
import { boundKey, transformBound } from './rewrite.ts'
import { rewriteTimeWindows } from './window-analysis.ts'

export function containsAggregate(e: Expr): boolean {
  if (e.kind === 'call' && isAggregateFunction(e.name)) return true
  return childrenOf(e).some(containsAggregate)
}

export function analyzeAggregate(
  analyzer: Analyzer,
  groupExprs: readonly Expr[],
  itemExprs: readonly Expr[],
  input: AnalyzedPlan,
): AnalyzedPlan {
  // window()/session_window() become a column of a node added below: the keys reference it.
  const { groupBy, items, child } = rewriteTimeWindows(analyzer, groupExprs, itemExprs, input)
  const keys = groupBy.map((g) => {
    if (containsAggregate(g))
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `An aggregate function cannot be a grouping expression: \`${exprToSql(g)}\`.`,
      )
    return analyzer.bind(g, child.output, 'Aggregate')
  })
  const keyIndex = new Map(keys.map((k, i) => [boundKey(k), i]))
  const aggs: BoundAggCall[] = []
  const aggIndex = new Map<string, number>()
  const scope = analyzer.scope(child.output, 'Aggregate')
  const PLACEHOLDER = -1_000_000
  const onAggregate = (call: Extract<Expr, { kind: 'call' }>): BoundExpr => {
    const def = lookupFunction(call.name) as AggregateFunctionDef
    const args = call.args.map((a) => {
      if (containsAggregate(a))
        throw new SluiceError(
          'NESTED_AGGREGATE',
          `Aggregate \`${exprToSql(call)}\` contains another aggregate; compute the inner one in a separate groupBy().agg() first.`,
        )
      return bindExpr(a, scope, { ctx: analyzer.ctx, clause: 'an aggregate argument' })
    })
    const bound = def.bind(args, { ...analyzer.ctx, distinct: call.distinct })
    const sql = exprToSql(call)
    let i = aggIndex.get(sql)
    if (i === undefined) {
      i = aggs.length
      aggIndex.set(sql, i)
      aggs.push(
        Object.freeze({
          name: call.name,
          impl: bound.impl,
          args: bound.args ?? args,
          type: bound.type,
          nullable: bound.nullable,
          sql,
        }),
      )
    }
    // A placeholder ordinal, rewritten below to point past the group keys.
    return boundRef(PLACEHOLDER - i, sql, bound.type, bound.nullable)
  }
  const results = items.map((item) => {
    const raw = bindExpr(item, scope, { ctx: analyzer.ctx, clause: 'the aggregation', onAggregate })
    return transformBound(raw, (e) => {
      const k = keyIndex.get(boundKey(e))
      if (k !== undefined && e.kind !== 'literal')
        return boundRef(k, keys[k].kind === 'ref' ? keys[k].name : `key${k}`, e.type, e.nullable)
      if (e.kind === 'ref') {
        if (e.ordinal <= PLACEHOLDER)
          return boundRef(keys.length + (PLACEHOLDER - e.ordinal), e.name, e.type, e.nullable)
        throw notGrouped(e.name, item, groupBy)
      }
      return undefined
    })
  })
  const output = items.map((item, i) => outputAttribute(item, results[i], keys, child.output))
  return { kind: 'aggregate', groupBy: keys, aggs, results, child, output }
}

/** A grouping column passed through keeps its attribute (so df.col() still resolves to it). */
function outputAttribute(
  item: Expr,
  result: BoundExpr,
  keys: readonly BoundExpr[],
  input: readonly Attribute[],
): Attribute {
  const name = outputName(item)
  if (result.kind === 'ref' && result.ordinal < keys.length) {
    const key = keys[result.ordinal]
    if (key.kind === 'ref') return passedThrough(input[key.ordinal], name, result.type, result.nullable)
  }
  return newAttribute(name, result.type, result.nullable)
}

function notGrouped(name: string, item: Expr, groupBy: readonly Expr[]): SluiceError {
  return new SluiceError(
    'NOT_GROUPED',
    `Column \`${name}\` in \`${exprToSql(item)}\` is neither grouped nor aggregated. ` +
      `Add it to groupBy(${groupBy.map(exprToSql).join(', ')}) or wrap it in an aggregate such as first(${name}).`,
  )
}
