import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CodeBuilder } from '../../../../src/exec/expr/code-builder.ts'
import { groupKeyCode } from '../../../../src/exec/ops/group-key-code.ts'
import { compositeKey } from '../../../../src/functions/values.ts'
import { type DataType, t } from '../../../../src/schema/data-type.ts'

/** The compiled group key function for `types`. */
function keyFn(types: readonly DataType[]): (...vs: unknown[]) => unknown {
  const b = new CodeBuilder()
  const vars = types.map((_, i) => `a${i}`)
  b.emit(`return ${groupKeyCode(b, types, vars)}`)
  return b.build(vars)
}

const win = t.struct({ start: t.timestamp(), end: t.timestamp() })

describe('groupKeyCode', () => {
  it('tells apart exactly the tuples compositeKey tells apart (window, number, string, null)', () => {
    const types = [win, t.long(), t.string()]
    const key = keyFn(types)
    const values = [
      [{ start: 0, end: 10 }, 1, 'a'],
      [{ start: 0, end: 10 }, 1, 'a;'],
      [{ start: 0, end: 101 }, null, 'a'],
      [{ start: 0, end: 10 }, 11, 'a'],
      [{ start: 0, end: 1 }, 0, 'na'],
      [null, 1, 'a'],
      [{ start: 0, end: 10 }, -0, null],
      [{ start: 0, end: 10 }, 0, null],
      [{ start: 0, end: 10 }, Number.NaN, 'x'],
      [{ start: 0, end: 10 }, Number.NaN, 'x'],
      [{ start: null, end: 10 }, 1, 'a'],
      [{ start: 0, end: 10 }, 1, 'na'],
    ]
    for (const x of values)
      for (const y of values) {
        const same = compositeKey(x) === compositeKey(y)
        assert.equal(key(...x) === key(...y), same, `${JSON.stringify(x)} vs ${JSON.stringify(y)}`)
      }
  })

  it('keeps a single atomic key as itself and falls back to compositeKey for arrays', () => {
    assert.equal(keyFn([t.long()])(5), 5)
    const arrays = keyFn([t.array(t.long()), t.long()])
    assert.equal(arrays([1, 2], 3), compositeKey([[1, 2], 3]))
    assert.notEqual(arrays([1, 2], 3), arrays([1], 23))
  })
})
