import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../../src/errors.ts'
import { HyperLogLogPlusPlus, precisionFor } from '../../../../src/functions/hash/hll.ts'
import { type DataType, t } from '../../../../src/schema/data-type.ts'

const L = t.long()

function sketch(n: number, value: (i: number) => unknown, type: DataType, rsd?: number): HyperLogLogPlusPlus {
  const hll = new HyperLogLogPlusPlus(rsd)
  for (let i = 0; i < n; i++) hll.add(value(i), type)
  return hll
}

/**
 * Spark's `approx_count_distinct(<expr>[, rsd])` over `range(0, n, 1, 4)` (ids 0..n-1 in four
 * partitions), from pyspark 4.0.0: [label, n, rsd (undefined = Spark's default 0.05), Spark's answer].
 */
const SPARK_RANGE: readonly (readonly [string, number, number | undefined, number])[] = [
  ['id', 10, undefined, 10],
  ['id', 1000, undefined, 1026],
  ['id', 100000, undefined, 95546],
  ['cast(id as int)', 10, undefined, 10],
  ['cast(id as int)', 1000, undefined, 1026],
  ['cast(id as int)', 100000, undefined, 94954],
  ["concat('k', id)", 10, undefined, 10],
  ["concat('k', id)", 1000, undefined, 1012],
  ["concat('k', id)", 100000, undefined, 99937],
  ['id * 0.5D', 10, undefined, 10],
  ['id * 0.5D', 1000, undefined, 963],
  ['id * 0.5D', 100000, undefined, 97707],
  ['id', 100000, 0.01, 100425],
  ['id', 100000, 0.1, 102065],
  ['id', 100000, 0.3, 78139],
  ['id', 100000, 0.39, 78139],
  ['id', 1000000, 0.01, 996123],
  ['id', 300000, 0.001, 299979],
  ['id', 5000, 0.001, 4996],
  ["concat('k', id)", 50000, 0.02, 49507],
]

const RANGE_VALUES: Record<string, readonly [(i: number) => unknown, DataType]> = {
  id: [(i) => i, L],
  'cast(id as int)': [(i) => i, t.int()],
  "concat('k', id)": [(i) => `k${i}`, t.string()],
  'id * 0.5D': [(i) => i * 0.5, t.double()],
}

/** Spark's `approx_count_distinct(<expr>)` over `range(0, 20000, 1, 3)`, pyspark 4.0.0. */
const SPARK_TYPED: readonly (readonly [string, (i: number) => unknown, DataType, number])[] = [
  ['timestamp_millis(id * 1000)', (i) => i * 1000, t.timestamp(), 18660],
  ['date_from_unix_date(cast(id as int))', (i) => i, t.date(), 18595],
  ["cast(concat('b', id) as binary)", (i) => new TextEncoder().encode(`b${i}`), t.binary(), 19883],
  ['array(id, id % 7)', (i) => [i, i % 7], t.array(L), 19478],
  ['if(id % 3 = 0, null, id)', (i) => (i % 3 === 0 ? null : i), L, 13339],
  ['id % 2 = 0', (i) => i % 2 === 0, t.boolean(), 2],
  [
    "named_struct('a', id % 100, 'b', cast(id % 13 as string))",
    (i) => ({ a: i % 100, b: String(i % 13) }),
    t.struct({ a: L, b: t.string() }),
    1306,
  ],
]

describe('HyperLogLogPlusPlus', () => {
  for (const [expr, n, rsd, expected] of SPARK_RANGE) {
    it(`gives Spark's estimate ${expected} for approx_count_distinct(${expr}${rsd ? `, ${rsd}` : ''}) over ${n} ids`, () => {
      const [value, type] = RANGE_VALUES[expr]
      assert.equal(sketch(n, value, type, rsd).estimate(), expected)
    })
  }

  for (const [expr, value, type, expected] of SPARK_TYPED) {
    it(`gives Spark's estimate ${expected} for approx_count_distinct(${expr}) over 20000 ids`, () => {
      assert.equal(sketch(20000, value, type).estimate(), expected)
    })
  }

  it('stays within twice the relative standard deviation on several data sets', () => {
    for (const n of [10, 1000, 100000]) {
      for (const prefix of ['user-', 'ß', 'order#']) {
        const estimate = sketch(n, (i) => `${prefix}${i * 7919}`, t.string()).estimate()
        assert.ok(
          Math.abs(estimate - n) <= 0.1 * n,
          `estimate ${estimate} for ${n} distinct '${prefix}' strings`,
        )
      }
    }
  })

  it('counts repeated values once and ignores nulls', () => {
    const noisy = sketch(5000, (i) => (i % 4 === 0 ? null : i % 50), L)
    const distinct = sketch(50, (i) => i, L)
    assert.deepEqual(noisy.serialize(), distinct.serialize())
    assert.equal(noisy.estimate(), distinct.estimate())
  })

  it('estimates 0 for an empty sketch', () => {
    assert.equal(new HyperLogLogPlusPlus().estimate(), 0)
  })

  it('merges to the same registers as adding the union', () => {
    const a = sketch(30000, (i) => i, L)
    const b = sketch(30000, (i) => i + 20000, L)
    const union = sketch(50000, (i) => i, L)
    a.merge(b)
    assert.deepEqual(a.serialize(), union.serialize())
    assert.equal(a.estimate(), union.estimate())
  })

  it('round-trips through serialize / deserialize', () => {
    for (const rsd of [0.39, 0.05, 0.01]) {
      const hll = sketch(12345, (i) => `v${i}`, t.string(), rsd)
      const bytes = hll.serialize()
      const copy = HyperLogLogPlusPlus.deserialize(bytes, rsd)
      assert.equal(copy.estimate(), hll.estimate())
      assert.deepEqual(copy.serialize(), bytes)
    }
  })

  it('packs 6-bit registers: 3 bytes per 4 registers plus a 2-byte header', () => {
    assert.equal(new HyperLogLogPlusPlus(0.05).serialize().length, 2 + 384)
  })

  it('refuses to deserialize with a relativeSD of another precision', () => {
    const bytes = sketch(100, (i) => i, L, 0.05).serialize()
    assert.throws(
      () => HyperLogLogPlusPlus.deserialize(bytes, 0.01),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT') && /relativeSD 0\.01/.test(e.message),
    )
  })

  it('refuses to merge sketches of different precision', () => {
    assert.throws(
      () => new HyperLogLogPlusPlus(0.05).merge(new HyperLogLogPlusPlus(0.01)),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT') && /p = 9 and p = 14/.test(e.message),
    )
  })

  it("chooses Spark's precision from the relative standard deviation", () => {
    assert.equal(precisionFor(0.05), 9)
    assert.equal(precisionFor(0.01), 14)
    assert.equal(precisionFor(0.391), 4)
    const hll = new HyperLogLogPlusPlus()
    assert.equal(hll.m, 512)
    assert.ok(Math.abs(hll.trueRsd - 0.046) < 0.001)
  })

  it("rejects a relativeSD above 39% with Spark's message", () => {
    assert.throws(
      () => new HyperLogLogPlusPlus(0.4),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT') && /at most 39%/.test(e.message),
    )
  })

  it('rejects a relativeSD that is not a positive finite number, or too small to allocate', () => {
    for (const rsd of [0, -0.1, Number.NaN, Number.POSITIVE_INFINITY, 1e-6]) {
      assert.throws(
        () => new HyperLogLogPlusPlus(rsd),
        (e) => isSluiceError(e, 'INVALID_ARGUMENT') && e.message.includes('relativeSD'),
      )
    }
  })
})
