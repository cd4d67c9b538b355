/**
 * Property tests: on random well-typed expression trees over random rows, the generated code
 * computes exactly what the reference tree-walking interpreter computes (or both raise a
 * SluiceError with the same code), and declared non-nullability is honest.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { isSluiceError } from '../../../../src/errors.ts'
import { compileExpr } from '../../../../src/exec/expr/compile-expr.ts'
import {
  type BoundExpr,
  boundChildren,
  boundLiteral,
  boundRef,
} from '../../../../src/functions/bound-expr.ts'
import { likeToRegExp } from '../../../../src/functions/predicates.ts'
import { t } from '../../../../src/schema/data-type.ts'
import {
  call,
  caseWhen,
  cast,
  fieldOf,
  interpret,
  sameValue,
  showExpr,
  showValue,
} from '../../../harness/interpreter.ts'

type Kind = 'int' | 'long' | 'double' | 'string' | 'boolean'
const KINDS: readonly Kind[] = ['int', 'long', 'double', 'string', 'boolean']
const NUMERIC: readonly Kind[] = ['int', 'long', 'double']
const TYPE = { int: t.int(), long: t.long(), double: t.double(), string: t.string(), boolean: t.boolean() }
const INT_MAX = 2147483647
const INT_MIN = -2147483648
const MAX_LONG = Number.MAX_SAFE_INTEGER

const VALUES: Record<Kind, fc.Arbitrary<unknown>> = {
  int: fc.oneof(fc.integer({ min: -10, max: 10 }), fc.integer(), fc.constantFrom(INT_MAX, INT_MIN, 0, -1)),
  long: fc.oneof(
    fc.integer({ min: -10, max: 10 }),
    fc.maxSafeInteger(),
    fc.constantFrom(MAX_LONG, -MAX_LONG, 2 ** 31, -(2 ** 31) - 1, 0),
  ),
  double: fc.oneof(
    fc.double(),
    fc.constantFrom(Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5, -2.5, 1e308),
    fc.integer({ min: -10, max: 10 }),
  ),
  string: fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.string({ unit: 'grapheme', maxLength: 4 }),
    fc.constantFrom(
      ...['', ' ', ' 42 ', '-7', '1.5', '1e3', 'NaN', 'true', 'f', 'a%b_c', 'ß', '😀x', 'İ', '\u00a012'],
    ),
  ),
  boolean: fc.boolean(),
}
const LIKE_PATTERNS = fc.oneof(
  fc.constantFrom('%', '_', 'a%', '%b_c', '', '\\%', '\\_%', '😀_', '%%', 'a!%', '!_'),
  fc.string({ unit: fc.constantFrom('a', '%', '_', 'b', '\\', '!', '.', '*'), maxLength: 5 }),
)

/** A literal LIKE pattern that binds (Spark rejects a misplaced escape character at analysis). */
function isValidLike(pattern: string, escapeChar: string): boolean {
  try {
    likeToRegExp(pattern, escapeChar)
    return true
  } catch {
    return false
  }
}

/** A struct column type, read through field access: `a` is declared non-nullable, `b` nullable. */
const STRUCT = t.struct({ a: t.notNull(t.int()), b: t.string() })
const STRUCT_VALUE = fc.record({ a: VALUES.int, b: fc.option(VALUES.string, { nil: null }) })

interface Column {
  readonly kind: Kind | 'struct'
  readonly nullable: boolean
}

/** Fails loudly when a generator produced a tree of another type than it promised. */
function typed(kind: Kind, e: BoundExpr): BoundExpr {
  if (e.type.kind !== kind)
    throw new Error(`generator bug: wanted ${kind}, got ${e.type.kind} for ${showExpr(e)}`)
  return e
}

/** Random expression trees of each kind over one schema, memoized per (kind, depth). */
function expressions(schema: readonly Column[]): (kind: Kind, depth: number) => fc.Arbitrary<BoundExpr> {
  const memo = new Map<string, fc.Arbitrary<BoundExpr>>()
  const gen = (kind: Kind, depth: number): fc.Arbitrary<BoundExpr> => {
    const key = `${kind}/${depth}`
    let arb = memo.get(key)
    if (arb === undefined) {
      const leaves = leaf(schema, kind)
      arb =
        depth === 0
          ? leaves
          : fc.oneof(
              { arbitrary: leaves, weight: 3 },
              ...composites(kind, (k) => gen(k, depth - 1)).map((a) => ({ arbitrary: a, weight: 1 })),
            )
      memo.set(key, (arb = arb.map((e) => typed(kind, e))))
    }
    return arb
  }
  return gen
}

function leaf(schema: readonly Column[], kind: Kind): fc.Arbitrary<BoundExpr> {
  const literal = fc.option(VALUES[kind], { nil: null, freq: 8 }).map((v) => boundLiteral(v, TYPE[kind]))
  const refs: BoundExpr[] = schema.flatMap((c, i) =>
    c.kind === kind ? [boundRef(i, `c${i}`, TYPE[kind], c.nullable)] : [],
  )
  const name = kind === 'int' ? 'a' : kind === 'string' ? 'b' : undefined
  if (name !== undefined) {
    for (const [i, c] of schema.entries()) {
      if (c.kind === 'struct') refs.push(fieldOf(boundRef(i, `c${i}`, STRUCT, c.nullable), name))
    }
  }
  return refs.length === 0 ? literal : fc.oneof(literal, fc.constantFrom(...refs))
}

type Sub = (kind: Kind) => fc.Arbitrary<BoundExpr>
const anyOf = (sub: Sub, kinds: readonly Kind[] = KINDS): fc.Arbitrary<BoundExpr> =>
  fc.constantFrom(...kinds).chain((k) => sub(k))
const binary = (names: readonly string[], a: fc.Arbitrary<BoundExpr>, b: fc.Arbitrary<BoundExpr>) =>
  fc.tuple(fc.constantFrom(...names), a, b).map(([name, x, y]) => call(name, x, y))
const unary = (names: readonly string[], a: fc.Arbitrary<BoundExpr>) =>
  fc.tuple(fc.constantFrom(...names), a).map(([name, x]) => call(name, x))

function composites(kind: Kind, sub: Sub): fc.Arbitrary<BoundExpr>[] {
  const common = [castTo(kind, sub), caseOf(kind, sub), coalesceOf(kind, sub)]
  switch (kind) {
    case 'int':
      return [...common, ...integral('int', sub), unary(['length'], sub('string')), udfOf(sub('int'))]
    case 'long':
      return [
        ...common,
        ...integral('long', sub),
        binary(['+', '-', '*', '%', 'pmod'], sub('int'), sub('long')),
        binary(['+', '*'], sub('long'), sub('int')),
        // A string meeting an int is read as a bigint (ANSI: malformed strings raise).
        binary(['+', '-'], sub('string'), sub('int')),
      ]
    case 'double':
      return [
        ...common,
        binary(['+', '-', '*', '%', 'pmod'], sub('double'), anyOf(sub, NUMERIC)),
        binary(['/', 'try_divide'], anyOf(sub, NUMERIC), anyOf(sub, NUMERIC)),
        unary(['negative', 'abs'], sub('double')),
        extremum('double', sub),
      ]
    case 'string':
      return [...common, ...stringFunctions(sub)]
    case 'boolean':
      return [...common, ...predicates(sub)]
  }
}

function integral(kind: 'int' | 'long', sub: Sub): fc.Arbitrary<BoundExpr>[] {
  return [
    binary(['+', '-', '*', '%', 'pmod', 'try_add'], sub(kind), sub(kind)),
    unary(['negative', 'abs'], sub(kind)),
    extremum(kind, sub),
  ]
}

/** greatest/least: null-safe calls that skip NULL arguments. */
const extremum = (kind: Kind, sub: Sub): fc.Arbitrary<BoundExpr> =>
  fc
    .tuple(fc.constantFrom('greatest', 'least'), fc.array(sub(kind), { minLength: 2, maxLength: 3 }))
    .map(([name, xs]) => call(name, ...xs))

/** A UDF that sees NULLs, returns undefined for them, and throws on large inputs. */
function bumpUdf(v: number | null): number | undefined {
  if (v === null) return undefined
  if (Math.abs(v) > 1000) throw new RangeError(`too large: ${v}`)
  return v + 1
}
const udfOf = (arg: fc.Arbitrary<BoundExpr>): fc.Arbitrary<BoundExpr> =>
  arg.map((a) =>
    Object.freeze({ kind: 'udf', name: 'bump', fn: bumpUdf, args: [a], type: t.int(), nullable: true }),
  )

function stringFunctions(sub: Sub): fc.Arbitrary<BoundExpr>[] {
  const s = sub('string')
  return [
    fc.array(s, { minLength: 1, maxLength: 3 }).map((xs) => call('concat', ...xs)),
    fc.tuple(s, anyOf(sub, ['int', 'boolean'])).map(([a, b]) => call('concat', a, b)),
    fc
      .tuple(s, fc.array(s, { minLength: 1, maxLength: 3 }))
      .map(([sep, xs]) => call('concat_ws', sep, ...xs)),
    unary(['upper', 'lower', 'trim'], s),
    fc.tuple(s, s).map(([a, b]) => call('trim', a, b)),
    fc.tuple(s, sub('int')).map(([a, p]) => call('substring', a, p)),
    fc.tuple(s, sub('int'), sub('int')).map(([a, p, n]) => call('substring', a, p, n)),
  ]
}

function predicates(sub: Sub): fc.Arbitrary<BoundExpr>[] {
  const b = sub('boolean')
  const cmp = ['=', '!=', '<', '<=', '>', '>=', '<=>']
  const sameKindPair = fc.constantFrom(...KINDS).chain((k) => fc.tuple(sub(k), sub(k)))
  return [
    sameKindPair.chain(([x, y]) => fc.constantFrom(...cmp).map((op) => call(op, x, y))),
    binary(cmp, anyOf(sub, NUMERIC), anyOf(sub, NUMERIC)),
    // Strings compared with numbers are cast to the number's type.
    binary(cmp, sub('string'), anyOf(sub, ['int', 'double'])),
    binary(['and', 'or'], b, b),
    unary(['not'], b),
    fc.tuple(fc.constantFrom('isnull', 'isnotnull'), anyOf(sub)).map(([name, x]) => call(name, x)),
    fc
      .constantFrom(...KINDS)
      .chain((k) => fc.tuple(sub(k), fc.array(sub(k), { minLength: 1, maxLength: 4 })))
      .map(([x, list]) => call('in', x, ...list)),
    fc
      .tuple(sub('string'), LIKE_PATTERNS)
      .filter(([, p]) => isValidLike(p, '\\'))
      .map(([s, p]) => call('like', s, boundLiteral(p, t.string()))),
    fc
      .tuple(sub('string'), LIKE_PATTERNS, fc.constantFrom('\\', '!'))
      .filter(([, p, esc]) => isValidLike(p, esc))
      .map(([s, p, esc]) => call('like', s, boundLiteral(p, t.string()), boundLiteral(esc, t.string()))),
    fc
      .tuple(sub('string'), sub('string'))
      .filter(([, p]) => p.kind !== 'literal' || typeof p.value !== 'string' || isValidLike(p.value, '\\'))
      .map(([s, p]) => call('like', s, p)),
  ]
}

// Same-type casts are left out: bindCast rejects CAST(double AS DOUBLE) and CAST(boolean AS BOOLEAN).
function castTo(kind: Kind, sub: Sub): fc.Arbitrary<BoundExpr> {
  const from = anyOf(
    sub,
    KINDS.filter((k) => k !== kind),
  )
  return fc
    .tuple(from, fc.constantFrom('ansi', 'try') as fc.Arbitrary<'ansi' | 'try'>)
    .map(([e, mode]) => cast(e, TYPE[kind], mode))
}

function caseOf(kind: Kind, sub: Sub): fc.Arbitrary<BoundExpr> {
  const branches = fc.array(fc.tuple(sub('boolean'), sub(kind)), { minLength: 1, maxLength: 3 })
  return fc
    .tuple(branches, fc.option(sub(kind), { nil: null }))
    .map(([bs, otherwise]) => caseWhen(bs, otherwise))
}

function coalesceOf(kind: Kind, sub: Sub): fc.Arbitrary<BoundExpr> {
  return fc.array(sub(kind), { minLength: 1, maxLength: 3 }).map((xs) => call('coalesce', ...xs))
}

const rowOf = (schema: readonly Column[]): fc.Arbitrary<unknown[]> =>
  fc.tuple(
    ...schema.map((c) => {
      const value = c.kind === 'struct' ? STRUCT_VALUE : VALUES[c.kind]
      return c.nullable ? fc.option(value, { nil: null, freq: 3 }) : value
    }),
  )

interface Case {
  readonly expr: BoundExpr
  readonly rows: readonly unknown[][]
}

/** A random schema, one expression of depth <= 4 over it, and a few rows; printed as SQL. */
const CASES: fc.Arbitrary<Case> = fc
  .array(fc.record({ kind: fc.constantFrom<Column['kind']>(...KINDS, 'struct'), nullable: fc.boolean() }), {
    minLength: 1,
    maxLength: 6,
  })
  .chain((schema) =>
    fc.record({
      expr: fc.constantFrom(...KINDS).chain((k) => expressions(schema)(k, 4)),
      rows: fc.array(rowOf(schema), { minLength: 1, maxLength: 4 }),
    }),
  )
  .map((c) => ({
    ...c,
    [fc.toStringMethod]: () =>
      `${showExpr(c.expr)} on rows ${c.rows.map((r) => `[${r.map(showValue).join(', ')}]`).join(' ')}`,
  }))

type Outcome = { readonly value: unknown } | { readonly error: unknown }
function outcome(f: () => unknown): Outcome {
  try {
    return { value: f() }
  } catch (error) {
    return { error }
  }
}

function describeCase(e: BoundExpr, row: readonly unknown[]): string {
  return `${showExpr(e)} on row [${row.map(showValue).join(', ')}]`
}
function showOutcome(o: Outcome): string {
  return 'value' in o ? showValue(o.value) : `throws ${(o.error as Error)?.message ?? o.error}`
}

function assertSameOutcome(
  e: BoundExpr,
  row: readonly unknown[],
  compiled: Outcome,
  expected: Outcome,
): void {
  const what = `${describeCase(e, row)}: compiled ${showOutcome(compiled)}, interpreted ${showOutcome(expected)}`
  if ('value' in compiled && 'value' in expected) {
    assert.ok(compiled.value !== undefined && sameValue(compiled.value, expected.value), what)
    return
  }
  assert.ok('error' in compiled && 'error' in expected, what)
  // Anything but a SluiceError (a TypeError, a SyntaxError in generated code) is a bug.
  assert.ok(isSluiceError(compiled.error) && isSluiceError(expected.error), what)
  assert.equal(compiled.error.code, expected.error.code, what)
}

/** The value `f` returns, or undefined when it throws (errors are the first property's business). */
function valueOrUndefined(f: () => unknown): unknown {
  const o = outcome(f)
  return 'value' in o ? o.value : undefined
}

/** Interprets every subexpression on every row, passing the values that did not raise to `check`. */
function forEachValue(
  e: BoundExpr,
  rows: readonly unknown[][],
  check: (n: BoundExpr, row: unknown[], v: unknown) => void,
) {
  for (const row of rows) {
    for (const node of nodes(e)) {
      const v = valueOrUndefined(() => interpret(node, row))
      if (v !== undefined) check(node, row, v)
    }
  }
}

function* nodes(e: BoundExpr): Generator<BoundExpr> {
  yield e
  for (const c of boundChildren(e)) yield* nodes(c)
}

const RUNS = { numRuns: 3000 }

describe('compiled expressions match the reference interpreter', () => {
  it('compileExpr(e)(row) equals interpret(e, row), or both raise the same error code', () => {
    fc.assert(
      fc.property(CASES, ({ expr, rows }) => {
        const f = compileExpr(expr)
        for (const row of rows)
          assertSameOutcome(
            expr,
            row,
            outcome(() => f(row)),
            outcome(() => interpret(expr, row)),
          )
      }),
      RUNS,
    )
  })

  it('never yields null from an expression declared non-nullable, at the root or any subexpression', () => {
    fc.assert(
      fc.property(CASES, ({ expr, rows }) => {
        const f = compileExpr(expr)
        for (const row of rows) {
          if (!expr.nullable)
            assert.ok(valueOrUndefined(() => f(row)) !== null, `compiled ${describeCase(expr, row)} is null`)
        }
        forEachValue(expr, rows, (node, row, v) => {
          assert.ok(
            node.nullable || v !== null,
            `${describeCase(node, row)} is null but declared non-nullable`,
          )
        })
      }),
      RUNS,
    )
  })

  it('yields values of the declared type at every subexpression: ints in range, longs exact', () => {
    const fits: Record<string, (v: unknown) => boolean> = {
      int: (v) => Number.isInteger(v) && (v as number) >= INT_MIN && (v as number) <= INT_MAX,
      long: (v) => Number.isSafeInteger(v),
      double: (v) => typeof v === 'number',
      string: (v) => typeof v === 'string',
      boolean: (v) => typeof v === 'boolean',
    }
    const check = (node: BoundExpr, row: readonly unknown[], v: unknown) =>
      assert.ok(
        v === null || (fits[node.type.kind]?.(v) ?? true),
        `${describeCase(node, row)} gave ${showValue(v)}`,
      )
    fc.assert(
      fc.property(CASES, ({ expr, rows }) => forEachValue(expr, rows, check)),
      RUNS,
    )
  })

  it('never yields -0 from an int or bigint expression', () => {
    const check = (node: BoundExpr, row: readonly unknown[], v: unknown) =>
      assert.ok(!Object.is(v, -0) || node.type.kind === 'double', `${describeCase(node, row)} gave -0`)
    fc.assert(
      fc.property(CASES, ({ expr, rows }) => forEachValue(expr, rows, check)),
      RUNS,
    )
  })
})
