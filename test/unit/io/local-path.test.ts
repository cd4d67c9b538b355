/**
 * Remote URLs given as paths are refused before anything touches the disk (no local `s3a:` folder),
 * and `file:` URLs read as the local paths they name.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { pathToFileURL } from 'node:url'
import { isSluiceError, Sluice, t } from '../../../src/index.ts'
import { localPath } from '../../../src/io/local-path.ts'

const unsupported = (e: unknown) =>
  isSluiceError(e, 'UNSUPPORTED_OPERATION') && /local files only/.test((e as Error).message)

describe('local paths', () => {
  it('refuses object-store and HDFS URLs and keeps plain and Windows-drive paths', () => {
    for (const url of [
      's3a://bucket/ckpt',
      'gs://b/x',
      'abfss://c@acct.dfs.core.windows.net/x',
      'hdfs://nn:8020/x',
      's3://b/x',
    ]) {
      assert.throws(() => localPath(url, 'path'), unsupported, url)
    }
    assert.equal(localPath('data/in', 'path'), 'data/in')
    assert.equal(localPath('C:\\data\\in', 'path'), 'C:\\data\\in')
    assert.equal(localPath('file:///tmp/x', 'path'), '/tmp/x')
    assert.equal(localPath('file:/tmp/x', 'path'), '/tmp/x')
  })

  it('refuses an s3a checkpointLocation at start() without creating a local s3a: folder', async () => {
    const sluice = Sluice.local()
    const cwd = process.cwd()
    const dir = mkdtempSync(join(tmpdir(), 'sluice-path-'))
    process.chdir(dir)
    try {
      const df = sluice.readStream.format('rate').load()
      await assert.rejects(
        async () =>
          df.writeStream.format('console').option('checkpointLocation', 's3a://bucket/ckpt').start(),
        unsupported,
      )
      assert.throws(
        () =>
          sluice.readStream
            .format('json')
            .schema(t.struct({ a: t.long() }))
            .load('gs://b/in'),
        unsupported,
      )
      await assert.rejects(async () => sluice.read.json('hdfs://nn/in'), unsupported)
      await assert.rejects(
        async () => sluice.range(1).write.json('abfss://c@a.dfs.core.windows.net/out'),
        unsupported,
      )
      assert.throws(
        () => Sluice.local({ 'sluice.sql.streaming.checkpointLocation': 's3a://b/c' }),
        unsupported,
      )
      for (const name of ['s3a:', 'gs:', 'hdfs:', 'abfss:']) assert.equal(existsSync(join(dir, name)), false)
    } finally {
      process.chdir(cwd)
    }
  })

  it('reads a file: URL as the local folder it names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-file-url-'))
    writeFileSync(join(dir, 'a.json'), '{"a":1}\n{"a":2}\n')
    const df = await Sluice.local().read.json(pathToFileURL(dir).href)
    assert.deepEqual(df.collect(), [{ a: 1 }, { a: 2 }])
  })
})
