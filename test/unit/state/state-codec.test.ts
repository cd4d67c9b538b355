import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeDelta, decodeSnapshot, encodeDelta, encodeSnapshot } from '../../../src/state/state-codec.ts'

const FILE = '/c/state/0/0/1.delta'

describe('state file codec', () => {
  it('round-trips puts and removes in order, each file decoding on its own', () => {
    const updates = [
      { key: ['a', 1], value: { count: 2, last: { s: 1 } } },
      { key: ['b'] },
      { key: ['c'], value: new Map([['k', [1, 2]]]) },
    ]
    const first = encodeDelta(updates)
    const second = encodeDelta(updates)
    assert.deepEqual(decodeDelta(FILE, second), updates)
    assert.deepEqual(decodeDelta(FILE, first), updates)
  })

  it('starts every file with the version line v1', () => {
    assert.equal(new TextDecoder().decode(encodeSnapshot([]).subarray(0, 3)), 'v1\n')
    assert.deepEqual(decodeSnapshot('/s', encodeSnapshot([{ key: ['x'], value: null }])), [
      { key: ['x'], value: null },
    ])
  })

  it('refuses a remove inside a snapshot and a non-array key', () => {
    assert.throws(() => decodeSnapshot('/s', encodeDelta([{ key: ['b'] }])), {
      code: 'CHECKPOINT_CORRUPT',
      message: /entry 0/,
    })
    const bad = encodeSnapshot([{ key: 'k' as unknown as string[], value: 1 }])
    assert.throws(() => decodeSnapshot('/s', bad), { code: 'CHECKPOINT_CORRUPT' })
  })

  it('refuses a version line it cannot read', () => {
    const body = encodeDelta([]).subarray(3)
    const withLine = (line: string) => new Uint8Array([...new TextEncoder().encode(line), ...body])
    assert.throws(() => decodeDelta(FILE, withLine('v0\n')), { code: 'CHECKPOINT_CORRUPT' })
    assert.throws(() => decodeDelta(FILE, withLine('x1\n')), { code: 'CHECKPOINT_CORRUPT' })
    assert.throws(() => decodeDelta(FILE, withLine('v12\n')), {
      code: 'CHECKPOINT_VERSION_UNSUPPORTED',
      message: /v12.*at most v1/,
    })
  })
})
