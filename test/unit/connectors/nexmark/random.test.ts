import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nextPrice } from '../../../../src/connectors/nexmark/entities.ts'
import { JavaRandom, nextLongBelow } from '../../../../src/connectors/nexmark/random.ts'
import { integerReverse, nextString } from '../../../../src/connectors/nexmark/strings.ts'

// Every expected value below was printed by java.util.Random on OpenJDK 17 (a throwaway program).
function draws<T>(n: number, f: () => T): T[] {
  return Array.from({ length: n }, f)
}

describe('JavaRandom matches java.util.Random', () => {
  it('gives Java nextInt() for seeds 42 and 1', () => {
    assert.equal(new JavaRandom(42).nextInt(), -1170105035)
    const r = new JavaRandom(1)
    assert.deepEqual(
      draws(5, () => r.nextInt()),
      [-1155869325, 431529176, 1761283695, 1749940626, 892128508],
    )
  })

  it('gives Java nextInt(10) for seed 42 (the rejection path)', () => {
    const r = new JavaRandom(42)
    assert.deepEqual(
      draws(10, () => r.nextIntBounded(10)),
      [0, 3, 8, 4, 0, 5, 5, 8, 9, 3],
    )
  })

  it('gives Java nextInt(16) for seed 42 (the power-of-two path)', () => {
    const r = new JavaRandom(42)
    assert.deepEqual(
      draws(10, () => r.nextIntBounded(16)),
      [11, 0, 10, 0, 4, 15, 4, 11, 10, 1],
    )
  })

  it('rejects draws in the biased top range like Java for a bound just above 2^30', () => {
    const r = new JavaRandom(7)
    assert.deepEqual(
      draws(10, () => r.nextIntBounded(1073741825)),
      [
        20678044, 747989380, 1053566254, 755731200, 259278708, 542588911, 178712961, 234738279, 249143924,
        1015705239,
      ],
    )
  })

  it('gives Java nextLong() for a negative seed', () => {
    const r = new JavaRandom(-5)
    assert.deepEqual(
      draws(4, () => r.nextLong()),
      [4967725915334898755n, 6162916890256202832n, 7026268870879647858n, 5300084627461521827n],
    )
  })

  it('gives Java nextDouble() for a seed above 2^32', () => {
    const r = new JavaRandom(123456789012345)
    assert.deepEqual(
      draws(4, () => r.nextDouble()),
      [0.6691460388561377, 0.864083895223539, 0.8815593546533792, 0.08654980253943012],
    )
  })

  it('re-seeding with setSeed restarts the sequence', () => {
    const r = new JavaRandom(5)
    r.nextInt()
    r.setSeed(42)
    assert.equal(r.nextInt(), -1170105035)
    r.setSeed(42n)
    assert.equal(r.nextInt(), -1170105035)
  })

  it('nextLongBelow takes nextInt below 2^31-1 and abs(nextLong % n) above, as Beam', () => {
    assert.equal(nextLongBelow(new JavaRandom(42), 10), 0)
    const n = 2 ** 40
    const expected = Number(BigInt.asIntN(64, new JavaRandom(-5).nextLong()) % BigInt(n))
    assert.equal(nextLongBelow(new JavaRandom(-5), n), Math.abs(expected))
  })
})

describe('Nexmark draws built on JavaRandom match Java', () => {
  it('prices round(10^(6U) * 100) equal Java Math.round/Math.pow over 100,000 seeds', () => {
    // Java: for s in [0, 100000): p = price(new Random(s * 7919)); sum += p; xor ^= p * (s + 1)
    const r = new JavaRandom(0)
    let sum = 0n
    let xor = 0n
    for (let s = 0; s < 100_000; s++) {
      r.setSeed(s * 7919)
      const p = BigInt(nextPrice(r))
      sum += p
      xor ^= p * BigInt(s + 1)
    }
    assert.equal(sum, 724885329675n)
    assert.equal(xor, 3292868540109n)
  })

  it('the first price of seeds 0..4 is Java’s', () => {
    const prices = [0, 1, 2, 3, 4].map((s) => nextPrice(new JavaRandom(s)))
    assert.deepEqual(prices, [2431122, 2428114, 2437146, 2434132, 2419116])
  })

  it('nextString(20) for seed 99 equals Beam’s StringsGenerator (trimmed, with spaces)', () => {
    const r = new JavaRandom(99)
    assert.deepEqual(
      draws(5, () => nextString(r, 20)),
      ['xeuempuow', 'bzsvhuvgl', 'y hlvu dsy', 'grogdrhtszuidfssvh', 'htygqgat o'],
    )
  })

  it('Math.abs(integerReverse(i)) equals Java’s Math.abs(Integer.reverse(i)), MIN_VALUE included', () => {
    const javaAbs = (x: number) => (x < 0 ? -x | 0 : x)
    assert.deepEqual(
      [0, 1, 2, 3, 9999].map((i) => javaAbs(integerReverse(i))),
      [0, -2147483648, 1073741824, 1073741824, 253493248],
    )
    assert.equal(integerReverse(3), -1073741824)
  })
})
