/**
 * Joins: a hash join on the equi-join keys (the right side is built into a hash table, NULL keys
 * never match), or a nested loop when there are none; the residual condition is checked on the
 * concatenated [left..., right...] row. Every join type Spark has for batch data.
 */

import type { BoundExpr } from '../../functions/bound-expr.ts'
import { compositeKey } from '../../functions/values.ts'
import type { JoinType } from '../../plan/logical-plan.ts'
import type { ExecContext, ExecNode, Row, RowBatch } from '../exec-node.ts'
import { compileExpr, compileProjection } from '../expr/compile-expr.ts'
import { sqlOf } from '../stage-codegen.ts'

export interface JoinSpec {
  readonly joinType: JoinType
  readonly leftKeys: readonly BoundExpr[]
  readonly rightKeys: readonly BoundExpr[]
  readonly residual: BoundExpr | null
  readonly leftWidth: number
  readonly rightWidth: number
}

type KeyFn = (row: Row) => unknown

function keyFn(keys: readonly BoundExpr[]): KeyFn {
  const proj = compileProjection(keys)
  if (keys.length === 1) {
    const one = compileExpr(keys[0])
    return (row) => one(row)
  }
  // NOTE: a composite key containing NULL must never match; `undefined` marks it.
  return (row) => {
    const vals = proj(row)
    return vals.includes(null) ? null : compositeKey(vals)
  }
}

export class JoinExec implements ExecNode {
  readonly name: string
  readonly children: readonly ExecNode[]
  private readonly spec: JoinSpec
  private readonly leftKey: KeyFn
  private readonly rightKey: KeyFn
  private readonly residual: ((row: Row) => unknown) | null

  constructor(left: ExecNode, right: ExecNode, spec: JoinSpec) {
    this.children = [left, right]
    this.spec = spec
    this.name = spec.leftKeys.length > 0 ? 'HashJoinExec' : 'NestedLoopJoinExec'
    this.leftKey = keyFn(spec.leftKeys)
    this.rightKey = keyFn(spec.rightKeys)
    this.residual = spec.residual === null ? null : compileExpr(spec.residual)
  }

  describe(): string {
    const keys = this.spec.leftKeys.map((k, i) => `${sqlOf(k)} = ${sqlOf(this.spec.rightKeys[i])}`)
    return `${this.spec.joinType} [${keys.join(', ')}]${this.spec.residual ? ` residual ${sqlOf(this.spec.residual)}` : ''}`
  }

  execute(ctx: ExecContext): RowBatch {
    const [leftRows, rightRows] = [this.children[0].execute(ctx), this.children[1].execute(ctx)]
    const { joinType, leftWidth, rightWidth } = this.spec
    const table = this.build(rightRows)
    const matchedRight = new Set<number>()
    const out: RowBatch = []
    const nullRight = new Array(rightWidth).fill(null)
    for (const l of leftRows) {
      const candidates = this.candidates(table, l, rightRows.length)
      let matched = false
      for (const ri of candidates) {
        const joined = [...l, ...rightRows[ri]]
        if (this.residual !== null && this.residual(joined) !== true) continue
        matched = true
        if (joinType === 'left_semi' || joinType === 'left_anti') break
        matchedRight.add(ri)
        out.push(joined)
      }
      if (joinType === 'left_semi' && matched) out.push(l)
      else if (joinType === 'left_anti' && !matched) out.push(l)
      else if (!matched && (joinType === 'left' || joinType === 'full')) out.push([...l, ...nullRight])
    }
    if (joinType === 'right' || joinType === 'full') {
      const nullLeft = new Array(leftWidth).fill(null)
      rightRows.forEach((r, i) => {
        if (!matchedRight.has(i)) out.push([...nullLeft, ...r])
      })
    }
    return out
  }

  private build(rows: RowBatch): Map<unknown, number[]> | null {
    if (this.spec.leftKeys.length === 0) return null
    const table = new Map<unknown, number[]>()
    rows.forEach((row, i) => {
      const k = this.rightKey(row)
      if (k === null) return
      const list = table.get(k)
      if (list === undefined) table.set(k, [i])
      else list.push(i)
    })
    return table
  }

  private candidates(table: Map<unknown, number[]> | null, left: Row, rightCount: number): Iterable<number> {
    if (table === null) return Array.from({ length: rightCount }, (_, i) => i)
    const k = this.leftKey(left)
    return k === null ? [] : (table.get(k) ?? [])
  }
}
