/**
 * 64-bit integer arithmetic on pairs of 32-bit halves, for the hash functions. BigInt would be
 * simpler but allocates per operation and is an order of magnitude slower, so every helper here
 * writes its result into the shared register `R` instead of returning a fresh pair. Callers must
 * read `R.hi` / `R.lo` before the next helper call overwrites them.
 *
 * Halves are held as signed 32-bit ints (`x | 0`); arithmetic is modulo 2^64 like Java's `long`.
 */

/** The result register of the helpers below: high and low 32-bit halves. */
export const R = { hi: 0, lo: 0 }

const TWO_32 = 4294967296

/**
 * Low 64 bits of a * b (Java `long` multiplication).
 *
 * @example
 * mul64(0, 3, 0, 5) // R = { hi: 0, lo: 15 }
 */
export function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  // 32x32 -> 64 product of the low halves via 16-bit limbs; every partial product fits a double exactly.
  const a0 = aLo & 0xffff
  const a1 = aLo >>> 16
  const b0 = bLo & 0xffff
  const b1 = bLo >>> 16
  const p00 = a0 * b0
  const p10 = a1 * b0
  const p01 = a0 * b1
  const mid = (p00 >>> 16) + (p10 & 0xffff) + (p01 & 0xffff)
  const carry = a1 * b1 + (p10 >>> 16) + (p01 >>> 16) + (mid >>> 16)
  R.lo = (mid << 16) | (p00 & 0xffff)
  R.hi = (carry + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) | 0
}

/**
 * a + b modulo 2^64.
 *
 * @example
 * add64(0, -1, 0, 1) // R = { hi: 1, lo: 0 }
 */
export function add64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const lo = (aLo >>> 0) + (bLo >>> 0)
  R.lo = lo | 0
  R.hi = (aHi + bHi + (lo >= TWO_32 ? 1 : 0)) | 0
}

/**
 * Rotates a 64-bit value left by `r` bits, 0 < r < 32 (the only rotations the hashes use).
 *
 * @example
 * rotl64(0, 0x80000000, 1) // R = { hi: 1, lo: 0 }
 */
export function rotl64(hi: number, lo: number, r: number): void {
  R.hi = (hi << r) | (lo >>> (32 - r))
  R.lo = (lo << r) | (hi >>> (32 - r))
}

/**
 * Splits an integral JS number (any magnitude up to 2^63) into the halves of its 64-bit two's
 * complement form, like Java's `(long) x`.
 *
 * @example
 * splitLong(-5) // R = { hi: -1, lo: -5 }
 */
export function splitLong(x: number): void {
  // ToUint32/ToInt32 reduce modulo 2^32 exactly for integral doubles; division by 2^32 is exact too.
  R.lo = x | 0
  R.hi = Math.floor(x / TWO_32) | 0
}

/**
 * Splits a timestamp or day-time interval held as milliseconds into the halves of Spark's
 * microsecond `long` (ms * 1000), exactly even where ms * 1000 exceeds 2^53.
 *
 * @example
 * splitMicros(1) // R = { hi: 0, lo: 1000 }
 */
export function splitMicros(ms: number): void {
  const micros = ms * 1000
  if (Number.isSafeInteger(micros)) {
    splitLong(micros)
  } else if (Number.isInteger(ms)) {
    splitLong(ms)
    mul64(R.hi, R.lo, 0, 1000)
  } else {
    // Fractional milliseconds: round away the binary representation error of the sub-ms part.
    splitLong(Math.round(micros))
  }
}

/**
 * The signed 64-bit value of two halves as a bigint.
 *
 * @example
 * toBigInt(-1, -1) // -1n
 */
export function toBigInt(hi: number, lo: number): bigint {
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0))
}

/**
 * The halves of a bigint taken modulo 2^64 (written to `R`).
 *
 * @example
 * fromBigInt(42n) // R = { hi: 0, lo: 42 }
 */
export function fromBigInt(x: bigint): void {
  const u = BigInt.asUintN(64, x)
  R.hi = Number(u >> 32n) | 0
  R.lo = Number(u & 0xffffffffn) | 0
}

const F64 = new Float64Array(1)
const I32 = new Int32Array(F64.buffer)
// Typed arrays use the platform's byte order; find which int32 holds the low word.
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1
const HI = 1 - LO

/**
 * Java's `Double.doubleToLongBits` (all NaNs collapse to 0x7ff8000000000000), written to `R`.
 *
 * @example
 * doubleBits(1) // R = { hi: 0x3ff00000, lo: 0 }
 */
export function doubleBits(d: number): void {
  if (Number.isNaN(d)) {
    R.hi = 0x7ff80000
    R.lo = 0
    return
  }
  F64[0] = d
  R.hi = I32[HI]
  R.lo = I32[LO]
}
