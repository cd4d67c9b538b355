/** Small helpers for writing function definitions tersely and with uniform error messages. */
import { SluiceError, typeMismatch } from '../errors.ts'
import { type DataType, sameType, simpleString } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { castTo } from './coercion.ts'
import type { BindContext, BoundScalar, ScalarFunctionDef } from './function-def.ts'

export function scalar(
  name: string,
  arity: readonly [number, number],
  bind: (args: readonly BoundExpr[], ctx: BindContext) => BoundScalar,
): ScalarFunctionDef {
  return Object.freeze({ kind: 'scalar', name, minArgs: arity[0], maxArgs: arity[1], bind })
}

/** A function of fixed argument types returning `type` through `fn` (null in, null out). */
export function simple(
  name: string,
  argTypes: readonly DataType[],
  type: DataType,
  fn: (...args: any[]) => unknown,
  opts: { optional?: number; withSite?: boolean; deterministic?: boolean; nullable?: boolean } = {},
): ScalarFunctionDef {
  const min = argTypes.length - (opts.optional ?? 0)
  return scalar(name, [min, argTypes.length], (args) => ({
    type,
    impl: { kind: 'fn', fn, withSite: opts.withSite },
    args: args.map((a, i) => implicitCast(name, i, a, argTypes[i])),
    deterministic: opts.deterministic,
    nullable: opts.nullable,
  }))
}

// Spark's implicit numeric widening: tinyint < smallint < int < bigint < float < double.
const NUMERIC_RANK: Readonly<Record<string, number>> = {
  byte: 1,
  short: 2,
  int: 3,
  long: 4,
  float: 5,
  double: 6,
}

/**
 * Argument `i` of `fn` cast to `expected` when Spark would cast it implicitly (numbers widen,
 * anything atomic becomes a string where a string is expected, strings become numbers/timestamps),
 * else a DATATYPE_MISMATCH error naming the function and the argument.
 */
export function implicitCast(fn: string, i: number, arg: BoundExpr, expected: DataType): BoundExpr {
  const from = arg.type.kind
  if (from === expected.kind && from !== 'array' && from !== 'map' && from !== 'struct' && from !== 'decimal')
    return arg
  const ok =
    from === 'null' ||
    (expected.kind === 'decimal' &&
      (from === 'decimal' || from === 'string' || NUMERIC_RANK[from] !== undefined)) ||
    (expected.kind === 'string' &&
      from !== 'array' &&
      from !== 'map' &&
      from !== 'struct' &&
      from !== 'binary') ||
    (NUMERIC_RANK[expected.kind] !== undefined &&
      (from === 'string' || from === 'decimal' || NUMERIC_RANK[from] <= NUMERIC_RANK[expected.kind])) ||
    (expected.kind === 'timestamp' && (from === 'string' || from === 'date')) ||
    (expected.kind === 'date' && (from === 'string' || from === 'timestamp')) ||
    (expected.kind === 'binary' && from === 'string')
  if (!ok) throw argTypeError(fn, i, arg, simpleString(expected))
  return castTo(arg, expected)
}

/**
 * Spark's rule for the functions that look a value up in an array or map (array_position,
 * element_at on a map): two decimals of different types are DATATYPE_MISMATCH, not widened.
 */
export function requireSameDecimal(fn: string, container: DataType, value: BoundExpr): void {
  if (container.kind === 'decimal' && value.type.kind === 'decimal' && !sameType(container, value.type)) {
    throw typeMismatch(
      `Cannot resolve \`${fn}\`: the value is ${simpleString(value.type)} but the elements are ${simpleString(container)}. Cast the value to ${simpleString(container)}.`,
    )
  }
}

export function argTypeError(fn: string, i: number, arg: BoundExpr, expected: string): SluiceError {
  return typeMismatch(
    `Cannot resolve \`${fn}\`: argument ${i + 1} requires ${expected} but got ${simpleString(arg.type)}` +
      (arg.kind === 'ref' ? ` (column \`${arg.name}\`)` : '') +
      '.',
  )
}

/**
 * The value of a constant argument. A decimal constant (`0.5` is decimal(1,1), as Spark) is given as
 * a JS number, since constant arguments are parameters such as percentages or accuracies.
 */
export function requireFoldable(fn: string, i: number, arg: BoundExpr): unknown {
  if (arg.kind !== 'literal') {
    throw new SluiceError('INVALID_ARGUMENT', `\`${fn}\`: argument ${i + 1} must be a constant (a literal).`)
  }
  return constantValue(arg.value, arg.type)
}

/** A literal's value with decimals as JS numbers. @example constantValue('0.5', t.decimal(1, 1)) // 0.5 */
export function constantValue(value: unknown, type: DataType): unknown {
  if (value === null || type.kind !== 'decimal') return value
  return Number(value)
}
