import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { crc32 } from 'node:zlib'
import { Packr } from 'msgpackr'
import { decodeDelta, decodeSnapshot, encodeDelta, encodeSnapshot } from '../../../src/state/state-codec.ts'

const FILE = '/c/state/0/0/1.delta'

/** A file as Sluice 0.2 wrote it (format v2: a checksum line and one msgpack array), or v1 (none). */
function msgpackFile(version: 1 | 2, body: unknown[]): Uint8Array {
  const bytes = new Packr({ useRecords: true, sequential: true, mapsAsObjects: false, moreTypes: true }).pack(
    body,
  )
  const check = version === 2 ? `crc32:${crc32(bytes).toString(16).padStart(8, '0')}\n` : ''
  return new Uint8Array([...new TextEncoder().encode(`v${version}\n${check}`), ...bytes])
}

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

  it('round-trips the shapes state holds: numbers, nulls, -0, NaN, strings, structs, mixed keys', () => {
    const win = { start: 0, end: 10_000 }
    const updates = [
      { key: [win, 7], value: [1, null, -0, Number.NaN, 1.5] },
      { key: [win, 8], value: [2, 3, 0, 4, -1e300] },
      { key: [{ start: 10_000, end: 20_000 }, 'x'], value: [3, 4, 5, 6, 7] },
      { key: [win, 9] },
    ]
    const back = decodeDelta(FILE, encodeDelta(updates))
    assert.deepEqual(back, updates)
    assert.ok(Object.is((back[0].value as number[])[2], -0))
    // Equal structs of adjacent keys come back as one object (keys are never changed).
    assert.equal(back[0].key[0], back[1].key[0])
    // Leaves of mixed or other types fall back to msgpack.
    const mixed = [
      ...updates.slice(1),
      { key: [null, 1n], value: [new Set([1]), { a: { b: [1, 'c'] } }, Buffer.from([1])] },
    ]
    assert.deepEqual(decodeDelta(FILE, encodeDelta(mixed)), mixed)
    // A field named __proto__ stays a field; it does not set the prototype.
    const odd = [{ key: [JSON.parse('{"__proto__": 1, "a": 2}')], value: [1] }]
    const oddBack = decodeDelta(FILE, encodeDelta(odd))
    assert.deepEqual(oddBack, odd)
    assert.equal(Object.getPrototypeOf(oddBack[0].key[0]), Object.prototype)
  })

  it('starts every file with the version line v3 and a checksum line', () => {
    assert.match(new TextDecoder().decode(encodeSnapshot([]).subarray(0, 18)), /^v3\ncrc32:[0-9a-f]{8}\n$/)
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
    assert.deepEqual(decodeDelta(FILE, encodeDelta([])), [])
    const withLine = (line: string) => new Uint8Array([...new TextEncoder().encode(line), ...body])
    assert.throws(() => decodeDelta(FILE, withLine('v0\n')), { code: 'CHECKPOINT_CORRUPT' })
    assert.throws(() => decodeDelta(FILE, withLine('x1\n')), { code: 'CHECKPOINT_CORRUPT' })
    assert.throws(() => decodeDelta(FILE, withLine('v12\n')), {
      code: 'CHECKPOINT_VERSION_UNSUPPORTED',
      message: /v12.*at most v3/,
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
      message: /truncated: it ends in its version line 'v3'/,
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

  it('still reads v2 files (a msgpack body) and v1 files, written before checksums', () => {
    const body = [[['a', { start: 0, end: 10 }], { count: 2 }], [['b']]]
    const want = [{ key: ['a', { start: 0, end: 10 }], value: { count: 2 } }, { key: ['b'] }]
    assert.deepEqual(decodeDelta(FILE, msgpackFile(2, body)), want)
    assert.deepEqual(decodeDelta(FILE, msgpackFile(1, body)), want)
    assert.deepEqual(decodeSnapshot('/s', msgpackFile(2, [[['a'], 1]])), [{ key: ['a'], value: 1 }])
    assert.throws(() => decodeSnapshot('/s', msgpackFile(2, body)), {
      code: 'CHECKPOINT_CORRUPT',
      message: /entry 1/,
    })
    const damaged = msgpackFile(2, body)
    damaged[damaged.length - 1] ^= 1
    assert.throws(() => decodeDelta(FILE, damaged), { code: 'CHECKPOINT_CORRUPT', message: /checksum/ })
  })

  it('refuses a v3 body whose counts do not add up, even with a matching checksum', () => {
    const good = encodeDelta([{ key: ['a'], value: [1] }])
    const body = good.subarray(18)
    for (const cut of [body.subarray(0, body.length - 3), new Uint8Array([...body, 0])]) {
      const check = `crc32:${crc32(cut).toString(16).padStart(8, '0')}\n`
      const file = new Uint8Array([...new TextEncoder().encode(`v3\n${check}`), ...cut])
      assert.throws(() => decodeDelta(FILE, file), {
        code: 'CHECKPOINT_CORRUPT',
        message: /body does not decode/,
      })
    }
  })
})
