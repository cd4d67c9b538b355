/**
 * Arithmetic with Spark 4 ANSI semantics: tinyint, smallint, int and bigint overflow raise
 * ARITHMETIC_OVERFLOW (bigint is exact to 2^53 in Sluice), float results are rounded to 32 bits, division by zero raises DIVIDE_BY_ZERO and remainder by zero REMAINDER_BY_ZERO, `/` is
 * always fractional, `%` keeps the dividend's sign, `pmod` is non-negative. The try_ forms give
 * NULL instead of raising.
 */
import { type DataType, type DecimalType, isDecimal, isIntegral, isNumeric, t } from '../schema/data-type.ts'
import type { BoundExpr, Impl } from './bound-expr.ts'
import { castTo, stringMeetsNumber, widerNumeric } from './coercion.ts'
import { type DecimalOp, decimalArithmetic, decimalOperandType, negateDecimal } from './decimal-arithmetic.ts'
import { argTypeError, scalar } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'
import { binaryOverflow, divideByZero, overflow, remainderByZero } from './runtime-errors.ts'

const INT_MAX = 2147483647
const INT_MIN = -2147483648
/** The value range and Spark's name of each integral type whose arithmetic is range-checked. */
const SMALL_RANGE: Readonly<Record<string, readonly [number, number, string]>> = {
  byte: [-128, 127, 'tinyint'],
  short: [-32768, 32767, 'smallint'],
  int: [INT_MIN, INT_MAX, 'integer'],
}

// `+ 0` turns -0 into 0: integers have no negative zero in Spark.
function checkInt(r: number, site: string): number {
  if (r > INT_MAX || r < INT_MIN) throw overflow('integer', site, ` (result ${r})`)
  return r + 0
}
function checkLong(r: number, site: string): number {
  if (!Number.isSafeInteger(r)) throw overflow('bigint', site)
  return r + 0
}

type Op = '+' | '-' | '*'
const OPS: Record<Op, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
}

function checked(op: Op, type: DataType, tryMode: boolean): Impl {
  if (type.kind === 'double') return { kind: 'op', op }
  const f = OPS[op]
  if (type.kind === 'float') return { kind: 'fn', fn: (a: number, b: number) => Math.fround(f(a, b)) }
  if (type.kind === 'byte' || type.kind === 'short') return checkedSmall(f, SMALL_RANGE[type.kind], tryMode)
  const check = type.kind === 'int' ? checkInt : checkLong
  if (tryMode) {
    return {
      kind: 'fn',
      fn: (a: number, b: number) => {
        const r = f(a, b) + 0
        return type.kind === 'int'
          ? r > INT_MAX || r < INT_MIN
            ? null
            : r
          : Number.isSafeInteger(r)
            ? r
            : null
      },
    }
  }
  return { kind: 'fn', fn: (a: number, b: number, site: string) => check(f(a, b), site), withSite: true }
}

function checkedSmall(
  f: (a: number, b: number) => number,
  [min, max, name]: readonly [number, number, string],
  tryMode: boolean,
): Impl {
  if (tryMode) {
    return {
      kind: 'fn',
      fn: (a: number, b: number) => {
        const r = f(a, b) + 0
        return r > max || r < min ? null : r
      },
    }
  }
  const fn = (a: number, b: number, site: string) => {
    const r = f(a, b) + 0
    if (r > max || r < min) throw binaryOverflow(name, site, r)
    return r
  }
  return { kind: 'fn', fn, withSite: true }
}

/** Casts both operands to their common numeric type (strings become numbers, as in ANSI Spark). */
function numericOperands(
  name: string,
  args: readonly BoundExpr[],
  floating = false,
): [DataType, BoundExpr[]] {
  const typeOf = (a: BoundExpr, other: BoundExpr, i: number): DataType => {
    if (isNumeric(a.type)) return a.type
    if (a.type.kind === 'null') return isNumeric(other.type) ? other.type : t.double()
    if (a.type.kind === 'string') return isNumeric(other.type) ? stringMeetsNumber(other.type) : t.long()
    throw argTypeError(name, i, a, 'a numeric type')
  }
  let type = widerNumeric(typeOf(args[0], args[1], 0), typeOf(args[1], args[0], 1))
  if (floating) type = t.double()
  return [type, args.map((a) => castTo(a, type))]
}

type DecimalOperands =
  | { readonly kind: 'decimal'; readonly a: DecimalType; readonly b: DecimalType; readonly args: BoundExpr[] }
  | { readonly kind: 'double'; readonly args: BoundExpr[] }

/**
 * With a decimal operand: both sides as decimals (an integral side widened, a NULL taking the
 * decimal's type), or, when the other side is fractional or text, the decimal cast to double.
 */
function decimalOperands(args: readonly BoundExpr[]): DecimalOperands | undefined {
  const dec = args.find((a) => isDecimal(a.type))?.type as DecimalType | undefined
  if (dec === undefined) return undefined
  const types = args.map((a) => (a.type.kind === 'null' ? dec : decimalOperandType(a)))
  if (types[0] === undefined || types[1] === undefined) {
    return { kind: 'double', args: args.map((a) => (isDecimal(a.type) ? castTo(a, t.double()) : a)) }
  }
  return { kind: 'decimal', a: types[0], b: types[1], args: args.map((a, i) => castTo(a, types[i]!)) }
}

/** `a op b` when an operand is a decimal, or undefined to go on with the other numeric types. */
function bindDecimal(
  op: DecimalOp,
  args: readonly BoundExpr[],
  tryMode: boolean,
): ReturnType<ScalarFunctionDef['bind']> | readonly BoundExpr[] {
  const dec = decimalOperands(args)
  if (dec === undefined) return args
  if (dec.kind === 'double') return dec.args
  const { type, impl } = decimalArithmetic(op, dec.a, dec.b, tryMode)
  return { type, impl, args: dec.args, nullable: tryMode || undefined }
}

function arith(name: string, op: Op, tryMode = false): ScalarFunctionDef {
  return scalar(name, [2, 2], (given) => {
    const bound = bindDecimal(op, given, tryMode)
    if (!Array.isArray(bound)) return bound as ReturnType<ScalarFunctionDef['bind']>
    const args = bound as readonly BoundExpr[]
    const [type, cast] = numericOperands(name, args)
    return { type, impl: checked(op, type, tryMode), args: cast, nullable: tryMode || undefined }
  })
}

function timestampArith(
  args: readonly BoundExpr[],
  sign: 1 | -1,
): ReturnType<ScalarFunctionDef['bind']> | undefined {
  const [a, b] = args
  if (a.type.kind === 'timestamp' && b.type.kind === 'interval') {
    return { type: t.timestamp(), impl: { kind: 'op', op: sign === 1 ? '+' : '-' } }
  }
  if (sign === 1 && a.type.kind === 'interval' && b.type.kind === 'timestamp') {
    return { type: t.timestamp(), impl: { kind: 'op', op: '+' } }
  }
  if (a.type.kind === 'interval' && b.type.kind === 'interval') {
    return { type: t.interval(), impl: { kind: 'op', op: sign === 1 ? '+' : '-' } }
  }
  return undefined
}

const divide = (a: number, b: number, site: string): number => {
  if (b === 0) throw divideByZero(site)
  return a / b
}
const remainder = (a: number, b: number, site: string): number => {
  if (b === 0) throw remainderByZero(site)
  return a % b
}
const pmod = (a: number, b: number, site: string): number => {
  if (b === 0) throw remainderByZero(site)
  const r = a % b
  return r < 0 ? (r + b) % b : r
}
const intDiv = (a: number, b: number, site: string): number => {
  if (b === 0) throw divideByZero(site)
  return checkLong(Math.trunc(a / b), site)
}
const nullOnZero =
  (f: (a: number, b: number) => number) =>
  (a: number, b: number): number | null =>
    b === 0 ? null : f(a, b)

const DECIMAL_OP = { divide: '/', mod: '%', pmod: 'pmod', div: 'div' } as const

function division(name: string, kind: 'divide' | 'mod' | 'pmod' | 'div', tryMode = false): ScalarFunctionDef {
  return scalar(name, [2, 2], (given) => {
    const bound = bindDecimal(DECIMAL_OP[kind], given, tryMode)
    if (!Array.isArray(bound)) return bound as ReturnType<ScalarFunctionDef['bind']>
    const args = bound as readonly BoundExpr[]
    const [type, cast] = numericOperands(name, args, kind === 'divide')
    const resultType = kind === 'div' ? t.long() : type
    const base = { divide, mod: remainder, pmod, div: intDiv }[kind]
    const integral = isIntegral(type) && kind !== 'divide'
    const raw = integral
      ? (a: number, b: number, site: string) => base(a, b, site) + 0
      : type.kind === 'float'
        ? (a: number, b: number, site: string) => Math.fround(base(a, b, site))
        : base
    const impl: Impl = tryMode
      ? { kind: 'fn', fn: nullOnZero((a, b) => raw(a, b, '')) }
      : { kind: 'fn', fn: raw, withSite: true }
    return { type: resultType, impl, args: cast, nullable: tryMode || undefined }
  })
}

function negate(): ScalarFunctionDef {
  return scalar('negative', [1, 1], ([a]) => {
    if (a.type.kind === 'interval' || a.type.kind === 'double' || a.type.kind === 'float')
      return { type: a.type, impl: { kind: 'op', op: '-' } }
    if (a.type.kind === 'int') {
      return {
        type: a.type,
        impl: { kind: 'fn', fn: (x: number, site: string) => checkInt(-x, site), withSite: true },
      }
    }
    if (a.type.kind === 'byte' || a.type.kind === 'short') {
      const [, max, name] = SMALL_RANGE[a.type.kind]
      const fn = (x: number, site: string) => {
        if (-x > max) throw overflow(name, site, ` (result ${-x})`)
        return 0 - x
      }
      return { type: a.type, impl: { kind: 'fn', fn, withSite: true } }
    }
    if (a.type.kind === 'long') return { type: a.type, impl: { kind: 'template', code: ([x]) => `0 - ${x}` } }
    if (a.type.kind === 'decimal') return { type: a.type, impl: { kind: 'fn', fn: negateDecimal } }
    throw argTypeError('negative', 0, a, 'a numeric type')
  })
}

export const ARITHMETIC: readonly ScalarFunctionDef[] = [
  scalar('+', [2, 2], (args, ctx) => timestampArith(args, 1) ?? arith('+', '+').bind(args, ctx)),
  scalar('-', [2, 2], (args, ctx) => timestampArith(args, -1) ?? arith('-', '-').bind(args, ctx)),
  arith('*', '*'),
  arith('try_add', '+', true),
  arith('try_subtract', '-', true),
  arith('try_multiply', '*', true),
  division('/', 'divide'),
  division('try_divide', 'divide', true),
  division('%', 'mod'),
  division('mod', 'mod'),
  division('try_mod', 'mod', true),
  division('pmod', 'pmod'),
  division('div', 'div'),
  negate(),
  scalar('positive', [1, 1], ([a]) => ({ type: a.type, impl: { kind: 'template', code: ([x]) => x } })),
]
