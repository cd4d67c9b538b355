/**
 * Joins: binds the condition over [left..., right...], splits it into equi-join keys (hashable)
 * and a residual predicate, and computes output nullability per join type. `join(other, ['id'])`
 * keeps one `id` column (coalesced for full outer joins), as Spark does.
 */
import { SluiceError, typeMismatch } from '../errors.ts'
import type { BoundExpr } from '../functions/bound-expr.ts'
import { boundRef } from '../functions/bound-expr.ts'
import { castTo, commonType } from '../functions/coercion.ts'
import { callExpr, columnExpr, type Expr } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical-plan.ts'
import { simpleString, t } from '../schema/data-type.ts'
import type { AnalyzedPlan, Attribute } from './analyzed-plan.ts'
import { newAttribute } from './analyzed-plan.ts'
import type { Analyzer } from './analyzer.ts'
import { transformBound } from './rewrite.ts'

type JoinNode = Extract<LogicalPlan, { kind: 'join' }>

export function analyzeJoin(analyzer: Analyzer, p: JoinNode): AnalyzedPlan {
  const left = analyzer.analyze(p.left)
  const right = distinctAttributes(analyzer.analyze(p.right), left.output)
  const both = [...left.output, ...right.output]
  let condition: BoundExpr | null = null
  if (p.using !== null) {
    for (const name of p.using) {
      for (const [side, plan] of [
        ['left', left],
        ['right', right],
      ] as const) {
        if (!plan.output.some((a) => a.name.toLowerCase() === name.toLowerCase())) {
          throw new SluiceError(
            'COLUMN_NOT_FOUND',
            `join(..., ['${name}']): the ${side} side has no column \`${name}\` (columns: ${plan.output.map((a) => a.name).join(', ')}).`,
          )
        }
      }
    }
    const eqs: Expr[] = p.using.map((name) =>
      callExpr('=', [columnExpr([`\u0000L${name}`]), columnExpr([`\u0000R${name}`])]),
    )
    const cond = eqs.reduce((a, b) => callExpr('and', [a, b]))
    const sides = [
      ...left.output.map((a) => ({ ...a, name: `\u0000L${a.name}` })),
      ...right.output.map((a) => ({ ...a, name: `\u0000R${a.name}` })),
    ]
    condition = analyzer.bind(cond, sides, 'Join')
  } else if (p.condition !== null) {
    condition = analyzer.bind(p.condition, both, 'Join')
    if (condition.type.kind !== 'boolean')
      throw typeMismatch(`The join condition must be boolean, but it is ${simpleString(condition.type)}.`)
  }
  const { leftKeys, rightKeys, residual } = splitCondition(condition, left.output.length)
  const joinType = p.joinType
  const nullLeft = joinType === 'right' || joinType === 'full'
  const nullRight = joinType === 'left' || joinType === 'full'
  const mark = (attrs: readonly Attribute[], nullable: boolean) =>
    nullable ? attrs.map((a) => Object.freeze({ ...a, nullable: true })) : attrs
  const output =
    joinType === 'left_semi' || joinType === 'left_anti'
      ? left.output
      : [...mark(left.output, nullLeft), ...mark(right.output, nullRight)]
  const join: AnalyzedPlan = { kind: 'join', joinType, leftKeys, rightKeys, residual, left, right, output }
  return p.using === null || joinType === 'left_semi' || joinType === 'left_anti'
    ? join
    : usingProjection(join, p.using, left.output.length)
}

/**
 * A self-join (`df.join(df, ...)`) sees the same attributes on both sides; the right side gets new
 * attribute ids (as Spark re-instances it), so each side's columns stay distinct.
 */
function distinctAttributes(right: AnalyzedPlan, leftAttrs: readonly Attribute[]): AnalyzedPlan {
  const taken = new Set(leftAttrs.map((a) => a.id))
  if (!right.output.some((a) => taken.has(a.id))) return right
  const exprs = right.output.map((a, i) => boundRef(i, a.name, a.type, a.nullable))
  const output = right.output.map((a) => newAttribute(a.name, a.type, a.nullable, a.qualifier))
  return { kind: 'project', exprs, child: right, output }
}

/** Splits AND-ed conditions into `leftExpr = rightExpr` pairs and the rest. */
function splitCondition(
  cond: BoundExpr | null,
  leftWidth: number,
): { leftKeys: BoundExpr[]; rightKeys: BoundExpr[]; residual: BoundExpr | null } {
  const leftKeys: BoundExpr[] = []
  const rightKeys: BoundExpr[] = []
  const rest: BoundExpr[] = []
  const conjuncts = (e: BoundExpr): BoundExpr[] =>
    e.kind === 'call' && e.name === 'and' ? e.args.flatMap(conjuncts) : [e]
  for (const c of cond === null ? [] : conjuncts(cond)) {
    if (c.kind === 'call' && c.name === '=' && c.impl.kind !== 'fn') {
      const [a, b] = c.args
      const sa = side(a, leftWidth)
      const sb = side(b, leftWidth)
      if (sa === 'L' && sb === 'R') {
        leftKeys.push(a)
        rightKeys.push(shift(b, leftWidth))
        continue
      }
      if (sa === 'R' && sb === 'L') {
        leftKeys.push(b)
        rightKeys.push(shift(a, leftWidth))
        continue
      }
    }
    rest.push(c)
  }
  const residual =
    rest.length === 0
      ? null
      : rest.reduce(
          (a, b) =>
            Object.freeze({
              kind: 'call',
              name: 'and',
              impl: { kind: 'op', op: '&&' },
              args: [a, b],
              type: t.boolean(),
              nullable: a.nullable || b.nullable,
              sql: 'and',
              deterministic: true,
            }) as BoundExpr,
        )
  return { leftKeys, rightKeys, residual }
}

function side(e: BoundExpr, leftWidth: number): 'L' | 'R' | 'both' | 'none' {
  let sawL = false
  let sawR = false
  transformBound(e, (x) => {
    if (x.kind === 'ref') {
      if (x.ordinal < leftWidth) sawL = true
      else sawR = true
    }
    return undefined
  })
  return sawL && sawR ? 'both' : sawL ? 'L' : sawR ? 'R' : 'none'
}

const shift = (e: BoundExpr, by: number): BoundExpr =>
  transformBound(e, (x) =>
    x.kind === 'ref' ? boundRef(x.ordinal - by, x.name, x.type, x.nullable) : undefined,
  )

/** Output of a using-join: the key columns once (coalesced for full joins), then the rest. */
function usingProjection(
  join: Extract<AnalyzedPlan, { kind: 'join' }>,
  using: readonly string[],
  leftWidth: number,
): AnalyzedPlan {
  const out = join.output
  const find = (name: string, from: number, to: number) =>
    out.findIndex((a, i) => i >= from && i < to && a.name.toLowerCase() === name.toLowerCase())
  const exprs: BoundExpr[] = []
  const output: Attribute[] = []
  const taken = new Set<number>()
  for (const name of using) {
    const li = find(name, 0, leftWidth)
    const ri = find(name, leftWidth, out.length)
    taken.add(li).add(ri)
    const l = out[li]
    const r = out[ri]
    if (join.joinType === 'full') {
      const type = commonType(l.type, r.type) ?? l.type
      const args = [
        castTo(boundRef(li, l.name, l.type, true), type),
        castTo(boundRef(ri, r.name, r.type, true), type),
      ]
      exprs.push(
        Object.freeze({
          kind: 'call',
          name: 'coalesce',
          impl: { kind: 'fn' as const, fn: () => null },
          args,
          type,
          nullable: l.nullable && r.nullable,
          sql: `coalesce(${name})`,
          deterministic: true,
        }),
      )
      output.push(newAttribute(l.name, type, true))
    } else {
      const keep = join.joinType === 'right' ? ri : li
      exprs.push(boundRef(keep, out[keep].name, out[keep].type, out[keep].nullable))
      output.push(out[keep])
    }
  }
  out.forEach((a, i) => {
    if (taken.has(i)) return
    exprs.push(boundRef(i, a.name, a.type, a.nullable))
    output.push(a)
  })
  return { kind: 'project', exprs, child: join, output }
}
