/** Real temporary directories for file-system tests, removed afterwards. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Runs `fn` with a fresh directory under the OS temp dir, then deletes the directory.
 *
 * @example
 * await withTempDir(async (dir) => { await nodeFileSystem.writeAtomic(join(dir, 'a'), 'x') })
 */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-test-'))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
