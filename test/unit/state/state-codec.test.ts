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

  it('starts every file with the version line v2 and a checksum line', () => {
    assert.match(new TextDecoder().decode(encodeSnapshot([]).subarray(0, 18)), /^v2\ncrc32:[0-9a-f]{8}\n$/)
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
      message: /v12.*at most v2/,
    })
  })
})

describe('state file checksums', () => {
  it('refuses a delta with one changed byte in its body, naming the file', () => {
    const bytes = encodeDelta([{ key: ['a'], value: { count: 2 } }])
    const changed = new Uint8Array(bytes)
    changed[changed.length - 1] ^= 1
    assert.throws(() => decodeDelta(FILE, changed), {
      code: 'CHECKPOINT_CORRUPT',
      message: new RegExp(`${FILE}.*does not match its checksum`),
    })
  })

  it('says a file cut after its version line is truncated', () => {
    const bytes = encodeDelta([{ key: ['a'], value: 1 }])
    assert.throws(() => decodeDelta(FILE, bytes.subarray(0, 2)), {
      code: 'CHECKPOINT_CORRUPT',
      message: /truncated: it ends in its version line 'v2'/,
    })
    assert.throws(() => decodeDelta(FILE, bytes.subarray(0, 10)), {
      code: 'CHECKPOINT_CORRUPT',
      message: /checksum like/,
    })
    assert.throws(() => decodeDelta(FILE, bytes.subarray(0, bytes.length - 1)), {
      code: 'CHECKPOINT_CORRUPT',
      message: /does not match its checksum/,
    })
    assert.throws(() => decodeDelta(FILE, new Uint8Array()), { code: 'CHECKPOINT_CORRUPT', message: /empty/ })
  })

  it('still reads v1 files, written before checksums', () => {
    const v2 = encodeDelta([{ key: ['a'], value: 1 }])
    const v1 = new Uint8Array([...new TextEncoder().encode('v1\n'), ...v2.subarray(18)])
    assert.deepEqual(decodeDelta(FILE, v1), [{ key: ['a'], value: 1 }])
  })
})
