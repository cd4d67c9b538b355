/**
 * Comparisons, boolean logic, null tests, IN, BETWEEN and LIKE with SQL three-valued logic.
 * `=` with a NULL operand is NULL; `<=>` is null-safe; NaN = NaN and NaN sorts above all numbers.
 */

import { SluiceError, typeMismatch } from '../errors.ts'
import { type DataType, simpleString, t } from '../schema/data-type.ts'
import type { BoundExpr, Impl } from './bound-expr.ts'
import { castTo, coerceAll, commonType } from './coercion.ts'
import { argTypeError, implicitCast, requireFoldable, scalar } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'
import { comparatorFor, compareStrings, PRIMITIVE_KINDS, valuesEqual } from './values.ts'

function comparable(name: string, args: readonly BoundExpr[]): [DataType, BoundExpr[]] {
  const type = commonType(args[0].type, args[1].type)
  if (type === undefined || type.kind === 'map') {
    throw typeMismatch(
      `Cannot resolve \`${name}\`: the operands have types ${simpleString(args[0].type)} and ${simpleString(args[1].type)}, which cannot be compared. Cast one side.`,
    )
  }
  return [type, args.map((a) => castTo(a, type))]
}

type Cmp = '<' | '<=' | '>' | '>='
const STRING_TESTS: Record<Cmp, (a: string, b: string) => boolean> = {
  '<': (a, b) => compareStrings(a, b) < 0,
  '<=': (a, b) => compareStrings(a, b) <= 0,
  '>': (a, b) => compareStrings(a, b) > 0,
  '>=': (a, b) => compareStrings(a, b) >= 0,
}

function compareImpl(op: Cmp | '=', type: DataType): Impl {
  if (type.kind === 'string' && op !== '=') return { kind: 'fn', fn: STRING_TESTS[op] }
  if (PRIMITIVE_KINDS.has(type.kind)) return { kind: 'op', op: op === '=' ? '===' : op }
  if (type.kind === 'double' || type.kind === 'float') {
    if (op === '=')
      return { kind: 'template', code: ([a, b]) => `${a} === ${b} || (${a} !== ${a} && ${b} !== ${b})` }
    if (op === '<' || op === '>') {
      const [x, y] = op === '<' ? [0, 1] : [1, 0]
      return {
        kind: 'template',
        code: (v) => `${v[x]} < ${v[y]} || (${v[y]} !== ${v[y]} && ${v[x]} === ${v[x]})`,
      }
    }
    const [x, y] = op === '<=' ? [0, 1] : [1, 0]
    return { kind: 'template', code: (v) => `${v[x]} <= ${v[y]} || ${v[y]} !== ${v[y]}` }
  }
  if (op === '=') return { kind: 'fn', fn: type.kind === 'decimal' ? decimalsEqual : valuesEqual }
  const compare = comparatorFor(type)
  const test = {
    '<': (c: number) => c < 0,
    '<=': (c: number) => c <= 0,
    '>': (c: number) => c > 0,
    '>=': (c: number) => c >= 0,
  }[op]
  return { kind: 'fn', fn: (a: unknown, b: unknown) => test(compare(a, b)) }
}

// Both sides are cast to one decimal type, so equal values have equal text.
const decimalsEqual = (a: string, b: string): boolean => a === b

function comparison(name: string, op: Cmp | '='): ScalarFunctionDef {
  return scalar(name, [2, 2], (args) => {
    const [type, cast] = comparable(name, args)
    return { type: t.boolean(), impl: compareImpl(op, type), args: cast }
  })
}

const booleanArgs = (name: string, args: readonly BoundExpr[]): BoundExpr[] =>
  args.map((a, i) => {
    if (a.type.kind !== 'boolean' && a.type.kind !== 'null') throw argTypeError(name, i, a, 'boolean')
    return castTo(a, t.boolean())
  })

function inList(args: readonly BoundExpr[]): ReturnType<ScalarFunctionDef['bind']> {
  const { type, args: cast } = coerceAll(args, 'IN')
  const [x, ...list] = cast
  const listNullable = list.some((a) => a.nullable)
  if (
    list.every((a) => a.kind === 'literal') &&
    (PRIMITIVE_KINDS.has(type.kind) || type.kind === 'double' || type.kind === 'float')
  ) {
    // Set membership uses SameValueZero: NaN matches NaN and -0 matches 0, as in Spark.
    const literals = list.map((a) => (a as { value: unknown }).value)
    const values = new Set<unknown>(literals.filter((v) => v !== null))
    const hasNull = literals.includes(null)
    return {
      type: t.boolean(),
      impl: { kind: 'fn', fn: (v: unknown) => (values.has(v) ? true : hasNull ? null : false) },
      args: [x],
      nullable: x.nullable || hasNull,
      constants: literals,
    }
  }
  const fn = (v: unknown, ...items: unknown[]): boolean | null => {
    if (v === null) return null
    let sawNull = false
    for (const item of items) {
      if (item === null) sawNull = true
      else if (valuesEqual(v, item)) return true
    }
    return sawNull ? null : false
  }
  return {
    type: t.boolean(),
    impl: { kind: 'fn', fn, nullSafe: true },
    args: cast,
    nullable: x.nullable || listNullable,
  }
}

/**
 * Compiles a SQL LIKE pattern (`%`, `_`, escape character) to an anchored RegExp. As in Spark, the
 * escape character may only precede `%`, `_` or itself, and may not end the pattern.
 */
export function likeToRegExp(pattern: string, escapeChar = '\\'): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]
    if (ch === escapeChar) {
      const next = pattern[i + 1]
      if (next !== '%' && next !== '_' && next !== escapeChar) {
        throw new SluiceError(
          'INVALID_ARGUMENT',
          `Invalid LIKE pattern '${pattern}': the escape character '${escapeChar}' ${next === undefined ? 'ends the pattern' : `precedes '${next}'`}; it may only precede '%', '_' or itself.`,
        )
      }
      re += escapeRe(next)
      i++
    } else if (ch === '%') re += '[\\s\\S]*'
    else if (ch === '_') re += '[\\s\\S]'
    else re += escapeRe(ch)
  }
  return new RegExp(`^${re}$`, 'u')
}
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** A pattern compiler for `fn` that reports a bad pattern as Spark's INVALID_PARAMETER_VALUE.PATTERN. */
function regexpOf(fn: string): (p: string) => RegExp {
  return (p) => {
    try {
      return new RegExp(p, 'u')
    } catch (e) {
      throw new SluiceError(
        'INVALID_PATTERN',
        `[INVALID_PARAMETER_VALUE.PATTERN] The value of parameter(s) \`regexp\` in \`${fn}\` is invalid: '${p}' (${(e as Error).message}). Fix the regular expression.`,
      )
    }
  }
}

function patternMatch(name: string, toRe: (p: string, esc?: string) => RegExp): ScalarFunctionDef {
  return scalar(name, [2, 3], (args) => {
    const [s, p] = [implicitCast(name, 0, args[0], t.string()), implicitCast(name, 1, args[1], t.string())]
    const esc = args[2] ? String(requireFoldable(name, 2, args[2])) : undefined
    if (p.kind === 'literal') {
      if (p.value === null)
        return {
          type: t.boolean(),
          impl: { kind: 'template', code: () => 'null' },
          args: [s],
          nullable: true,
        }
      const re = toRe(String(p.value), esc)
      return { type: t.boolean(), impl: { kind: 'fn', fn: (v: string) => re.test(v) }, args: [s] }
    }
    const cache = new Map<string, RegExp>()
    const fn = (v: string, pat: string): boolean => {
      let re = cache.get(pat)
      if (re === undefined) cache.set(pat, (re = toRe(pat, esc)))
      return re.test(v)
    }
    return { type: t.boolean(), impl: { kind: 'fn', fn }, args: [s, p] }
  })
}

export const PREDICATES: readonly ScalarFunctionDef[] = [
  comparison('=', '='),
  comparison('<', '<'),
  comparison('<=', '<='),
  comparison('>', '>'),
  comparison('>=', '>='),
  scalar('!=', [2, 2], (args) => {
    const [type, cast] = comparable('!=', args)
    const eq = compareImpl('=', type)
    const impl: Impl =
      eq.kind === 'op'
        ? { kind: 'op', op: '!==' }
        : eq.kind === 'template'
          ? { kind: 'template', code: (v) => `!(${eq.code(v)})` }
          : { kind: 'fn', fn: (a: unknown, b: unknown) => !valuesEqual(a, b) }
    return { type: t.boolean(), impl, args: cast }
  }),
  scalar('<=>', [2, 2], (args) => {
    const [, cast] = comparable('<=>', args)
    const fn = (a: unknown, b: unknown): boolean => (a === null || b === null ? a === b : valuesEqual(a, b))
    return { type: t.boolean(), impl: { kind: 'fn', fn, nullSafe: true }, args: cast, nullable: false }
  }),
  scalar('and', [2, 2], (args) => ({
    type: t.boolean(),
    impl: { kind: 'op', op: '&&' },
    args: booleanArgs('and', args),
  })),
  scalar('or', [2, 2], (args) => ({
    type: t.boolean(),
    impl: { kind: 'op', op: '||' },
    args: booleanArgs('or', args),
  })),
  scalar('not', [1, 1], (args) => ({
    type: t.boolean(),
    impl: { kind: 'op', op: '!' },
    args: booleanArgs('not', args),
  })),
  scalar('isnull', [1, 1], () => ({
    type: t.boolean(),
    nullable: false,
    impl: { kind: 'template', code: ([a]) => `${a} === null`, nullSafe: true },
  })),
  scalar('isnotnull', [1, 1], () => ({
    type: t.boolean(),
    nullable: false,
    impl: { kind: 'template', code: ([a]) => `${a} !== null`, nullSafe: true },
  })),
  scalar('isnan', [1, 1], (args) => ({
    type: t.boolean(),
    nullable: false,
    args: [implicitCast('isnan', 0, args[0], t.double())],
    impl: { kind: 'template', code: ([a]) => `${a} !== null && ${a} !== ${a}`, nullSafe: true },
  })),
  scalar('in', [1, Number.POSITIVE_INFINITY], inList),
  patternMatch('like', likeToRegExp),
  // ilike: Spark lower-cases both sides (so 'ß' does not match 'SS'), then matches as like.
  patternMatch('ilike', (p, esc) => new RegExp(likeToRegExp(p.toLowerCase(), esc).source, 'iu')),
  patternMatch('rlike', regexpOf('rlike')),
  patternMatch('regexp', regexpOf('regexp')),
  patternMatch('regexp_like', regexpOf('regexp_like')),
]
