/**
 * A FileSystem that runs a hook before each call, so a test can crash an operation part-way or let
 * another party act at an exact point (e.g. a lock holder refreshing just before a takeover's rename).
 */
import type { FileSystem } from '../../src/io/fs.ts'

export type FileSystemOp = keyof FileSystem

/**
 * Wraps `base`; `before(op, args)` runs first and may throw to fail the call.
 *
 * @example
 * const fs = hookedFileSystem(nodeFileSystem, (op) => { if (op === 'rename') throw new Error('crash') })
 */
export function hookedFileSystem(
  base: FileSystem,
  before: (op: FileSystemOp, args: readonly unknown[]) => void | Promise<void>,
): FileSystem {
  const wrapped = {} as Record<FileSystemOp, (...args: unknown[]) => Promise<unknown>>
  for (const op of Object.keys(base) as FileSystemOp[]) {
    const fn = base[op] as (...args: unknown[]) => Promise<unknown>
    wrapped[op] = async (...args: unknown[]) => {
      await before(op, args)
      return fn.apply(base, args)
    }
  }
  return wrapped as unknown as FileSystem
}
