/**
 * The expression parser: input text -> unresolved expression trees, with Spark's precedence and
 * desugarings (checked against Spark 4's `parseExpression` trees).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  aliasExpr,
  callExpr,
  caseExpr,
  castExpr,
  columnExpr,
  type Expr,
  lambdaExpr,
  literalExpr,
  starExpr,
} from '../../../../src/plan/expr.ts'
import { parseExpression } from '../../../../src/plan/sql/expr-parser.ts'
import { t } from '../../../../src/schema/data-type.ts'

const col = (...parts: string[]) => columnExpr(parts)
const int = (n: number) => literalExpr(n, t.int())
const str = (s: string) => literalExpr(s, t.string())
const bool = (b: boolean) => literalExpr(b, t.boolean())
const call = (name: string, ...args: Expr[]) => callExpr(name, args)
const not = (e: Expr) => call('not', e)
const branch = (when: Expr, result: Expr) => ({ when, then: result })
const [a, b, c, x] = [col('a'), col('b'), col('c'), col('x')]

function check(cases: [string, Expr][]): void {
  for (const [text, expected] of cases) assert.deepEqual(parseExpression(text), expected, text)
}

describe('operator precedence (as Spark)', () => {
  it('binds * over +, and unary minus over *', () => {
    check([
      ['a + b * c', call('+', a, call('*', b, c))],
      ['(a + b) * c', call('*', call('+', a, b), c)],
      ['-a * b', call('*', call('negative', a), b)],
      ['a - b - c', call('-', call('-', a, b), c)],
      ['a DIV b DIV c', call('div', call('div', a, b), c)],
    ])
  })

  it('reads WITHIN GROUP (ORDER BY x [DESC]) as the ordering column first and a descending flag last', () => {
    check([
      ['percentile_cont(1) WITHIN GROUP (ORDER BY a)', call('percentile_cont', a, int(1), bool(false))],
      [
        'PERCENTILE_DISC(1) within group (order by a + b DESC)',
        call('PERCENTILE_DISC', call('+', a, b), int(1), bool(true)),
      ],
    ])
  })

  it('binds NOT looser than comparison, and AND tighter than OR', () => {
    check([
      ['NOT a = b', not(call('=', a, b))],
      ['!a = b', not(call('=', a, b))],
      ['a OR b AND c', call('or', a, call('and', b, c))],
      ['NOT NOT a', not(not(a))],
    ])
  })

  it('ends BETWEEN at its AND, so a following AND is logical', () => {
    check([['a BETWEEN 1 AND 2 AND c', call('and', call('between', a, int(1), int(2)), c)]])
  })

  it('orders the bitwise, shift, concat and comparison levels like Spark', () => {
    check([
      ['a + b << 2', call('<<', call('+', a, b), int(2))],
      ['a & b | c ^ x', call('|', call('&', a, b), call('^', c, x))],
      ['a || b + c', call('+', call('concat', a, b), c)],
      ['a < b = c', call('=', call('<', a, b), c)],
      ['~a + 1', call('+', call('~', a), int(1))],
    ])
  })

  it('applies a predicate to the whole comparison before it', () => {
    check([
      ['a = 1 IS NULL', call('isnull', call('=', a, int(1)))],
      ['a > 1 IS NOT FALSE', not(call('<=>', call('>', a, int(1)), bool(false)))],
    ])
  })

  it('binds :: tighter than unary minus', () => {
    check([
      ['-a::int', call('negative', castExpr(a, t.int()))],
      ['a::int + 1', call('+', castExpr(a, t.int()), int(1))],
    ])
  })
})

describe('operators and predicates', () => {
  it('maps comparison spellings to canonical names', () => {
    check([
      ['a == b', call('=', a, b)],
      ['a <> b', call('!=', a, b)],
      ['a != b', call('!=', a, b)],
      ['a <=> b', call('<=>', a, b)],
      ['a >= b', call('>=', a, b)],
    ])
  })

  it('parses IN, BETWEEN, LIKE and RLIKE with optional NOT', () => {
    check([
      ['a IN (1, 2)', call('in', a, int(1), int(2))],
      ['a NOT IN (1)', not(call('in', a, int(1)))],
      ['a NOT BETWEEN 1 AND 2', not(call('between', a, int(1), int(2)))],
      ["x LIKE 'a%'", call('like', x, str('a%'))],
      ["x NOT LIKE 'a%'", not(call('like', x, str('a%')))],
      ["x LIKE 'a!%' ESCAPE '!'", call('like', x, str('a!%'), str('!'))],
      ["x ILIKE 'a%'", call('ilike', x, str('a%'))],
      ["x RLIKE 'a+'", call('rlike', x, str('a+'))],
      ["x REGEXP 'a+'", call('rlike', x, str('a+'))],
      ["x NOT RLIKE 'a+'", not(call('rlike', x, str('a+')))],
    ])
  })

  it('desugars IS predicates as Spark does', () => {
    check([
      ['a IS NULL', call('isnull', a)],
      ['a IS NOT NULL', call('isnotnull', a)],
      ['a IS UNKNOWN', call('isnull', a)],
      ['a IS TRUE', call('<=>', a, bool(true))],
      ['a IS NOT TRUE', not(call('<=>', a, bool(true)))],
      ['a IS DISTINCT FROM b', not(call('<=>', a, b))],
      ['a IS NOT DISTINCT FROM b', call('<=>', a, b)],
    ])
  })

  it('folds a minus into a following number but negates anything else', () => {
    check([
      ['-5', int(-5)],
      ['- 5 * 2', call('*', int(-5), int(2))],
      ['-(5)', call('negative', int(5))],
      ['+5', call('positive', int(5))],
      ['a - -1', call('-', a, int(-1))],
      ['- -a', call('negative', call('negative', a))],
    ])
  })
})

describe('columns, fields and subscripts', () => {
  it('keeps dotted names as one column reference and unquotes backquoted parts', () => {
    check([
      ['a.b.c', col('a', 'b', 'c')],
      ['`a b`.c', col('a b', 'c')],
      ['`a.b`', col('a.b')],
      ['(a).b', col('a', 'b')],
    ])
  })

  it('parses stars', () => {
    check([
      ['*', starExpr()],
      ['t.*', starExpr(['t'])],
      ['s.inner.*', starExpr(['s', 'inner'])],
    ])
  })

  it('extracts fields of computed values and subscripts arrays and maps', () => {
    check([
      ['arr[0]', call('subscript', col('arr'), int(0))],
      ["m['k']", call('subscript', col('m'), str('k'))],
      ['f(x).y', call('get_field', call('f', x), str('y'))],
      ['arr[0].x', call('get_field', call('subscript', col('arr'), int(0)), str('x'))],
      ['a.b[0].c', call('get_field', call('subscript', col('a', 'b'), int(0)), str('c'))],
    ])
  })
})

describe('function calls and keyword forms', () => {
  it('lower-cases function names and supports DISTINCT', () => {
    check([
      ['UPPER(name)', call('upper', col('name'))],
      ['count(DISTINCT a, b)', callExpr('count', [a, b], true)],
      ['sum(ALL a)', call('sum', a)],
      ['now()', call('now')],
      ['struct(*)', call('struct', starExpr())],
      ['left(x, 2)', call('left', x, int(2))],
    ])
  })

  it('turns count(*) into count(1) like Spark', () => {
    check([['count(*)', call('count', int(1))]])
  })

  it('parses CAST, TRY_CAST and ::', () => {
    check([
      ['CAST(a AS BIGINT)', castExpr(a, t.long())],
      ['try_cast(a AS int)', castExpr(a, t.int(), 'try')],
      ['a::array<string>', castExpr(a, t.array(t.string()))],
    ])
  })

  it('parses searched and simple CASE, desugaring the simple form to equality', () => {
    check([
      ['CASE WHEN a > 1 THEN x ELSE b END', caseExpr([branch(call('>', a, int(1)), x)], b)],
      [
        "CASE a WHEN 1 THEN 'x' WHEN 2 THEN 'y' END",
        caseExpr([branch(call('=', a, int(1)), str('x')), branch(call('=', a, int(2)), str('y'))], null),
      ],
    ])
  })

  it('parses EXTRACT, SUBSTRING ... FROM ... FOR and bare CURRENT_DATE', () => {
    check([
      ['extract(YEAR FROM x)', call('extract', str('YEAR'), x)],
      ['substring(x FROM 2 FOR 3)', call('substring', x, int(2), int(3))],
      ['CURRENT_DATE', call('current_date')],
      ['current_timestamp', call('current_timestamp')],
    ])
  })
})

describe('aliases', () => {
  it('accepts AS, a bare alias and a backquoted alias', () => {
    check([
      [
        'price * 0.908 AS euros',
        aliasExpr(call('*', col('price'), literalExpr('0.908', t.decimal(3, 3))), 'euros'),
      ],
      ['price euros', aliasExpr(col('price'), 'euros')],
      ['a AS `weird name`', aliasExpr(a, 'weird name')],
      ['a `x y`', aliasExpr(a, 'x y')],
    ])
  })

  it('reads a bare desc as an alias, as Spark does', () => {
    check([['a desc', aliasExpr(a, 'desc')]])
  })
})

describe('non-reserved words as column names (as Spark)', () => {
  it('reads offset as a column, e.g. the Kafka source column', () => {
    assert.deepEqual(parseExpression('offset'), col('offset'))
    assert.deepEqual(parseExpression('offset + 1'), call('+', col('offset'), int(1)))
  })
})

describe('lambdas', () => {
  it('parses one-parameter and parenthesised lambdas as function arguments', () => {
    assert.deepEqual(
      parseExpression('transform(xs, x -> x + 1)'),
      call('transform', col('xs'), lambdaExpr(['x'], call('+', col('x'), int(1)))),
    )
    assert.deepEqual(
      parseExpression('aggregate(xs, 0, (acc, x) -> acc + x, a -> a)'),
      call(
        'aggregate',
        col('xs'),
        int(0),
        lambdaExpr(['acc', 'x'], call('+', col('acc'), col('x'))),
        lambdaExpr(['a'], col('a')),
      ),
    )
  })

  it('keeps a parenthesised expression that is not followed by an arrow', () => {
    assert.deepEqual(parseExpression('f((a), b)'), call('f', col('a'), col('b')))
  })
})

describe("Spark's other call syntax", () => {
  it('reads (a, b) as a struct and a reserved word as a lambda parameter', () => {
    assert.deepEqual(parseExpression('(a, b)'), call('struct', col('a'), col('b')))
    assert.deepEqual(
      parseExpression('zip_with(xs, ys, (left, right) -> left)'),
      call('zip_with', col('xs'), col('ys'), lambdaExpr(['left', 'right'], col('left'))),
    )
  })

  it('reads the unit of timestampadd/timestampdiff as a string, but not a column in other calls', () => {
    assert.deepEqual(
      parseExpression('timestampadd(HOUR, 1, ts)'),
      call('timestampadd', str('HOUR'), int(1), col('ts')),
    )
    assert.deepEqual(parseExpression('date_add(day, 1)'), call('date_add', col('day'), int(1)))
  })
})
