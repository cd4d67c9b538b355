/**
 * Literal syntax: numbers with Spark's typing rules, typed literals (`DATE '...'`, `X'..'`) and
 * `INTERVAL` literals in all the forms Spark accepts.
 */
import { isSluiceError } from '../../errors.ts'
import { t } from '../../schema/data-type.ts'
import { formatDecimal, parseDecimalText } from '../../schema/decimal-value.ts'
import { castExpr, type Expr, literalExpr } from '../expr.ts'
import { type DayTimeField, parseDayTimeString, parseInterval } from './interval.ts'
import type { Token } from './lexer.ts'
import type { TokenStream } from './token-stream.ts'

const SUFFIX_RE = /^(.*?)(bd|[dflsy])?$/i
const FLOAT_MAX = 3.4028234663852886e38
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER)
const INTEGRAL_RANGES: Record<string, [bigint, bigint, string]> = {
  y: [-128n, 127n, 'tinyint'],
  s: [-32768n, 32767n, 'smallint'],
  l: [-(2n ** 63n), 2n ** 63n - 1n, 'bigint'],
}

/**
 * The literal for a number token (`negative` when a `-` came right before it): integers are int
 * when they fit 32 bits, else bigint, else (past 2^63) a decimal; `L`/`S`/`Y` suffixes force
 * bigint/smallint/tinyint; `F` makes a float, `D` or an exponent a double; a number with a point
 * (`1.5`) or a `BD` suffix is a decimal of exactly its digits (`1.50` is decimal(3,2)), as Spark.
 *
 * @example
 * numberLiteral(stream, tok) // for '2147483648': literalExpr(2147483648, t.long())
 */
export function numberLiteral(s: TokenStream, tok: Token, negative = false): Expr {
  const [, body, rawSuffix] = SUFFIX_RE.exec(tok.value)!
  const suffix = rawSuffix?.toLowerCase()
  const text = negative ? `-${body}` : body
  if (/^-?\d+$/.test(text) && (suffix === undefined || suffix in INTEGRAL_RANGES)) {
    return integerLiteral(s, tok, text, suffix)
  }
  const exponent = /[eE]/.test(text)
  if (suffix === 'bd' || (suffix === undefined && !exponent)) return decimalLiteral(s, tok, text)
  const value = Number(text)
  const float = suffix === 'f'
  // Spark compares a float literal's decimal value with Float.MaxValue (3.4028234663852886E38).
  if (!Number.isFinite(value) || (float && Math.abs(value) > FLOAT_MAX)) {
    throw s.errorAt(
      `Numeric literal ${text} is outside the valid range for ${float ? 'float' : 'double'}`,
      tok,
    )
  }
  return float ? literalExpr(Math.fround(value), t.float()) : literalExpr(value, t.double())
}

function decimalLiteral(s: TokenStream, tok: Token, text: string): Expr {
  const parts = parseDecimalText(text)
  if (parts === undefined) throw s.errorAt(`Invalid decimal literal ${text}`, tok)
  // A negative scale (`1e3BD`) is held at scale 0, as Spark without the legacy negative-scale flag.
  const scale = Math.max(parts.scale, 0)
  const unscaled = parts.scale < 0 ? parts.unscaled * 10n ** BigInt(-parts.scale) : parts.unscaled
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().length
  const precision = Math.max(digits, scale, 1)
  if (precision > 38) {
    throw s.errorAt(
      `The decimal literal ${text} has ${precision} digits, more than the 38 a decimal holds; write it as a double (${text}D) if an approximation will do`,
      tok,
    )
  }
  return literalExpr(formatDecimal(unscaled, scale), t.decimal(precision, scale))
}

function integerLiteral(s: TokenStream, tok: Token, text: string, suffix: string | undefined): Expr {
  const big = BigInt(text)
  if (suffix !== undefined) {
    const [min, max, name] = INTEGRAL_RANGES[suffix]
    if (big < min || big > max) {
      throw s.errorAt(
        `Numeric literal ${text} is outside the valid range for ${name} with minimum value of ${min} and maximum value of ${max}`,
        tok,
      )
    }
    if (suffix !== 'l') return literalExpr(Number(big), suffix === 'y' ? t.byte() : t.short())
  } else if (big >= -(2n ** 31n) && big < 2n ** 31n) return literalExpr(Number(big), t.int())
  // Beyond bigint Spark makes a decimal.
  else if (big < -(2n ** 63n) || big >= 2n ** 63n) return decimalLiteral(s, tok, text)
  if (big > MAX_EXACT || big < -MAX_EXACT) {
    throw s.errorAt(
      `Numeric literal ${text} is outside the range Sluice holds exactly for bigint (±${MAX_EXACT}); write it as a double (${text}D) if an approximation will do`,
      tok,
    )
  }
  return literalExpr(Number(big), t.long())
}

const HEX_RE = /^[0-9a-fA-F]*$/

/**
 * `TYPE 'text'` literals: DATE and TIMESTAMP become a cast of the string (so the cast rules parse
 * it, in the session time zone for TIMESTAMP), X'0A1B' becomes binary.
 *
 * @example
 * typedLiteral(stream, dateTok, strTok) // castExpr(literalExpr('2024-01-01', t.string()), t.date())
 */
export function typedLiteral(s: TokenStream, typeTok: Token, str: Token): Expr {
  const type = typeTok.value.toUpperCase()
  const text = literalExpr(str.value, t.string())
  switch (type) {
    case 'DATE':
      return castExpr(text, t.date())
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return castExpr(text, t.timestamp())
    case 'X': {
      if (!HEX_RE.test(str.value))
        throw s.errorAt(`X'${str.value}' is not a valid hexadecimal binary literal`, str)
      // An odd number of digits gets a leading zero nibble, as in Spark (X'A' is X'0A').
      const hex = str.value.length % 2 === 1 ? `0${str.value}` : str.value
      const bytes = new Uint8Array(hex.length / 2)
      for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
      return literalExpr(bytes, t.binary())
    }
    case 'TIMESTAMP_NTZ':
      throw s.errorAt(
        'TIMESTAMP_NTZ literals are not supported: Sluice timestamps are UTC instants; use TIMESTAMP',
        typeTok,
      )
    default:
      throw s.errorAt(
        `Literals of the type "${type}" are not supported. Supported types are "DATE", "TIMESTAMP", "TIMESTAMP_LTZ", "INTERVAL", "X"`,
        typeTok,
      )
  }
}

const UNITS = ['YEAR', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND']

/** The singular unit name of an interval unit token (`MINUTES` -> `MINUTE`), or undefined. */
function unitAt(s: TokenStream, ahead: number): string | undefined {
  const tok = s.peek(ahead)
  if (tok.kind !== 'ident') return undefined
  const word = tok.value.toUpperCase()
  return UNITS.find((u) => word === u || word === `${u}S`)
}

function isValueAt(s: TokenStream, ahead: number): boolean {
  const kind = s.peek(ahead).kind
  return kind === 'number' || kind === 'string'
}

/** True when an `INTERVAL` keyword at `ahead` starts an interval literal. */
export function startsIntervalLiteral(s: TokenStream, ahead = 0): boolean {
  return (
    isValueAt(s, ahead + 1) || ((s.isOp('-', ahead + 1) || s.isOp('+', ahead + 1)) && isValueAt(s, ahead + 2))
  )
}

function startsPair(s: TokenStream): boolean {
  if (isValueAt(s, 0)) return unitAt(s, 1) !== undefined
  return (s.isOp('-') || s.isOp('+')) && isValueAt(s, 1) && unitAt(s, 2) !== undefined
}

/**
 * An interval literal after the INTERVAL keyword (`kw`): `INTERVAL '1 hour 30 minutes'`,
 * `INTERVAL 10 MINUTES`, `INTERVAL '1' HOUR '30' MINUTE`, `INTERVAL '1:30' HOUR TO MINUTE`; as
 * milliseconds of type interval.
 *
 * @example
 * intervalLiteral(stream, kw) // for INTERVAL '10' MINUTE: literalExpr(600000, t.interval())
 */
export function intervalLiteral(s: TokenStream, kw: Token): Expr {
  try {
    return literalExpr(intervalMillis(s), t.interval())
  } catch (e) {
    if (!isSluiceError(e, 'INVALID_INTERVAL')) throw e
    throw s.errorAt(e.message.replace(/^\[INVALID_INTERVAL\] /, ''), kw)
  }
}

function intervalMillis(s: TokenStream): number {
  const pairs: string[] = []
  do {
    const sign = s.isOp('-') || s.isOp('+') ? s.next().value : ''
    const valueTok = s.next()
    const value = `${sign}${valueTok.value}`
    const unit = unitAt(s, 0)
    if (unit === undefined) {
      if (pairs.length === 0 && valueTok.kind === 'string') return parseInterval(value)
      throw s.syntaxError('expected an interval unit such as MINUTE or SECOND')
    }
    s.next()
    if (pairs.length === 0 && valueTok.kind === 'string' && s.acceptKeyword('TO')) {
      const to = unitAt(s, 0)
      if (to === undefined) throw s.syntaxError('expected DAY, HOUR, MINUTE or SECOND after TO')
      s.next()
      return unitToUnit(s, value, unit, to)
    }
    pairs.push(`${value} ${unit}`)
  } while (startsPair(s))
  return parseInterval(pairs.join(' '))
}

const DAY_TIME = ['DAY', 'HOUR', 'MINUTE', 'SECOND']

function unitToUnit(s: TokenStream, value: string, from: string, to: string): number {
  const a = DAY_TIME.indexOf(from)
  const b = DAY_TIME.indexOf(to)
  if (a === -1 || b === -1 || b <= a) {
    throw s.errorAt(`INTERVAL ... ${from} TO ${to} is not a supported day-time interval form`, s.peek(-1))
  }
  return parseDayTimeString(value, from as DayTimeField, to as DayTimeField)
}
