/**
 * Java's `Double.toString`, which Spark uses to print doubles: in `to_json` (through Jackson), in
 * `get_json_object`, and when casting a double to a string.
 *
 * Java (JDK 19+, the algorithm Spark 4 sees on Java 21) picks the shortest decimal that rounds back
 * to the double, but never fewer than two significant digits: where one digit would do and is not
 * exact, it takes the closest two-digit decimal instead (so `Double.MIN_VALUE` prints as
 * `4.9E-324`, not `5E-324`). The layout is plain for 1e-3 <= |d| < 1e7 and computerized scientific
 * notation otherwise, always with a fractional digit and an exponent without a `+`.
 */

/**
 * Formats a double exactly as Java's `Double.toString` does.
 *
 * @example
 * javaDoubleToString(100) // '100.0'
 * javaDoubleToString(1e7) // '1.0E7'
 * javaDoubleToString(5e-324) // '4.9E-324'
 */
export function javaDoubleToString(d: number): string {
  if (d !== d) return 'NaN'
  if (d === Number.POSITIVE_INFINITY) return 'Infinity'
  if (d === Number.NEGATIVE_INFINITY) return '-Infinity'
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0'
  const negative = d < 0
  const abs = negative ? -d : d
  if (abs >= 1e-3 && abs < 1e7) {
    // NOTE: here JS prints the same shortest digits in plain form, and a one-digit shortest form is
    // exact enough that Java's two-digit choice is that digit followed by 0 (only subnormals differ).
    const s = String(d)
    return s.includes('.') ? s : s + '.0'
  }
  // JS yields the shortest round-tripping digits, closest to the exact value on ties, as Java does.
  let sci = abs.toExponential()
  let ePos = sci.indexOf('e')
  if (ePos === 1) {
    // One significant digit: Java wants the closest two-digit decimal (exact when the digit is).
    sci = abs.toExponential(1)
    ePos = sci.indexOf('e')
  }
  let digits = sci.charCodeAt(1) === 46 ? sci[0] + sci.slice(2, ePos) : sci.slice(0, ePos)
  if (digits.length > 1 && digits.charCodeAt(digits.length - 1) === 48) digits = digits.slice(0, -1)
  const exponent = Number(sci.slice(ePos + 1))
  const body = exponent >= -3 && exponent < 7 ? plain(digits, exponent) : scientific(digits, exponent)
  return negative ? '-' + body : body
}

/** `digits` x 10^(exponent - digits.length + 1) in plain notation with at least one fraction digit. */
function plain(digits: string, exponent: number): string {
  if (exponent < 0) return '0.' + '0'.repeat(-exponent - 1) + digits
  const intLen = exponent + 1
  if (digits.length <= intLen) return digits + '0'.repeat(intLen - digits.length) + '.0'
  return digits.slice(0, intLen) + '.' + digits.slice(intLen)
}

function scientific(digits: string, exponent: number): string {
  const fraction = digits.length > 1 ? digits.slice(1) : '0'
  return digits[0] + '.' + fraction + 'E' + exponent
}

/**
 * Formats a 32-bit float value exactly as Java's `Float.toString` does: the shortest decimal that
 * rounds back to the same float, laid out as `Double.toString` lays it out.
 *
 * @example
 * javaFloatToString(Math.fround(1.1)) // '1.1'
 * javaFloatToString(Math.fround(3e10)) // '3.0E10'
 */
export function javaFloatToString(f: number): string {
  if (f !== f || f - f !== 0 || f === 0) return javaDoubleToString(f)
  for (let p = 1; p <= 9; p++) {
    const shortest = Number(f.toPrecision(p))
    if (Math.fround(shortest) === f) return javaDoubleToString(shortest)
  }
  return javaDoubleToString(f)
}
