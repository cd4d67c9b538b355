// Expected strings were checked against Spark 4 to_json (pyspark, session time zone UTC).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../../src/errors.ts'
import { isoUtcJsonTimeCodec } from '../../../../src/functions/json/json-time-codec.ts'
import { compileToJson } from '../../../../src/functions/json/to-json.ts'
import { type DataType, t } from '../../../../src/schema/data-type.ts'

const toJson = (type: DataType, value: unknown, ignoreNullFields?: boolean) =>
  compileToJson(type, { time: isoUtcJsonTimeCodec, ignoreNullFields })(value)

describe('to_json structs', () => {
  it('leaves out null fields by default, nested structs included', () => {
    const s = t.struct({ a: t.int(), b: t.int(), c: t.string() })
    assert.equal(toJson(s, { a: 1, b: null, c: 'x' }), '{"a":1,"c":"x"}')
    const nested = t.struct({ x: t.struct({ y: t.int() }), z: t.struct({ q: t.int() }) })
    assert.equal(toJson(nested, { x: { y: null }, z: null }), '{"x":{}}')
  })

  it('writes null fields when ignoreNullFields is false', () => {
    assert.equal(toJson(t.struct({ a: t.int(), b: t.int() }), { a: 1, b: null }, false), '{"a":1,"b":null}')
    assert.equal(toJson(t.array(t.struct({ a: t.int() })), [{ a: null }], false), '[{"a":null}]')
  })

  it('puts no comma before the first field written when the fields before it are null', () => {
    const s = t.struct({ a: t.int(), b: t.long(), c: t.boolean(), d: t.string(), e: t.double() })
    const row = { a: null, b: null, c: false, d: 'x', e: 1.5 }
    assert.equal(toJson(s, row), '{"c":false,"d":"x","e":1.5}')
    assert.equal(toJson(s, row, false), '{"a":null,"b":null,"c":false,"d":"x","e":1.5}')
    assert.equal(toJson(s, { a: -0, b: 2 ** 53, c: null, d: null, e: null }), '{"a":0,"b":9007199254740992}')
    // Names the generated writer must spell as literals: a backslash, a line separator, a control character.
    const odd = t.struct({ 'x\\y': t.int(), '\u2028': t.int(), 'c\u0001': t.int() })
    assert.equal(
      toJson(odd, { 'x\\y': 1, '\u2028': 2, 'c\u0001': 3 }),
      '{"x\\\\y":1,"\u2028":2,"c\\u0001":3}',
    )
  })

  it('returns null for a null value and {} for an empty struct', () => {
    assert.equal(toJson(t.struct({ a: t.int() }), null), null)
    assert.equal(toJson(t.struct({}), {}), '{}')
  })

  it('escapes field names and string values as Jackson does', () => {
    const s = t.struct({ 'a"b': t.string(), bool: t.boolean() })
    assert.equal(
      toJson(s, { 'a"b': 'a"b\\c\n\t\u0001é/\u2028\u007f😀', bool: true }),
      '{"a\\"b":"a\\"b\\\\c\\n\\t\\u0001é/\u2028\u007f😀","bool":true}',
    )
    assert.equal(toJson(t.struct({ s: t.string() }), { s: '\u001f' }), '{"s":"\\u001F"}')
  })
})

describe('to_json values', () => {
  it('writes doubles in Java form and non-finite doubles as strings', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k']
    const s = t.struct(Object.fromEntries(names.map((n) => [n, t.double()])))
    const values = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1,
      1e10,
      1e-5,
      -0,
      0.001,
      1e7,
      9999999,
      1.2345678e7,
    ]
    assert.equal(
      toJson(s, Object.fromEntries(names.map((n, i) => [n, values[i]]))),
      '{"a":"NaN","b":"Infinity","c":"-Infinity","d":1.0,"e":1.0E10,"f":1.0E-5,"g":-0.0,"h":0.001,"i":1.0E7,"j":9999999.0,"k":1.2345678E7}',
    )
    assert.equal(toJson(t.struct({ a: t.array(t.double()) }), { a: [Number.NaN] }), '{"a":["NaN"]}')
    assert.equal(toJson(t.struct({ a: t.double() }), { a: 5e-324 }), '{"a":4.9E-324}')
  })

  it('writes integers, timestamps, dates, binary and intervals', () => {
    const s = t.struct({
      l: t.long(),
      i: t.int(),
      ts: t.timestamp(),
      d: t.date(),
      b: t.binary(),
      iv: t.interval(),
    })
    const row = {
      l: 9007199254740991,
      i: -5,
      ts: Date.UTC(2024, 0, 1, 10),
      d: 19724,
      b: new Uint8Array([104, 101, 108, 108, 111]),
      iv: 600_000,
    }
    assert.equal(
      toJson(s, row),
      `{"l":9007199254740991,"i":-5,"ts":"2024-01-01T10:00:00.000Z","d":"2024-01-02","b":"aGVsbG8=","iv":"INTERVAL '0 00:10:00' DAY TO SECOND"}`,
    )
    assert.equal(toJson(t.array(t.timestamp()), [-1]), '["1969-12-31T23:59:59.999Z"]')
    assert.equal(toJson(t.array(t.date()), [-1, -719162]), '["1969-12-31","0001-01-01"]')
    assert.equal(toJson(t.array(t.interval()), [-93_784_500]), `["INTERVAL '-1 02:03:04.5' DAY TO SECOND"]`)
  })

  it('writes timestamps and dates through the injected codec', () => {
    const codec = {
      ...isoUtcJsonTimeCodec,
      formatTimestamp: (ms: number) => `T${ms}`,
      formatDate: (d: number) => `D${d}`,
    }
    const write = compileToJson(t.struct({ ts: t.timestamp(), d: t.date() }), { time: codec })
    assert.equal(write({ ts: 5, d: 6 }), '{"ts":"T5","d":"D6"}')
  })
})

describe('to_json arrays and maps', () => {
  it('keeps nulls in arrays and map values', () => {
    assert.equal(toJson(t.array(t.int()), [1, null, 3]), '[1,null,3]')
    assert.equal(toJson(t.array(t.array(t.int())), [[1, 2], null]), '[[1,2],null]')
    assert.equal(
      toJson(
        t.map(t.string(), t.int()),
        new Map([
          ['k', 1],
          ['j', null],
        ]),
      ),
      '{"k":1,"j":null}',
    )
    assert.equal(
      toJson(t.struct({ m: t.map(t.string(), t.int()), n: t.array(t.int()) }), {
        m: new Map([['k', null]]),
        n: [null],
      }),
      '{"m":{"k":null},"n":[null]}',
    )
  })

  it('nests structs in arrays and maps, leaving their null fields out', () => {
    const inner = t.struct({ a: t.int(), b: t.string() })
    assert.equal(toJson(t.array(inner), [{ a: 1, b: null }]), '[{"a":1}]')
    assert.equal(toJson(t.map(t.string(), inner), new Map([['k', { a: 1, b: null }]])), '{"k":{"a":1}}')
    assert.equal(toJson(t.array(t.map(t.string(), t.int())), [new Map([['a', 1]])]), '[{"a":1}]')
    assert.equal(toJson(t.array(t.int()), []), '[]')
    assert.equal(toJson(t.map(t.string(), t.int()), new Map()), '{}')
  })

  it('writes map keys as Spark prints their internal values', () => {
    assert.equal(
      toJson(
        t.map(t.int(), t.string()),
        new Map([
          [1, 'x'],
          [2, 'y'],
        ]),
      ),
      '{"1":"x","2":"y"}',
    )
    assert.equal(
      toJson(
        t.map(t.double(), t.int()),
        new Map([
          [100, 1],
          [1e10, 2],
          [1.5, 3],
        ]),
      ),
      '{"100.0":1,"1.0E10":2,"1.5":3}',
    )
    assert.equal(toJson(t.map(t.boolean(), t.int()), new Map([[true, 1]])), '{"true":1}')
    assert.equal(toJson(t.map(t.long(), t.int()), new Map([[9007199254740991, 1]])), '{"9007199254740991":1}')
    // Timestamps print as epoch microseconds, dates as epoch days, intervals as microseconds.
    assert.equal(
      toJson(t.map(t.timestamp(), t.int()), new Map([[Date.UTC(2024, 0, 1), 1]])),
      '{"1704067200000000":1}',
    )
    assert.equal(toJson(t.map(t.date(), t.int()), new Map([[19723, 1]])), '{"19723":1}')
    assert.equal(toJson(t.map(t.interval(), t.int()), new Map([[600_000, 1]])), '{"600000000":1}')
    assert.equal(toJson(t.map(t.array(t.int()), t.int()), new Map([[[1, 2], 1]])), '{"[1,2]":1}')
    assert.equal(
      toJson(t.map(t.struct({ a: t.int() }), t.string()), new Map([[{ a: 1 }, 'x']])),
      '{"[1]":"x"}',
    )
  })

  it('rejects a top-level type that is not a struct, array or map', () => {
    assert.throws(
      () => compileToJson(t.int(), { time: isoUtcJsonTimeCodec }),
      (e) => isSluiceError(e, 'DATATYPE_MISMATCH'),
    )
  })
})
