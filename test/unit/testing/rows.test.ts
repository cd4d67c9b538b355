import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { t } from '../../../src/index.ts'
import { compareRows, formatValue, valuesEqual } from '../../../src/testing/rows.ts'

const S = t.struct({ n: t.long(), s: t.string() })

describe('valuesEqual (SQL value equality)', () => {
  it('treats NaN as equal to NaN and -0.0 as equal to 0.0', () => {
    assert.equal(valuesEqual(Number.NaN, 0 / 0), true)
    assert.equal(valuesEqual(-0, 0), true)
    assert.equal(valuesEqual(1, 1.5), false)
  })

  it('compares binary by bytes and maps by entries in any order', () => {
    assert.equal(valuesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true)
    assert.equal(valuesEqual(new Uint8Array([1, 2]), new Uint8Array([2, 1])), false)
    const a = new Map([
      ['x', 1],
      ['y', 2],
    ])
    const b = new Map([
      ['y', 2],
      ['x', 1],
    ])
    assert.equal(valuesEqual(a, b), true)
    assert.equal(valuesEqual(a, new Map([['x', 1]])), false)
  })

  it('compares structs by field name and arrays in order', () => {
    assert.equal(valuesEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }), true)
    assert.equal(valuesEqual([1, 2], [2, 1]), false)
  })

  it('tells a null from the string "null" and a number from its text', () => {
    assert.equal(valuesEqual(null, 'null'), false)
    assert.equal(valuesEqual(1, '1'), false)
    assert.equal(valuesEqual(null, undefined), true)
  })

  it('prints -0.0, binary and maps readably', () => {
    assert.equal(formatValue(-0), '-0.0')
    assert.equal(formatValue(new Uint8Array([10, 255])), "X'0AFF'")
    assert.equal(formatValue(new Map([['k', null]])), 'map("k" -> null)')
  })
})

describe('compareRows', () => {
  it('matches rows in any order unless ordered, counting duplicates', () => {
    const actual = [
      [1, 'a'],
      [2, 'b'],
    ]
    assert.equal(compareRows([{ n: 2, s: 'b' }, [1, 'a']], actual, S, false), null)
    assert.match(
      compareRows([{ n: 2, s: 'b' }, [1, 'a']], actual, S, true) ?? '',
      /same rows, different order/,
    )
    const twice =
      compareRows(
        [{ n: 1, s: 'a' }],
        [
          [1, 'a'],
          [1, 'a'],
        ],
        S,
        false,
      ) ?? ''
    assert.match(twice, /In the sink but not expected ==\n {2}\{n: 1, s: "a"\}/)
  })

  it('lists the missing and the unexpected rows', () => {
    const report = compareRows([{ n: 1, s: 'a' }], [[3, 'c']], S, false) ?? ''
    assert.match(report, /Missing from the sink ==\n {2}\{n: 1, s: "a"\}/)
    assert.match(report, /In the sink but not expected ==\n {2}\{n: 3, s: "c"\}/)
  })

  it('names a column an expected row lacks or the query does not output', () => {
    assert.match(compareRows([{ n: 1 }], [], S, false) ?? '', /no value for column `s`/)
    assert.match(
      compareRows([{ n: 1, s: 'a', x: 0 }], [], S, false) ?? '',
      /column `x`, which the query does not output/,
    )
    assert.match(compareRows([[1]], [], S, false) ?? '', /has 1 values; the query outputs 2 columns/)
  })
})
