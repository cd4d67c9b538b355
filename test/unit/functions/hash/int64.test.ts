import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  add64,
  doubleBits,
  fromBigInt,
  mul64,
  R,
  rotl64,
  splitLong,
  splitMicros,
  toBigInt,
} from '../../../../src/functions/hash/int64.ts'

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })
const halves = (x: bigint): [number, number] => {
  fromBigInt(x)
  return [R.hi, R.lo]
}
const result = (): bigint => BigInt.asUintN(64, toBigInt(R.hi, R.lo))

describe('64-bit arithmetic on 32-bit halves', () => {
  it('multiplies modulo 2^64 like Java long', () => {
    fc.assert(
      fc.property(u64, u64, (a, b) => {
        mul64(...halves(a), ...halves(b))
        assert.equal(result(), (a * b) % 2n ** 64n)
      }),
    )
  })

  it('adds modulo 2^64 with carry between the halves', () => {
    fc.assert(
      fc.property(u64, u64, (a, b) => {
        add64(...halves(a), ...halves(b))
        assert.equal(result(), (a + b) % 2n ** 64n)
      }),
    )
  })

  it('rotates left by 1 to 31 bits', () => {
    fc.assert(
      fc.property(u64, fc.integer({ min: 1, max: 31 }), (a, r) => {
        rotl64(...halves(a), r)
        const n = BigInt(r)
        assert.equal(result(), ((a << n) | (a >> (64n - n))) % 2n ** 64n)
      }),
    )
  })

  it('splits negative and large integral numbers into two-complement halves', () => {
    for (const x of [
      0,
      -1,
      -5,
      2 ** 32,
      -(2 ** 32),
      2 ** 53 - 1,
      -(2 ** 53) + 1,
      1234567890123,
      -2147483649,
    ]) {
      splitLong(x)
      assert.equal(toBigInt(R.hi, R.lo), BigInt(x), String(x))
    }
  })

  it('converts milliseconds to exact microseconds beyond 2^53', () => {
    for (const ms of [0, -1, 1704067200123, 253402300799999, -62135596800000, 9e15]) {
      splitMicros(ms)
      assert.equal(toBigInt(R.hi, R.lo), BigInt(ms) * 1000n, String(ms))
    }
  })

  it('rounds fractional milliseconds to the nearest microsecond', () => {
    splitMicros(1.001)
    assert.equal(toBigInt(R.hi, R.lo), 1001n)
  })

  it("gives Java's doubleToLongBits, with one canonical NaN", () => {
    doubleBits(1)
    assert.equal(toBigInt(R.hi, R.lo), 0x3ff0000000000000n)
    doubleBits(-2.5)
    assert.equal(BigInt.asUintN(64, toBigInt(R.hi, R.lo)), 0xc004000000000000n)
    const payloadNaN = new Float64Array(new BigUint64Array([0x7ff0000000000001n]).buffer)[0]
    doubleBits(payloadNaN)
    assert.equal(toBigInt(R.hi, R.lo), 0x7ff8000000000000n)
  })
})
