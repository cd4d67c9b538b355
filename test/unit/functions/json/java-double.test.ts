import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { javaDoubleToString } from '../../../../src/functions/json/java-double.ts'

describe('javaDoubleToString', () => {
  // Expected strings are Java's Double.toString (JDK 19+ algorithm; JDK 17 agrees on all of these).
  const table: [number, string][] = [
    [0, '0.0'],
    [-0, '-0.0'],
    [1, '1.0'],
    [-1.5, '-1.5'],
    [100, '100.0'],
    [123.456, '123.456'],
    [0.5, '0.5'],
    [0.001, '0.001'],
    [9.999e-4, '9.999E-4'],
    [1e-4, '1.0E-4'],
    [1e-5, '1.0E-5'],
    [1e-7, '1.0E-7'],
    [2.5e-5, '2.5E-5'],
    [1234567, '1234567.0'],
    [9999999, '9999999.0'],
    [1e7, '1.0E7'],
    [1.2345678e7, '1.2345678E7'],
    [12345678.9, '1.23456789E7'],
    [1e10, '1.0E10'],
    [1e21, '1.0E21'],
    [123456789012345680000, '1.2345678901234568E20'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1.7976931348623157e308, '1.7976931348623157E308'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
  ]
  for (const [d, expected] of table) {
    it(`prints ${expected}`, () => assert.equal(javaDoubleToString(d), expected))
  }

  it('prints the smallest subnormal with two digits, as Java does', () => {
    assert.equal(javaDoubleToString(5e-324), '4.9E-324')
    assert.equal(javaDoubleToString(-5e-324), '-4.9E-324')
  })

  it('picks the closest two-digit decimal when one digit would round-trip but is inexact', () => {
    // 1e-323 is 2 x MIN_VALUE = 9.88e-324; JDK 19+ prints the closest two-digit decimal.
    assert.equal(javaDoubleToString(1e-323), '9.9E-324')
    assert.equal(javaDoubleToString(2e-323), '2.0E-323')
  })

  it('prints the shortest digits where old JDKs printed extra ones', () => {
    // JDK 17 prints 1.9999999999999998E23; JDK 19+ (Spark 4 on Java 21) prints the shortest form.
    assert.equal(javaDoubleToString(2e23), '2.0E23')
  })

  it('round-trips every value it prints', () => {
    for (const d of [
      Math.PI,
      1 / 3,
      2 / 3e-9,
      6.02214076e23,
      1.602176634e-19,
      4.35,
      0.007,
      9007199254740992,
    ]) {
      assert.equal(Number(javaDoubleToString(d)), d)
    }
  })
})
