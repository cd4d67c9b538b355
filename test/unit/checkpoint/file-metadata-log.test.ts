import assert from 'node:assert/strict'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { commitLogCodec, commitLogEntry } from '../../../src/checkpoint/commit-log-codec.ts'
import { FileMetadataLog } from '../../../src/checkpoint/file-metadata-log.ts'
import { offsetLogCodec, offsetLogEntry } from '../../../src/checkpoint/offset-log-codec.ts'
import type { FileCodec } from '../../../src/checkpoint/versioned-file.ts'
import { isSluiceError } from '../../../src/errors.ts'
import { nodeFileSystem } from '../../../src/io/fs.ts'
import { sampleOffsets } from '../../harness/checkpoint-entries.ts'
import { metadataLogContract } from '../../harness/metadata-log-contract.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

metadataLogContract('offsets log', {
  codec: offsetLogCodec,
  entry: (id, variant) => offsetLogEntry({ ...sampleOffsets(id), batchWatermarkMs: variant }),
})

metadataLogContract('commits log', {
  codec: commitLogCodec,
  entry: (id, variant) => commitLogEntry({ nextBatchWatermarkMs: id * 10 + variant }),
})

/** Writes `content` as batch `batchId` of a fresh log, reads it back, and checks the file is untouched. */
async function readBack<T>(codec: FileCodec<T>, batchId: number, content: string | Uint8Array) {
  return withTempDir(async (dir) => {
    await mkdir(join(dir, 'log'))
    const file = join(dir, 'log', String(batchId))
    await writeFile(file, content)
    const before = await readFile(file)
    const log = new FileMetadataLog(nodeFileSystem, join(dir, 'log'), codec)
    let error: unknown
    let value: T | undefined
    try {
      value = await log.get(batchId)
    } catch (e) {
      error = e
    }
    let latestError: unknown
    await log.getLatest().catch((e) => {
      latestError = e
    })
    assert.deepEqual(await readFile(file), before, 'the file must be left untouched')
    return { file, error, latestError, value }
  })
}

function assertError(error: unknown, code: string, ...parts: (string | RegExp)[]) {
  assert.ok(isSluiceError(error), `expected a SluiceError, got ${String(error)}`)
  assert.equal(error.code, code, error.message)
  for (const part of parts) {
    if (typeof part === 'string')
      assert.ok(error.message.includes(part), `'${part}' not in: ${error.message}`)
    else assert.match(error.message, part)
  }
}

const GOOD_OFFSETS =
  'v1\n{"batchId":4,"batchTimestampMs":1000,"batchWatermarkMs":0,"conf":{}}\n{"sourceId":"rate","offset":"5"}\n'

describe('reading offsets/N', () => {
  it('reads the documented format', async () => {
    const { value } = await readBack(offsetLogCodec, 4, GOOD_OFFSETS)
    assert.deepEqual(value, {
      batchId: 4,
      batchTimestampMs: 1000,
      batchWatermarkMs: 0,
      conf: {},
      offsets: { rate: '5' },
    })
    assert.ok(Object.isFrozen(value) && Object.isFrozen(value?.offsets))
  })

  it('refuses garbage, naming the file and what to do', async () => {
    const { file, error, latestError } = await readBack(offsetLogCodec, 4, 'hello world\n')
    assertError(
      error,
      'CHECKPOINT_CORRUPT',
      file,
      "version line like 'v1'",
      'left the file untouched',
      'backup',
    )
    assertError(latestError, 'CHECKPOINT_CORRUPT', file)
  })

  it('refuses a file cut off in the middle of a line', async () => {
    const { file, error } = await readBack(offsetLogCodec, 4, GOOD_OFFSETS.slice(0, 60))
    assertError(error, 'CHECKPOINT_CORRUPT', file, 'truncated')
  })

  it('refuses a file cut off after its version line', async () => {
    const { error } = await readBack(offsetLogCodec, 4, 'v1\n')
    assertError(error, 'CHECKPOINT_CORRUPT', 'batch metadata (line 2) is missing')
  })

  it('refuses a file without its version line', async () => {
    const { error } = await readBack(offsetLogCodec, 4, GOOD_OFFSETS.slice(3))
    assertError(error, 'CHECKPOINT_CORRUPT', "the first line should be a version line like 'v1'")
  })

  it('refuses an empty file, bytes that are not UTF-8 and malformed version lines', async () => {
    assertError((await readBack(offsetLogCodec, 4, '')).error, 'CHECKPOINT_CORRUPT', 'empty')
    assertError(
      (await readBack(offsetLogCodec, 4, new Uint8Array([0x76, 0x31, 0x0a, 0xff, 0x0a]))).error,
      'CHECKPOINT_CORRUPT',
      'UTF-8',
    )
    for (const line of ['v', 'v0', 'v-1', 'v1x', 'V1', ' v1']) {
      assertError(
        (await readBack(offsetLogCodec, 4, `${line}\n{}\n`)).error,
        'CHECKPOINT_CORRUPT',
        'version line',
      )
    }
  })

  it('refuses entries of the wrong shape, naming the field', async () => {
    const wrongType = GOOD_OFFSETS.replace('"batchTimestampMs":1000', '"batchTimestampMs":"1000"')
    assertError(
      (await readBack(offsetLogCodec, 4, wrongType)).error,
      'CHECKPOINT_CORRUPT',
      "'batchTimestampMs' should be an integer",
    )
    const badConf = GOOD_OFFSETS.replace('"conf":{}', '"conf":{"a":1}')
    assertError(
      (await readBack(offsetLogCodec, 4, badConf)).error,
      'CHECKPOINT_CORRUPT',
      "'conf' entry 'a' should be a string",
    )
    const badOffset = GOOD_OFFSETS.replace('"offset":"5"', '"offset":5')
    assertError((await readBack(offsetLogCodec, 4, badOffset)).error, 'CHECKPOINT_CORRUPT', "source 'rate'")
    const twice = `${GOOD_OFFSETS}{"sourceId":"rate","offset":"6"}\n`
    assertError(
      (await readBack(offsetLogCodec, 4, twice)).error,
      'CHECKPOINT_CORRUPT',
      "source 'rate' appears twice",
    )
  })

  it('refuses an entry whose batch id is not its file name', async () => {
    const { error } = await readBack(offsetLogCodec, 5, GOOD_OFFSETS)
    assertError(error, 'CHECKPOINT_CORRUPT', 'records batch 4 but its file name says batch 5')
  })

  it('refuses a newer format version, naming file, versions and the fix', async () => {
    const { file, error, latestError } = await readBack(
      offsetLogCodec,
      4,
      'v3\nwhatever a newer Sluice writes',
    )
    assertError(error, 'CHECKPOINT_VERSION_UNSUPPORTED', file, 'v3', 'at most v2', 'upgrade Sluice')
    assertError(latestError, 'CHECKPOINT_VERSION_UNSUPPORTED', file)
  })
})

describe('reading commits/N', () => {
  it('refuses a truncated file', async () => {
    const { file, error } = await readBack(commitLogCodec, 2, 'v1\n{"nextBatchWaterm')
    assertError(error, 'CHECKPOINT_CORRUPT', file, 'truncated')
    assertError(
      (await readBack(commitLogCodec, 2, 'v1\n{"nextBatchWaterm\n')).error,
      'CHECKPOINT_CORRUPT',
      'not valid JSON',
    )
  })

  it('refuses a missing watermark, extra lines and a newer version', async () => {
    assertError(
      (await readBack(commitLogCodec, 2, 'v1\n{}\n')).error,
      'CHECKPOINT_CORRUPT',
      "'nextBatchWatermarkMs' should be an integer but is missing",
    )
    assertError(
      (await readBack(commitLogCodec, 2, 'v1\n{"nextBatchWatermarkMs":0}\n{}\n')).error,
      'CHECKPOINT_CORRUPT',
      '3 lines where 2 are expected',
    )
    assertError(
      (await readBack(commitLogCodec, 2, 'v3\n{"nextBatchWatermarkMs":0}\n')).error,
      'CHECKPOINT_VERSION_UNSUPPORTED',
      'v3',
    )
  })

  it('never falls back to an older entry when the latest is unreadable', async () => {
    await withTempDir(async (dir) => {
      const log = new FileMetadataLog(nodeFileSystem, dir, commitLogCodec)
      await log.add(0, commitLogEntry({ nextBatchWatermarkMs: 0 }))
      await writeFile(join(dir, '1'), 'v1\n')
      await assert.rejects(log.getLatest(), (e) => isSluiceError(e, 'CHECKPOINT_CORRUPT'))
    })
  })
})
