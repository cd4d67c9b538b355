/**
 * Example-based tests of compiled expressions: SQL null semantics, laziness and the Spark (ANSI)
 * results of arithmetic, comparisons, IN, LIKE and coalesce.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../../src/errors.ts'
import { compileExpr } from '../../../../src/exec/expr/compile-expr.ts'
import {
  type BoundExpr,
  type BoundUdf,
  boundLiteral,
  boundRef,
} from '../../../../src/functions/bound-expr.ts'
import { type DataType, t } from '../../../../src/schema/data-type.ts'
import { call, caseWhen, cast, fieldOf } from '../../../harness/interpreter.ts'

const lit = (v: unknown, type: DataType = typeof v === 'string' ? t.string() : t.int()): BoundExpr =>
  boundLiteral(v, type)
const dbl = (v: number | null): BoundExpr => boundLiteral(v, t.double())
const col = (i: number, type: DataType, nullable = true, name = `c${i}`): BoundExpr =>
  boundRef(i, name, type, nullable)
const evaluate = (e: BoundExpr, row: unknown[] = []): unknown => compileExpr(e)(row)
const raises = (code: string, text?: string) => (err: unknown) =>
  isSluiceError(err) && err.code === code && (text === undefined || err.message.includes(text))

const INT_MAX = 2147483647

describe('three-valued logic', () => {
  const a = col(0, t.boolean(), true, 'a')
  const b = col(1, t.boolean(), true, 'b')
  const values = [true, false, null]

  it('AND is false if either side is false, else NULL if either is NULL', () => {
    const and = compileExpr(call('and', a, b))
    for (const x of values) {
      for (const y of values) {
        const expected = x === false || y === false ? false : x === null || y === null ? null : true
        assert.equal(and([x, y]), expected, `${x} AND ${y}`)
      }
    }
  })

  it('OR is true if either side is true, else NULL if either is NULL', () => {
    const or = compileExpr(call('or', a, b))
    for (const x of values) {
      for (const y of values) {
        const expected = x === true || y === true ? true : x === null || y === null ? null : false
        assert.equal(or([x, y]), expected, `${x} OR ${y}`)
      }
    }
  })

  it('NOT NULL is NULL', () => {
    assert.equal(evaluate(call('not', a), [null]), null)
    assert.equal(evaluate(call('not', a), [false]), true)
  })
})

describe('lazy evaluation', () => {
  const x = col(0, t.int(), false, 'x')
  const oneOverX = call('=', call('/', lit(1), x), lit(1))

  it('does not evaluate the right side of false AND ... (false AND 1/x = 1 with x = 0)', () => {
    assert.equal(evaluate(call('and', lit(false, t.boolean()), oneOverX), [0]), false)
    assert.throws(
      () => evaluate(call('and', lit(true, t.boolean()), oneOverX), [0]),
      raises('DIVIDE_BY_ZERO'),
    )
  })

  it('does not evaluate the right side of true OR ...', () => {
    assert.equal(evaluate(call('or', lit(true, t.boolean()), oneOverX), [0]), true)
  })

  it('evaluates only the chosen CASE branch (CASE WHEN x <> 0 THEN 10 / x END with x = 0 is NULL)', () => {
    const e = caseWhen([[call('!=', x, lit(0)), call('/', lit(10), x)]], null)
    assert.equal(evaluate(e, [0]), null)
    assert.equal(evaluate(e, [4]), 2.5)
  })

  it('stops coalesce at the first non-null argument', () => {
    const d = col(0, t.double(), true, 'd')
    const e = call('coalesce', d, call('/', lit(1), col(1, t.int(), false)))
    assert.equal(evaluate(e, [2.5, 0]), 2.5)
    assert.throws(() => evaluate(e, [null, 0]), raises('DIVIDE_BY_ZERO'))
  })

  it('skips later arguments once an earlier one is NULL (Spark: NULL + 1/0 is NULL)', () => {
    const e = call('+', col(0, t.double(), true), call('/', lit(1), col(1, t.int(), false)))
    assert.equal(evaluate(e, [null, 0]), null)
  })
})

describe('arithmetic', () => {
  const x = col(0, t.int(), false, 'x')

  it('raises ARITHMETIC_OVERFLOW naming the expression when an int result leaves the int range', () => {
    assert.throws(() => evaluate(call('+', x, lit(1)), [INT_MAX]), raises('ARITHMETIC_OVERFLOW', '(x + 1)'))
    assert.throws(() => evaluate(call('*', x, lit(2)), [-INT_MAX]), raises('ARITHMETIC_OVERFLOW', '(x * 2)'))
  })

  it('raises ARITHMETIC_OVERFLOW when a bigint leaves the exact range', () => {
    const y = col(0, t.long(), false, 'y')
    assert.throws(
      () => evaluate(call('+', y, lit(1, t.long())), [Number.MAX_SAFE_INTEGER]),
      raises('ARITHMETIC_OVERFLOW'),
    )
  })

  it('gives NULL instead of overflowing in try_add', () => {
    assert.equal(evaluate(call('try_add', x, lit(1)), [INT_MAX]), null)
    assert.equal(evaluate(call('try_add', x, lit(1)), [41]), 42)
  })

  it('divides ints fractionally with /', () => {
    const e = call('/', x, lit(2))
    assert.equal(e.type.kind, 'double')
    assert.equal(evaluate(e, [7]), 3.5)
  })

  it('raises DIVIDE_BY_ZERO for /, REMAINDER_BY_ZERO for % and pmod (as Spark), and try_divide gives NULL', () => {
    assert.throws(() => evaluate(call('/', x, lit(0)), [1]), raises('DIVIDE_BY_ZERO', '(x / 0)'))
    assert.throws(() => evaluate(call('%', x, lit(0)), [1]), raises('REMAINDER_BY_ZERO'))
    assert.throws(() => evaluate(call('pmod', x, lit(0)), [1]), raises('REMAINDER_BY_ZERO'))
    assert.throws(() => evaluate(call('/', dbl(1.5), dbl(-0))), raises('DIVIDE_BY_ZERO'))
    assert.equal(evaluate(call('try_divide', x, lit(0)), [1]), null)
  })

  it("keeps the dividend's sign in %", () => {
    assert.equal(evaluate(call('%', x, lit(3)), [-7]), -1)
    assert.equal(evaluate(call('%', x, lit(-3)), [7]), 1)
    assert.equal(evaluate(call('%', dbl(-7.5), dbl(2))), -1.5)
  })

  it('makes pmod non-negative for a positive divisor, with Spark formula (r + n) % n otherwise', () => {
    assert.equal(evaluate(call('pmod', x, lit(3)), [-7]), 2)
    assert.equal(evaluate(call('pmod', x, lit(-3)), [7]), 1)
    assert.equal(evaluate(call('pmod', x, lit(-3)), [-7]), -1)
    assert.equal(evaluate(call('pmod', dbl(-7.5), dbl(2))), 0.5)
  })

  it('never produces negative zero from int arithmetic (Java ints have no -0)', () => {
    assert.ok(Object.is(evaluate(call('*', x, lit(0)), [-1]), 0))
    assert.ok(Object.is(evaluate(call('%', x, lit(2)), [-4]), 0))
    assert.ok(Object.is(evaluate(call('pmod', x, lit(1)), [-1]), 0))
    assert.ok(Object.is(evaluate(call('negative', x), [0]), 0))
  })

  it('negates a negative literal', () => {
    assert.equal(evaluate(call('negative', dbl(-1.5))), 1.5)
  })
})

describe('comparisons', () => {
  const d = col(0, t.double(), false, 'd')

  it('treats NaN as equal to NaN and greater than every other double', () => {
    assert.equal(evaluate(call('=', d, dbl(Number.NaN)), [Number.NaN]), true)
    assert.equal(evaluate(call('!=', d, dbl(Number.NaN)), [Number.NaN]), false)
    assert.equal(evaluate(call('>', d, dbl(1e308)), [Number.NaN]), true)
    assert.equal(evaluate(call('>', d, dbl(Number.POSITIVE_INFINITY)), [Number.NaN]), true)
    assert.equal(evaluate(call('<', dbl(1), d), [Number.NaN]), true)
    assert.equal(evaluate(call('<', d, dbl(Number.NaN)), [Number.NaN]), false)
    assert.equal(evaluate(call('<=', d, dbl(Number.NaN)), [Number.NaN]), true)
  })

  it('treats -0.0 as equal to 0.0', () => {
    assert.equal(evaluate(call('=', d, dbl(0)), [-0]), true)
    assert.equal(evaluate(call('<', d, dbl(0)), [-0]), false)
  })

  it('gives NULL for = with a NULL operand', () => {
    assert.equal(evaluate(call('=', col(0, t.int()), lit(1)), [null]), null)
  })

  it('treats two NULLs as equal in <=> and NULL as unequal to a value', () => {
    const e = call('<=>', col(0, t.int()), col(1, t.int()))
    assert.equal(e.nullable, false)
    assert.equal(evaluate(e, [null, null]), true)
    assert.equal(evaluate(e, [1, null]), false)
    assert.equal(evaluate(e, [null, 1]), false)
    assert.equal(evaluate(e, [1, 1]), true)
  })

  it('orders strings by code point, as Spark compares UTF-8 bytes', () => {
    assert.equal(evaluate(call('<', col(0, t.string(), false), lit('😀')), ['\uFFFF']), true)
  })
})

describe('IN', () => {
  const x = col(0, t.int(), true, 'x')

  it('is true on a match, NULL when the list holds NULL and nothing matches, else false', () => {
    const withNull = call('in', x, lit(1), lit(null), lit(3))
    assert.equal(evaluate(withNull, [1]), true)
    assert.equal(evaluate(withNull, [2]), null)
    assert.equal(evaluate(withNull, [null]), null)
    assert.equal(evaluate(call('in', x, lit(1), lit(3)), [2]), false)
  })

  it('follows the same rules when the list holds columns', () => {
    const e = call('in', x, col(1, t.int()), lit(3))
    assert.equal(evaluate(e, [3, null]), true)
    assert.equal(evaluate(e, [2, null]), null)
    assert.equal(evaluate(e, [2, 5]), false)
    assert.equal(evaluate(e, [5, 5]), true)
  })

  it('finds NaN in a list holding NaN', () => {
    assert.equal(evaluate(call('in', col(0, t.double()), dbl(1), dbl(Number.NaN)), [Number.NaN]), true)
  })
})

describe('LIKE', () => {
  const s = col(0, t.string(), true, 's')
  const like = (value: string | null, pattern: string, escapeChar?: string): unknown =>
    evaluate(call('like', s, lit(pattern), ...(escapeChar === undefined ? [] : [lit(escapeChar)])), [value])

  it('matches any run with % and exactly one character with _', () => {
    assert.equal(like('abc', 'a%'), true)
    assert.equal(like('', '%'), true)
    assert.equal(like('abc', 'a_c'), true)
    assert.equal(like('ac', 'a_c'), false)
    assert.equal(like('a\nc', 'a_c'), true)
    assert.equal(like('😀', '_'), true)
    assert.equal(like('abc', 'b%'), false)
  })

  it('matches an escaped % or _ literally, with \\ or a chosen escape character', () => {
    assert.equal(like('a%c', 'a\\%c'), true)
    assert.equal(like('abc', 'a\\%c'), false)
    assert.equal(like('a_c', 'a!_c', '!'), true)
    assert.equal(like('abc', 'a!_c', '!'), false)
  })

  it('gives NULL for a NULL value or a NULL pattern', () => {
    assert.equal(like(null, '%'), null)
    assert.equal(evaluate(call('like', s, lit(null, t.string())), ['a']), null)
    assert.equal(evaluate(call('like', s, col(1, t.string())), ['a', null]), null)
  })
})

describe('coalesce', () => {
  it('returns the first non-null argument, or NULL when all are NULL', () => {
    const e = call('coalesce', col(0, t.int()), col(1, t.int()), lit(7))
    assert.equal(evaluate(e, [1, 2]), 1)
    assert.equal(evaluate(e, [null, 2]), 2)
    assert.equal(evaluate(e, [null, null]), 7)
    assert.equal(e.nullable, false)
    assert.equal(evaluate(call('coalesce', col(0, t.int()), col(1, t.int())), [null, null]), null)
  })
})

describe('CAST', () => {
  it('raises CAST_INVALID_INPUT naming the value in ANSI mode; TRY_CAST gives NULL', () => {
    const s = col(0, t.string(), false, 's')
    assert.throws(() => evaluate(cast(s, t.int()), ['x1']), raises('CAST_INVALID_INPUT', "'x1'"))
    assert.equal(evaluate(cast(s, t.int(), 'try'), ['x1']), null)
    assert.equal(evaluate(cast(s, t.int()), [' 42 ']), 42)
  })

  it('accepts a cast to the type the value already has', () => {
    assert.equal(evaluate(cast(col(0, t.boolean()), t.boolean()), [true]), true)
    assert.equal(evaluate(cast(col(0, t.double()), t.double()), [1.5]), 1.5)
  })
})

describe('struct fields and UDFs', () => {
  it('reads a field, and NULL from a NULL struct', () => {
    const e = fieldOf(col(0, t.struct({ a: t.int() })), 'a')
    assert.equal(evaluate(e, [{ a: 5 }]), 5)
    assert.equal(evaluate(e, [null]), null)
  })

  it('wraps an error thrown by a UDF in UDF_FAILED naming it, and turns undefined into NULL', () => {
    const udf = (fn: (v: unknown) => unknown): BoundUdf =>
      Object.freeze({ kind: 'udf', name: 'myUdf', fn, args: [lit(1)], type: t.int(), nullable: true })
    assert.throws(
      () =>
        evaluate(
          udf(() => {
            throw new Error('boom')
          }),
        ),
      raises('UDF_FAILED', 'myUdf'),
    )
    assert.equal(evaluate(udf(() => undefined)), null)
  })
})
