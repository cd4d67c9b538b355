/**
 * Spark's Murmur3_x86_32 (`org.apache.spark.unsafe.hash.Murmur3_x86_32`), bit for bit. All results
 * are signed 32-bit ints, as Java's `int`. Strings and binaries use Spark's legacy
 * `hashUnsafeBytes`, which (unlike reference Murmur3) mixes each trailing byte past the last
 * 4-byte word as its own sign-extended int; that is what Spark's `hash()` uses.
 */
import { doubleBits, R, splitLong, splitMicros } from './int64.ts'
import { encodeUtf8 } from './utf8.ts'

const C1 = 0xcc9e2d51 | 0
const C2 = 0x1b873593 | 0

function mixK1(k: number): number {
  k = Math.imul(k, C1)
  k = (k << 15) | (k >>> 17)
  return Math.imul(k, C2)
}

function mixH1(h: number, k: number): number {
  h ^= k
  h = (h << 13) | (h >>> 19)
  return (Math.imul(h, 5) + 0xe6546b64) | 0
}

function fmix(h: number, length: number): number {
  h ^= length
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/**
 * Murmur3 of a 32-bit int (Spark's `hashInt`), also used for int, date and boolean (1/0) values.
 *
 * @example
 * murmur3HashInt(1, 42) // -559580957, as Spark's hash(1)
 */
export function murmur3HashInt(i: number, seed: number): number {
  return fmix(mixH1(seed, mixK1(i | 0)), 4)
}

/**
 * Murmur3 of a 64-bit long given as signed 32-bit halves (low word first, then high word).
 *
 * @example
 * murmur3HashHalves(0, 1, 42) // as Spark's hash(1L)
 */
export function murmur3HashHalves(hi: number, lo: number, seed: number): number {
  return hashHalves(hi, lo, seed)
}

function hashHalves(hi: number, lo: number, seed: number): number {
  return fmix(mixH1(mixH1(seed, mixK1(lo)), mixK1(hi)), 8)
}

/**
 * Murmur3 of a 64-bit long (Spark's `hashLong`): low word first, then high word.
 *
 * @example
 * murmur3HashLong(-5, 42) // 424949597, as Spark's hash(-5L)
 */
export function murmur3HashLong(l: number, seed: number): number {
  splitLong(l)
  return hashHalves(R.hi, R.lo, seed)
}

/**
 * Murmur3 of a double as Spark hashes it: `hashLong(doubleToLongBits(d))`, with -0.0 hashed as 0.0
 * and every NaN as the canonical NaN.
 *
 * @example
 * murmur3HashDouble(1.5, 42) // 1290763749, as Spark's hash(1.5D)
 */
export function murmur3HashDouble(d: number, seed: number): number {
  doubleBits(d === 0 ? 0 : d)
  return hashHalves(R.hi, R.lo, seed)
}

/**
 * Murmur3 of a timestamp or day-time interval held in milliseconds, as Spark hashes the
 * microsecond long.
 *
 * @example
 * murmur3HashMicros(1704067200000, 42) // 1545358984, as hash(timestamp'2024-01-01 00:00:00 UTC')
 */
export function murmur3HashMicros(ms: number, seed: number): number {
  splitMicros(ms)
  return hashHalves(R.hi, R.lo, seed)
}

/**
 * Murmur3 of `length` bytes (default: all) with Spark's `hashUnsafeBytes`: little-endian 4-byte
 * words, then each remaining byte sign-extended and mixed on its own.
 *
 * @example
 * murmur3HashBytes(new Uint8Array([1, 2]), 42) // 1964783052, as Spark's hash(X'0102')
 */
export function murmur3HashBytes(bytes: Uint8Array, seed: number, length = bytes.length): number {
  const aligned = length - (length & 3)
  let h = seed
  let i = 0
  for (; i < aligned; i += 4) {
    h = mixH1(h, mixK1(bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)))
  }
  for (; i < length; i++) h = mixH1(h, mixK1((bytes[i] << 24) >> 24))
  return fmix(h, length)
}

/**
 * Murmur3 of a string's UTF-8 bytes, as Spark hashes a `UTF8String`. ASCII strings are hashed
 * straight from their char codes; others are encoded into a reused scratch buffer.
 *
 * @example
 * murmur3HashString('abc', 42) // 1322437556, as Spark's hash('abc')
 */
export function murmur3HashString(s: string, seed: number): number {
  const n = s.length
  const aligned = n - (n & 3)
  let h = seed
  let i = 0
  for (; i < aligned; i += 4) {
    const c0 = s.charCodeAt(i)
    const c1 = s.charCodeAt(i + 1)
    const c2 = s.charCodeAt(i + 2)
    const c3 = s.charCodeAt(i + 3)
    if ((c0 | c1 | c2 | c3) > 0x7f) return hashUtf8(s, seed)
    h = mixH1(h, mixK1(c0 | (c1 << 8) | (c2 << 16) | (c3 << 24)))
  }
  for (; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c > 0x7f) return hashUtf8(s, seed)
    h = mixH1(h, mixK1(c))
  }
  return fmix(h, n)
}

function hashUtf8(s: string, seed: number): number {
  const buf = encodeUtf8(s)
  return murmur3HashBytes(buf.bytes, seed, buf.length)
}
