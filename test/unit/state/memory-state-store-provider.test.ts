import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { type FileSystem, nodeFileSystem } from '../../../src/io/fs.ts'
import {
  MemoryStateStoreProvider,
  type MemoryStateStoreProviderOptions,
  parseStoreFiles,
  stateStoreDir,
} from '../../../src/state/memory-state-store-provider.ts'
import { decodeDelta } from '../../../src/state/state-codec.ts'
import { contents, directoryBytes, stateStoreContract } from '../../contract/state-store-contract.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const id = { operatorId: 0, partition: 0, storeName: 'default' }

function provider(dir: string, options: Partial<MemoryStateStoreProviderOptions> = {}) {
  return new MemoryStateStoreProvider({ id, dir, fs: nodeFileSystem, ...options })
}

stateStoreContract('memory', (dir, options) => provider(dir, options))

/** Commits versions 1..count, each putting key `k<v>`, running maintenance after each when asked. */
async function commitMany(p: MemoryStateStoreProvider, count: number, maintain: boolean) {
  for (let v = 0; v < count; v++) {
    const s = await p.getStore(v)
    s.put([`k${v}`], v)
    await s.commit()
    if (maintain) await p.doMaintenance()
  }
}

async function names(dir: string): Promise<string[]> {
  return parseStoreFiles(await nodeFileSystem.list(dir)).map((f) => f.name)
}

describe('MemoryStateStoreProvider files', () => {
  it('writes one <version>.delta per commit with a v3 header and no snapshot', () =>
    withTempDir(async (dir) => {
      await commitMany(provider(dir), 3, false)
      assert.deepEqual(await names(dir), ['1.delta', '2.delta', '3.delta'])
      const bytes = await readFile(join(dir, '2.delta'))
      assert.equal(bytes.subarray(0, 3).toString(), 'v3\n')
    }))

  it('snapshots in maintenance once more than minDeltasForSnapshot deltas are needed, as Spark does', () =>
    withTempDir(async (dir) => {
      await commitMany(provider(dir), 10, true)
      assert.ok(!(await names(dir)).some((n) => n.endsWith('.snapshot')), '10 deltas are not more than 10')
      const p = provider(dir)
      await p.getStore(10)
      const s = await p.getStore(10)
      s.put(['k10'], 10)
      await s.commit()
      assert.ok(!(await names(dir)).includes('11.snapshot'), 'commit itself never snapshots')
      await p.doMaintenance()
      assert.ok((await names(dir)).includes('11.snapshot'))
    }))

  it('loads from the latest snapshot at or below the version, not from older deltas', () =>
    withTempDir(async (dir) => {
      await commitMany(provider(dir, { minDeltasForSnapshot: 2 }), 6, true)
      assert.deepEqual(await names(dir), [
        '1.delta',
        '2.delta',
        '3.snapshot',
        '3.delta',
        '4.delta',
        '5.delta',
        '6.snapshot',
        '6.delta',
      ])
      for (const n of ['1.delta', '2.delta']) await nodeFileSystem.delete(join(dir, n))
      const s = await provider(dir).getStore(5)
      assert.deepEqual(
        contents(s.iterator()).map(([k]) => k[0]),
        ['k0', 'k1', 'k2', 'k3', 'k4'],
      )
    }))

  it('keeps exactly the files needed for the last minBatchesToRetain versions, as Spark’s cleanup does', () =>
    withTempDir(async (dir) => {
      await commitMany(provider(dir, { minDeltasForSnapshot: 2, minBatchesToRetain: 4 }), 12, true)
      // Latest 12, retain from 8: the latest snapshot at or below 8 is 6, so files before 6 go.
      assert.deepEqual(await names(dir), [
        '6.snapshot',
        '6.delta',
        '7.delta',
        '8.delta',
        '9.snapshot',
        '9.delta',
        '10.delta',
        '11.delta',
        '12.snapshot',
        '12.delta',
      ])
    }))

  it('puts a non-default store in a subdirectory named after it', () => {
    assert.equal(stateStoreDir('/c/state/0/3', 'default'), '/c/state/0/3')
    assert.equal(stateStoreDir('/c/state/0/3', 'left'), join('/c/state/0/3', 'left'))
  })

  it('replaces a stale snapshot of the version it commits (a rerun that wrote different state)', () =>
    withTempDir(async (dir) => {
      await commitMany(provider(dir, { minDeltasForSnapshot: 1 }), 3, true)
      assert.ok((await names(dir)).includes('2.snapshot'))
      const p = provider(dir)
      const s = await p.getStore(1)
      s.put(['other'], 1)
      await s.commit()
      assert.ok(!(await names(dir)).includes('2.snapshot'))
      assert.deepEqual(contents((await provider(dir).getStore(2)).iterator()), [
        [['k0'], 0],
        [['other'], 1],
      ])
    }))
})

describe('MemoryStateStoreProvider metrics', () => {
  it('estimates memory from the committed map and this batch’s changes, without counting them twice', () =>
    withTempDir(async (dir) => {
      const p = provider(dir)
      const s0 = await p.getStore(0)
      assert.equal(s0.metrics().memoryUsedBytes, 0)
      s0.put(['a'], { count: 1 })
      s0.put(['b'], 'x'.repeat(1000))
      const pending = s0.metrics().memoryUsedBytes
      assert.ok(pending > 2000, `${pending}`)
      await s0.commit()
      assert.equal(s0.metrics().memoryUsedBytes, pending)
      assert.equal((await provider(dir).getStore(1)).metrics().memoryUsedBytes, pending)
      const s1 = await p.getStore(1)
      s1.remove(['a'])
      s1.remove(['b'])
      await s1.commit()
      const s2 = await p.getStore(2)
      assert.deepEqual(s2.metrics(), { numKeys: 0, memoryUsedBytes: 0, numRowsUpdated: 0, numRowsRemoved: 0 })
    }))
})

describe('MemoryStateStoreProvider errors', () => {
  it('names the missing delta file and the version being loaded', () =>
    withTempDir(async (dir) => {
      await commitMany(provider(dir), 4, false)
      await assert.rejects(
        provider(dir).getStore(9),
        /5\.delta is missing: it is needed to load state version 9/,
      )
      await nodeFileSystem.delete(join(dir, '2.delta'))
      await assert.rejects(provider(dir).getStore(4), (e: Error & { code: string }) => {
        assert.equal(e.code, 'CHECKPOINT_CORRUPT')
        assert.ok(e.message.includes(join(dir, '2.delta')), e.message)
        assert.ok(e.message.includes('version 4'), e.message)
        return true
      })
    }))

  for (const [what, change] of [
    ['truncated', (b: Buffer) => b.subarray(0, b.length - 3)],
    ['with trailing bytes', (b: Buffer) => Buffer.concat([b, Buffer.from([1])])],
    ['without a version line', (b: Buffer) => b.subarray(3)],
    ['empty', () => Buffer.alloc(0)],
  ] as const) {
    it(`refuses a ${what} delta as CHECKPOINT_CORRUPT naming the file`, () =>
      withTempDir(async (dir) => {
        await commitMany(provider(dir), 2, false)
        const file = join(dir, '2.delta')
        await writeFile(file, change(await readFile(file)))
        await assert.rejects(provider(dir).getStore(2), (e: Error & { code: string }) => {
          assert.equal(e.code, 'CHECKPOINT_CORRUPT')
          assert.ok(e.message.includes(file), e.message)
          return true
        })
      }))
  }

  it('refuses a corrupt snapshot as CHECKPOINT_CORRUPT naming the file', () =>
    withTempDir(async (dir) => {
      await commitMany(provider(dir, { minDeltasForSnapshot: 1 }), 3, true)
      const file = join(dir, '2.snapshot')
      const bytes = await readFile(file)
      await writeFile(file, bytes.subarray(0, bytes.length - 2))
      await assert.rejects(provider(dir).getStore(3), {
        code: 'CHECKPOINT_CORRUPT',
        message: new RegExp(file),
      })
    }))

  it('refuses a delta written by a newer format as CHECKPOINT_VERSION_UNSUPPORTED', () =>
    withTempDir(async (dir) => {
      await commitMany(provider(dir), 1, false)
      const file = join(dir, '1.delta')
      const bytes = await readFile(file)
      await writeFile(file, Buffer.concat([Buffer.from('v4\n'), bytes.subarray(3)]))
      await assert.rejects(provider(dir).getStore(1), { code: 'CHECKPOINT_VERSION_UNSUPPORTED' })
    }))

  it('leaves the committed version intact when writing the delta fails', () =>
    withTempDir(async (dir) => {
      let fail = false
      const fs: FileSystem = {
        ...nodeFileSystem,
        writeAtomic: (path, data) =>
          fail ? Promise.reject(new Error('disk full')) : nodeFileSystem.writeAtomic(path, data),
      }
      const p = new MemoryStateStoreProvider({ id, dir, fs })
      const s0 = await p.getStore(0)
      s0.put(['a'], 1)
      await s0.commit()
      const before = await directoryBytes(dir)
      fail = true
      const s1 = await p.getStore(1)
      s1.put(['a'], 2)
      s1.put(['b'], 3)
      await assert.rejects(s1.commit(), /disk full/)
      assert.throws(() => s1.put(['c'], 1), { code: 'INTERNAL' })
      assert.deepEqual(contents((await p.getStore(1)).iterator()), [[['a'], 1]])
      assert.deepEqual(await directoryBytes(dir), before)
    }))

  it('refuses a negative or fractional version and bad options', () =>
    withTempDir(async (dir) => {
      await assert.rejects(provider(dir).getStore(-1), { code: 'INVALID_ARGUMENT' })
      await assert.rejects(provider(dir).getStore(1.5), { code: 'INVALID_ARGUMENT' })
      assert.throws(() => provider(dir, { minBatchesToRetain: 0 }), { code: 'INVALID_ARGUMENT' })
    }))
})

/** The entries of version `v` as a fresh store sees them. */
async function at(p: MemoryStateStoreProvider, v: number) {
  return contents((await p.getStore(v)).iterator())
}

describe('MemoryStateStore writes into the map with an undo log', () => {
  /** Changes k1 twice, removes and re-puts k2, changes and removes k3, adds k4 (k1..k3 hold 1 at version 1). */
  async function churn(p: MemoryStateStoreProvider) {
    const s = await p.getStore(1)
    s.put(['k1'], 10)
    s.put(['k1'], 11)
    s.remove(['k2'])
    s.put(['k2'], 20)
    s.put(['k3'], 30)
    s.remove(['k3'])
    s.put(['k4'], 40)
    s.remove(['k4'])
    s.put(['k4'], 41)
    return s
  }

  async function seeded(dir: string) {
    const p = provider(dir)
    const s = await p.getStore(0)
    for (const k of ['k1', 'k2', 'k3']) s.put([k], 1)
    await s.commit()
    return p
  }

  it('an abort, a failed commit and a replacing getStore all leave the version as it was', () =>
    withTempDir(async (dir) => {
      const p = await seeded(dir)
      const want = [
        [['k1'], 1],
        [['k2'], 1],
        [['k3'], 1],
      ]
      ;(await churn(p)).abort()
      assert.deepEqual(await at(p, 1), want)
      await churn(p)
      assert.deepEqual(await at(p, 1), want)
      const failing = new MemoryStateStoreProvider({
        id,
        dir,
        fs: {
          ...nodeFileSystem,
          writeAtomic: async () => Promise.reject(new Error('disk full')),
        } as FileSystem,
      })
      const s = await churn(failing)
      await assert.rejects(s.commit(), /disk full/)
      assert.deepEqual(await at(failing, 1), want)
      assert.equal((await failing.getStore(1)).metrics().numKeys, 3)
    }))

  it('commits the net change per key, and a reload from the files reads the same version', () =>
    withTempDir(async (dir) => {
      const p = await seeded(dir)
      await (await churn(p)).commit()
      const want = [
        [['k1'], 11],
        [['k2'], 20],
        [['k4'], 41],
      ]
      assert.deepEqual(await at(p, 2), want)
      const delta = decodeDelta('2.delta', await readFile(join(dir, '2.delta')))
      assert.deepEqual(delta.map((u) => u.key[0]).sort(), ['k1', 'k2', 'k3', 'k4'])
      assert.deepEqual(await at(provider(dir), 2), want)
    }))
})
