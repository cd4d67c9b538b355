import assert from 'node:assert/strict'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { nodeFileSystem as fs, TEMP_PREFIX } from '../../../src/io/fs.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const text = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : new TextDecoder().decode(bytes)

describe('nodeFileSystem', () => {
  it('reads a file, or undefined when it is missing', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, 'a'), 'hello')
      assert.equal(text(await fs.readFile(join(dir, 'a'))), 'hello')
      assert.equal(await fs.readFile(join(dir, 'missing')), undefined)
    }))

  it('writeAtomic creates and replaces a file and leaves no temp file behind', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'meta')
      await fs.writeAtomic(path, 'one')
      await fs.writeAtomic(path, new TextEncoder().encode('two'))
      assert.equal(await readFile(path, 'utf8'), 'two')
      assert.deepEqual(await readdir(dir), ['meta'])
    }))

  it('writeAtomic fails without leaving anything when the directory is missing', () =>
    withTempDir(async (dir) => {
      await assert.rejects(fs.writeAtomic(join(dir, 'nope', 'f'), 'x'), {
        code: 'STORAGE_ERROR',
        message: /Cannot write .*nope\/f: a folder on the path does not exist \(ENOENT\)/,
      })
      assert.deepEqual(await readdir(dir), [])
    }))

  it('createExclusive creates a file once and never overwrites it', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'lock')
      assert.equal(await fs.createExclusive(path, 'first'), true)
      assert.equal(await fs.createExclusive(path, 'second'), false)
      assert.equal(await readFile(path, 'utf8'), 'first')
      assert.deepEqual(await readdir(dir), ['lock'])
    }))

  it('createExclusive lets exactly one of many concurrent creators win, with its whole content', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'x')
      const bodies = Array.from({ length: 8 }, (_, i) => String(i).repeat(100_000))
      const results = await Promise.all(bodies.map((b) => fs.createExclusive(path, b)))
      assert.equal(results.filter(Boolean).length, 1)
      assert.equal(await readFile(path, 'utf8'), bodies[results.indexOf(true)])
      assert.deepEqual(await readdir(dir), ['x'])
    }))

  it('lists names sorted, hides temp files, and gives [] for a missing directory', () =>
    withTempDir(async (dir) => {
      for (const name of ['b', 'a', `${TEMP_PREFIX}a-123`, '10']) await writeFile(join(dir, name), '')
      assert.deepEqual(await fs.list(dir), ['10', 'a', 'b'])
      assert.deepEqual(await fs.list(join(dir, 'missing')), [])
    }))

  it('mkdirp creates parents and tolerates an existing directory; exists sees both kinds', () =>
    withTempDir(async (dir) => {
      const deep = join(dir, 'a', 'b', 'c')
      await fs.mkdirp(deep)
      await fs.mkdirp(deep)
      assert.equal(await fs.exists(deep), true)
      assert.equal(await fs.exists(join(dir, 'a', 'x')), false)
    }))

  it('delete says whether something was deleted, and removes trees only when asked', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, 'f'), '')
      assert.equal(await fs.delete(join(dir, 'f')), true)
      assert.equal(await fs.delete(join(dir, 'f')), false)
      await mkdir(join(dir, 't', 'u'), { recursive: true })
      await writeFile(join(dir, 't', 'u', 'g'), '')
      await assert.rejects(fs.delete(join(dir, 't')))
      assert.equal(await fs.delete(join(dir, 't'), { recursive: true }), true)
      assert.equal(await fs.delete(join(dir, 't'), { recursive: true }), false)
      assert.deepEqual(await readdir(dir), [])
    }))

  it('rename replaces the target, and is false when the source is missing', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, 'a'), 'A')
      await writeFile(join(dir, 'b'), 'B')
      assert.equal(await fs.rename(join(dir, 'a'), join(dir, 'b')), true)
      assert.equal(await readFile(join(dir, 'b'), 'utf8'), 'A')
      assert.equal(await fs.rename(join(dir, 'a'), join(dir, 'c')), false)
      await writeFile(join(dir, 'a'), 'A')
      await assert.rejects(fs.rename(join(dir, 'a'), join(dir, 'no', 'c')), {
        code: 'STORAGE_ERROR',
        message: /Cannot rename .*a to .*no\/c: a folder on the path does not exist/,
      })
    }))
})
