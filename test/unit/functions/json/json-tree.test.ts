import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { JsonSyntaxError } from '../../../../src/functions/json/json-token.ts'
import {
  JsonNumber,
  NO_JSON_VALUE,
  parseJsonExact,
  SPARK_JSON_SYNTAX,
} from '../../../../src/functions/json/json-tree.ts'

const strict = { ...SPARK_JSON_SYNTAX, allowSingleQuotes: false, allowNonNumericNumbers: false }

describe('parseJsonExact', () => {
  it('keeps float spellings, big integers and key order', () => {
    const v = parseJsonExact('{"b": 2.0, "1": 3, "big": 12345678901234567890}') as Map<string, unknown>
    assert.deepEqual([...v.keys()], ['b', '1', 'big'])
    assert.deepEqual(v.get('b'), new JsonNumber('2.0', 2, false))
    assert.equal(v.get('1'), 3)
    assert.deepEqual(
      v.get('big'),
      new JsonNumber('12345678901234567890', Number('12345678901234567890'), true),
    )
  })

  it('reads Spark relaxations: single quotes, NaN and the infinities', () => {
    assert.deepEqual(parseJsonExact("['a\\'b', \"c\"]"), ["a'b", 'c'])
    const [nan, inf, ninf] = parseJsonExact('[NaN, +INF, -Infinity]') as JsonNumber[]
    assert.ok(Number.isNaN(nan.value))
    assert.equal(inf.value, Number.POSITIVE_INFINITY)
    assert.equal(ninf.value, Number.NEGATIVE_INFINITY)
  })

  it('ignores text after the first value, except right after a root number', () => {
    assert.deepEqual(parseJsonExact('[1] tail'), [1])
    assert.equal(parseJsonExact('5 tail'), 5)
    assert.throws(() => parseJsonExact('5tail'), JsonSyntaxError)
  })

  it('returns NO_JSON_VALUE for empty text', () => {
    assert.equal(parseJsonExact(''), NO_JSON_VALUE)
    assert.equal(parseJsonExact(' \n\t'), NO_JSON_VALUE)
  })

  it('decodes escapes', () => {
    assert.equal(parseJsonExact('"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"'), '"\\/\b\f\n\r\té😀')
  })

  it('rejects what Jackson rejects, naming the position', () => {
    const bad = [
      '{"a" 1}',
      '{"a":1,}',
      '[1,]',
      '[,1]',
      '[01]',
      '[1.]',
      '[.5]',
      '[1e]',
      '[-]',
      '[+1]',
      '"\\x"',
      '"\\u12"',
      '"a',
      '{a:1}',
      'truex',
      '[INF]',
      '{"a":1 "b":2}',
      '"a\tb"',
    ]
    for (const text of bad) assert.throws(() => parseJsonExact(text), JsonSyntaxError, text)
    assert.throws(() => parseJsonExact("'a'", strict), /single quotes are not allowed/)
    assert.throws(() => parseJsonExact('NaN', strict), JsonSyntaxError)
    assert.throws(
      () => parseJsonExact('[1,'),
      /expected a JSON value at position 3 but found the end of the input/,
    )
  })

  it('accepts leading zeros and raw control characters when enabled', () => {
    assert.deepEqual(parseJsonExact('[007]', { ...SPARK_JSON_SYNTAX, allowNumericLeadingZeros: true }), [7])
    assert.equal(parseJsonExact('"a\tb"', { ...SPARK_JSON_SYNTAX, allowUnquotedControlChars: true }), 'a\tb')
  })
})
