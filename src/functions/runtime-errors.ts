/** Errors raised while evaluating rows (ANSI mode); each names the value and the expression. */
import { SluiceError } from '../errors.ts'

export function overflow(type: string, site: string, detail = ''): SluiceError {
  const limit = type === 'bigint' ? ' (Sluice longs are exact to 2^53 - 1)' : ''
  return new SluiceError(
    'ARITHMETIC_OVERFLOW',
    `${type} overflow${limit} in \`${site}\`${detail}. Use the try_ form (e.g. try_add) to get NULL instead, or cast to double.`,
  )
}

export function divideByZero(site: string): SluiceError {
  return new SluiceError(
    'DIVIDE_BY_ZERO',
    `Division by zero in \`${site}\`. Use try_divide to get NULL instead, or guard the divisor with a CASE/when.`,
  )
}

/** Spark's REMAINDER_BY_ZERO: `%`, `mod` or `pmod` by zero (ANSI mode). */
export function remainderByZero(site: string): SluiceError {
  return new SluiceError(
    'REMAINDER_BY_ZERO',
    `Remainder by zero in \`${site}\`. Use try_mod to get NULL instead, or guard the divisor with a CASE/when.`,
  )
}

export function invalidCast(value: unknown, from: string, to: string, site: string): SluiceError {
  const shown =
    typeof value === 'string'
      ? `'${value.length > 100 ? `${value.slice(0, 100)}...` : value}'`
      : value instanceof Map
        ? `{${[...value].map(([k, v]) => `${String(k)} -> ${String(v)}`).join(', ')}}`
        : String(value)
  return new SluiceError(
    'CAST_INVALID_INPUT',
    `The value ${shown} of type ${from} cannot be cast to ${to} in \`${site}\` because it is malformed or out of range. ` +
      'Correct the value, or use try_cast to get NULL instead.',
  )
}

/** Spark's CAST_OVERFLOW: a numeric value outside the target type's range (ANSI mode). */
export function castOverflow(value: unknown, from: string, to: string, site: string): SluiceError {
  return new SluiceError(
    'CAST_OVERFLOW',
    `The value ${String(value)} of type ${from} cannot be cast to ${to} in \`${site}\` due to an overflow. ` +
      'Use try_cast to get NULL instead.',
  )
}

/** Spark's BINARY_ARITHMETIC_OVERFLOW: tinyint or smallint `+`, `-` or `*` left its type's range. */
export function binaryOverflow(type: string, site: string, result: number): SluiceError {
  return new SluiceError(
    'BINARY_ARITHMETIC_OVERFLOW',
    `${type} overflow in \`${site}\` (result ${result}). Use the try_ form (e.g. try_add) to get NULL instead, or cast to a wider type.`,
  )
}

/** Spark's NUMERIC_VALUE_OUT_OF_RANGE: a decimal result or cast with more digits than its type holds. */
export function decimalOutOfRange(value: string, type: string, site: string): SluiceError {
  return new SluiceError(
    'NUMERIC_VALUE_OUT_OF_RANGE',
    `${value} cannot be represented as ${type} in \`${site}\`. Use the try_ form (try_cast, try_add, ...) to get NULL instead, or a wider decimal.`,
  )
}
