/**
 * Spark-compatible hashing: `hash()` (Murmur3), `xxhash64()`, digests and HyperLogLog++.
 */
export { crc32, md5Hex, sha1Hex, sha2Hex } from './digest.ts'
export { HyperLogLogPlusPlus, precisionFor } from './hll.ts'
export { R as HASH64_RESULT, toBigInt } from './int64.ts'
export {
  murmur3HashBytes,
  murmur3HashDouble,
  murmur3HashInt,
  murmur3HashLong,
  murmur3HashMicros,
  murmur3HashString,
} from './murmur3.ts'
export { murmur3HashValue, sparkHash, sparkXxHash64, xxhash64Into, xxhash64Parts } from './spark-hash.ts'
