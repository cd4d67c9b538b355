/**
 * Base64 as Jackson reads and writes JSON binary values (its default `MIME_NO_LINEFEEDS` variant):
 * the standard alphabet, `=` padding required, whitespace allowed only between 4-character groups.
 */

const DECODE = new Int8Array(128).fill(-1)
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i
const PAD = 61 // '='

/**
 * Decodes a JSON string holding base64, or returns null when Jackson would reject it.
 *
 * @example
 * decodeJsonBase64('aGVsbG8=') // Uint8Array [104, 101, 108, 108, 111]
 * decodeJsonBase64('aGVsbG8') // null: padding is required
 */
export function decodeJsonBase64(text: string): Uint8Array | null {
  const len = text.length
  const out = new Uint8Array(Math.floor((len * 3) / 4))
  let n = 0
  let i = 0
  while (i < len) {
    const c0 = text.charCodeAt(i++)
    if (c0 <= 32) continue
    if (i + 2 >= len) return null
    const b0 = sextet(c0)
    const b1 = sextet(text.charCodeAt(i++))
    if (b0 < 0 || b1 < 0) return null
    const c2 = text.charCodeAt(i++)
    const c3 = text.charCodeAt(i++)
    if (c2 === PAD) {
      if (c3 !== PAD) return null
      out[n++] = (b0 << 2) | (b1 >> 4)
      continue
    }
    const b2 = sextet(c2)
    if (b2 < 0) return null
    if (c3 === PAD) {
      out[n++] = (b0 << 2) | (b1 >> 4)
      out[n++] = ((b1 & 15) << 4) | (b2 >> 2)
      continue
    }
    const b3 = sextet(c3)
    if (b3 < 0) return null
    out[n++] = (b0 << 2) | (b1 >> 4)
    out[n++] = ((b1 & 15) << 4) | (b2 >> 2)
    out[n++] = ((b2 & 3) << 6) | b3
  }
  return n === out.length ? out : out.slice(0, n)
}

/**
 * Standard padded base64 of `bytes`, as `to_json` writes binary values.
 *
 * @example
 * encodeJsonBase64(new Uint8Array([104, 105])) // 'aGk='
 */
export function encodeJsonBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

function sextet(c: number): number {
  return c < 128 ? DECODE[c] : -1
}
