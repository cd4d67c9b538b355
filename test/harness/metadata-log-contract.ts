/**
 * The contract every metadata log keeps (STYLE: "every metadata log refuses a second write of the same
 * batch id"), as one suite to run against each log's codec, on real files.
 */
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { FileMetadataLog } from '../../src/checkpoint/file-metadata-log.ts'
import type { FileCodec } from '../../src/checkpoint/versioned-file.ts'
import { isSluiceError } from '../../src/errors.ts'
import { nodeFileSystem } from '../../src/io/fs.ts'
import { withTempDir } from './temp-dir.ts'

export interface MetadataLogContractOptions<T> {
  readonly codec: FileCodec<T>
  /** Distinct entries for a batch id: `entry(id, 0)` and `entry(id, 1)` must differ. */
  entry(batchId: number, variant: number): T
}

function withLog<T>(codec: FileCodec<T>, fn: (log: FileMetadataLog<T>, dir: string) => Promise<void>) {
  return () =>
    withTempDir((dir) => fn(new FileMetadataLog(nodeFileSystem, join(dir, 'log'), codec), join(dir, 'log')))
}

/**
 * Declares the contract suite for one log.
 *
 * @example
 * metadataLogContract('commits log', { codec: commitLogCodec, entry: (id, v) => commitLogEntry({ nextBatchWatermarkMs: id * 10 + v }) })
 */
export function metadataLogContract<T>(name: string, options: MetadataLogContractOptions<T>): void {
  const { codec, entry } = options
  describe(`${name}: metadata log contract`, () => {
    it(
      'reads back what it added',
      withLog(codec, async (log) => {
        assert.equal(await log.add(0, entry(0, 0)), true)
        assert.deepEqual(await log.get(0), entry(0, 0))
        assert.equal(await log.get(1), undefined)
      }),
    )

    it(
      'refuses a second write of the same batch id and keeps the first',
      withLog(codec, async (log) => {
        assert.equal(await log.add(3, entry(3, 0)), true)
        const before = await readFile(log.pathOf(3))
        assert.equal(await log.add(3, entry(3, 1)), false)
        assert.deepEqual(await readFile(log.pathOf(3)), before)
        assert.deepEqual(await log.get(3), entry(3, 0))
      }),
    )

    it(
      'lets exactly one of many concurrent writers of a batch id win',
      withLog(codec, async (log) => {
        const results = await Promise.all([0, 1, 0, 1, 0, 1].map((v) => log.add(5, entry(5, v))))
        assert.equal(results.filter((r) => r).length, 1)
        const winner = results.indexOf(true) % 2
        assert.deepEqual(await log.get(5), entry(5, winner))
      }),
    )

    it(
      'returns the highest batch id as the latest',
      withLog(codec, async (log) => {
        assert.equal(await log.getLatest(), undefined)
        for (const id of [0, 1, 2, 10, 9]) await log.add(id, entry(id, 0))
        assert.deepEqual(await log.getLatest(), { batchId: 10, entry: entry(10, 0) })
      }),
    )

    it(
      'lists batch ids numerically, ignoring temp files and other names',
      withLog(codec, async (log, dir) => {
        for (const id of [2, 10, 1]) await log.add(id, entry(id, 0))
        for (const other of ['.tmp-3-abc', '007', 'notes', '-1']) await writeFile(join(dir, other), 'x')
        assert.deepEqual(await log.listBatchIds(), [1, 2, 10])
      }),
    )

    it(
      'reads contiguous ranges and refuses ranges with missing batches',
      withLog(codec, async (log) => {
        for (const id of [0, 1, 2, 3]) await log.add(id, entry(id, 0))
        assert.deepEqual(
          (await log.getRange(1, 2)).map((r) => r.batchId),
          [1, 2],
        )
        assert.deepEqual(
          (await log.getRange()).map((r) => r.batchId),
          [0, 1, 2, 3],
        )
        assert.deepEqual(
          (await log.getRange(2)).map((r) => r.batchId),
          [2, 3],
        )
        await assert.rejects(
          log.getRange(2, 5),
          (e) => isSluiceError(e, 'CHECKPOINT_CORRUPT') && /4, 5/.test(e.message),
        )
        await log.add(6, entry(6, 0))
        await assert.rejects(
          log.getRange(),
          (e) => isSluiceError(e, 'CHECKPOINT_CORRUPT') && /batches 4, 5 are missing/.test(e.message),
        )
      }),
    )

    it(
      'purges every entry below the threshold and nothing else',
      withLog(codec, async (log) => {
        for (const id of [0, 1, 2, 3, 4]) await log.add(id, entry(id, 0))
        assert.deepEqual(await log.purge(3), [0, 1, 2])
        assert.deepEqual(await log.listBatchIds(), [3, 4])
        assert.deepEqual(await log.get(3), entry(3, 0))
        assert.deepEqual(await log.purge(3), [])
      }),
    )

    it(
      'rejects batch ids that are not non-negative integers',
      withLog(codec, async (log) => {
        for (const bad of [-1, 1.5, Number.NaN]) {
          await assert.rejects(log.add(bad, entry(0, 0)), (e) => isSluiceError(e, 'INVALID_ARGUMENT'))
        }
      }),
    )
  })
}
