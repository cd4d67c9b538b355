// Per-type conversions of from_json; expected values were checked against Spark 4 (pyspark, UTC).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compileFromJson, type FromJsonOptions } from '../../../../src/functions/json/from-json.ts'
import { isoUtcJsonTimeCodec } from '../../../../src/functions/json/json-time-codec.ts'
import { type DataType, t } from '../../../../src/schema/data-type.ts'

type Extra = Omit<Partial<FromJsonOptions>, 'time'>
const one = (type: DataType, text: string, extra: Extra = {}) =>
  (
    compileFromJson(t.struct({ a: type }), { mode: 'PERMISSIVE', time: isoUtcJsonTimeCodec, ...extra })(
      text,
    ) as { a: unknown }
  ).a

describe('from_json string fields', () => {
  it('takes JSON strings as they are', () => {
    assert.equal(one(t.string(), '{"a": "\\u00e9\\n"}'), 'é\n')
    assert.equal(one(t.string(), '{"a": ""}'), '')
    assert.equal(one(t.string(), '{"a": null}'), null)
  })

  it('keeps the JSON text of other values, written as Jackson copies them', () => {
    const cases: [string, string][] = [
      ['true', 'true'],
      ['false', 'false'],
      ['5', '5'],
      ['-0', '0'],
      ['1.50', '1.5'],
      ['1.0', '1.0'],
      ['100.0', '100.0'],
      ['1e5', '100000.0'],
      ['1.0E10', '1.0E10'],
      ['0.1E-3', '1.0E-4'],
      ['12345678901234567890', '12345678901234567890'],
      ['NaN', '"NaN"'],
      ['[NaN, 1.0]', '["NaN",1.0]'],
      ['{"b" : 1, "c":[1, 2.0]}', '{"b":1,"c":[1,2.0]}'],
      ['[1, {"b": 2.50}]', '[1,{"b":2.5}]'],
      ['[2, -7]', '[2,-7]'],
      ['{"b": 1, "1": 2}', '{"b":1,"1":2}'],
      ['[true, null, "s", {"q": "x\\"y"}]', '[true,null,"s",{"q":"x\\"y"}]'],
      ['["😀\\u001f"]', '["\\uD83D\\uDE00\\u001F"]'],
      ['{}', '{}'],
      ['[]', '[]'],
    ]
    for (const [json, expected] of cases) assert.equal(one(t.string(), `{"a": ${json}}`), expected, json)
  })
})

describe('from_json numeric fields', () => {
  it('reads int within 32 bits and rejects fractions, overflow and strings', () => {
    assert.equal(one(t.int(), '{"a": -2147483648}'), -2147483648)
    assert.equal(one(t.int(), '{"a": -0}'), 0)
    assert.ok(!Object.is(one(t.int(), '{"a": -0}'), -0))
    for (const bad of ['2147483648', '1.5', '"1"', '""', 'true', '[1]', '{"b": 1}']) {
      assert.equal(one(t.int(), `{"a": ${bad}}`), null, bad)
    }
  })

  it('reads bigint exactly within ±(2^53-1) and rejects what lies beyond', () => {
    assert.equal(one(t.long(), '{"a": 9007199254740991}'), 9007199254740991)
    assert.equal(one(t.long(), '{"a": -9007199254740991}'), -9007199254740991)
    // Spark reads these exactly as 64-bit longs; Sluice cannot hold them exactly, so they are malformed.
    assert.equal(one(t.long(), '{"a": 9007199254740992}'), null)
    assert.equal(one(t.long(), '{"a": 9223372036854775807}'), null)
    for (const bad of ['1.5', '"1"']) assert.equal(one(t.long(), `{"a": ${bad}}`), null, bad)
  })

  it('accepts integral numbers written with a fraction or exponent (JSON.parse keeps no spelling)', () => {
    // Spark rejects these float tokens for integral fields; Sluice trades that for JSON.parse speed.
    assert.equal(one(t.int(), '{"a": 1.0}'), 1)
    assert.equal(one(t.long(), '{"a": 1e2}'), 100)
  })

  it('reads doubles from any number and from the non-numeric spellings Spark allows', () => {
    assert.equal(one(t.double(), '{"a": 1}'), 1)
    assert.equal(one(t.double(), '{"a": 0.1}'), 0.1)
    assert.ok(Object.is(one(t.double(), '{"a": -0.0}'), -0))
    assert.equal(one(t.double(), '{"a": 1e400}'), Number.POSITIVE_INFINITY)
    assert.equal(one(t.double(), '{"a": 12345678901234567890}'), 1.2345678901234567e19)
    for (const s of ['"NaN"', 'NaN']) assert.ok(Number.isNaN(one(t.double(), `{"a": ${s}}`)), s)
    for (const s of ['"Infinity"', '"+Infinity"', '"+INF"', 'Infinity', '+Infinity', '+INF']) {
      assert.equal(one(t.double(), `{"a": ${s}}`), Number.POSITIVE_INFINITY, s)
    }
    for (const s of ['"-Infinity"', '"-INF"', '-Infinity', '-INF']) {
      assert.equal(one(t.double(), `{"a": ${s}}`), Number.NEGATIVE_INFINITY, s)
    }
    for (const bad of ['"INF"', 'INF', '"1.5"', '""'])
      assert.equal(one(t.double(), `{"a": ${bad}}`), null, bad)
  })

  it('rejects NaN and Infinity when allowNonNumericNumbers is false', () => {
    assert.equal(one(t.double(), '{"a": "NaN"}', { allowNonNumericNumbers: false }), null)
    assert.equal(one(t.double(), '{"a": NaN}', { allowNonNumericNumbers: false }), null)
    assert.equal(one(t.double(), '{"a": 1.5}', { allowNonNumericNumbers: false }), 1.5)
  })
})

describe('from_json other atomic fields', () => {
  it('reads booleans only from true and false', () => {
    assert.equal(one(t.boolean(), '{"a": false}'), false)
    for (const bad of ['"true"', '1', '""']) assert.equal(one(t.boolean(), `{"a": ${bad}}`), null, bad)
  })

  it('reads timestamps from strings through the codec and from integers as epoch seconds', () => {
    assert.equal(one(t.timestamp(), '{"a": 1}'), 1000)
    assert.equal(one(t.timestamp(), '{"a": -1}'), -1000)
    assert.equal(one(t.timestamp(), '{"a": "2024-01-01T10:00:00Z"}'), Date.UTC(2024, 0, 1, 10))
    assert.equal(
      one(t.timestamp(), '{"a": "2024-01-01T10:00:00.123+01:00"}'),
      Date.UTC(2024, 0, 1, 9, 0, 0, 123),
    )
    assert.equal(one(t.timestamp(), '{"a": "2024-01-01"}'), Date.UTC(2024, 0, 1))
    for (const bad of ['1.5', '"x"', '""', 'true'])
      assert.equal(one(t.timestamp(), `{"a": ${bad}}`), null, bad)
  })

  it('reads dates only from strings', () => {
    assert.equal(one(t.date(), '{"a": "2024-01-01"}'), 19723)
    for (const bad of ['19000', '""', '"x"', '"2024-02-30"'])
      assert.equal(one(t.date(), `{"a": ${bad}}`), null, bad)
  })

  it('uses the injected time codec', () => {
    const codec = { ...isoUtcJsonTimeCodec, parseTimestamp: (s: string) => (s === 'now' ? 42 : null) }
    const parse = compileFromJson(t.struct({ a: t.timestamp() }), { mode: 'PERMISSIVE', time: codec })
    assert.deepEqual(parse('{"a": "now"}'), { a: 42 })
  })

  it('reads binary from padded base64, as Jackson does', () => {
    const bytes = (s: string) => one(t.binary(), `{"a": ${s}}`)
    assert.deepEqual(bytes('"aGVsbG8="'), new Uint8Array([104, 101, 108, 108, 111]))
    assert.deepEqual(bytes('"aGVsbA=="'), new Uint8Array([104, 101, 108, 108]))
    assert.deepEqual(bytes('"aGVsbG8=\\n"'), new Uint8Array([104, 101, 108, 108, 111]))
    assert.deepEqual(bytes('"+/8="'), new Uint8Array([0xfb, 0xff]))
    assert.deepEqual(bytes('""'), new Uint8Array([]))
    for (const bad of ['"aGVsbG8"', '"aGV sbG8="', '"_-8="', '1']) assert.equal(bytes(bad), null, bad)
  })

  it('reads day-time intervals from their string forms', () => {
    assert.equal(one(t.interval(), '{"a": "0 00:10:00"}'), 600_000)
    assert.equal(one(t.interval(), `{"a": "INTERVAL '0 00:10:00' DAY TO SECOND"}`), 600_000)
    assert.equal(one(t.interval(), '{"a": "-1 02:03:04.5"}'), -93_784_500)
    assert.equal(one(t.interval(), '{"a": "10"}'), null)
    assert.equal(one(t.interval(), '{"a": 10}'), null)
  })

  it('reads every value of a void field as null', () => {
    assert.equal(one(t.null(), '{"a": {"b": 1}}'), null)
  })
})

describe('from_json syntax options', () => {
  it('accepts single quotes by default and rejects them when disabled', () => {
    assert.equal(one(t.int(), "{'a': 1}"), 1)
    assert.equal(one(t.string(), "{'a': 'x\\'y'}"), "x'y")
    assert.equal(one(t.int(), "{'a': 1}", { allowSingleQuotes: false }), null)
  })

  it('accepts leading zeros and raw control characters only when enabled', () => {
    assert.equal(one(t.int(), '{"a": 007}'), null)
    assert.equal(one(t.int(), '{"a": 007}', { allowNumericLeadingZeros: true }), 7)
    assert.equal(one(t.string(), '{"a": "x\ty"}'), null)
    assert.equal(one(t.string(), '{"a": "x\ty"}', { allowUnquotedControlChars: true }), 'x\ty')
  })
})
