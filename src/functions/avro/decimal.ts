/**
 * Avro's decimal logical type (a big-endian two's complement unscaled integer in bytes or fixed)
 * to and from Sluice decimals (their exact text) and doubles: a decimal of more than 38 digits
 * reads as the nearest double, and doubles are written the way Spark casts a double to decimal:
 * from the double's shortest decimal text, rounded HALF_UP to the scale.
 */
import { formatDecimal } from '../../schema/decimal-value.ts'

/**
 * The decimal text of `unscaled * 10^-scale` held in `bytes`.
 *
 * @example
 * decimalBytesToText(new Uint8Array([0xff, 0x85]), 2) // '-1.23'
 */
export function decimalBytesToText(bytes: Uint8Array, scale: number): string {
  let v = 0n
  for (let i = 0; i < bytes.length; i++) v = (v << 8n) | BigInt(bytes[i])
  if (bytes.length > 0 && bytes[0] & 0x80) v -= 1n << BigInt(8 * bytes.length)
  return formatDecimal(v, scale)
}

/**
 * The double nearest to the decimal `unscaled * 10^-scale` held in `bytes`.
 *
 * @example
 * decimalBytesToDouble(new Uint8Array([0xff, 0x85]), 2) // -1.23
 */
export function decimalBytesToDouble(bytes: Uint8Array, scale: number): number {
  const n = bytes.length
  if (n === 0) return 0
  if (n <= 6) {
    // Up to 48 bits fits a double exactly: no BigInt needed.
    let v = 0
    for (let i = 0; i < n; i++) v = v * 256 + bytes[i]
    if (bytes[0] & 0x80) v -= 2 ** (8 * n)
    return scale === 0 ? v : Number(`${v}e-${scale}`)
  }
  let v = 0n
  for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(bytes[i])
  if (bytes[0] & 0x80) v -= 1n << BigInt(8 * n)
  // Parsing the decimal text rounds once, correctly; dividing two doubles could round twice.
  return Number(scale === 0 ? v : `${v}e-${scale}`)
}

/**
 * The unscaled integer of `x` at `scale` (HALF_UP, from the shortest text of `x`, as Spark's
 * `Decimal(double)`), or null when `x` is NaN or infinite.
 *
 * @example
 * doubleToUnscaled(-1.235, 2) // -124n
 * doubleToUnscaled(1e-7, 2) // 0n
 */
export function doubleToUnscaled(x: number, scale: number): bigint | null {
  if (!Number.isFinite(x)) return null
  const text = String(Math.abs(x))
  const e = text.indexOf('e')
  const mantissa = e < 0 ? text : text.slice(0, e)
  const exponent = e < 0 ? 0 : Number(text.slice(e + 1))
  const dot = mantissa.indexOf('.')
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1)
  // The value is digits * 10^-fraction.
  const fraction = (dot < 0 ? 0 : mantissa.length - dot - 1) - exponent
  let unscaled: bigint
  if (fraction <= scale) unscaled = BigInt(digits) * 10n ** BigInt(scale - fraction)
  else {
    const divisor = 10n ** BigInt(fraction - scale)
    const whole = BigInt(digits)
    unscaled = whole / divisor
    if ((whole % divisor) * 2n >= divisor) unscaled += 1n
  }
  return x < 0 ? -unscaled : unscaled
}

/** Number of decimal digits of |n|. @example digitCount(-120n) // 3 */
export function digitCount(n: bigint): number {
  return (n < 0n ? -n : n).toString().length
}

/**
 * Two's complement big-endian bytes of `n`: the fewest that hold it (Java's
 * `BigInteger.toByteArray`, Avro's `bytes` decimals), or exactly `size` sign-extended bytes.
 *
 * @example
 * unscaledToBytes(-123n) // Uint8Array [0x85]
 * unscaledToBytes(-123n, 4) // Uint8Array [0xff, 0xff, 0xff, 0x85]
 */
export function unscaledToBytes(n: bigint, size?: number): Uint8Array {
  let length = 1
  while (n < -(1n << BigInt(8 * length - 1)) || n >= 1n << BigInt(8 * length - 1)) length++
  const out = new Uint8Array(size ?? length)
  let v = BigInt.asUintN(out.length * 8, n)
  for (let i = out.length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}
