import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { encodeStateKey } from '../../../src/state/state-key-codec.ts'

const component = fc.oneof(
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 4 }),
  fc.record({ start: fc.integer(), end: fc.integer() }),
  fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 3 }),
)
const key = fc.array(component, { maxLength: 4 })

/** Equality as grouping sees it: -0 is 0 and NaN equals NaN. */
function sameKey(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b))
  return (
    JSON.stringify(a, (_k, v) => (v instanceof Uint8Array ? { __bin: [...v] } : v)) ===
      JSON.stringify(b, (_k, v) => (v instanceof Uint8Array ? { __bin: [...v] } : v)) && typeof a === typeof b
  )
}

describe('encodeStateKey', () => {
  it('gives equal strings for equal keys built separately', () => {
    assert.equal(encodeStateKey(['a', 1, { s: 0, e: 5 }]), encodeStateKey(['a', 1, { s: 0, e: 5 }]))
    assert.equal(encodeStateKey([-0]), encodeStateKey([0]))
    assert.equal(encodeStateKey([Number.NaN]), encodeStateKey([0 / 0]))
    assert.equal(encodeStateKey([new Uint8Array([1, 2])]), encodeStateKey([new Uint8Array([1, 2])]))
  })

  it('tells apart values that look alike', () => {
    const keys = [[1], ['1'], [true], ['t'], [null], ['n'], [''], [], ['a', 'b'], ['ab'], [[1]], [{ a: 1 }]]
    assert.equal(new Set(keys.map(encodeStateKey)).size, keys.length)
  })

  it('encodes a key prefix as a string prefix of the key', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        assert.ok(encodeStateKey([...a, ...b]).startsWith(encodeStateKey(a)))
      }),
    )
  })

  it('gives different strings for different keys (no collisions between concatenations)', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        const equal = a.length === b.length && a.every((x, i) => sameKey(x, b[i]))
        assert.equal(encodeStateKey(a) === encodeStateKey(b), equal)
      }),
      { numRuns: 2000 },
    )
  })

  it('encodes a struct by its values in field order, whatever struct it encoded before', () => {
    const window = (start: number, end: number) => ({ start, end })
    assert.equal(encodeStateKey([window(0, 10), 1]), 'od0;d10;}d1;')
    assert.equal(encodeStateKey([window(0, 10), 2]), 'od0;d10;}d2;')
    assert.equal(encodeStateKey([{ end: 10, start: 0 }]), 'od10;d0;}')
    assert.equal(encodeStateKey([{ a: 0, b: 10, c: 1 }]), 'od0;d10;d1;}')
    assert.equal(encodeStateKey([{ a: 0, b: 10 }]), 'od0;d10;}')
    assert.equal(encodeStateKey([{ w: window(0, 10), k: 1 }]), 'ood0;d10;}d1;}')
    assert.equal(encodeStateKey([{ s: 0, e: 10 }]), 'od0;d10;}')
    assert.equal(encodeStateKey([{ s: 'a', e: null }]), 'os1:an}')
    assert.equal(encodeStateKey([{ s: 'a', e: undefined }]), 'os1:an}')
  })
})
