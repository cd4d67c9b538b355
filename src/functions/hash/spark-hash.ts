/**
 * Spark's `hash(...)` (Murmur3Hash, seed 42) and `xxhash64(...)` (XxHash64, seed 42) over Sluice
 * values, following `InterpretedHashFunction.hash` in Spark's hash.scala: each argument is hashed
 * with the previous argument's hash as its seed; a null leaves the seed unchanged; arrays hash their
 * elements in order, maps each key then its value in entry order, structs their fields in order.
 *
 * Sluice representations map onto Spark's as: int/date -> int, long -> long, double -> long bits,
 * boolean -> int 1/0, timestamp and day-time interval (ms) -> long microseconds, string -> UTF-8
 * bytes, binary -> bytes, decimal -> its unscaled long when the precision is at most 18, else the
 * big-endian two's-complement bytes of the unscaled value (Java's `BigInteger.toByteArray`).
 *
 * Spark's analyzer rejects `hash()` on map-typed arguments unless
 * `spark.sql.legacy.allowHashOnMapType` is set; that check belongs to the function layer.
 */
import type { DataType } from '../../schema/data-type.ts'
import { unscaledOf } from '../../schema/decimal-value.ts'
import { fromBigInt, R, toBigInt } from './int64.ts'
import {
  murmur3HashBytes,
  murmur3HashDouble,
  murmur3HashHalves,
  murmur3HashInt,
  murmur3HashLong,
  murmur3HashMicros,
  murmur3HashString,
} from './murmur3.ts'
import {
  xxh64Bytes,
  xxh64Double,
  xxh64Halves,
  xxh64Int,
  xxh64Long,
  xxh64Micros,
  xxh64String,
} from './xxhash64.ts'

const F32 = new Float32Array(1)
const F32_BITS = new Int32Array(F32.buffer)

/** Java's `Float.floatToIntBits`, with -0.0 hashed as 0 as Spark does. */
function floatBits(f: number): number {
  F32[0] = f === 0 ? 0 : f
  return Number.isNaN(f) ? 0x7fc00000 : F32_BITS[0]
}

/**
 * Murmur3 hash of one value of type `type`, seeded with `seed` (Spark's `Murmur3HashFunction.hash`).
 *
 * @example
 * murmur3HashValue([1, 2], t.array(t.int()), 42) // -222940379, as hash(array(1, 2))
 */
export function murmur3HashValue(value: unknown, type: DataType, seed: number): number {
  if (value === null || value === undefined) return seed
  switch (type.kind) {
    case 'byte':
    case 'short':
    case 'int':
    case 'date':
      return murmur3HashInt(value as number, seed)
    case 'float':
      return murmur3HashInt(floatBits(value as number), seed)
    case 'long':
      return murmur3HashLong(value as number, seed)
    case 'double':
      return murmur3HashDouble(value as number, seed)
    case 'boolean':
      return murmur3HashInt(value ? 1 : 0, seed)
    case 'string':
      return murmur3HashString(value as string, seed)
    case 'binary':
      return murmur3HashBytes(value as Uint8Array, seed)
    case 'timestamp':
    case 'interval':
      return murmur3HashMicros(value as number, seed)
    case 'null':
      return seed
    case 'decimal': {
      const u = unscaledOf(value as string)
      if (type.precision > 18) return murmur3HashBytes(bigIntegerBytes(u), seed)
      fromBigInt(u)
      return murmur3HashHalves(R.hi, R.lo, seed)
    }
    case 'array': {
      const arr = value as readonly unknown[]
      let h = seed
      for (let i = 0; i < arr.length; i++) h = murmur3HashValue(arr[i], type.element, h)
      return h
    }
    case 'map': {
      let h = seed
      for (const [k, v] of value as Map<unknown, unknown>) {
        h = murmur3HashValue(v, type.value, murmur3HashValue(k, type.key, h))
      }
      return h
    }
    case 'struct': {
      const row = value as Record<string, unknown>
      let h = seed
      for (const f of type.fields) h = murmur3HashValue(row[f.name], f.type, h)
      return h
    }
  }
}

/**
 * Spark's `hash(v1, v2, ...)`: a signed 32-bit Murmur3 hash of the values, each typed by the
 * matching entry of `types`. Never null; all-null input returns the seed.
 *
 * @example
 * sparkHash(['Spark', [123], 2], [t.string(), t.array(t.int()), t.int()]) // -1321691492
 */
export function sparkHash(values: readonly unknown[], types: readonly DataType[], seed = 42): number {
  let h = seed | 0
  for (let i = 0; i < values.length; i++) h = murmur3HashValue(values[i], types[i], h)
  return h
}

/**
 * xxHash64 of one value of type `type` with the seed given as 32-bit halves; the result is left in
 * the shared register `R` of `int64.ts` (Spark's `XxHash64Function.hash`). Allocation-free, for
 * per-row callers such as HyperLogLog++.
 *
 * @example
 * xxhash64Into('abc', t.string(), 0, 42); toBigInt(R.hi, R.lo) // 1423657621850124518n
 */
export function xxhash64Into(value: unknown, type: DataType, seedHi: number, seedLo: number): void {
  R.hi = seedHi
  R.lo = seedLo
  if (value === null || value === undefined) return
  switch (type.kind) {
    case 'byte':
    case 'short':
    case 'int':
    case 'date':
      xxh64Int(value as number, seedHi, seedLo)
      return
    case 'float':
      xxh64Int(floatBits(value as number), seedHi, seedLo)
      return
    case 'long':
      xxh64Long(value as number, seedHi, seedLo)
      return
    case 'double':
      xxh64Double(value as number, seedHi, seedLo)
      return
    case 'boolean':
      xxh64Int(value ? 1 : 0, seedHi, seedLo)
      return
    case 'string':
      xxh64String(value as string, seedHi, seedLo)
      return
    case 'binary':
      xxh64Bytes(value as Uint8Array, seedHi, seedLo)
      return
    case 'timestamp':
    case 'interval':
      xxh64Micros(value as number, seedHi, seedLo)
      return
    case 'null':
      return
    case 'decimal': {
      const u = unscaledOf(value as string)
      if (type.precision > 18) xxh64Bytes(bigIntegerBytes(u), seedHi, seedLo)
      else {
        fromBigInt(u)
        xxh64Halves(R.hi, R.lo, seedHi, seedLo)
      }
      return
    }
    case 'array': {
      const arr = value as readonly unknown[]
      for (let i = 0; i < arr.length; i++) xxhash64Into(arr[i], type.element, R.hi, R.lo)
      return
    }
    case 'map':
      for (const [k, v] of value as Map<unknown, unknown>) {
        xxhash64Into(k, type.key, R.hi, R.lo)
        xxhash64Into(v, type.value, R.hi, R.lo)
      }
      return
    case 'struct': {
      const row = value as Record<string, unknown>
      for (const f of type.fields) xxhash64Into(row[f.name], f.type, R.hi, R.lo)
      return
    }
  }
}

/**
 * Spark's `xxhash64(v1, v2, ...)` as an exact signed 64-bit bigint.
 *
 * @example
 * sparkXxHash64(['Spark', [123], 2], [t.string(), t.array(t.int()), t.int()]) // 5602566077635097486n
 */
export function sparkXxHash64(values: readonly unknown[], types: readonly DataType[], seed = 42n): bigint {
  const [hi, lo] = xxhash64Parts(values, types, seed)
  return toBigInt(hi, lo)
}

/**
 * Spark's `xxhash64(v1, v2, ...)` as `[hi, lo]` signed 32-bit halves, without bigint arithmetic.
 *
 * @example
 * xxhash64Parts([1], [t.int()]) // halves of -6698625589789238999
 */
export function xxhash64Parts(
  values: readonly unknown[],
  types: readonly DataType[],
  seed: bigint | number = 42,
): [hi: number, lo: number] {
  fromBigInt(BigInt(seed))
  let hi = R.hi
  let lo = R.lo
  for (let i = 0; i < values.length; i++) {
    xxhash64Into(values[i], types[i], hi, lo)
    hi = R.hi
    lo = R.lo
  }
  return [hi, lo]
}

/** Java's `BigInteger.toByteArray`: the shortest big-endian two's-complement bytes. */
function bigIntegerBytes(u: bigint): Uint8Array {
  let bytes = 1
  while (u >= 1n << BigInt(bytes * 8 - 1) || u < -(1n << BigInt(bytes * 8 - 1))) bytes++
  const out = new Uint8Array(bytes)
  let x = BigInt.asUintN(bytes * 8, u)
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn)
    x >>= 8n
  }
  return out
}
