/**
 * Literal syntax: Spark's numeric typing, strings, booleans, NULL, typed literals (DATE,
 * TIMESTAMP, X'..') and the INTERVAL literal forms (values checked against Spark 4).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../../src/errors.ts'
import { castExpr, columnExpr, literalExpr } from '../../../../src/plan/expr.ts'
import { parseExpression } from '../../../../src/plan/sql/expr-parser.ts'
import { t } from '../../../../src/schema/data-type.ts'

const parseError = (text: string) => (e: unknown) =>
  isSluiceError(e, 'PARSE_ERROR') && e.message.includes(text)

describe('numeric literals', () => {
  it('types integers as int when they fit 32 bits, else bigint', () => {
    assert.deepEqual(parseExpression('2147483647'), literalExpr(2147483647, t.int()))
    assert.deepEqual(parseExpression('2147483648'), literalExpr(2147483648, t.long()))
    assert.deepEqual(parseExpression('-2147483648'), literalExpr(-2147483648, t.int()))
    assert.deepEqual(parseExpression('-2147483649'), literalExpr(-2147483649, t.long()))
  })

  it('honours the L, S and Y suffixes: bigint, smallint and tinyint', () => {
    assert.deepEqual(parseExpression('1L'), literalExpr(1, t.long()))
    assert.deepEqual(parseExpression('7s'), literalExpr(7, t.short()))
    assert.deepEqual(parseExpression('-128Y'), literalExpr(-128, t.byte()))
  })

  it('makes F literals float, rounded to 32 bits, and refuses them beyond Float.MaxValue', () => {
    assert.deepEqual(parseExpression('2.5f'), literalExpr(2.5, t.float()))
    assert.deepEqual(parseExpression('0.1F'), literalExpr(Math.fround(0.1), t.float()))
    assert.throws(() => parseExpression('3.4028235E38F'), parseError('outside the valid range for float'))
  })

  it('rejects suffixed literals outside their type, with Spark’s message', () => {
    assert.throws(
      () => parseExpression('200Y'),
      parseError('Numeric literal 200 is outside the valid range for tinyint with minimum value of -128'),
    )
  })

  it('rejects bigint literals Sluice cannot hold exactly', () => {
    assert.throws(
      () => parseExpression('9007199254740993'),
      parseError('outside the range Sluice holds exactly'),
    )
    assert.deepEqual(parseExpression('9007199254740991L'), literalExpr(9007199254740991, t.long()))
  })

  // Types as PySpark 4.3's typeof() gives them (test/unit/functions/spark/decimal_cases.py).
  it('makes numbers with a point and BD literals decimal of exactly their digits', () => {
    for (const [text, value, p, s] of [
      ['1.5', '1.5', 2, 1],
      ['1.50', '1.50', 3, 2],
      ['.5', '0.5', 1, 1],
      ['1.', '1', 1, 0],
      ['0.001', '0.001', 3, 3],
      ['1.25BD', '1.25', 3, 2],
      ['1BD', '1', 1, 0],
      ['-1.5', '-1.5', 2, 1],
      ['12345678901234567890', '12345678901234567890', 20, 0],
    ] as const) {
      assert.deepEqual(parseExpression(text), literalExpr(value, t.decimal(p, s)), text)
    }
  })

  it('makes exponents and D literals double', () => {
    for (const [text, value] of [
      ['1e3', 1000],
      ['1.5E-2', 0.015],
      ['1.5E0', 1.5],
      ['2D', 2],
      ['1.5D', 1.5],
    ] as const) {
      assert.deepEqual(parseExpression(text), literalExpr(value, t.double()), text)
    }
  })

  it('rejects a double literal that overflows', () => {
    assert.throws(
      () => parseExpression('1e400'),
      parseError('Numeric literal 1e400 is outside the valid range for double'),
    )
  })
})

describe('other literals', () => {
  it('parses strings, concatenating adjacent ones', () => {
    assert.deepEqual(parseExpression("'a' 'b' \"c\""), literalExpr('abc', t.string()))
  })

  it('parses TRUE, FALSE and NULL in any case', () => {
    assert.deepEqual(parseExpression('True'), literalExpr(true, t.boolean()))
    assert.deepEqual(parseExpression('FALSE'), literalExpr(false, t.boolean()))
    assert.deepEqual(parseExpression('null'), literalExpr(null, t.null()))
  })

  it('turns DATE and TIMESTAMP literals into casts of the string', () => {
    assert.deepEqual(
      parseExpression("DATE '2024-01-01'"),
      castExpr(literalExpr('2024-01-01', t.string()), t.date()),
    )
    assert.deepEqual(
      parseExpression("timestamp '2024-01-01 10:00:00'"),
      castExpr(literalExpr('2024-01-01 10:00:00', t.string()), t.timestamp()),
    )
  })

  it('parses hex binary literals, padding an odd digit count like Spark', () => {
    assert.deepEqual(parseExpression("X'0A1b'"), literalExpr(new Uint8Array([0x0a, 0x1b]), t.binary()))
    assert.deepEqual(parseExpression("x'A'"), literalExpr(new Uint8Array([0x0a]), t.binary()))
    assert.throws(
      () => parseExpression("X'0G'"),
      parseError("X'0G' is not a valid hexadecimal binary literal"),
    )
  })

  it('rejects typed literals of unknown types', () => {
    assert.throws(
      () => parseExpression("foo 'x'"),
      parseError('Literals of the type "FOO" are not supported'),
    )
  })
})

describe('INTERVAL literals', () => {
  const interval = (ms: number) => literalExpr(ms, t.interval())

  it('accepts the single-unit, multi-unit and string forms', () => {
    for (const [text, ms] of [
      ["INTERVAL '10' MINUTE", 600_000],
      ['INTERVAL 10 MINUTES', 600_000],
      ["INTERVAL '1 hour 30 minutes'", 5_400_000],
      ["INTERVAL '1' HOUR '30' MINUTE", 5_400_000],
      ['INTERVAL 1 HOUR 30 MINUTES', 5_400_000],
      ['INTERVAL -5 MINUTES', -300_000],
      ["INTERVAL '-5 minutes'", -300_000],
      ["INTERVAL '- 5' MINUTE", -300_000],
      ['INTERVAL 1.5 SECONDS', 1500],
      ['INTERVAL 1 WEEK', 604_800_000],
      ['INTERVAL 1 MILLISECOND', 1],
    ] as const) {
      assert.deepEqual(parseExpression(text), interval(ms), text)
    }
  })

  it('accepts the ANSI unit-to-unit forms', () => {
    assert.deepEqual(parseExpression("INTERVAL '1:30' HOUR TO MINUTE"), interval(5_400_000))
    assert.deepEqual(parseExpression("INTERVAL '-1 02:03:04.5' DAY TO SECOND"), interval(-93_784_500))
    assert.deepEqual(parseExpression("INTERVAL '5:30.25' MINUTE TO SECOND"), interval(330_250))
  })

  it('stops at a binary operator after the units', () => {
    const tree = parseExpression('INTERVAL 10 MINUTES - 5')
    assert.equal(tree.kind === 'call' && tree.name, '-')
  })

  it('rejects month and year intervals and fractional minutes, pointing at INTERVAL', () => {
    assert.throws(
      () => parseExpression("INTERVAL '1' MONTH"),
      parseError('months and years are not day-time intervals'),
    )
    assert.throws(
      () => parseExpression("a + INTERVAL '1.5' MINUTE"),
      parseError(
        "minute cannot have a fractional part. Write it like '10 minutes', '1 hour 30 minutes' or '500 milliseconds'. (position 4)",
      ),
    )
  })

  it('reads INTERVAL not followed by a value as a column name', () => {
    assert.deepEqual(parseExpression('interval'), columnExpr(['interval']))
  })
})
