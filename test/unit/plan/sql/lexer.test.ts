/**
 * The SQL lexer: token kinds and positions, Spark's string escapes and quote rules, numeric token
 * shapes (including words that start with digits) and comments.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../../src/errors.ts'
import { tokenize } from '../../../../src/plan/sql/lexer.ts'

const kinds = (text: string) => tokenize(text).map((t) => [t.kind, t.value])
const stringValue = (text: string) => {
  const [tok] = tokenize(text)
  assert.equal(tok.kind, 'string')
  return tok.value
}

describe('tokenize', () => {
  it('records each token with its start and end offsets', () => {
    assert.deepEqual(
      tokenize('ab + `c d`').map((t) => [t.kind, t.value, t.start, t.end]),
      [
        ['ident', 'ab', 0, 2],
        ['op', '+', 3, 4],
        ['quotedIdent', 'c d', 5, 10],
        ['eof', '', 10, 10],
      ],
    )
  })

  it('prefers the longest operator', () => {
    assert.deepEqual(
      kinds('a<=>b>>>c<>d::e||f').filter(([k]) => k === 'op'),
      [
        ['op', '<=>'],
        ['op', '>>>'],
        ['op', '<>'],
        ['op', '::'],
        ['op', '||'],
      ],
    )
  })

  it('unescapes backquoted identifiers with doubled backquotes', () => {
    assert.deepEqual(kinds('`a``b`')[0], ['quotedIdent', 'a`b'])
  })

  it('skips line comments and nested block comments', () => {
    assert.deepEqual(kinds('a -- note\n + /* x /* y */ z */ b'), [
      ['ident', 'a'],
      ['op', '+'],
      ['ident', 'b'],
      ['eof', ''],
    ])
  })
})

describe('string literals (Spark unescapeSQLString)', () => {
  it('decodes backslash escapes, unicode and octal escapes', () => {
    assert.equal(stringValue(String.raw`'a\nb\tc\\d\u0041\101\z'`), 'a\nb\tc\\dAAz')
  })

  it('keeps the backslash before % and _ so LIKE can use them', () => {
    assert.equal(stringValue(String.raw`'\%\_'`), '\\%\\_')
  })

  it('reads a doubled quote as one quote, in both quote styles', () => {
    assert.equal(stringValue("'it''s'"), "it's")
    assert.equal(stringValue('"say ""hi"""'), 'say "hi"')
    assert.equal(stringValue(String.raw`"dq\"x"`), 'dq"x')
  })

  it('leaves raw strings unescaped', () => {
    assert.equal(stringValue(String.raw`r'a\nb'`), String.raw`a\nb`)
  })
})

describe('numbers', () => {
  it('lexes integers, decimals, exponents and type suffixes as one token', () => {
    for (const n of ['10', '1.5', '.5', '1.', '1e3', '1.5E-2', '10L', '5S', '5Y', '1.5D', '2F', '1.5BD']) {
      assert.deepEqual(kinds(n)[0], ['number', n], n)
    }
  })

  it('reads a word that starts with digits as an identifier, as Spark does', () => {
    assert.deepEqual(kinds('1day')[0], ['ident', '1day'])
    assert.deepEqual(kinds('123abc')[0], ['ident', '123abc'])
  })

  it('does not take an integral suffix after a decimal point', () => {
    assert.deepEqual(kinds('1.5L'), [
      ['number', '1.5'],
      ['ident', 'L'],
      ['eof', ''],
    ])
  })
})

describe('lexer errors', () => {
  it('points at an unclosed string', () => {
    assert.throws(
      () => tokenize("a = 'abc"),
      (e) =>
        isSluiceError(e, 'PARSE_ERROR') &&
        e.message.includes("Unclosed string literal: add the closing ' (position 4)"),
    )
  })

  it('names an unexpected character with a caret under it', () => {
    assert.throws(
      () => tokenize('a $ b'),
      (e) =>
        isSluiceError(e, 'PARSE_ERROR') &&
        e.message.endsWith("Unexpected character '$' (position 2)\n  a $ b\n    ^"),
    )
  })
})
