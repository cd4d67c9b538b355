/**
 * HyperLogLog++ as Spark implements it for `approx_count_distinct` (`HyperLogLogPlusPlusHelper`):
 * dense 6-bit registers, xxHash64 (seed 42) of each value, Spark's bias correction and linear
 * counting thresholds, so estimates equal Spark's for the same input values.
 */
import { SluiceError } from '../../errors.ts'
import type { DataType } from '../../schema/data-type.ts'
import { BIAS_DATA, RAW_ESTIMATE_DATA, THRESHOLDS } from './hll-bias-data.ts'
import { R } from './int64.ts'
import { xxhash64Into } from './spark-hash.ts'

/** Spark needs at least 4 index bits; above 26 the register array (2^p bytes) gets impractical. */
const MIN_P = 4
const MAX_P = 26
/** Number of nearest raw-estimate points averaged for the bias (Spark's `K`). */
const K = 6
const FORMAT_VERSION = 1
/** 2^-k for every register value k, so the estimate needs no division per register. */
const INVERSE_POW2 = Float64Array.from({ length: 65 }, (_, k) => 2 ** -k)

/**
 * Spark's precision for a relative standard deviation: p = ceil(2 * log2(1.106 / rsd)).
 *
 * @example
 * precisionFor(0.05) // 9 (512 registers)
 */
export function precisionFor(relativeSD: number): number {
  if (typeof relativeSD !== 'number' || !Number.isFinite(relativeSD) || relativeSD <= 0) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `approx_count_distinct: relativeSD must be a positive number, got ${String(relativeSD)}; the default is 0.05.`,
    )
  }
  // Same expression as Spark so the rounding agrees at the boundaries.
  const p = Math.ceil((2.0 * Math.log(1.106 / relativeSD)) / Math.log(2.0))
  if (p < MIN_P) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `approx_count_distinct: relativeSD ${relativeSD} is too large. HLL++ requires at least 4 bits for ` +
        'addressing. Use a lower error, at most 39%.',
    )
  }
  if (p > MAX_P) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `approx_count_distinct: relativeSD ${relativeSD} is too small: it needs 2^${p} registers. ` +
        `Use a relativeSD of at least ${(1.106 / 2 ** (MAX_P / 2)).toPrecision(3)}.`,
    )
  }
  return p
}

/**
 * A HyperLogLog++ sketch estimating the number of distinct values added, bit-compatible with
 * Spark's `approx_count_distinct(col, relativeSD)`.
 *
 * Error bound: the relative standard deviation of `estimate()` is at most `relativeSD` (the actual
 * value is 1.04 / sqrt(m) for the m = 2^p registers chosen, see `trueRsd`). With the default 0.05
 * (p = 9, m = 512, trueRsd ~ 0.046) about 95% of estimates fall within 10% of the true count, and
 * small cardinalities (below Spark's linear-counting threshold) are usually exact or nearly so.
 *
 * @example
 * const hll = new HyperLogLogPlusPlus(0.05)
 * for (let i = 0; i < 100000; i++) hll.add(i, t.long())
 * hll.estimate() // 95546, as Spark's approx_count_distinct(id) over range(0, 100000)
 */
export class HyperLogLogPlusPlus {
  /** The relative standard deviation asked for. */
  readonly relativeSD: number
  /** Number of index bits. */
  readonly p: number
  /** Number of registers, 2^p. */
  readonly m: number
  private readonly registers: Uint8Array

  constructor(relativeSD = 0.05) {
    this.relativeSD = relativeSD
    this.p = precisionFor(relativeSD)
    this.m = 1 << this.p
    this.registers = new Uint8Array(this.m)
  }

  /** The relative standard deviation this sketch actually guarantees: 1.04 / sqrt(m). */
  get trueRsd(): number {
    return 1.04 / Math.sqrt(this.m)
  }

  /**
   * Adds one value of type `type`; null is ignored, as Spark does.
   *
   * @example
   * hll.add('a', t.string())
   */
  add(value: unknown, type: DataType): void {
    if (value === null || value === undefined) return
    xxhash64Into(value, type, 0, 42)
    const p = this.p
    const hi = R.hi
    const lo = R.lo
    const idx = hi >>> (32 - p)
    // Leading zeros of the 64 - p bits after the index, padded so the count stops at 64 - p.
    const wHi = (hi << p) | (lo >>> (32 - p))
    const rank = (wHi !== 0 ? Math.clz32(wHi) : 32 + Math.clz32((lo << p) | (1 << (p - 1)))) + 1
    if (rank > this.registers[idx]) this.registers[idx] = rank
  }

  /** A copy of the registers, for saving the sketch (streaming state). @example hll.registersCopy().length // m */
  registersCopy(): Uint8Array {
    return this.registers.slice()
  }

  /** Replaces the registers with saved ones of the same precision; returns this. @example new HyperLogLogPlusPlus().loadRegisters(saved) */
  loadRegisters(saved: Uint8Array): this {
    if (saved.length !== this.m) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `A saved HyperLogLog++ sketch has ${saved.length} registers but this one needs ${this.m}; the relativeSD changed.`,
      )
    }
    this.registers.set(saved)
    return this
  }

  /**
   * Folds `other` into this sketch (register-wise maximum); both must have the same precision.
   *
   * @example
   * a.merge(b) // a now estimates the distinct count of a's and b's values together
   */
  merge(other: HyperLogLogPlusPlus): void {
    if (other.p !== this.p) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `Cannot merge HyperLogLog++ sketches of different precision (p = ${this.p} and p = ${other.p}); ` +
          'build both with the same relativeSD.',
      )
    }
    const a = this.registers
    const b = other.registers
    for (let i = 0; i < a.length; i++) if (b[i] > a[i]) a[i] = b[i]
  }

  /**
   * The estimated number of distinct values, exactly as Spark's `HyperLogLogPlusPlusHelper.query`.
   *
   * @example
   * new HyperLogLogPlusPlus().estimate() // 0
   */
  estimate(): number {
    const m = this.m
    const p = this.p
    let zInverse = 0
    let zeros = 0
    for (let i = 0; i < m; i++) {
      const r = this.registers[i]
      zInverse += INVERSE_POW2[r]
      if (r === 0) zeros++
    }
    const e = alphaM2(p, m) / zInverse
    let estimate: number
    if (zeros > 0) {
      // Linear counting for small cardinalities.
      const h = m * Math.log(m / zeros)
      estimate = (p < 19 && h <= THRESHOLDS[p - 4]) || e <= 2.5 * m ? h : biasCorrected(e, p, m)
    } else {
      estimate = biasCorrected(e, p, m)
    }
    return Math.round(estimate)
  }

  /**
   * The registers packed 6 bits each (4 registers per 3 bytes) after a 2-byte header
   * (format version, p), for state stores.
   *
   * @example
   * HyperLogLogPlusPlus.deserialize(hll.serialize(), hll.relativeSD).estimate() === hll.estimate()
   */
  serialize(): Uint8Array {
    const regs = this.registers
    const out = new Uint8Array(2 + (this.m / 4) * 3)
    out[0] = FORMAT_VERSION
    out[1] = this.p
    for (let i = 0, o = 2; i < regs.length; i += 4, o += 3) {
      const word = regs[i] | (regs[i + 1] << 6) | (regs[i + 2] << 12) | (regs[i + 3] << 18)
      out[o] = word & 0xff
      out[o + 1] = (word >>> 8) & 0xff
      out[o + 2] = word >>> 16
    }
    return out
  }

  /**
   * Rebuilds a sketch written by `serialize()`; `relativeSD` must give the same precision.
   *
   * @example
   * const copy = HyperLogLogPlusPlus.deserialize(bytes, 0.05)
   */
  static deserialize(bytes: Uint8Array, relativeSD = 0.05): HyperLogLogPlusPlus {
    const hll = new HyperLogLogPlusPlus(relativeSD)
    const expected = 2 + (hll.m / 4) * 3
    if (bytes.length !== expected || bytes[0] !== FORMAT_VERSION || bytes[1] !== hll.p) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `Cannot read a HyperLogLog++ sketch for relativeSD ${relativeSD} (p = ${hll.p}, ${expected} bytes) ` +
          `from ${bytes.length} bytes with header [${bytes[0]}, ${bytes[1]}]; ` +
          'pass the relativeSD the sketch was built with.',
      )
    }
    const regs = hll.registers
    for (let i = 0, o = 2; i < regs.length; i += 4, o += 3) {
      const word = bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16)
      regs[i] = word & 63
      regs[i + 1] = (word >>> 6) & 63
      regs[i + 2] = (word >>> 12) & 63
      regs[i + 3] = word >>> 18
    }
    return hll
  }
}

/** alpha_m * m^2, with Spark's constants and order of operations. */
function alphaM2(p: number, m: number): number {
  switch (p) {
    case 4:
      return 0.673 * m * m
    case 5:
      return 0.697 * m * m
    case 6:
      return 0.709 * m * m
    default:
      return (0.7213 / (1.0 + 1.079 / m)) * m * m
  }
}

/** HLL++ bias correction, defined for p < 19 and raw estimates below 5m. */
function biasCorrected(e: number, p: number, m: number): number {
  return p < 19 && e < 5.0 * m ? e - estimateBias(e, p) : e
}

/** Spark's `estimateBias`: mean bias of the K raw-estimate points nearest to `e`. */
function estimateBias(e: number, p: number): number {
  const estimates = RAW_ESTIMATE_DATA[p - 4]
  const n = estimates.length
  const nearest = javaBinarySearch(estimates, e)
  const distance = (i: number): number => (e - estimates[i]) * (e - estimates[i])
  let low = Math.max(nearest - K + 1, 0)
  let high = Math.min(low + K, n)
  while (high < n && distance(high) < distance(low)) {
    low++
    high++
  }
  const biases = BIAS_DATA[p - 4]
  let sum = 0
  for (let i = low; i < high; i++) sum += biases[i]
  return sum / (high - low)
}

/**
 * `java.util.Arrays.binarySearch` on doubles, mapped to an insertion index as Spark does. Ported
 * step for step because the tables are not strictly sorted, so any other search could pick a
 * different neighbourhood than Spark.
 */
function javaBinarySearch(a: readonly number[], key: number): number {
  let low = 0
  let high = a.length - 1
  while (low <= high) {
    const mid = (low + high) >>> 1
    if (a[mid] < key) low = mid + 1
    else if (a[mid] > key) high = mid - 1
    else return mid
  }
  return low
}
