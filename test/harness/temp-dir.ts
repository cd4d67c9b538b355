/** Real temporary directories for file-system tests, removed afterwards. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after } from 'node:test'

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

/**
 * Temporary directories made during a test file, removed by one `after` hook when the file ends.
 *
 * @example
 * const tempDir = tempDirsRemovedAfter('sluice-parallel-decode-')
 * const dir = await tempDir()
 */
export function tempDirsRemovedAfter(prefix: string): () => Promise<string> {
  const dirs: string[] = []
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })
  return async () => {
    const d = await mkdtemp(join(tmpdir(), prefix))
    dirs.push(d)
    return d
  }
}
