import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { boundRef } from '../../../src/functions/bound-expr.ts'
import { nullRejectedOrdinals } from '../../../src/planner/null-rejection.ts'
import { refineStage } from '../../../src/planner/refine-nullability.ts'
import { t } from '../../../src/schema/data-type.ts'
import { call } from '../../harness/interpreter.ts'

const a = boundRef(0, 'a', t.long(), true)
const b = boundRef(1, 'b', t.long(), true)
const lit = (v: number) => ({ kind: 'literal', value: v, type: t.long(), nullable: false }) as const

describe('nullability learned from filters', () => {
  it('finds the columns a null-intolerant condition proves non-null', () => {
    assert.deepEqual([...nullRejectedOrdinals(call('>', a, lit(1)))], [0])
    assert.deepEqual(
      [...nullRejectedOrdinals(call('and', call('>', a, lit(1)), call('isnotnull', b)))].sort(),
      [0, 1],
    )
    assert.deepEqual([...nullRejectedOrdinals(call('isnotnull', call('+', a, b)))].sort(), [0, 1])
  })

  it('proves nothing through OR, coalesce or IS NULL', () => {
    assert.deepEqual([...nullRejectedOrdinals(call('or', call('>', a, lit(1)), call('>', b, lit(1))))], [])
    assert.deepEqual([...nullRejectedOrdinals(call('>', call('coalesce', a, lit(0)), lit(1)))], [])
    assert.deepEqual([...nullRejectedOrdinals(call('isnull', a))], [])
  })

  it('drops null checks above the filter while the projection keeps its own nullability', () => {
    const { ops, nonNull } = refineStage([
      { kind: 'filter', condition: call('>', a, lit(1)) },
      { kind: 'project', exprs: [call('*', a, lit(2)), b] },
    ])
    const project = ops[1]
    assert.equal(project.kind, 'project')
    if (project.kind === 'project') {
      assert.equal(project.exprs[0].nullable, false, 'a * 2 cannot be null once a > 1 passed')
      assert.equal(project.exprs[1].nullable, true, 'b is still nullable')
    }
    assert.deepEqual([...nonNull], [0])
  })
})
