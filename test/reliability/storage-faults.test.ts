/**
 * Storage faults on real file systems: a full disk (a small tmpfs), a read-only mount, a missing
 * parent folder and a permission denied each give a STORAGE_ERROR naming the file and the
 * operation, the query fails cleanly (no uncaught error), and no temp file is left behind.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { promisify } from 'node:util'
import { isSluiceError, type SluiceError } from '../../src/index.ts'
import { nodeFileSystem, TEMP_PREFIX } from '../../src/io/fs.ts'
import { withTempDir } from '../harness/temp-dir.ts'
import { mountReadOnly, mountTmpfs, unmount } from './mounts.ts'
import { pipeline, runBatches, runOnce } from './pipeline.ts'

async function failure(run: Promise<unknown>): Promise<SluiceError> {
  const error = await run.then(
    () => assert.fail('it succeeded'),
    (e: unknown) => e,
  )
  const cause = isSluiceError(error, 'STREAMING_QUERY_FAILED') ? error.cause : error
  assert.ok(isSluiceError(cause, 'STORAGE_ERROR'), (error as Error).stack)
  return cause
}

/** Every temp file (an unfinished write) under `dir`. */
async function tempFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true })
  return names.filter((n) => n.split('/').some((part) => part.startsWith(TEMP_PREFIX)))
}

describe('storage faults', () => {
  it('a full disk fails the query with STORAGE_ERROR naming the file, leaving no temp file', (t) =>
    withTempDir(async (dir) => {
      const disk = join(dir, 'disk')
      const refused = await mountTmpfs(disk, '256k')
      if (refused !== undefined) return t.skip(refused)
      try {
        // The input stays on the real disk; the checkpoint and the output are on the small one.
        const p = {
          ...(await pipeline(dir, 'stateless')),
          checkpoint: join(disk, 'ckpt'),
          out: join(disk, 'out'),
        }
        await runBatches(p, 0, 1)
        // Fill the disk to the last byte.
        await writeFile(join(disk, 'filler'), Buffer.alloc(1024 * 1024)).catch(() => undefined)
        const error = await failure(runBatches(p, 1, 2))
        assert.match(error.message, /Cannot (write|create) .*: the disk is full \(ENOSPC\)/)
        assert.ok(error.message.includes(disk), error.message)
        assert.deepEqual(await tempFiles(disk), [])
      } finally {
        await unmount(disk)
      }
    }))

  it('a read-only checkpoint fails start() with STORAGE_ERROR naming the file', (t) =>
    withTempDir(async (dir) => {
      const p = await pipeline(join(dir, 'rw'), 'stateless')
      await runBatches(p, 0, 1)
      const ro = join(dir, 'ro')
      const refused = await mountReadOnly(join(dir, 'rw'), ro)
      if (refused !== undefined) return t.skip(refused)
      try {
        const onRo = { ...p, checkpoint: join(ro, 'ckpt'), input: join(ro, 'in'), out: join(ro, 'out') }
        const error = await failure(runOnce(onRo))
        assert.match(error.message, /the file system is read-only \(EROFS\)/)
        assert.ok(error.message.includes(join(ro, 'ckpt')), error.message)
      } finally {
        await unmount(ro)
      }
    }))

  it('a missing parent folder names the file and the folder problem', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'gone', 'offsets', '0')
      const error = await failure(nodeFileSystem.writeAtomic(file, 'v2\n'))
      assert.ok(
        error.message.includes(`Cannot write ${file}: a folder on the path does not exist (ENOENT)`),
        error.message,
      )
      assert.deepEqual(await tempFiles(dir), [])
      const exclusive = await failure(nodeFileSystem.createExclusive(file, 'v2\n'))
      assert.match(exclusive.message, /Cannot create .*gone\/offsets\/0: a folder on the path does not exist/)
    }))

  it('a permission denied names the file (run as an unprivileged user)', (t) =>
    withTempDir(async (dir) => {
      if (process.getuid?.() !== 0) return t.skip('needs root to run the child as nobody')
      const locked = join(dir, 'locked')
      await mkdir(locked)
      await chmod(dir, 0o755)
      await chmod(locked, 0o755)
      const script = `
        import { nodeFileSystem } from ${JSON.stringify(new URL('../../src/io/fs.ts', import.meta.url).href)}
        try { await nodeFileSystem.writeAtomic(${JSON.stringify(join(locked, 'commits-0'))}, 'v2\\n') }
        catch (e) { process.stdout.write(JSON.stringify({ code: e.code, message: e.message })) }`
      const child = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        uid: 65534,
        gid: 65534,
      }).catch((e: Error) => ({ stdout: '', stderr: e.message }))
      if (child.stdout === '')
        return t.skip(`the child could not run as nobody: ${child.stderr.slice(0, 200)}`)
      const { code, message } = JSON.parse(child.stdout) as { code: string; message: string }
      assert.equal(code, 'STORAGE_ERROR')
      assert.match(message, /Cannot write .*locked\/commits-0: permission denied \(EACCES\)/)
    }))
})
