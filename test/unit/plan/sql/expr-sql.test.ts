/**
 * Column naming: `exprToSql` / `autoName` on trees built with the factories, printing details
 * (literals, types, doubles) and reparsing printed SQL. Names of parsed SQL are in spark-names.test.ts.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  aliasExpr,
  callExpr,
  castExpr,
  columnExpr,
  literalExpr,
  sortOrderExpr,
  udfExpr,
} from '../../../../src/plan/expr.ts'
import { parseExpression } from '../../../../src/plan/sql/expr-parser.ts'
import { autoName, exprToSql, javaDouble, typeSql } from '../../../../src/plan/sql/expr-sql.ts'
import { field, structOf, t } from '../../../../src/schema/data-type.ts'

describe('exprToSql', () => {
  const a = columnExpr(['a'])

  it('prints literals the way Spark names lit() columns', () => {
    assert.equal(exprToSql(literalExpr('x', t.string())), 'x')
    assert.equal(exprToSql(literalExpr(1, t.int())), '1')
    assert.equal(exprToSql(literalExpr(null, t.null())), 'NULL')
    assert.equal(exprToSql(literalExpr(null, t.int())), 'NULL')
    assert.equal(exprToSql(literalExpr(true, t.boolean())), 'true')
    assert.equal(exprToSql(literalExpr(1, t.double())), '1.0')
    assert.equal(exprToSql(literalExpr(2 ** 40, t.long())), '1099511627776')
    assert.equal(exprToSql(literalExpr(19724, t.date())), "DATE '2024-01-02'")
    assert.equal(
      exprToSql(literalExpr(Date.UTC(2024, 0, 2, 3, 4, 5, 100), t.timestamp())),
      "TIMESTAMP '2024-01-02 03:04:05.1'",
    )
    assert.equal(exprToSql(literalExpr(-1000, t.timestamp())), "TIMESTAMP '1969-12-31 23:59:59'")
    assert.equal(exprToSql(literalExpr(new Uint8Array([10, 27]), t.binary())), "X'0A1B'")
  })

  it('prints collection literals in Spark’s Literal.sql form', () => {
    assert.equal(exprToSql(literalExpr([1, 2], t.array(t.int()))), 'ARRAY(1, 2)')
    assert.equal(
      exprToSql(literalExpr([1.5, Number.POSITIVE_INFINITY], t.array(t.double()))),
      "ARRAY(1.5D, CAST('Infinity' AS DOUBLE))",
    )
    assert.equal(exprToSql(literalExpr(["it's"], t.array(t.string()))), "ARRAY('it\\'s')")
    assert.equal(exprToSql(literalExpr(new Map([['k', 1]]), t.map(t.string(), t.long()))), "MAP('k', 1L)")
    const st = structOf([field('p', t.string())])
    assert.equal(exprToSql(literalExpr({ p: "it's" }, st)), "NAMED_STRUCT('p', 'it\\'s')")
  })

  it('prints casts with Spark’s upper-case type SQL names', () => {
    assert.equal(exprToSql(castExpr(a, t.long())), 'CAST(a AS BIGINT)')
    assert.equal(exprToSql(castExpr(a, t.int(), 'try')), 'TRY_CAST(a AS INT)')
    assert.equal(
      exprToSql(castExpr(a, t.map(t.string(), t.array(t.int())))),
      'CAST(a AS MAP<STRING, ARRAY<INT>>)',
    )
  })

  it('prints the node kinds the parser never makes', () => {
    assert.equal(exprToSql(sortOrderExpr(a, false)), 'a DESC NULLS LAST')
    assert.equal(exprToSql(udfExpr('plus_one', (v: number) => v + 1, t.int(), [a])), 'plus_one(a)')
    assert.equal(exprToSql(callExpr('+', [aliasExpr(a, 'x'), literalExpr(1, t.int())])), '(a AS x + 1)')
    assert.equal(exprToSql(callExpr('get_field', [columnExpr(['s']), literalExpr('x', t.string())])), 's.x')
  })

  it('prints a time shift with the timestamp first and no parentheses, as Spark’s TimeAdd', () => {
    assert.equal(
      exprToSql(parseExpression('ts + INTERVAL 1 HOUR + INTERVAL 1 MINUTE')),
      "ts + INTERVAL '01' HOUR + INTERVAL '01' MINUTE",
    )
    assert.equal(exprToSql(parseExpression("INTERVAL '1' DAY + ts")), "ts + INTERVAL '1' DAY")
    assert.equal(exprToSql(parseExpression('ts - INTERVAL 1 HOUR')), "ts - INTERVAL '01' HOUR")
    assert.equal(
      exprToSql(parseExpression('INTERVAL 1 HOUR + INTERVAL 1 MINUTE')),
      "(INTERVAL '01' HOUR + INTERVAL '01' MINUTE)",
    )
  })

  it('prints a parsed expression that reparses to the same tree', () => {
    for (const text of [
      'a + b * 2 - c',
      'CASE WHEN a > 1 THEN -a ELSE abs(b) END',
      'CAST(a AS ARRAY<BIGINT>) IS NOT NULL',
      'count(DISTINCT a, b)',
      'NOT (a IN (1, 2) AND b <=> c)',
      'TRY_CAST(x AS STRUCT<p: INT NOT NULL>)',
    ]) {
      const tree = parseExpression(text)
      assert.deepEqual(parseExpression(exprToSql(tree)), tree, text)
    }
  })
})

describe('autoName', () => {
  it('uses the alias, the last name part, or the cast column’s name', () => {
    assert.equal(autoName(aliasExpr(literalExpr(1, t.int()), 'one')), 'one')
    assert.equal(autoName(columnExpr(['s', 'x'])), 'x')
    assert.equal(autoName(castExpr(columnExpr(['a']), t.long())), 'a')
    assert.equal(autoName(castExpr(aliasExpr(columnExpr(['a']), 'x'), t.string())), 'x')
    assert.equal(autoName(castExpr(literalExpr(null, t.null()), t.int())), 'CAST(NULL AS INT)')
  })
})

describe('helpers', () => {
  it('formats doubles like Java’s Double.toString', () => {
    for (const [d, s] of [
      [1, '1.0'],
      [1.5, '1.5'],
      [1e7, '1.0E7'],
      [1e-4, '1.0E-4'],
      [123456789, '1.23456789E8'],
      [0.001, '0.001'],
      [-0, '-0.0'],
      [Number.NaN, 'NaN'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
    ] as const) {
      assert.equal(javaDouble(d), s, String(d))
    }
  })

  it('names types like Spark’s DataType.sql', () => {
    assert.equal(
      typeSql(structOf([field('a', t.int(), false), field('b c', t.date())])),
      'STRUCT<a: INT NOT NULL, `b c`: DATE>',
    )
    assert.equal(typeSql(t.interval()), 'INTERVAL DAY TO SECOND')
  })
})

describe('lambda column names (as PySpark 4.3 names them)', () => {
  it('hides lambda parameters as namedlambdavariable() and gives aggregate() its identity finish', () => {
    const name = (sql: string) => exprToSql(parseExpression(sql))
    assert.equal(
      name('transform(xs, x -> x + 1)'),
      'transform(xs, lambdafunction((namedlambdavariable() + 1), namedlambdavariable()))',
    )
    assert.equal(
      name('exists(xs, x -> x > y)'),
      'exists(xs, lambdafunction((namedlambdavariable() > y), namedlambdavariable()))',
    )
    assert.equal(
      name('aggregate(xs, 0, (acc, x) -> acc + x)'),
      'aggregate(xs, 0, lambdafunction((namedlambdavariable() + namedlambdavariable()), namedlambdavariable(), namedlambdavariable()), lambdafunction(namedlambdavariable(), namedlambdavariable()))',
    )
  })
})
