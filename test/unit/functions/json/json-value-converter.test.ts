import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  JSON_CONVERSION_FAILED,
  jsonConversionErrorPath,
  newJsonConversionState,
  resetJsonConversionState,
} from '../../../../src/functions/json/json-conversion-state.ts'
import { isoUtcJsonTimeCodec } from '../../../../src/functions/json/json-time-codec.ts'
import { parseJsonExact } from '../../../../src/functions/json/json-tree.ts'
import { compileJsonValueConverter } from '../../../../src/functions/json/json-value-converter.ts'
import { t } from '../../../../src/schema/data-type.ts'

const S = t.struct({
  id: t.long(),
  tags: t.array(t.string()),
  items: t.array(t.struct({ n: t.int(), when: t.timestamp() })),
  attrs: t.map(t.string(), t.double()),
})

describe('compileJsonValueConverter', () => {
  const convert = compileJsonValueConverter(S, isoUtcJsonTimeCodec)

  it('converts an already parsed value', () => {
    const state = newJsonConversionState()
    const out = convert(
      JSON.parse('{"id": 7, "tags": ["x"], "items": [{"n": 1, "when": 2}], "attrs": {"p": 0.5}}'),
      state,
    )
    assert.deepEqual(out, { id: 7, tags: ['x'], items: [{ n: 1, when: 2000 }], attrs: new Map([['p', 0.5]]) })
    assert.equal(state.reason, null)
  })

  it('reports the first failure with its path and reason, without throwing', () => {
    const state = newJsonConversionState()
    const out = convert(
      JSON.parse('{"id": 7, "items": [{"n": 1}, {"n": "two", "when": true}], "attrs": {"p": "x"}}'),
      state,
    )
    assert.equal(out, JSON_CONVERSION_FAILED)
    assert.equal(jsonConversionErrorPath(state), 'items[1].n')
    assert.equal(state.reason, 'cannot read the JSON string "two" as int')
    assert.deepEqual(state.partial, {
      id: 7,
      tags: null,
      items: [
        { n: 1, when: null },
        { n: null, when: null },
      ],
      attrs: null,
    })
  })

  it('reports a map value path', () => {
    const state = newJsonConversionState()
    convert(JSON.parse('{"attrs": {"p": 1, "q": "x"}}'), state)
    assert.equal(jsonConversionErrorPath(state), 'attrs.q')
  })

  it('starts clean after a reset', () => {
    const state = newJsonConversionState()
    convert(JSON.parse('{"id": "x"}'), state)
    assert.notEqual(state.reason, null)
    resetJsonConversionState(state, false)
    assert.deepEqual(convert(JSON.parse('{"id": 1}'), state), { id: 1, tags: null, items: null, attrs: null })
    assert.equal(state.reason, null)
    assert.equal(jsonConversionErrorPath(state), '')
  })

  it('asks for the exact text when JSON.parse lost a number spelling, and uses it when given', () => {
    const conv = compileJsonValueConverter(t.struct({ s: t.string() }), isoUtcJsonTimeCodec)
    const state = newJsonConversionState()
    conv(JSON.parse('{"s": 2.0}'), state)
    assert.equal(state.needsSource, true)
    resetJsonConversionState(state, true)
    assert.deepEqual(conv(parseJsonExact('{"s": 2.0}'), state), { s: '2.0' })
    assert.equal(state.needsSource, false)
  })

  it('does not ask for the text when the value is unambiguous', () => {
    const conv = compileJsonValueConverter(t.struct({ s: t.string() }), isoUtcJsonTimeCodec)
    const state = newJsonConversionState()
    assert.deepEqual(conv(JSON.parse('{"s": 2.5}'), state), { s: '2.5' })
    assert.deepEqual(conv(JSON.parse('{"s": ["a", true, null]}'), state), { s: '["a",true,null]' })
    assert.equal(state.needsSource, false)
  })
})
