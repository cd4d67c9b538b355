/**
 * Spark's digest functions: `md5`, `sha1`, `sha2(expr, bitLength)` (lower-case hex strings) and
 * `crc32` (an unsigned 32-bit value, a bigint column in Spark). Strings are hashed as their UTF-8
 * bytes, as Spark casts string to binary first.
 */
import { hash } from 'node:crypto'
import { crc32 as zlibCrc32 } from 'node:zlib'

/**
 * MD5 of the bytes (or a string's UTF-8 bytes) as 32 lower-case hex digits.
 *
 * @example
 * md5Hex('Spark') // '8cde774d6f7333752ed72cacddb05126'
 */
export function md5Hex(input: Uint8Array | string): string {
  return hash('md5', input, 'hex')
}

/**
 * SHA-1 as 40 lower-case hex digits.
 *
 * @example
 * sha1Hex('Spark') // '85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c'
 */
export function sha1Hex(input: Uint8Array | string): string {
  return hash('sha1', input, 'hex')
}

const SHA2: Readonly<Record<number, string>> = {
  0: 'sha256',
  224: 'sha224',
  256: 'sha256',
  384: 'sha384',
  512: 'sha512',
}

/**
 * SHA-2 with `bitLength` 224, 256, 384 or 512 (0 means 256), as lower-case hex. Any other bit length
 * gives null, as in Spark.
 *
 * @example
 * sha2Hex('Spark', 256) // '529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b'
 * sha2Hex('Spark', 100) // null
 */
export function sha2Hex(input: Uint8Array | string, bitLength: number): string | null {
  const algorithm = SHA2[bitLength]
  return algorithm === undefined ? null : hash(algorithm, input, 'hex')
}

/**
 * CRC-32 (as `java.util.zip.CRC32`) as an unsigned number in [0, 2^32).
 *
 * @example
 * crc32('Spark') // 1557323817
 */
export function crc32(input: Uint8Array | string): number {
  return zlibCrc32(input)
}
