/**
 * CAST to and from Spark's tinyint (byte), smallint (short) and float, with ANSI semantics: a
 * number outside the target's range gives OVERFLOW (CAST_OVERFLOW, as Spark), a malformed or
 * out-of-range string gives the caller's BAD marker (CAST_INVALID_INPUT, as Spark), fractions are
 * truncated toward zero, and floats are rounded to 32 bits (Math.fround).
 */
import type { DataType } from '../schema/data-type.ts'

/** Marker a converter returns for a numeric overflow; turned into CAST_OVERFLOW or NULL by the mode. */
export const OVERFLOW = Symbol('cast overflow')

type Conv = (v: any) => unknown
type ParseNumber = (s: string, integral: boolean) => number | symbol

const RANGES: Readonly<Record<string, readonly [number, number]>> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  int: [-2147483648, 2147483647],
  long: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
}
const SMALL = new Set(['byte', 'short', 'float'])
const NUMBERS = new Set(['byte', 'short', 'int', 'long', 'float', 'double'])

function integral(min: number, max: number, bad: symbol): (n: number) => number | symbol {
  return (n) => {
    if (!Number.isFinite(n)) return bad
    const r = Math.trunc(n)
    return r < min || r > max ? bad : r + 0
  }
}

/**
 * The converter for a cast that involves byte, short or float (to anything but string), `undefined`
 * when Spark has no such cast, or `null` when neither side is one of these types.
 *
 * @example
 * castToSmallNumeric(t.int(), t.byte(), parse, BAD)!(300) // OVERFLOW
 */
export function castToSmallNumeric(
  from: DataType,
  to: DataType,
  parse: ParseNumber,
  bad: symbol,
): Conv | undefined | null {
  if (!SMALL.has(from.kind) && !SMALL.has(to.kind)) return null
  const f = from.kind
  if (to.kind === 'boolean') return NUMBERS.has(f) ? (n: number) => n !== 0 : undefined
  if (to.kind === 'timestamp') {
    return NUMBERS.has(f)
      ? (n: number) => (Number.isFinite(n) && Math.abs(n) < 9.2e15 ? Math.floor(n * 1000) : OVERFLOW)
      : undefined
  }
  if (to.kind === 'float') return toFloat(f, parse)
  const range = RANGES[to.kind]
  if (range === undefined) return to.kind === 'double' ? toDouble(f) : undefined
  const fromNumber = integral(range[0], range[1], OVERFLOW)
  if (NUMBERS.has(f)) return fromNumber
  if (f === 'boolean') return (b: boolean) => (b ? 1 : 0)
  if (f === 'timestamp') return (ms: number) => fromNumber(Math.floor(ms / 1000))
  if (f === 'string') {
    const fromText = integral(range[0], range[1], bad)
    return (s: string) => {
      const n = parse(s, true)
      return typeof n === 'number' ? fromText(n) : bad
    }
  }
  return undefined
}

function toFloat(f: string, parse: ParseNumber): Conv | undefined {
  if (NUMBERS.has(f)) return (n: number) => Math.fround(n)
  if (f === 'boolean') return (b: boolean) => (b ? 1 : 0)
  if (f === 'timestamp') return (ms: number) => Math.fround(ms / 1000)
  if (f === 'string') {
    return (s: string) => {
      const n = parse(s, false)
      return typeof n === 'number' ? Math.fround(n) : n
    }
  }
  return undefined
}

// Only float reaches here (byte and short to double widen exactly, an identity cast).
function toDouble(f: string): Conv | undefined {
  return NUMBERS.has(f) ? (n: number) => n : undefined
}
