/**
 * UTF-8 encoding into a reused scratch buffer, so hashing a string does not allocate a byte array
 * per call. The buffer is shared: read it before the next `encodeUtf8` call.
 */

const encoder = new TextEncoder()
const SHORT = 32

/** The scratch buffer and how many of its leading bytes the last `encodeUtf8` call wrote. */
const scratch = { bytes: new Uint8Array(256), length: 0 }

/**
 * Encodes `s` as UTF-8 into the shared scratch buffer (grown as needed) and returns it.
 * Lone surrogates become U+FFFD, as in `TextEncoder`.
 *
 * @example
 * const { bytes, length } = encodeUtf8('é') // bytes[0..length) = [0xc3, 0xa9]
 */
export function encodeUtf8(s: string): { readonly bytes: Uint8Array; readonly length: number } {
  // A UTF-16 code unit never takes more than 3 UTF-8 bytes (a surrogate pair takes 4 for 2 units).
  const n = s.length
  const need = n * 3
  if (scratch.bytes.length < need) scratch.bytes = new Uint8Array(Math.max(need, scratch.bytes.length * 2))
  const bytes = scratch.bytes
  // Short ASCII strings copy faster by hand than through the native encoder's call overhead.
  if (n <= SHORT) {
    let i = 0
    for (; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c > 0x7f) break
      bytes[i] = c
    }
    if (i === n) {
      scratch.length = n
      return scratch
    }
  }
  scratch.length = encoder.encodeInto(s, bytes).written
  return scratch
}
