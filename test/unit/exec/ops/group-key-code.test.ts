import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CodeBuilder } from '../../../../src/exec/expr/code-builder.ts'
import { groupKeyCode } from '../../../../src/exec/ops/group-key-code.ts'
import { compositeKey } from '../../../../src/functions/values.ts'
import { Sluice, sum } from '../../../../src/index.ts'
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

describe('grouping by structs and one atomic key (nested group index)', () => {
  const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
  const Pair = t.struct({ start: t.double(), end: t.double() })
  const S = t.struct({ w: Pair, k: t.double(), v: t.long() })
  const rows = [
    { w: { start: 0, end: 10 }, k: 1, v: 1 },
    { w: { start: 0, end: 10 }, k: 2, v: 2 },
    { w: { start: 10, end: 20 }, k: 1, v: 4 },
    { w: { start: 0, end: 10 }, k: 1, v: 8 },
    { w: null, k: 1, v: 16 },
    { w: { start: null, end: null }, k: 1, v: 32 },
    { w: { start: -0, end: 10 }, k: Number.NaN, v: 64 },
    { w: { start: 0, end: 10 }, k: Number.NaN, v: 128 },
    { w: null, k: 1, v: 256 },
    { w: { start: Number.NaN, end: 10 }, k: -0, v: 512 },
    { w: { start: Number.NaN, end: 10 }, k: 0, v: 1024 },
    { w: { start: 0, end: 10 }, k: null, v: 2048 },
    { w: { start: 10, end: 20 }, k: 1, v: 4096 },
  ]

  it('groups as compositeKey does: NULL structs apart from structs of NULLs, -0.0 with 0.0, NaN with NaN', () => {
    const df = sluice.createDataFrame(rows, S)
    const got = df.groupBy('w', 'k').agg(sum('v').alias('s')).collect()
    const want = new Map<string, number>()
    for (const r of rows) {
      const id = compositeKey([r.w, r.k])
      want.set(id, (want.get(id) ?? 0) + r.v)
    }
    assert.equal(got.length, want.size)
    for (const g of got) assert.equal(g.s, want.get(compositeKey([g.w, g.k])), JSON.stringify(g))
    // The same groups with the struct after the atomic key, and with the struct alone.
    assert.equal(df.groupBy('k', 'w').agg(sum('v')).collect().length, want.size)
    assert.equal(df.groupBy('w').count().collect().length, new Set(rows.map((r) => compositeKey([r.w]))).size)
  })
})
