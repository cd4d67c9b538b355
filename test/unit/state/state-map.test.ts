import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { StateKey } from '../../../src/state/spi.ts'
import { encodeStateKey } from '../../../src/state/state-key-codec.ts'
import { StateMap } from '../../../src/state/state-map.ts'

const ordering = { keyOrdinal: 0, isWindow: false }
const put = (m: StateMap, key: StateKey) => m.set(encodeStateKey(key), { key, value: 1 })
const del = (m: StateMap, key: StateKey) => m.delete(encodeStateKey(key))
const scan = (m: StateMap, from: number, to: number) => [...m.rangeScan(from, to)].map(([, e]) => e.key)

describe('StateMap event-time order', () => {
  it('scans each live key once after removes and re-adds, by time', () => {
    const m = new StateMap(0, true, ordering)
    put(m, [20, 'x'])
    put(m, [10, 'a'])
    put(m, [10, 'b'])
    del(m, [10, 'a'])
    put(m, [10, 'a'])
    del(m, [10, 'b'])
    put(m, [10, 'c'])
    assert.deepEqual(scan(m, 0, 30), [
      [10, 'a'],
      [10, 'c'],
      [20, 'x'],
    ])
    assert.deepEqual(scan(m, 0, 15), [
      [10, 'a'],
      [10, 'c'],
    ])
  })

  it('keeps a time that churns many keys small and exact (lazy drops compacted)', () => {
    const m = new StateMap(0, true, ordering)
    for (let i = 0; i < 1000; i++) {
      put(m, [5, `k${i}`])
      if (i > 0) del(m, [5, `k${i - 1}`])
    }
    assert.deepEqual(scan(m, 5, 5), [[5, 'k999']])
    del(m, [5, 'k999'])
    assert.deepEqual(scan(m, 0, 10), [])
    put(m, [5, 'k1'])
    assert.deepEqual(scan(m, 0, 10), [[5, 'k1']])
  })

  it('lets the caller remove keys while it scans', () => {
    const m = new StateMap(0, true, ordering)
    for (let i = 0; i < 50; i++) put(m, [i % 5, i])
    let n = 0
    for (const [k] of m.rangeScan(0, 2)) {
      m.delete(k)
      n++
    }
    assert.equal(n, 30)
    assert.equal(m.size, 20)
    assert.deepEqual(scan(m, 0, 2), [])
  })
})

describe('StateMap.getByKey (the index by key components)', () => {
  const win = (start: number) => ({ start, end: start + 10 })
  const component = fc.constantFrom<unknown>(
    0,
    -0,
    1,
    Number.NaN,
    null,
    undefined,
    '1',
    '',
    'a',
    true,
    false,
    [1],
    win(0),
    win(-0),
    win(10),
    { start: null, end: 10 },
  )
  const key = fc.array(component, { minLength: 1, maxLength: 3 })
  const op = fc.tuple(fc.constantFrom('set', 'delete', 'get'), key)

  it('finds exactly the entry the identity string finds, through sets, deletes and emptied buckets', () => {
    // `before` fills the map before its first lookup by key: its index is then filled a few
    // entries per lookup while `ops` change the map.
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.array(op, { maxLength: 60 }), (before, ops) => {
        const m = new StateMap()
        let n = 0
        const apply = (kind: string, k: unknown[]) => {
          if (kind === 'set') m.set(encodeStateKey(k), { key: k, value: n++ })
          else if (kind === 'delete') m.delete(encodeStateKey(k))
        }
        for (const [kind, k] of before) apply(kind, k)
        for (const [kind, k] of ops) {
          apply(kind, k)
          assert.equal(m.getByKey(k), m.get(encodeStateKey(k)), JSON.stringify(k))
        }
      }),
      { numRuns: 300 },
    )
  })

  it('finds a key put under a window after that window was emptied and another looked up', () => {
    const m = new StateMap()
    put(m, [win(0), 1])
    put(m, [win(10), 3])
    assert.equal(m.getByKey([win(0), 1])?.value, 1)
    del(m, [win(0), 1])
    put(m, [win(0), 2])
    assert.equal(m.getByKey([win(10), 2]), undefined)
    assert.equal(m.getByKey([win(0), 2])?.value, 1)
    assert.equal(m.getByKey([win(10), 3])?.value, 1)
  })

  it('indexes the entries a map held before its first lookup by key', () => {
    const m = new StateMap()
    put(m, [win(0), 7])
    put(m, ['a', -0])
    for (let i = 0; i < 10; i++) put(m, ['more', i])
    assert.equal(m.getByKey([win(0), 7])?.value, 1)
    assert.equal(m.getByKey(['a', 0])?.value, 1)
    assert.equal(m.getByKey([win(0), 8]), undefined)
  })
})
