import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { type DecodeResult, fileFormat } from '../../../../src/connectors/file/formats/index.ts'
import {
  compileFastJsonDecoder,
  compileFromJson,
  compileJsonValueConverter,
  FAST_JSON_BAIL,
  isCleanJsonText,
  isoUtcJsonTimeCodec,
  JSON_CONVERSION_FAILED,
  newJsonConversionState,
} from '../../../../src/functions/json/index.ts'
import { t } from '../../../../src/schema/data-type.ts'

// The generated decoder must give exactly what JSON.parse plus the generic converters give, or bail.

const SCHEMA = t.struct({
  a: t.long(),
  b: t.int(),
  c: t.double(),
  d: t.boolean(),
  s: t.string(),
  ts: t.timestamp(),
  dt: t.date(),
  n: t.struct({ x: t.long(), y: t.string() }),
  arr: t.array(t.int()),
  m: t.map(t.string(), t.int()),
  toString: t.string(),
})

const VALUES = [
  '1',
  '-0',
  '0',
  '-12',
  '1.0',
  '1e2',
  '2.5',
  '-0.0',
  '1.5E-3',
  '007',
  '01',
  '1.',
  '-',
  '2147483648',
  '-2147483648',
  '123456789012345',
  '1234567890123456',
  '12345678901234567890',
  '0.1234567890123456789',
  '"x"',
  '""',
  '"a\\"b"',
  '"\\u0041\\n"',
  '"bad\\x"',
  '"tab\there"',
  '"new\nline"',
  '"2024-01-01T10:00:00.000Z"',
  '"2024-01-01T10:00:00Z"',
  '"2024-02-30T10:00:00.000Z"',
  '"2024-01-01"',
  '"NaN"',
  'NaN',
  "'q'",
  'null',
  'nul',
  'true',
  'false',
  'truex',
  '{}',
  '{"x":1,"y":"z"}',
  '{"x":1,"x":2}',
  '{"x":"1"}',
  '{"y":null,"x":-3}',
  '[]',
  '[1,2]',
  '[1,"a"]',
  '[1,null]',
  '[1,]',
  '[[[[1]]]]',
  '{"k":[1,{"q":[true,null]}]}',
  '{"k":1',
  '"AAEC"',
]
const KEYS = ['a', 'b', 'c', 'd', 's', 'ts', 'dt', 'n', 'arr', 'm', 'toString', 'zz', '__proto__', 'a\\u0062']
const WS = ['', ' ', '\t', '  \n ']

const record = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), fc.constantFrom(...WS)), {
      maxLength: 8,
    }),
    fc.constantFrom('', '', ' ', ' x', '}', ','),
    fc.constantFrom('{', '{', ' {', '[{', ''),
  )
  .map(
    ([fields, tail, open]) =>
      `${open}${fields.map(([k, v, w]) => `${w}"${k}"${w}:${w}${v}`).join(',')}}${tail}`,
  )

/** The generic path's answer for text JSON.parse accepts and that converts without a second, exact read. */
function generic(text: string): unknown {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return FAST_JSON_BAIL
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return FAST_JSON_BAIL
  const state = newJsonConversionState()
  const out = compileJsonValueConverter(SCHEMA, isoUtcJsonTimeCodec)(value, state)
  return out === JSON_CONVERSION_FAILED || state.needsSource ? FAST_JSON_BAIL : out
}

describe('generated JSON decoder', () => {
  const fast = compileFastJsonDecoder(SCHEMA, { root: 'object', time: isoUtcJsonTimeCodec })
  if (fast === null) throw new Error('the schema should be covered')

  it('gives what JSON.parse and the generic converters give, whenever it does not bail', () => {
    let decoded = 0
    fc.assert(
      fc.property(record, (text) => {
        const r = fast(text, 0, text.length)
        // The clean-text mode (strings end at the next quote) reads the same.
        if (isCleanJsonText(text)) assert.deepStrictEqual(fast(text, 0, text.length, true), r, text)
        if (r === FAST_JSON_BAIL) return
        decoded++
        assert.deepStrictEqual(r, generic(text), text)
      }),
      { numRuns: 5000 },
    )
    // The generator makes plenty of records the decoder reads itself.
    assert.ok(decoded > 100, `only ${decoded} records decoded`)
  })

  it('reads the common record itself, keys in any order, unknown keys skipped', () => {
    const text =
      '{"zz":{"q":[1,"2",{"r":null}]},"s":"x","a":-5,"b":7,"c":2.25,"d":true,"ts":"2024-01-01T10:00:00.000Z",' +
      '"dt":"2024-01-02","n":{"y":"w","x":3},"arr":[1,null,3],"m":null,"toString":"t"}  '
    const r = fast(text, 0, text.length)
    assert.deepStrictEqual(r, generic(text))
    assert.equal((r as { ts: number }).ts, Date.UTC(2024, 0, 1, 10))
  })

  it("leaves a raw line feed inside a string to from_json's generic path, which finds it malformed", () => {
    const parse = compileFromJson(t.struct({ s: t.string() }), {
      mode: 'PERMISSIVE',
      time: isoUtcJsonTimeCodec,
    })
    assert.deepStrictEqual(parse('{"s":"a\nb"}'), { s: null })
    assert.deepStrictEqual(parse('{"s":"a b"}'), { s: 'a b' })
  })

  it('bails on what only the generic path reads: duplicates, floats for ints, trailing text, deep nesting', () => {
    for (const text of [
      '{"a":1,"a":2}',
      '{"b":1.0}',
      '{"a":1} x',
      '{"s":1}',
      '[{"a":1}]',
      `{"zz":${'['.repeat(100)}${']'.repeat(100)}}`,
    ])
      assert.equal(fast(text, 0, text.length), FAST_JSON_BAIL, text)
  })
})

describe('JSON lines source with the generated decoder', () => {
  const ddl = t.struct({
    a: t.long(),
    s: t.string(),
    n: t.struct({ x: t.long() }),
    _corrupt_record: t.string(),
  })
  const decode = (text: string, options: Record<string, string>) =>
    fileFormat('json')
      .reader(ddl, options, { timeZone: 'UTC' })
      .decode(new TextEncoder().encode(text), 'f.json') as DecodeResult

  it('reads files exactly as the generic path does (lineSep given forces it), in every parse mode', () => {
    const line = fc.constantFrom(
      '{"a":1,"s":"x"}',
      '{"s":"y","a":2,"n":{"x":3}}',
      '{"a":"bad"}',
      '{"a":1.0}',
      '{"a":2,',
      '',
      '   ',
      '[{"a":3},{"a":4}]',
      '{"a":1,"a":2}',
      '{"n":{"x":[1]}}',
      '{"a":6} trailing',
      '{"s":"\\u00e9\\"","zz":[{}]}',
      'null',
      `{"a":${'['.repeat(1001)}}`,
    )
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 12 }),
        fc.constantFrom('PERMISSIVE', 'DROPMALFORMED'),
        (lines, mode) => {
          const text = lines.join('\n')
          assert.deepStrictEqual(decode(text, { mode }), decode(text, { mode, lineSep: '\n' }))
        },
      ),
      { numRuns: 500 },
    )
  })

  it('reads a file of many 64 KiB blocks, and one with invalid UTF-8 at its end, as the generic path does', () => {
    const lines = Array.from({ length: 6000 }, (_, i) =>
      i % 97 === 0 ? `{"a":"bad${i}"}` : `{"a":${i},"s":"${'x'.repeat(i % 50)}é","n":{"x":${i}}}`,
    )
    const text = lines.join('\n')
    const generic = decode(text, { lineSep: '\n' })
    assert.deepStrictEqual(decode(text, {}), generic)
    assert.equal(generic.rows.length, 6000)
    const bytes = new Uint8Array([...new TextEncoder().encode(`${text}\n`), 0xff, 0x0a])
    const reader = fileFormat('json').reader(ddl, {}, { timeZone: 'UTC' })
    const viaGeneric = fileFormat('json').reader(ddl, { lineSep: '\n' }, { timeZone: 'UTC' })
    assert.deepStrictEqual(reader.decode(bytes, 'f.json'), viaGeneric.decode(bytes, 'f.json'))
  })
})
