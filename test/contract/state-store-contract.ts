/**
 * The contract every state store provider keeps (STYLE.md: "every state store reloads older versions
 * and leaves no trace after abort"): put/get/remove/iterate/prefix scan on an open version, commit
 * to version + 1, any retained version reloads from disk in a fresh provider with exactly its
 * contents, abort changes nothing on disk or in memory, maintenance keeps the retained versions
 * loadable, and a random life of commits, aborts and reloads matches a plain Map at every version.
 * A provider's test calls `stateStoreContract`.
 */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { KeyOrdering } from '../../src/state/event-time-index.ts'
import type { StateKey, StateStore, StateStoreProvider } from '../../src/state/spi.ts'
import { withTempDir } from '../harness/temp-dir.ts'

export interface StateStoreProviderOptions {
  readonly minBatchesToRetain?: number
  readonly minDeltasForSnapshot?: number
  readonly numColsPrefixKey?: number
  /** The key component the store is ordered by (for `rangeScan`). */
  readonly ordering?: KeyOrdering
}

/** Makes a new provider instance over `dir` (a new instance stands for a restart). */
export type MakeStateStoreProvider = (dir: string, options?: StateStoreProviderOptions) => StateStoreProvider

/** Every file under `dir` with its bytes, for before/after comparisons. */
export async function directoryBytes(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>()
  const walk = async (d: string): Promise<void> => {
    let names: string[]
    try {
      names = await readdir(d)
    } catch {
      return
    }
    for (const name of names.sort()) {
      const p = join(d, name)
      try {
        out.set(p, await readFile(p))
      } catch {
        await walk(p)
      }
    }
  }
  await walk(dir)
  return out
}

/** The store's entries as sorted [key, value] pairs, comparable with deepEqual. */
export function contents(entries: Iterable<{ key: StateKey; value: unknown }>): [unknown[], unknown][] {
  return [...entries]
    .map((e) => [[...e.key], e.value] as [unknown[], unknown])
    .sort((a, b) => (JSON.stringify(a[0]) < JSON.stringify(b[0]) ? -1 : 1))
}

function modelContents(model: ReadonlyMap<string, unknown>): [unknown[], unknown][] {
  return contents([...model].map(([k, value]) => ({ key: JSON.parse(k) as unknown[], value })))
}

async function commitVersions(provider: StateStoreProvider, count: number, maintain = false) {
  const expected: [unknown[], unknown][][] = [[]]
  const model = new Map<string, unknown>()
  for (let v = 0; v < count; v++) {
    const store = await provider.getStore(v)
    store.put([`k${v}`], { n: v })
    model.set(JSON.stringify([`k${v}`]), { n: v })
    if (v % 3 === 2) {
      store.remove([`k${v - 2}`])
      model.delete(JSON.stringify([`k${v - 2}`]))
    }
    assert.equal(await store.commit(), v + 1)
    expected.push(modelContents(model))
    if (maintain) await provider.doMaintenance()
  }
  return expected
}

/**
 * Registers the state store contract's tests for one provider.
 *
 * @example
 * stateStoreContract('memory', (dir, o) => new MemoryStateStoreProvider({ id, dir, fs: nodeFileSystem, ...o }))
 */
export function stateStoreContract(name: string, make: MakeStateStoreProvider): void {
  describe(`${name} state store contract`, () => {
    it('puts, gets, removes and iterates on an open version', () =>
      withTempDir(async (dir) => {
        const store = await make(dir).getStore(0)
        assert.equal(store.version, 0)
        assert.equal(store.get(['a']), undefined)
        store.put(['a'], 1)
        store.put(['b', 2], { sum: 2.5, tags: ['x'] })
        store.put(['a'], 10)
        store.remove(['b', 2])
        store.remove(['missing'])
        store.put(['c'], null)
        assert.equal(store.get(['a']), 10)
        assert.equal(store.get(['b', 2]), undefined)
        assert.equal(store.get(['c']), null)
        assert.deepEqual(contents(store.iterator()), [
          [['a'], 10],
          [['c'], null],
        ])
        const m = store.metrics()
        assert.equal(m.numKeys, 2)
        assert.equal(m.numRowsUpdated, 4)
        assert.equal(m.numRowsRemoved, 1)
        assert.ok(m.memoryUsedBytes > 0)
      }))

    it('finds a key by equal components, treating -0 as 0 and NaN as NaN', () =>
      withTempDir(async (dir) => {
        const store = await make(dir).getStore(0)
        store.put(['u', -0, { start: 0, end: 10 }], 'w')
        store.put(['n', Number.NaN], 'nan')
        assert.equal(store.get(['u', 0, { start: 0, end: 10 }]), 'w')
        assert.equal(store.get(['n', Number.NaN]), 'nan')
        assert.equal(store.get(['u', 0, { start: 0, end: 11 }]), undefined)
        assert.equal(store.get(['u', '0', { start: 0, end: 10 }]), undefined)
      }))

    it('commits to version + 1 and reopens the committed version', () =>
      withTempDir(async (dir) => {
        const provider = make(dir)
        const s0 = await provider.getStore(0)
        s0.put(['a'], 1)
        assert.equal(await s0.commit(), 1)
        const s1 = await provider.getStore(1)
        assert.equal(s1.version, 1)
        assert.equal(s1.get(['a']), 1)
        s1.put(['a'], 2)
        assert.equal(await s1.commit(), 2)
        assert.equal((await provider.getStore(2)).get(['a']), 2)
      }))

    it('reloads every committed version from disk in a fresh provider with exactly its contents', () =>
      withTempDir(async (dir) => {
        const expected = await commitVersions(make(dir), 8)
        for (let v = 0; v <= 8; v++) {
          assert.deepEqual(contents((await make(dir).getStore(v)).iterator()), expected[v], `version ${v}`)
        }
        // The same provider can also go back to an older version (a rerun after a failure).
        const provider = make(dir)
        await provider.getStore(8)
        assert.deepEqual(contents((await provider.getStore(3)).iterator()), expected[3])
        // ... and forward again, past versions it never opened.
        assert.deepEqual(contents((await provider.getStore(7)).iterator()), expected[7])
      }))

    it('round-trips every kind of Sluice value through disk', () =>
      withTempDir(async (dir) => {
        const value = {
          s: 'héllo',
          n: null,
          i: 42,
          l: 2 ** 53 - 1,
          d: -1.5e-300,
          b: true,
          bin: new Uint8Array([0, 255]),
          arr: [1, null, [2]],
          map: new Map<unknown, unknown>([
            ['x', 1],
            ['y', null],
          ]),
          st: { start: 1, end: 2 },
        }
        const s = await make(dir).getStore(0)
        s.put(['k', 1700000000000, { a: 1 }], value)
        s.put(['arr'], [1, 'two', { three: 3 }])
        await s.commit()
        const back = await make(dir).getStore(1)
        const got = back.get(['k', 1700000000000, { a: 1 }]) as typeof value
        assert.deepEqual({ ...got, bin: [...got.bin] }, { ...value, bin: [0, 255] })
        assert.ok(got.map instanceof Map)
        assert.deepEqual(back.get(['arr']), [1, 'two', { three: 3 }])
      }))

    it('leaves no trace after abort: files, the committed version and the next getStore are unchanged', () =>
      withTempDir(async (dir) => {
        const provider = make(dir)
        const expected = await commitVersions(provider, 3)
        const before = await directoryBytes(dir)
        const store = await provider.getStore(3)
        store.put(['new'], 1)
        store.remove(['k2'])
        store.abort()
        assert.deepEqual(await directoryBytes(dir), before)
        assert.deepEqual(contents((await provider.getStore(3)).iterator()), expected[3])
        // A store abandoned without abort (a batch that threw) is discarded by the next getStore.
        const abandoned = await provider.getStore(3)
        abandoned.put(['new'], 2)
        assert.deepEqual(contents((await provider.getStore(3)).iterator()), expected[3])
        assert.throws(() => abandoned.put(['x'], 1))
        assert.deepEqual(await directoryBytes(dir), before)
        assert.deepEqual(contents((await make(dir).getStore(3)).iterator()), expected[3])
      }))

    for (const numColsPrefixKey of [0, 1]) {
      it(`scans by key prefix, seeing this batch’s puts and removes (numColsPrefixKey ${numColsPrefixKey})`, () =>
        withTempDir(async (dir) => {
          const provider = make(dir, { numColsPrefixKey })
          const s0 = await provider.getStore(0)
          for (const k of [
            ['a', 1],
            ['a', 2],
            ['ab', 1],
            ['b', 1],
            [null, 1],
          ])
            s0.put(k, k.join())
          await s0.commit()
          const s1 = await make(dir, { numColsPrefixKey }).getStore(1)
          s1.remove(['a', 1])
          s1.put(['a', 3], 'a,3')
          s1.put(['c', 1], 'c,1')
          s1.remove(['c', 1])
          assert.deepEqual(contents(s1.prefixScan(['a'])), [
            [['a', 2], 'a,2'],
            [['a', 3], 'a,3'],
          ])
          assert.deepEqual(contents(s1.prefixScan(['a', 2])), [[['a', 2], 'a,2']])
          assert.deepEqual(contents(s1.prefixScan([null])), [[[null, 1], ',1']])
          assert.deepEqual(contents(s1.prefixScan(['c'])), [])
          assert.equal([...s1.prefixScan([])].length, 5)
          await s1.commit()
          const s2 = await provider.getStore(2)
          assert.deepEqual(contents(s2.prefixScan(['a'])), contents(s1.prefixScan(['a'])))
        }))
    }

    it('loads the same contents from snapshots plus deltas as from deltas alone', () =>
      withTempDir(async (dir) => {
        const withSnapshots = join(dir, 'snap')
        const deltasOnly = join(dir, 'delta')
        const expected = await commitVersions(make(withSnapshots, { minDeltasForSnapshot: 2 }), 14, true)
        await commitVersions(make(deltasOnly), 14)
        for (let v = 0; v <= 14; v++) {
          const a = contents((await make(withSnapshots).getStore(v)).iterator())
          assert.deepEqual(a, contents((await make(deltasOnly).getStore(v)).iterator()), `version ${v}`)
          assert.deepEqual(a, expected[v])
        }
      }))

    it('keeps every retained version loadable through maintenance and deletes older files', () =>
      withTempDir(async (dir) => {
        const options = { minBatchesToRetain: 4, minDeltasForSnapshot: 2 }
        const expected = await commitVersions(make(dir, options), 30, true)
        for (let v = 30 - 4; v <= 30; v++) {
          assert.deepEqual(contents((await make(dir, options).getStore(v)).iterator()), expected[v], `v${v}`)
        }
        assert.ok((await directoryBytes(dir)).size < 30, 'maintenance deleted old files')
        await assert.rejects(make(dir, options).getStore(1), { code: 'CHECKPOINT_CORRUPT' })
      }))

    it('range-scans an ordered store by event time in ascending order, over committed and open changes', () =>
      withTempDir(async (dir) => {
        const ordering = { keyOrdinal: 0, isWindow: true }
        const w = (end: number) => ({ start: end - 10, end })
        const s0 = await make(dir, { ordering }).getStore(0)
        for (const end of [30, 10, 20, 40]) s0.put([w(end), 'a'], end)
        s0.put([null, 'n'], 0)
        await s0.commit()
        // A fresh provider rebuilds the order from disk; the open version's changes are in it too.
        const s1 = await make(dir, { ordering }).getStore(1)
        s1.put([w(15), 'b'], 15)
        s1.remove([w(20), 'a'])
        assert.deepEqual(
          [...s1.rangeScan(Number.NEGATIVE_INFINITY, 30)].map((e) => e.value),
          [10, 15, 30],
        )
        assert.deepEqual(
          [...s1.rangeScan(20, 40)].map((e) => e.value),
          [30, 40],
        )
        // Entries may be removed while iterating (eviction).
        for (const e of s1.rangeScan(Number.NEGATIVE_INFINITY, 30)) s1.remove(e.key)
        assert.deepEqual(contents(s1.iterator()), [
          [[null, 'n'], 0],
          [[w(40), 'a'], 40],
        ])
      }))

    it('matches a plain Map at every version through random puts, removes, commits, aborts and reloads', () =>
      withTempDir(async (root) => {
        let run = 0
        await fc.assert(
          fc.asyncProperty(fc.array(opArb, { maxLength: 60 }), async (ops) => {
            await checkAgainstModel(make, join(root, String(run++)), ops)
          }),
          { numRuns: 60 },
        )
      }))
  })
}

type Op =
  | { readonly kind: 'put'; readonly key: StateKey; readonly value: number }
  | { readonly kind: 'remove'; readonly key: StateKey }
  | { readonly kind: 'commit' }
  | { readonly kind: 'abort' }
  | { readonly kind: 'maintain' }
  | { readonly kind: 'reload'; readonly back: number; readonly fresh: boolean }

const keyArb = fc.tuple(fc.constantFrom('a', 'b', 'ab', ''), fc.constantFrom(0, 1, -1.5, null))
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('put' as const), key: keyArb, value: fc.integer() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.constantFrom<Op>({ kind: 'commit' }, { kind: 'abort' }, { kind: 'maintain' }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('reload' as const), back: fc.nat(5), fresh: fc.boolean() }),
  },
)

/** Range scans the model check compares (the key's second component is the ordered time). */
const RANGES: readonly (readonly [number, number])[] = [
  [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
  [Number.NEGATIVE_INFINITY, 0],
  [-1, 0.5],
  [1, 1],
  [2, 5],
]

async function checkAgainstModel(make: MakeStateStoreProvider, dir: string, ops: readonly Op[]) {
  const options = {
    minDeltasForSnapshot: 2,
    numColsPrefixKey: 1,
    ordering: { keyOrdinal: 1, isWindow: false },
  }
  let provider = make(dir, options)
  // Committed versions, by version; a commit from v drops versions above v + 1 (a rerun's new branch).
  const versions = new Map<number, Map<string, unknown>>([[0, new Map()]])
  let store: StateStore = await provider.getStore(0)
  let model = new Map<string, unknown>()
  const check = (where: string) => {
    assert.deepEqual(contents(store.iterator()), modelContents(model), where)
    for (const [k, v] of model) assert.deepEqual(store.get(JSON.parse(k)), v, where)
    assert.equal(store.metrics().numKeys, model.size, where)
    for (const first of ['a', 'b', 'ab', '']) {
      const want = [...model].filter(([k]) => JSON.parse(k)[0] === first)
      assert.deepEqual(
        contents(store.prefixScan([first])),
        modelContents(new Map(want)),
        `${where} prefix ${first}`,
      )
    }
    for (const [from, to] of RANGES) {
      const want = [...model].filter(([k]) => {
        const t = JSON.parse(k)[1]
        return t !== null && t >= from && t <= to
      })
      const got = [...store.rangeScan(from, to)]
      assert.deepEqual(contents(got), modelContents(new Map(want)), `${where} range [${from}, ${to}]`)
      const times = got.map((e) => e.key[1] as number)
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
        `${where} range order`,
      )
    }
  }
  for (const [i, op] of ops.entries()) {
    const at = `op ${i} ${JSON.stringify(op)}`
    if (op.kind === 'put') {
      store.put(op.key, op.value)
      model.set(JSON.stringify(op.key), op.value)
    } else if (op.kind === 'remove') {
      store.remove(op.key)
      model.delete(JSON.stringify(op.key))
    } else if (op.kind === 'commit') {
      const v = await store.commit()
      for (const old of versions.keys()) if (old >= v) versions.delete(old)
      versions.set(v, new Map(model))
      store = await provider.getStore(v)
    } else if (op.kind === 'abort') {
      store.abort()
      store = await provider.getStore(store.version)
      model = new Map(versions.get(store.version))
    } else if (op.kind === 'maintain') {
      await provider.doMaintenance()
    } else {
      const target = Math.max(0, Math.max(...versions.keys()) - op.back)
      // A fresh provider stands for a restart; the same one for a rerun after a failed batch.
      if (op.fresh) provider = make(dir, options)
      store = await provider.getStore(target)
      model = new Map(versions.get(target))
    }
    check(at)
  }
}
