/**
 * Spark's xxHash64 (`org.apache.spark.sql.catalyst.expressions.XXH64`), bit for bit, computed on
 * 32-bit halves. Every function takes the seed as two halves and leaves the 64-bit result in the
 * shared register `R` (`R.hi`, `R.lo`) of `int64.ts`, so hot callers (HyperLogLog++) allocate
 * nothing. `toBigInt(R.hi, R.lo)` gives the signed long Spark returns.
 */
import { add64, doubleBits, mul64, R, rotl64, splitLong, splitMicros } from './int64.ts'
import { encodeUtf8 } from './utf8.ts'

const P1H = 0x9e3779b1 | 0
const P1L = 0x85ebca87 | 0
const P2H = 0xc2b2ae3d | 0
const P2L = 0x27d4eb4f | 0
const P3H = 0x165667b1 | 0
const P3L = 0x9e3779f9 | 0
const P4H = 0x85ebca77 | 0
const P4L = 0xc2b2ae63 | 0
const P5H = 0x27d4eb2f | 0
const P5L = 0x165667c5 | 0
// -P1 modulo 2^64, the initial value of the fourth accumulator is seed - P1.
const NEG_P1H = 0x61c8864e | 0
const NEG_P1L = 0x7a143579 | 0

/** h ^= h >>> 33; h *= P2; h ^= h >>> 29; h *= P3; h ^= h >>> 32 (result in R). */
function fmix(hi: number, lo: number): void {
  lo ^= hi >>> 1
  mul64(hi, lo, P2H, P2L)
  hi = R.hi
  lo = R.lo ^ ((R.lo >>> 29) | (R.hi << 3))
  hi ^= hi >>> 29
  mul64(hi, lo, P3H, P3L)
  R.lo ^= R.hi
}

/** hash = rotl(hash ^ rotl(k * P2, 31) * P1, 27) * P1 + P4: one 8-byte lane (result in R). */
function mixLong(hHi: number, hLo: number, kHi: number, kLo: number): void {
  mul64(kHi, kLo, P2H, P2L)
  rotl64(R.hi, R.lo, 31)
  mul64(R.hi, R.lo, P1H, P1L)
  rotl64(hHi ^ R.hi, hLo ^ R.lo, 27)
  mul64(R.hi, R.lo, P1H, P1L)
  add64(R.hi, R.lo, P4H, P4L)
}

/** hash = rotl(hash ^ (k & 0xffffffff) * P1, 23) * P2 + P3: one 4-byte lane (result in R). */
function mixInt(hHi: number, hLo: number, k: number): void {
  mul64(0, k, P1H, P1L)
  rotl64(hHi ^ R.hi, hLo ^ R.lo, 23)
  mul64(R.hi, R.lo, P2H, P2L)
  add64(R.hi, R.lo, P3H, P3L)
}

/**
 * xxHash64 of a 32-bit int (Spark's `XXH64.hashInt`), result in `R`.
 *
 * @example
 * xxh64Int(1, 0, 42); toBigInt(R.hi, R.lo) // -6698625589789238999n, as xxhash64(1)
 */
export function xxh64Int(i: number, seedHi: number, seedLo: number): void {
  add64(seedHi, seedLo, P5H, P5L + 4)
  mixInt(R.hi, R.lo, i)
  fmix(R.hi, R.lo)
}

/**
 * xxHash64 of a 64-bit long given as halves (Spark's `XXH64.hashLong`), result in `R`.
 *
 * @example
 * xxh64Halves(0, 1, 0, 42); toBigInt(R.hi, R.lo) // -7001672635703045582n, as xxhash64(1L)
 */
export function xxh64Halves(hi: number, lo: number, seedHi: number, seedLo: number): void {
  add64(seedHi, seedLo, P5H, P5L + 8)
  mixLong(R.hi, R.lo, hi, lo)
  fmix(R.hi, R.lo)
}

/**
 * xxHash64 of an integral JS number as a Java long, result in `R`.
 *
 * @example
 * xxh64Long(-5, 0, 42) // R holds xxhash64(-5L)
 */
export function xxh64Long(l: number, seedHi: number, seedLo: number): void {
  splitLong(l)
  xxh64Halves(R.hi, R.lo, seedHi, seedLo)
}

/**
 * xxHash64 of a double as Spark hashes it (-0.0 as 0.0, canonical NaN), result in `R`.
 *
 * @example
 * xxh64Double(1.5, 0, 42) // R holds xxhash64(1.5D)
 */
export function xxh64Double(d: number, seedHi: number, seedLo: number): void {
  doubleBits(d === 0 ? 0 : d)
  xxh64Halves(R.hi, R.lo, seedHi, seedLo)
}

/**
 * xxHash64 of a timestamp / day-time interval in ms, as Spark hashes the microsecond long.
 *
 * @example
 * xxh64Micros(0, 0, 42) // R holds xxhash64(timestamp'1970-01-01 00:00:00 UTC')
 */
export function xxh64Micros(ms: number, seedHi: number, seedLo: number): void {
  splitMicros(ms)
  xxh64Halves(R.hi, R.lo, seedHi, seedLo)
}

function readInt(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)
}

/** v = rotl(v + k * P2, 31) * P1: one accumulator round over an 8-byte lane (result in R). */
function round(vHi: number, vLo: number, kHi: number, kLo: number): void {
  mul64(kHi, kLo, P2H, P2L)
  add64(vHi, vLo, R.hi, R.lo)
  rotl64(R.hi, R.lo, 31)
  mul64(R.hi, R.lo, P1H, P1L)
}

/** hash = (hash ^ round(0, v)) * P1 + P4: folds one accumulator into the hash (result in R). */
function mergeRound(hHi: number, hLo: number, vHi: number, vLo: number): void {
  round(0, 0, vHi, vLo)
  mul64(hHi ^ R.hi, hLo ^ R.lo, P1H, P1L)
  add64(R.hi, R.lo, P4H, P4L)
}

/** The 32-byte stripe phase for inputs of 32 bytes or more (result in R). */
function stripes(b: Uint8Array, length: number, seedHi: number, seedLo: number): void {
  add64(seedHi, seedLo, P1H, P1L)
  add64(R.hi, R.lo, P2H, P2L)
  let v1h = R.hi
  let v1l = R.lo
  add64(seedHi, seedLo, P2H, P2L)
  let v2h = R.hi
  let v2l = R.lo
  let v3h = seedHi
  let v3l = seedLo
  add64(seedHi, seedLo, NEG_P1H, NEG_P1L)
  let v4h = R.hi
  let v4l = R.lo
  for (let i = 0; i + 32 <= length; i += 32) {
    round(v1h, v1l, readInt(b, i + 4), readInt(b, i))
    v1h = R.hi
    v1l = R.lo
    round(v2h, v2l, readInt(b, i + 12), readInt(b, i + 8))
    v2h = R.hi
    v2l = R.lo
    round(v3h, v3l, readInt(b, i + 20), readInt(b, i + 16))
    v3h = R.hi
    v3l = R.lo
    round(v4h, v4l, readInt(b, i + 28), readInt(b, i + 24))
    v4h = R.hi
    v4l = R.lo
  }
  rotl64(v1h, v1l, 1)
  let hh = R.hi
  let hl = R.lo
  rotl64(v2h, v2l, 7)
  add64(hh, hl, R.hi, R.lo)
  hh = R.hi
  hl = R.lo
  rotl64(v3h, v3l, 12)
  add64(hh, hl, R.hi, R.lo)
  hh = R.hi
  hl = R.lo
  rotl64(v4h, v4l, 18)
  add64(hh, hl, R.hi, R.lo)
  mergeRound(R.hi, R.lo, v1h, v1l)
  mergeRound(R.hi, R.lo, v2h, v2l)
  mergeRound(R.hi, R.lo, v3h, v3l)
  mergeRound(R.hi, R.lo, v4h, v4l)
}

/**
 * xxHash64 of the first `length` bytes (default: all), as Spark's `XXH64.hashUnsafeBytes`.
 *
 * @example
 * xxh64Bytes(new Uint8Array([1, 2]), 0, 42) // R holds xxhash64(X'0102')
 */
export function xxh64Bytes(b: Uint8Array, seedHi: number, seedLo: number, length = b.length): void {
  let i = 0
  if (length >= 32) {
    stripes(b, length, seedHi, seedLo)
    i = length & ~31
  } else {
    add64(seedHi, seedLo, P5H, P5L)
  }
  add64(R.hi, R.lo, 0, length)
  for (; i + 8 <= length; i += 8) mixLong(R.hi, R.lo, readInt(b, i + 4), readInt(b, i))
  if (i + 4 <= length) {
    mixInt(R.hi, R.lo, readInt(b, i))
    i += 4
  }
  for (; i < length; i++) {
    const hHi = R.hi
    const hLo = R.lo
    mul64(0, b[i], P5H, P5L)
    rotl64(hHi ^ R.hi, hLo ^ R.lo, 11)
    mul64(R.hi, R.lo, P1H, P1L)
  }
  fmix(R.hi, R.lo)
}

/**
 * xxHash64 of a string's UTF-8 bytes, as Spark hashes a `UTF8String` (result in R).
 *
 * @example
 * xxh64String('abc', 0, 42) // R holds xxhash64('abc')
 */
export function xxh64String(s: string, seedHi: number, seedLo: number): void {
  const buf = encodeUtf8(s)
  xxh64Bytes(buf.bytes, seedHi, seedLo, buf.length)
}
