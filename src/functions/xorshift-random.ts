/**
 * Spark's `XORShiftRandom` (org.apache.spark.util.random), the generator of `rand(seed)` and
 * `randn(seed)`: its seed is the 64-bit seed hashed by Scala's MurmurHash3.bytesHash (low and high
 * halves), each step is Marsaglia's xorshift (21, 35, 4), and `nextDouble`/`nextGaussian` are
 * java.util.Random's on top of it. Spark seeds one per partition with `seed + partitionIndex`; the
 * same seed gives the same sequence, here as in Spark. 64-bit arithmetic in BigInt (random values
 * are rare in hot loops; a rand() per row costs about a microsecond).
 */
const MASK64 = (1n << 64n) - 1n
const ARRAY_SEED = 0x3c074a61

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r))
}

function mixLast(h: number, k: number): number {
  let x = Math.imul(k, 0xcc9e2d51)
  x = rotl32(x, 15)
  x = Math.imul(x, 0x1b873593)
  return h ^ x
}

function mix(h: number, k: number): number {
  const x = rotl32(mixLast(h, k), 13)
  return (Math.imul(x, 5) + 0xe6546b64) | 0
}

function avalanche(h0: number): number {
  let h = h0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h
}

/** Scala's `MurmurHash3.bytesHash` of 8 bytes (no tail). */
function bytesHash8(bytes: Uint8Array, seed: number): number {
  let h = seed
  for (let i = 0; i < 8; i += 4) {
    const k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)
    h = mix(h, k)
  }
  return avalanche(h ^ 8)
}

/** `XORShiftRandom.hashSeed`: the seed's big-endian bytes hashed twice into 64 bits. */
function hashSeed(seed: bigint): bigint {
  const bytes = new Uint8Array(8)
  new DataView(bytes.buffer).setBigInt64(0, BigInt.asIntN(64, seed))
  const low = bytesHash8(bytes, ARRAY_SEED)
  const high = bytesHash8(bytes, low)
  return ((BigInt(high >>> 0) << 32n) | BigInt(low >>> 0)) & MASK64
}

export class XorShiftRandom {
  #seed: bigint
  #nextGaussian: number | undefined

  /** @example new XorShiftRandom(42n).nextDouble() // 0.619189370225301, as Spark's rand(42) */
  constructor(seed: bigint) {
    this.#seed = hashSeed(seed)
  }

  #next(bits: number): number {
    let s = this.#seed
    s ^= (s << 21n) & MASK64
    s ^= s >> 35n
    s ^= (s << 4n) & MASK64
    this.#seed = s
    return Number(s & ((1n << BigInt(bits)) - 1n))
  }

  /** java.util.Random.nextDouble: 53 random bits in [0, 1). @example rng.nextDouble() */
  nextDouble(): number {
    return (this.#next(26) * 2 ** 27 + this.#next(27)) * 2 ** -53
  }

  /** java.util.Random.nextGaussian (the polar method, values made in pairs). @example rng.nextGaussian() */
  nextGaussian(): number {
    if (this.#nextGaussian !== undefined) {
      const g = this.#nextGaussian
      this.#nextGaussian = undefined
      return g
    }
    let v1: number
    let v2: number
    let s: number
    do {
      v1 = 2 * this.nextDouble() - 1
      v2 = 2 * this.nextDouble() - 1
      s = v1 * v1 + v2 * v2
    } while (s >= 1 || s === 0)
    const multiplier = Math.sqrt((-2 * Math.log(s)) / s)
    this.#nextGaussian = v2 * multiplier
    return v1 * multiplier
  }
}
