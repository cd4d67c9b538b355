import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../src/errors.ts'
import { t } from '../../../src/schema/data-type.ts'
import { compileRowDecoder, encodeRows } from '../../../src/schema/row-codec.ts'

const S = t.struct({
  id: t.notNull(t.long()),
  n: t.int(),
  ts: t.timestamp(),
  tags: t.array(t.string()),
  m: t.map(t.string(), t.double()),
  s: t.struct({ a: t.notNull(t.boolean()) }),
})
const bad = (rows: object[], pattern: RegExp) =>
  assert.throws(
    () => encodeRows(rows, S),
    (e) => isSluiceError(e, 'INVALID_ROW') && pattern.test(e.message),
  )

describe('row encoding', () => {
  it('encodes objects to positional rows, filling missing nullable fields with NULL', () => {
    const when = new Date(Date.UTC(2024, 0, 1))
    assert.deepEqual(
      encodeRows([{ id: 1, ts: when, tags: ['x', null], m: new Map([['k', 1.5]]), s: { a: true } }], S),
      [[1, null, when.getTime(), ['x', null], new Map([['k', 1.5]]), { a: true }]],
    )
    assert.deepEqual(encodeRows([[2, 3, 0, null, null, null]], S), [[2, 3, 0, null, null, null]])
  })

  it('names the row and the field of a bad value', () => {
    bad([{ id: 1 }, { id: null }], /Row 1: Field `id` is not nullable/)
    bad([{ id: 1, n: 2 ** 31 }], /Row 0: Field `n` expects int/)
    bad([{ id: 1.5 }], /`id`.*2\^53/)
    bad([{ id: 1, ts: 'yesterday' }], /`ts` expects timestamp, got the string "yesterday"/)
    bad([{ id: 1, tags: 'x' }], /`tags` expects array<string>/)
    bad([{ id: 1, s: {} }], /`s.a` is not nullable/)
    bad([{ id: 1, m: { k: 1 } }], /`m` expects map<string,double>/)
  })

  it('decodes positional rows back to objects', () => {
    assert.deepEqual(compileRowDecoder(t.struct({ a: t.int(), b: t.string() }))([1, 'x']), { a: 1, b: 'x' })
  })
})
