// Expected values were checked against Spark 4 (pyspark, session time zone UTC).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../../src/errors.ts'
import {
  compileFromJson,
  type FromJsonOptions,
  validateFromJsonMode,
} from '../../../../src/functions/json/from-json.ts'
import { isoUtcJsonTimeCodec } from '../../../../src/functions/json/json-time-codec.ts'
import { type DataType, field, structOf, t } from '../../../../src/schema/data-type.ts'

type Extra = Omit<Partial<FromJsonOptions>, 'time'>
const fromJson = (type: DataType, text: string | null, extra: Extra = {}) =>
  compileFromJson(type, { mode: 'PERMISSIVE', time: isoUtcJsonTimeCodec, ...extra })(text)
const one = (type: DataType, text: string, extra: Extra = {}) =>
  (fromJson(t.struct({ a: type }), text, extra) as { a: unknown }).a

const AB = t.struct({ a: t.int(), b: t.int() })
const ABC = t.struct({ a: t.int(), b: t.int(), _corrupt_record: t.string() })

describe('from_json with a struct schema', () => {
  it('converts matching fields, ignores extra keys and leaves missing ones null', () => {
    assert.deepEqual(fromJson(AB, '{"a": 1, "b": 2, "c": 3}'), { a: 1, b: 2 })
    assert.deepEqual(fromJson(AB, '{"b": 3}'), { a: null, b: 3 })
    assert.deepEqual(fromJson(AB, '{}'), { a: null, b: null })
  })

  it('matches field names case-sensitively', () => {
    assert.deepEqual(fromJson(AB, '{"A": 1}'), { a: null, b: null })
  })

  it('returns null for null input and for text with no JSON value', () => {
    assert.equal(fromJson(AB, null), null)
    assert.equal(fromJson(AB, ''), null)
    assert.equal(fromJson(AB, '  '), null)
  })

  it('keeps the good fields of a record with a bad field (partial results)', () => {
    assert.deepEqual(fromJson(AB, '{"a": 1, "b": "x"}'), { a: 1, b: null })
    assert.deepEqual(fromJson(ABC, '{"a": 1, "b": "x"}'), {
      a: 1,
      b: null,
      _corrupt_record: '{"a": 1, "b": "x"}',
    })
  })

  it('gives all nulls, plus the text in the corrupt-record column, for text that is not JSON', () => {
    assert.deepEqual(fromJson(AB, '{"a": 1, "b": "x"'), { a: null, b: null })
    assert.deepEqual(fromJson(ABC, '{"a": 1, "b": "x"'), {
      a: null,
      b: null,
      _corrupt_record: '{"a": 1, "b": "x"',
    })
    for (const bad of ['{"a": 1 /* c */}', '{a: 1}', '{"a": 1,}', '{"a": 007}', '{"a": "x\ty"}']) {
      assert.deepEqual(fromJson(ABC, bad), { a: null, b: null, _corrupt_record: bad }, bad)
    }
  })

  it('treats JSON null, scalars and arrays at the root as malformed records', () => {
    for (const text of ['null', '5', '"x"', '[{"a":1}]', '[1,2]']) {
      assert.deepEqual(fromJson(ABC, text), { a: null, b: null, _corrupt_record: text }, text)
    }
  })

  it('leaves the corrupt-record column null for a good record and ignores a JSON key of that name', () => {
    assert.deepEqual(fromJson(ABC, '{"a": 1, "b": 2}'), { a: 1, b: 2, _corrupt_record: null })
    const s = t.struct({ a: t.int(), _corrupt_record: t.string() })
    assert.deepEqual(fromJson(s, '{"a": 1, "_corrupt_record": "zz"}'), { a: 1, _corrupt_record: null })
  })

  it('uses the column named by columnNameOfCorruptRecord', () => {
    const s = t.struct({ a: t.int(), b: t.int(), bad: t.string() })
    assert.deepEqual(fromJson(s, '{"a": 1, "b": "x"}', { columnNameOfCorruptRecord: 'bad' }), {
      a: 1,
      b: null,
      bad: '{"a": 1, "b": "x"}',
    })
  })

  it('rejects a corrupt-record column that is not a string', () => {
    const s = t.struct({ a: t.int(), _corrupt_record: t.int() })
    assert.throws(
      () => compileFromJson(s, { mode: 'PERMISSIVE', time: isoUtcJsonTimeCodec }),
      (e) => isSluiceError(e, 'DATATYPE_MISMATCH'),
    )
  })

  it('reads only the first JSON value, ignoring the text after it', () => {
    assert.deepEqual(fromJson(AB, '{"a": 1} xxx'), { a: 1, b: null })
    assert.deepEqual(fromJson(AB, '{"a": 1} {"a": 2}'), { a: 1, b: null })
    assert.deepEqual(fromJson(AB, '{"a": 1}x'), { a: 1, b: null })
  })

  it('keeps the last of duplicate keys', () => {
    assert.deepEqual(fromJson(AB, '{"a": 1, "a": 2}'), { a: 2, b: null })
  })

  it('reads fields named like Object.prototype members only from the JSON', () => {
    // structOf, because `__proto__:` in an object literal would set the prototype instead.
    const s = structOf([
      field('toString', t.int()),
      field('constructor', t.string()),
      field('__proto__', t.int()),
      field('valueOf', t.int()),
    ])
    const row = fromJson(s, '{"toString": 1, "constructor": "c", "__proto__": 3}') as Record<string, unknown>
    assert.deepEqual(Object.entries(row), [
      ['toString', 1],
      ['constructor', 'c'],
      ['__proto__', 3],
      ['valueOf', null],
    ])
  })
})

describe('from_json nested values', () => {
  const S = t.struct({ a: t.struct({ b: t.int(), c: t.int() }), d: t.int() })

  it('keeps the good fields of a nested struct', () => {
    assert.deepEqual(fromJson(S, '{"a": {"b": 1, "c": "x"}, "d": 5}'), { a: { b: 1, c: null }, d: 5 })
  })

  it('nulls an array or map with a bad element but keeps sibling fields', () => {
    const arr = t.struct({ a: t.array(t.int()), d: t.int() })
    const map = t.struct({ a: t.map(t.string(), t.int()), d: t.int() })
    assert.deepEqual(fromJson(arr, '{"a": [1, "x", 3], "d": 5}'), { a: null, d: 5 })
    assert.deepEqual(fromJson(map, '{"a": {"k": "x", "j": 2}, "d": 5}'), { a: null, d: 5 })
  })

  it('keeps partial structs inside arrays and maps', () => {
    const arr = t.struct({ a: t.array(t.struct({ b: t.int(), c: t.int() })) })
    assert.deepEqual(fromJson(arr, '{"a": [{"b": 1, "c": "x"}, {"b": 2, "c": 3}]}'), {
      a: [
        { b: 1, c: null },
        { b: 2, c: 3 },
      ],
    })
    const map = t.struct({ a: t.map(t.string(), t.struct({ b: t.int(), c: t.int() })), d: t.int() })
    assert.deepEqual(fromJson(map, '{"a": {"k": {"b": 1, "c": "x"}}, "d": 1}'), {
      a: new Map([['k', { b: 1, c: null }]]),
      d: 1,
    })
  })

  it('converts arrays with null elements and maps with string keys in document order', () => {
    assert.deepEqual(one(t.array(t.int()), '{"a": [null, 1]}'), [null, 1])
    const m = one(t.map(t.string(), t.int()), '{"a": {"b": 1, "1": 2, "a": 3}}') as Map<string, number>
    assert.deepEqual(
      [...m],
      [
        ['b', 1],
        ['1', 2],
        ['a', 3],
      ],
    )
  })

  it('reads non-string map values of a map<string,string> as their JSON text', () => {
    assert.deepEqual(one(t.map(t.string(), t.string()), '{"a": {"x": 1}}'), new Map([['x', '1']]))
  })

  it('rejects a container of the wrong shape', () => {
    assert.equal(one(t.array(t.int()), '{"a": "x"}'), null)
    assert.equal(one(t.map(t.string(), t.int()), '{"a": [1]}'), null)
    assert.equal(one(t.struct({ b: t.int() }), '{"a": 1}'), null)
  })

  it('refuses a map schema with non-string keys', () => {
    assert.throws(
      () => compileFromJson(t.map(t.int(), t.int()), { mode: 'PERMISSIVE', time: isoUtcJsonTimeCodec }),
      (e) => isSluiceError(e, 'DATATYPE_MISMATCH') && /string keys/.test((e as Error).message),
    )
  })
})

describe('from_json with array and map schemas', () => {
  it('converts a JSON array', () => {
    assert.deepEqual(fromJson(t.array(t.int()), '[null, 1]'), [null, 1])
    assert.deepEqual(fromJson(t.array(t.int()), '[]'), [])
  })

  it('gives null for a malformed array or map, or a JSON null', () => {
    assert.equal(fromJson(t.array(t.int()), '[1, "a", 3]'), null)
    assert.equal(fromJson(t.array(t.int()), '5'), null)
    assert.equal(fromJson(t.array(t.int()), 'null'), null)
    assert.equal(fromJson(t.array(t.int()), 'x'), null)
    assert.equal(fromJson(t.map(t.string(), t.int()), '{"x": 1, "y": "a"}'), null)
    assert.equal(fromJson(t.map(t.string(), t.int()), '[1]'), null)
  })

  it('reads an object against array<struct> as a one-element array', () => {
    const s = t.array(t.struct({ a: t.int(), b: t.int() }))
    assert.deepEqual(fromJson(s, '{"a":1}'), [{ a: 1, b: null }])
    assert.deepEqual(fromJson(s, '{}'), [{ a: null, b: null }])
    assert.deepEqual(fromJson(s, '{"a":1,"b":"x"}'), [{ a: 1, b: null }])
  })

  it('keeps the partial array of structs, but not when a non-struct element fails', () => {
    const s = t.array(t.struct({ a: t.int(), b: t.int() }))
    assert.deepEqual(fromJson(s, '[{"a":1,"b":"x"},{"a":2,"b":3}]'), [
      { a: 1, b: null },
      { a: 2, b: 3 },
    ])
    assert.equal(fromJson(s, '[{"a":1}, 5]'), null)
    assert.equal(fromJson(s, '[5, {"a":1,"b":"x"}]'), null)
  })

  it('converts a JSON object to a map', () => {
    assert.deepEqual(
      fromJson(t.map(t.string(), t.int()), '{"x": 1, "k": null}'),
      new Map([
        ['x', 1],
        ['k', null],
      ]),
    )
  })
})

describe('from_json FAILFAST', () => {
  const failFast = (type: DataType, text: string) => fromJson(type, text, { mode: 'FAILFAST' })
  const malformed = (pattern: RegExp) => (e: unknown) =>
    isSluiceError(e, 'MALFORMED_RECORD') && pattern.test((e as Error).message)

  it('throws naming the field path, the value and the target type', () => {
    assert.throws(
      () => failFast(AB, '{"a": 1, "b": "x"}'),
      malformed(/field `b`: cannot read the JSON string "x" as int/),
    )
    const nested = t.struct({ a: t.struct({ b: t.array(t.struct({ c: t.int() })) }) })
    assert.throws(
      () => failFast(nested, '{"a": {"b": [{"c": 1}, {"c": 1.5}]}}'),
      malformed(/field `a\.b\[1\]\.c`: cannot read the JSON number 1\.5 as int/),
    )
  })

  it('names the record, truncated to 200 characters', () => {
    const long = `{"a": "${'x'.repeat(300)}"}`
    assert.throws(
      () => failFast(AB, long),
      (e) => {
        const m = (e as Error).message
        return m.includes('Record: {"a": "xxx') && m.includes('x...') && !m.includes('x'.repeat(250))
      },
    )
  })

  it('throws for invalid JSON and for JSON null', () => {
    assert.throws(() => failFast(AB, '{"a": 1, "b": "x"'), malformed(/not valid JSON: .*end of the input/))
    assert.throws(
      () => failFast(AB, 'null'),
      malformed(/the record: cannot read JSON null as struct<a:int,b:int>/),
    )
    assert.throws(() => failFast(t.array(t.int()), '[1, "x"]'), malformed(/field `\[1\]`/))
  })

  it('returns good records and null input unchanged', () => {
    assert.deepEqual(failFast(AB, '{"a": 1, "b": 2}'), { a: 1, b: 2 })
    assert.equal(failFast(AB, ''), null)
  })
})

describe('validateFromJsonMode', () => {
  it('accepts PERMISSIVE and FAILFAST in any case', () => {
    assert.equal(validateFromJsonMode('permissive'), 'PERMISSIVE')
    assert.equal(validateFromJsonMode('FailFast'), 'FAILFAST')
  })

  it('rejects DROPMALFORMED as Spark does', () => {
    assert.throws(
      () => validateFromJsonMode('DROPMALFORMED'),
      (e) =>
        isSluiceError(e, 'INVALID_ARGUMENT') &&
        /doesn't support the DROPMALFORMED mode/.test((e as Error).message),
    )
    assert.throws(
      () => validateFromJsonMode('LENIENT'),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
  })

  it('rejects a schema that is not a struct, array or map', () => {
    assert.throws(
      () => compileFromJson(t.int(), { mode: 'PERMISSIVE', time: isoUtcJsonTimeCodec }),
      (e) => isSluiceError(e, 'DATATYPE_MISMATCH'),
    )
  })
})
