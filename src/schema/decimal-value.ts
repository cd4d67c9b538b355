/**
 * Values of Spark's DECIMAL(p, s): exact to 38 digits.
 *
 * Representation: a decimal value is a string in plain notation at exactly its type's scale, as
 * Spark's `Decimal.toPlainString` and node-postgres's NUMERIC give it: `'1.50'` for DECIMAL(5,2),
 * `'-3'` for DECIMAL(10,0), `'0.000'` for DECIMAL(10,3) (no exponent, no `+`, no `-0`). Because
 * every value of a column carries the column's scale, two values of one type are equal exactly when
 * their strings are, so equality, grouping, hashing and dedup work on the string as they do for any
 * other string, and rows reach sinks, state and `collect()` without conversion. Arithmetic takes the
 * unscaled digits as a `bigint` (`'1.50'` -> 150n), computes exactly and formats the result back.
 */

/** Spark's DecimalType.MAX_PRECISION. */
export const MAX_DECIMAL_PRECISION = 38

/** An exact decimal: `unscaled * 10^-scale`. */
export interface DecimalParts {
  readonly unscaled: bigint
  readonly scale: number
}

const POW10: bigint[] = []
/** 10^n as a bigint (cached). */
export function pow10(n: number): bigint {
  let p = POW10[n]
  if (p === undefined) {
    p = 10n ** BigInt(n)
    POW10[n] = p
  }
  return p
}

/** How digits dropped by a rescale are rounded: Spark's ROUND_HALF_UP, HALF_EVEN, FLOOR, CEILING, DOWN. */
export type DecimalRounding = 'half_up' | 'half_even' | 'floor' | 'ceiling' | 'down'

/**
 * `unscaled` (at scale `from`) moved to scale `to`, rounding the dropped digits.
 *
 * @example
 * rescale(125n, 2, 1, 'half_up') // 13n (1.25 -> 1.3)
 */
export function rescale(unscaled: bigint, from: number, to: number, mode: DecimalRounding): bigint {
  if (to >= from) return unscaled * pow10(to - from)
  const d = pow10(from - to)
  const q = unscaled / d
  const r = unscaled - q * d
  if (r === 0n) return q
  const sign = unscaled < 0n ? -1n : 1n
  switch (mode) {
    case 'down':
      return q
    case 'floor':
      return sign < 0n ? q - 1n : q
    case 'ceiling':
      return sign > 0n ? q + 1n : q
    default: {
      const twice = (r < 0n ? -r : r) * 2n
      const up = twice > d || (twice === d && (mode === 'half_up' || (q & 1n) !== 0n))
      return up ? q + sign : q
    }
  }
}

/** Whether `unscaled` has at most `precision` digits. @example fitsPrecision(999n, 3) // true */
export function fitsPrecision(unscaled: bigint, precision: number): boolean {
  const limit = pow10(precision)
  return unscaled < limit && unscaled > -limit
}

/**
 * The canonical text of `unscaled * 10^-scale`.
 *
 * @example
 * formatDecimal(-5n, 2) // '-0.05'
 */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n
  const digits = (negative ? -unscaled : unscaled).toString()
  if (scale === 0) return negative ? `-${digits}` : digits
  const padded = digits.length <= scale ? '0'.repeat(scale - digits.length + 1) + digits : digits
  const cut = padded.length - scale
  return `${negative ? '-' : ''}${padded.slice(0, cut)}.${padded.slice(cut)}`
}

/**
 * The unscaled value of a canonical decimal string of a known scale (no validation: the engine's
 * own values only).
 *
 * @example
 * unscaledOf('-1.50') // -150n
 */
export function unscaledOf(value: string): bigint {
  const dot = value.indexOf('.')
  return BigInt(dot < 0 ? value : value.slice(0, dot) + value.slice(dot + 1))
}

/** The scale of a canonical decimal string. @example scaleOf('1.50') // 2 */
export function scaleOf(value: string): number {
  const dot = value.indexOf('.')
  return dot < 0 ? 0 : value.length - dot - 1
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

/**
 * Parses decimal text as Spark's `Decimal.fromStringANSI` accepts it (sign, digits, a point, an
 * exponent; surrounding whitespace trimmed), or undefined for anything else.
 *
 * @example
 * parseDecimalText(' 1.5e2 ') // { unscaled: 15n, scale: -1 }
 */
export function parseDecimalText(text: string): DecimalParts | undefined {
  const m = DECIMAL_TEXT.exec(text.trim())
  if (m === null) return undefined
  const [, sign, int, frac = ''] = m
  if (int === '' && frac === '') return undefined
  const exp = m[4] === undefined ? 0 : Number(m[4])
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 10000) return undefined
  const digits = BigInt(`${int}${frac}` || '0')
  return { unscaled: sign === '-' ? -digits : digits, scale: frac.length - exp }
}

/**
 * The canonical DECIMAL(precision, scale) text of any exact decimal, rounding HALF_UP, or
 * undefined when it does not fit the precision.
 *
 * @example
 * fitDecimal({ unscaled: 1555n, scale: 3 }, 5, 2) // '1.56'
 */
export function fitDecimal(parts: DecimalParts, precision: number, scale: number): string | undefined {
  const u =
    parts.scale < 0
      ? rescale(parts.unscaled * pow10(-parts.scale), 0, scale, 'half_up')
      : rescale(parts.unscaled, parts.scale, scale, 'half_up')
  return fitsPrecision(u, precision) ? formatDecimal(u, scale) : undefined
}

/**
 * A JS number as an exact decimal, through its shortest decimal text as Spark goes through Java's
 * `Double.toString`; undefined for NaN and the infinities.
 *
 * @example
 * numberToDecimalParts(0.1) // { unscaled: 1n, scale: 1 }
 */
export function numberToDecimalParts(n: number): DecimalParts | undefined {
  if (!Number.isFinite(n)) return undefined
  return parseDecimalText(String(n))
}

/**
 * A user's value (decimal text, a number or a bigint) as DECIMAL(precision, scale) text, or
 * undefined when it is not a decimal or does not fit.
 *
 * @example
 * toDecimalValue(1.5, 5, 2) // '1.50'
 */
export function toDecimalValue(v: unknown, precision: number, scale: number): string | undefined {
  let parts: DecimalParts | undefined
  if (typeof v === 'string') parts = parseDecimalText(v)
  else if (typeof v === 'number') parts = numberToDecimalParts(v)
  else if (typeof v === 'bigint') parts = { unscaled: v, scale: 0 }
  return parts === undefined ? undefined : fitDecimal(parts, precision, scale)
}

/**
 * Orders two decimal strings of any scales numerically.
 *
 * @example
 * compareDecimals('1.50', '1.5') // 0
 */
export function compareDecimals(a: string, b: string): number {
  const sa = scaleOf(a)
  const sb = scaleOf(b)
  const s = Math.max(sa, sb)
  const x = rescale(unscaledOf(a), sa, s, 'down')
  const y = rescale(unscaledOf(b), sb, s, 'down')
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * Java's `BigDecimal.toString` of a decimal value (what Jackson writes for Spark's JSON): plain
 * unless the adjusted exponent is below -6, then scientific (`'0E-10'`, `'1.5E-7'`).
 *
 * @example
 * javaDecimalString('0.0000000000') // '0E-10'
 */
export function javaDecimalString(value: string): string {
  const scale = scaleOf(value)
  const u = unscaledOf(value)
  const digits = (u < 0n ? -u : u).toString()
  const adjusted = digits.length - 1 - scale
  if (adjusted >= -6) return value
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
  return `${u < 0n ? '-' : ''}${mantissa}E${adjusted}`
}
