/**
 * Parse errors: a PARSE_ERROR naming the token at fault (Spark's "Syntax error at or near"), its
 * position, the line and a caret under the token.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../../src/errors.ts'
import { parseExpression } from '../../../../src/plan/sql/expr-parser.ts'

function messageOf(text: string): string {
  try {
    parseExpression(text)
  } catch (e) {
    assert.ok(isSluiceError(e, 'PARSE_ERROR'), String(e))
    return e.message
  }
  assert.fail(`expected ${JSON.stringify(text)} not to parse`)
}

describe('syntax errors', () => {
  it('points at the unexpected token with a caret line', () => {
    assert.equal(
      messageOf('price * (0.9 AS x)'),
      "[PARSE_ERROR] Syntax error at or near 'AS': expected ')' (position 13)\n  price * (0.9 AS x)\n               ^^",
    )
  })

  it('reports the end of input', () => {
    assert.equal(
      messageOf('a +'),
      '[PARSE_ERROR] Syntax error at or near end of input: expected an expression (position 3)\n  a +\n     ^',
    )
  })

  it('gives the line and the position in it for multi-line text', () => {
    assert.equal(
      messageOf('a\n + (b'),
      "[PARSE_ERROR] Syntax error at or near end of input: expected ')' (line 2, position 5)\n   + (b\n       ^",
    )
  })

  it('allows one predicate after a value, as Spark does', () => {
    assert.match(messageOf('a IS NULL IS NULL'), /Syntax error at or near 'IS' \(position 10\)/)
  })

  it('rejects reserved words where an expression must start', () => {
    assert.match(messageOf('a AND AND b'), /Syntax error at or near 'AND' \(position 6\)/)
    assert.match(messageOf('CASE END'), /Syntax error at or near 'END'/)
  })

  it('explains what IS, ESCAPE and BETWEEN need', () => {
    assert.match(messageOf('a IS 5'), /expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS/)
    assert.match(messageOf("a LIKE 'x' ESCAPE 'ab'"), /ESCAPE takes a one-character string/)
    assert.match(messageOf('a BETWEEN 1 OR 2'), /Syntax error at or near 'OR': expected AND/)
  })

  it('names the constructs not supported yet', () => {
    assert.match(
      messageOf('transform(arr, x + 1 -> x)'),
      /a lambda takes `x -> \.\.\.` or `\(x, y\) -> \.\.\.` parameters \(position 21\)/,
    )
    assert.match(
      messageOf('sum(a) OVER (PARTITION BY b)'),
      /OVER clauses after a function call are not supported yet/,
    )
    assert.match(messageOf('f(a => 1)'), /Named function arguments/)
    assert.match(
      messageOf('listagg(a) WITHIN GROUP (ORDER BY a)'),
      /WITHIN GROUP is supported for percentile_cont and percentile_disc, not listagg/,
    )
  })

  it('rejects trailing input after a complete expression', () => {
    assert.match(messageOf('a b c'), /Syntax error at or near 'c' \(position 4\)/)
    assert.match(messageOf('f(x))'), /Syntax error at or near '\)' \(position 4\)/)
  })
})
