import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { crc32 } from 'node:zlib'
import { Packr } from 'msgpackr'
import { nodeFileSystem } from '../../../src/io/fs.ts'
import {
  decodeChangelog,
  decodeLmdbSnapshot,
  decodeLmdbSnapshotPart,
  encodeChangelog,
  encodeChangelogBlock,
} from '../../../src/state/lmdb/lmdb-checkpoint-codec.ts'
import { readLmdbCheckpointVersion } from '../../../src/state/lmdb/lmdb-checkpoint-read.ts'
import { lmdbLocalDir } from '../../../src/state/lmdb/lmdb-local-store.ts'
import {
  LmdbStateStoreProvider,
  type LmdbStateStoreProviderOptions,
} from '../../../src/state/lmdb/lmdb-state-store-provider.ts'
import { stateStoreProviderFactory } from '../../../src/state/provider-registry.ts'
import { encodeColumns } from '../../../src/state/state-columns-codec.ts'
import { contents, stateStoreContract } from '../../contract/state-store-contract.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const id = { operatorId: 0, partition: 0, storeName: 'default' }
// Local LMDB folders of this file's providers: outside the checkpoint directories the contract
// compares byte for byte, and removed at the end.
const localRoot = await mkdtemp(join(tmpdir(), 'sluice-lmdb-test-'))
after(() => rm(localRoot, { recursive: true, force: true }))

function provider(dir: string, options: Partial<LmdbStateStoreProviderOptions> = {}) {
  return new LmdbStateStoreProvider({
    id,
    dir,
    fs: nodeFileSystem,
    localDir: lmdbLocalDir(dir, localRoot),
    ...options,
  })
}

stateStoreContract('lmdb', (dir, options) => provider(dir, options))
// Unmapped and mapped again after every commit, load and snapshot part: the same contract holds.
stateStoreContract('lmdb (remapBytes 0)', (dir, options) => provider(dir, { ...options, remapBytes: 0 }))
// Every change spilled into the folder ahead of the commit: the same contract holds.
stateStoreContract('lmdb (maxOverlayEntries 1)', (dir, options) =>
  provider(dir, { ...options, maxOverlayEntries: 1 }),
)

async function commitMany(p: LmdbStateStoreProvider, from: number, to: number) {
  for (let v = from; v < to; v++) {
    const s = await p.getStore(v)
    s.put([`k${v}`], { n: v })
    if (v > 2) s.remove([`k${v - 3}`])
    await s.commit()
    await p.doMaintenance()
  }
}

describe('LmdbStateStoreProvider', () => {
  it('is chosen by the registry by short name and by Spark class name', () => {
    for (const name of ['lmdb', 'org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider']) {
      const p = stateStoreProviderFactory(name)({
        id,
        dir: join(localRoot, 'x'),
        fs: nodeFileSystem,
        minBatchesToRetain: 2,
      })
      assert.ok(p instanceof LmdbStateStoreProvider)
      p.close()
    }
  })

  it('writes <v>.changelog per commit and <v>.lmdbsnap by maintenance into the checkpoint', () =>
    withTempDir(async (dir) => {
      const p = provider(dir, { minDeltasForSnapshot: 2 })
      await commitMany(p, 0, 4)
      const names = (await readdir(dir)).sort()
      assert.deepEqual(names, ['1.changelog', '2.changelog', '3.changelog', '3.lmdbsnap', '4.changelog'])
      p.close()
    }))

  it('rebuilds a lost local folder from the checkpoint (snapshot plus changelogs)', () =>
    withTempDir(async (dir) => {
      const p = provider(dir, { minDeltasForSnapshot: 2 })
      await commitMany(p, 0, 7)
      const want = contents((await p.getStore(7)).iterator())
      p.close()
      await rm(lmdbLocalDir(dir, localRoot), { recursive: true, force: true })
      const q = provider(dir)
      const s = await q.getStore(7)
      assert.deepEqual(contents(s.iterator()), want)
      assert.ok((s.metrics().customMetrics?.lmdbFilesReplayed ?? 0) >= 1)
      await commitMany(q, 7, 9)
      q.close()
    }))

  it('does not trust a local folder whose version the checkpoint does not have', () =>
    withTempDir(async (dir) => {
      const a = join(dir, 'a')
      const p = provider(a)
      await commitMany(p, 0, 3)
      p.close()
      // The checkpoint is replaced by one of another run (written through another local folder)
      // that reached the same version; the first local folder still holds the old run's version 3.
      await rm(a, { recursive: true })
      const other = provider(a, { localDir: join(localRoot, 'other') })
      for (let v = 0; v < 3; v++) {
        const s = await other.getStore(v)
        s.put(['other', v], v)
        await s.commit()
      }
      other.close()
      const want = [0, 1, 2].map((v) => [['other', v], v])
      assert.deepEqual(contents((await provider(a).getStore(3)).iterator()), want)
    }))

  it('reports its figures as customMetrics', () =>
    withTempDir(async (dir) => {
      const p = provider(dir)
      await commitMany(p, 0, 2)
      const m = (await p.getStore(2)).metrics().customMetrics ?? {}
      assert.ok((m.lmdbBytesOnDisk ?? 0) > 0)
      assert.deepEqual(Object.keys(m).sort(), [
        'lmdbBytesOnDisk',
        'lmdbChangelogWriteTimeMs',
        'lmdbCommitApplyTimeMs',
        'lmdbFilesReplayed',
        'lmdbLoadTimeMs',
        'lmdbOverlaySpills',
        'lmdbRemaps',
        'lmdbSnapshotWriteTimeMs',
      ])
      p.close()
    }))

  it('refuses a changed or newer-format changelog when rebuilding, naming the file', () =>
    withTempDir(async (dir) => {
      const p = provider(dir)
      await commitMany(p, 0, 3)
      p.close()
      const file = join(dir, '2.changelog')
      const bytes = await readFile(file)
      assert.match(bytes.subarray(0, 26).toString(), /^sluice-lmdb-changelog v3\n/)
      const changed = Buffer.from(bytes)
      changed[changed.length - 1] ^= 1
      await writeFile(file, changed)
      await rm(lmdbLocalDir(dir, localRoot), { recursive: true, force: true })
      await assert.rejects(provider(dir).getStore(3), (e: Error & { code?: string }) => {
        return e.code === 'CHECKPOINT_CORRUPT' && e.message.includes(file) && /CRC-32/.test(e.message)
      })
      await writeFile(file, Buffer.concat([Buffer.from('sluice-lmdb-changelog v9'), bytes.subarray(24)]))
      await assert.rejects(provider(dir).getStore(3), { code: 'CHECKPOINT_VERSION_UNSUPPORTED' })
    }))

  it('writes a snapshot in parts and restores a lost local folder from them', () =>
    withTempDir(async (dir) => {
      const p = provider(dir, { minDeltasForSnapshot: 1, snapshotPartEntries: 3 })
      for (let v = 0; v < 3; v++) {
        const s = await p.getStore(v)
        for (let i = 0; i < 4; i++) s.put([`k${v}-${i}`], v * 10 + i)
        await s.commit()
      }
      await p.doMaintenance()
      const want = contents((await p.getStore(3)).iterator())
      p.close()
      const names = (await readdir(dir)).sort()
      assert.deepEqual(names, [
        '1.changelog',
        '2.changelog',
        '3.changelog',
        '3.lmdbsnap',
        '3.lmdbsnap-1',
        '3.lmdbsnap-2',
        '3.lmdbsnap-3',
      ])
      await rm(lmdbLocalDir(dir, localRoot), { recursive: true, force: true })
      // Without the changelogs, only the snapshot's four files can give version 3.
      for (const v of [1, 2, 3]) await rm(join(dir, `${v}.changelog`))
      const s = await provider(dir).getStore(3)
      assert.equal(want.length, 12)
      assert.deepEqual(contents(s.iterator()), want)
      assert.equal(s.metrics().customMetrics?.lmdbFilesReplayed, 4)
      // The state reader's path (checkpoint files only) reads the parts too.
      assert.deepEqual(contents(await readLmdbCheckpointVersion(nodeFileSystem, dir, 3)), want)
    }))

  it('unmaps its folder after commits, loads and snapshot parts once the file is larger than remapBytes', () =>
    withTempDir(async (dir) => {
      const p = provider(dir, { minDeltasForSnapshot: 1, snapshotPartEntries: 2, remapBytes: 0 })
      for (let v = 0; v < 3; v++) {
        const s = await p.getStore(v)
        for (let i = 0; i < 3; i++) s.put([`k${v}-${i}`], v * 10 + i)
        await s.commit()
      }
      await p.doMaintenance()
      const s = await p.getStore(3)
      assert.equal(s.get(['k2-1']), 21)
      assert.equal(contents(s.iterator()).length, 9)
      // 3 commits, then 4 snapshot parts besides the main file and the main file itself.
      assert.equal(s.metrics().customMetrics?.lmdbRemaps, 3 + 5)
      p.close()
      const big = provider(dir, { remapBytes: 1e12 })
      const t = await big.getStore(3)
      t.put(['x'], 1)
      await t.commit()
      assert.equal((await big.getStore(4)).metrics().customMetrics?.lmdbRemaps, 0)
      big.close()
    }))

  it('counts only its keys in numKeys when the values hold records (msgpack keeps their structures beside them)', () =>
    withTempDir(async (dir) => {
      const p = provider(dir)
      const s = await p.getStore(0)
      for (let i = 0; i < 5; i++) s.put([{ start: 0, end: 10 }, i], { count: i })
      await s.commit()
      p.close()
      const again = provider(dir)
      assert.equal((await again.getStore(1)).metrics().numKeys, 5)
      again.close()
    }))

  it('spills a full overlay into the folder and its changelog, and forgets it after an abort or a crash', () =>
    withTempDir(async (dir) => {
      const p = provider(dir, { maxOverlayEntries: 2 })
      const s = await p.getStore(0)
      for (let i = 0; i < 5; i++) s.put([`k${i}`], i)
      s.remove(['k1'])
      s.put(['k0'], 10)
      assert.equal(s.get(['k3']), 3)
      assert.equal(s.get(['k1']), undefined)
      assert.ok((s.metrics().customMetrics?.lmdbOverlaySpills ?? 0) >= 2)
      await s.commit()
      const want = [
        [['k0'], 10],
        [['k2'], 2],
        [['k3'], 3],
        [['k4'], 4],
      ]
      assert.deepEqual(contents((await p.getStore(1)).iterator()), want)
      // The changelog (several blocks) alone rebuilds it.
      p.close()
      await rm(lmdbLocalDir(dir, localRoot), { recursive: true, force: true })
      assert.deepEqual(contents(await readLmdbCheckpointVersion(nodeFileSystem, dir, 1)), want)
      const q = provider(dir, { maxOverlayEntries: 2 })
      const t = await q.getStore(1)
      assert.deepEqual(contents(t.iterator()), want)
      for (let i = 0; i < 4; i++) t.put([`x${i}`], i)
      t.abort()
      assert.deepEqual(contents((await q.getStore(1)).iterator()), want)
      const u = await q.getStore(1)
      for (let i = 0; i < 4; i++) u.put([`y${i}`], i)
      // A crash with spilled changes: the next provider does not trust the folder.
      q.close()
      const r = provider(dir, { maxOverlayEntries: 2 })
      assert.deepEqual(contents((await r.getStore(1)).iterator()), want)
      r.close()
    }))

  it('still reads v2 changelogs (one block of columns) and refuses a v3 one whose blocks overrun it', () => {
    const body = encodeColumns([{ key: ['a'], value: [2] }, { key: ['b'] }])
    const crc = crc32(body).toString(16).padStart(8, '0')
    const v2 = Buffer.concat([Buffer.from(`sluice-lmdb-changelog v2\n${crc}\n`), body])
    assert.deepEqual(decodeChangelog('2.changelog', v2), [{ key: ['a'], value: [2] }, { key: ['b'] }])
    const v3 = Buffer.from(
      encodeChangelog([{ key: ['c'], value: 1 }], [encodeChangelogBlock([{ key: ['c'] }])]),
    )
    assert.deepEqual(decodeChangelog('3.changelog', v3), [{ key: ['c'] }, { key: ['c'], value: 1 }])
    const head = v3.indexOf(10, v3.indexOf(10) + 1) + 1
    const damaged = (change: (b: Buffer) => void) => {
      const b = Buffer.from(v3.subarray(head))
      change(b)
      const c = crc32(b).toString(16).padStart(8, '0')
      return Buffer.concat([Buffer.from(`sluice-lmdb-changelog v3\n${c}\n`), b])
    }
    for (const [what, change] of [
      ['more blocks than it holds', (b: Buffer) => b.writeUInt32LE(3, 0)],
      ['a block longer than the file', (b: Buffer) => b.writeUInt32LE(1e6, 4)],
      ['fewer blocks than it holds', (b: Buffer) => b.writeUInt32LE(1, 0)],
    ] as const) {
      assert.throws(
        () => decodeChangelog('3.changelog', damaged(change)),
        { code: 'CHECKPOINT_CORRUPT' },
        what,
      )
    }
  })

  it('still reads the v1 files of Sluice 0.2 (a msgpack body)', () => {
    const v1 = (kind: string, body: unknown) => {
      const bytes = new Packr({
        useRecords: true,
        sequential: true,
        mapsAsObjects: false,
        moreTypes: true,
      }).pack(body)
      const head = `sluice-lmdb-${kind} v1\n${crc32(bytes).toString(16).padStart(8, '0')}\n`
      return new Uint8Array([...Buffer.from(head), ...bytes])
    }
    const key = ['a', { start: 0, end: 10 }]
    assert.deepEqual(decodeChangelog('/c', v1('changelog', [[key, [2]], [['b']]])), [
      { key, value: [2] },
      { key: ['b'] },
    ])
    assert.deepEqual(decodeLmdbSnapshot('/s', v1('snapshot', [2, [[key, [1]]]])), {
      numParts: 2,
      entries: [{ key, value: [1] }],
    })
    assert.deepEqual(decodeLmdbSnapshotPart('/p', v1('snapshot-part', [[['c'], 3]])), [
      { key: ['c'], value: 3 },
    ])
    assert.throws(() => decodeLmdbSnapshotPart('/p', v1('snapshot-part', [[['c']]])), {
      code: 'CHECKPOINT_CORRUPT',
    })
  })
})
