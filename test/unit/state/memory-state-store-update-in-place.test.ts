import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { nodeFileSystem } from '../../../src/io/fs.ts'
import { MemoryStateStoreProvider } from '../../../src/state/memory-state-store-provider.ts'
import type { StateStore } from '../../../src/state/spi.ts'
import { decodeDelta } from '../../../src/state/state-codec.ts'
import { contents } from '../../contract/state-store-contract.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const id = { operatorId: 0, partition: 0, storeName: 'default' }
const window = { start: 0, end: 10 }

function provider(dir: string) {
  return new MemoryStateStoreProvider({ id, dir, fs: nodeFileSystem })
}

async function at(p: MemoryStateStoreProvider, v: number) {
  return contents((await p.getStore(v)).iterator())
}

/** A count and a sum, as a windowed aggregate's buffer: adds `n` rows summing `sum`. */
function add(v: unknown[], [n, sum]: readonly [number, number]): void {
  v[0] = (v[0] as number) + n
  v[1] = (v[1] as number) + sum
}

function update(s: StateStore, key: unknown[], by: readonly [number, number]): boolean {
  return (s.updateInPlace as NonNullable<StateStore['updateInPlace']>)(key, add, by)
}

/** Version 1 holds [w, 1] -> [1, 5] and [w, 2] -> [2, 7]. */
async function seeded(dir: string) {
  const p = provider(dir)
  const s = await p.getStore(0)
  s.put([window, 1], [1, 5])
  s.put([window, 2], [2, 7])
  await s.commit()
  return p
}

const version1 = [
  [
    [window, 1],
    [1, 5],
  ],
  [
    [window, 2],
    [2, 7],
  ],
]

describe('MemoryStateStore.updateInPlace', () => {
  it('changes a stored buffer as a put: committed, in the delta, and read back from the files', () =>
    withTempDir(async (dir) => {
      const p = await seeded(dir)
      const s = await p.getStore(1)
      assert.equal(update(s, [{ start: 0, end: 10 }, 1], [1, 3]), true)
      assert.equal(update(s, [window, 3], [1, 1]), false, 'an absent key is not added')
      assert.equal(s.get([window, 3]), undefined)
      assert.equal(s.metrics().numRowsUpdated, 1)
      await s.commit()
      const want = [
        [
          [window, 1],
          [2, 8],
        ],
        [
          [window, 2],
          [2, 7],
        ],
      ]
      assert.deepEqual(await at(p, 2), want)
      const delta = decodeDelta('2.delta', await readFile(join(dir, '2.delta')))
      assert.deepEqual(delta, [{ key: [window, 1], value: [2, 8] }])
      assert.deepEqual(await at(provider(dir), 2), want)
      assert.deepEqual(await at(provider(dir), 1), version1, 'the version before is intact')
    }))

  it('is undone by an abort, with puts and other updates of the same key in the batch', () =>
    withTempDir(async (dir) => {
      const p = await seeded(dir)
      const bytes = (await p.getStore(1)).metrics().memoryUsedBytes
      const s = await p.getStore(1)
      update(s, [window, 1], [1, 1])
      update(s, [window, 1], [1, 1])
      s.put([window, 1], [9, 9, 9])
      s.put([window, 2], [4, 4])
      update(s, [window, 2], [1, 1])
      assert.deepEqual(s.get([window, 2]), [5, 5])
      s.remove([window, 2])
      s.abort()
      assert.deepEqual(await at(p, 1), version1)
      assert.equal((await p.getStore(1)).metrics().memoryUsedBytes, bytes)
      const again = await p.getStore(1)
      update(again, [window, 1], [1, 1])
      await again.commit()
      assert.deepEqual(await at(provider(dir), 2), [
        [
          [window, 1],
          [2, 6],
        ],
        [
          [window, 2],
          [2, 7],
        ],
      ])
    }))

  it('refuses a change of the buffer length as INTERNAL', () =>
    withTempDir(async (dir) => {
      const s = await (await seeded(dir)).getStore(1)
      assert.throws(
        () => s.updateInPlace?.([window, 1], (v) => v.push(1), undefined),
        (e: Error & { code?: string }) => e.code === 'INTERNAL' && /length/.test(e.message),
      )
    }))
})
