/**
 * An exact re-implementation of `java.util.Random` (the 48-bit linear congruential generator of
 * Knuth §3.2.1), so that seeding it with a Nexmark event id reproduces Beam's stream field for
 * field. The 48-bit state is kept as two 24-bit halves in small ints, multiplied in 12-bit limbs,
 * so the arithmetic is exact int arithmetic without BigInt (BigInt would allocate per call, and this
 * runs several times per field per event: about 8 ns per draw against about 40 ns for doubles with %).
 */

const TWO_24 = 16777216
const TWO_31 = 2147483648
const TWO_48 = 281474976710656
// The multiplier 0x5DEECE66D split into 24-bit halves.
const MUL_HI = 0x5de
const MUL_LO = 0xece66d
const ADDEND = 0xb
const MUL_LO_0 = MUL_LO & 0xfff
const MUL_LO_1 = MUL_LO >>> 12

/**
 * `java.util.Random` with the same seed scrambling, `next(bits)`, `nextInt`, `nextInt(bound)`,
 * `nextLong` and `nextDouble` as the JDK. One instance can be re-seeded per event (`setSeed`), which
 * is cheaper than allocating a new one.
 * @example new JavaRandom(42).nextInt() // -1170105035 (as in Java)
 */
export class JavaRandom {
  private hi = 0
  private lo = 0

  constructor(seed: number | bigint = 0) {
    this.setSeed(seed)
  }

  /**
   * Re-seeds like `Random.setSeed`: state = (seed XOR 0x5DEECE66D) mod 2^48. Numbers must be safe
   * integers; negative seeds use their two's-complement low 48 bits, as Java's long does.
   * @example r.setSeed(1050) // the seed of event id 1050
   */
  setSeed(seed: number | bigint): void {
    let low48: number
    if (typeof seed === 'number' && seed >= 0 && Number.isSafeInteger(seed)) {
      low48 = seed % TWO_48
    } else {
      low48 = Number(BigInt.asUintN(48, BigInt(seed)))
    }
    const lo = low48 % TWO_24
    const hi = (low48 - lo) / TWO_24
    this.lo = lo ^ MUL_LO
    this.hi = hi ^ MUL_HI
  }

  /**
   * Advances the state and returns its top `bits` bits as a signed 32-bit int (Random.next).
   * @example new JavaRandom(42).next(32) // -1170105035
   */
  next(bits: number): number {
    // lo * MUL_LO split into 12-bit limbs so every partial product is a small int.
    const lo = this.lo
    const l0 = lo & 0xfff
    const l1 = lo >>> 12
    const a = l0 * MUL_LO_0 + ADDEND
    const b = l1 * MUL_LO_0 + l0 * MUL_LO_1 + (a >>> 12)
    const carry = (b >>> 12) + l1 * MUL_LO_1
    // Only the low 24 bits of the high half survive mod 2^48, so imul's wrap-around is harmless.
    const hi = (Math.imul(this.hi, MUL_LO) + Math.imul(lo, MUL_HI) + carry) & 0xffffff
    const newLo = ((b & 0xfff) << 12) | (a & 0xfff)
    this.hi = hi
    this.lo = newLo
    const top32 = (hi << 8) | (newLo >>> 16)
    return bits === 32 ? top32 : top32 >>> (32 - bits)
  }

  /**
   * A uniformly random signed 32-bit int (Random.nextInt()).
   * @example new JavaRandom(1).nextInt() // -1155869325
   */
  nextInt(): number {
    return this.next(32)
  }

  /**
   * A uniformly random int in [0, bound), with Java's power-of-two shortcut and its rejection of
   * the biased top range, so the number of draws (and so every later value) matches Java.
   * @example new JavaRandom(42).nextIntBounded(10) // 0
   */
  nextIntBounded(bound: number): number {
    let r = this.next(31)
    const m = bound - 1
    if ((bound & m) === 0) {
      // bound = 2^k: (bound * r) >> 31 is r / 2^(31-k), exact in doubles.
      return Math.floor((r * bound) / TWO_31)
    }
    for (let u = r; ((u - (r = u % bound) + m) | 0) < 0; u = this.next(31)) {
      // Java rejects u when u - r + m overflows int: u lies in the incomplete last block.
    }
    return r
  }

  /**
   * A uniformly random signed 64-bit long (Random.nextLong()), as a bigint.
   * @example new JavaRandom(-5).nextLong() // 4967725915334898755n
   */
  nextLong(): bigint {
    const high = BigInt(this.next(32))
    const low = BigInt(this.next(32))
    return BigInt.asIntN(64, (high << 32n) + low)
  }

  /**
   * A uniformly random double in [0, 1) with 53 random bits (Random.nextDouble()).
   * @example new JavaRandom(123456789012345).nextDouble() // 0.6691460388561377
   */
  nextDouble(): number {
    const a = this.next(26)
    const b = this.next(27)
    return (a * 134217728 + b) / 9007199254740992
  }
}

/**
 * Beam's `LongGenerator.nextLong(random, n)`: `nextInt(n)` when n fits an int, else
 * `abs(nextLong() % n)` (skewed, but it is what Beam does, and it keeps the draw count equal).
 * @example nextLongBelow(new JavaRandom(1), 1010) // a number in [0, 1010)
 */
export function nextLongBelow(random: JavaRandom, n: number): number {
  if (n < 2147483647) return random.nextIntBounded(n)
  const r = random.nextLong() % BigInt(n)
  return Number(r < 0n ? -r : r)
}
