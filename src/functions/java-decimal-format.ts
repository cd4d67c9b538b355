/**
 * Java Formatter's `%f` and `%e` on a non-negative finite double: the shortest decimal digits of
 * the value (those `Double.toString` prints), rounded HALF_UP to the precision and padded with
 * zeros. So `%.1f` of 0.35 is `0.4` and `%.20f` of 0.1 ends in zeros, as in Java, where JavaScript's
 * `toFixed` would use the exact binary value.
 */

interface Digits {
  /** Significant digits without leading zeros ("0" for zero). */
  readonly d: string
  /** The value is d[0].d[1..] x 10^e. */
  readonly e: number
}

function digitsOf(text: string): Digits {
  const [mant, exp] = text.split('E')
  const [int, frac = ''] = mant.split('.')
  const all = int + frac
  const lead = all.length - all.replace(/^0+/, '').length
  const d = all.slice(lead).replace(/0+$/, '')
  if (d === '') return { d: '0', e: 0 }
  return { d, e: Number(exp ?? 0) + int.length - 1 - lead }
}

/** `x` rounded HALF_UP to `keep` significant digits (keep may be 0 or negative). */
function roundTo(x: Digits, keep: number): Digits {
  if (keep >= x.d.length) return x
  if (keep < 0) return { d: '0', e: 0 }
  if (keep === 0) return x.d[0] >= '5' ? { d: '1', e: x.e + 1 } : { d: '0', e: 0 }
  const head = x.d.slice(0, keep)
  if (x.d[keep] < '5') return { d: head, e: x.e }
  const up = (BigInt(head) + 1n).toString()
  return up.length > head.length ? { d: up.slice(0, keep), e: x.e + 1 } : { d: up, e: x.e }
}

/**
 * `%.{precision}f` of `v` (>= 0, finite); `toText` is Java's toString for the value's type.
 *
 * @example javaFixed(0.35, 1, javaDoubleToString) // '0.4'
 */
export function javaFixed(v: number, precision: number, toText: (v: number) => string): string {
  const x0 = digitsOf(toText(v))
  const x = x0.d === '0' ? x0 : roundTo(x0, x0.e + 1 + precision)
  const intLen = x.d === '0' ? 1 : x.e + 1
  let int: string
  let frac: string
  if (intLen <= 0) {
    int = '0'
    frac = '0'.repeat(-intLen) + x.d
  } else {
    const padded = x.d.padEnd(intLen, '0')
    int = padded.slice(0, intLen)
    frac = x.d.length > intLen ? x.d.slice(intLen) : ''
  }
  frac = frac.padEnd(precision, '0').slice(0, precision)
  return precision > 0 ? `${int}.${frac}` : int
}

/**
 * `%.{precision}e` of `v` (>= 0, finite): one digit, the fraction, and a signed two-digit exponent.
 *
 * @example javaExponent(12345.678, 6, javaDoubleToString) // '1.234568e+04'
 */
export function javaExponent(v: number, precision: number, toText: (v: number) => string): string {
  const x0 = digitsOf(toText(v))
  const x = x0.d === '0' ? x0 : roundTo(x0, precision + 1)
  const frac = x.d.slice(1).padEnd(precision, '0')
  const exp = `${x.e < 0 ? '-' : '+'}${String(Math.abs(x.e)).padStart(2, '0')}`
  return `${x.d[0]}${precision > 0 ? `.${frac}` : ''}e${exp}`
}

/**
 * The integer part of a formatted number with `,` every three digits (Java's en-US grouping).
 *
 * @example groupThousands('1234567.89') // '1,234,567.89'
 */
export function groupThousands(magnitude: string): string {
  const dot = magnitude.indexOf('.')
  const int = dot < 0 ? magnitude : magnitude.slice(0, dot)
  const rest = dot < 0 ? '' : magnitude.slice(dot)
  return int.replace(/\B(?=(\d{3})+$)/g, ',') + rest
}
