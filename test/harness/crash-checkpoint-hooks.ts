/**
 * Lets a crash-test child pause inside the runtime's checkpoint writes, which go through
 * `nodeFileSystem` and cannot be injected through the public API. The local file system writes a
 * log file as "temp file, then `link` to the final name" (src/io/fs.ts, createExclusive), so this
 * wraps `node:fs/promises` `link` in this process and calls `at` when the target is a batch file:
 *
 * - `offsets-written`: `offsets/N` has just appeared (its temp file is not yet removed);
 * - `commit-linking`: the temp file of `commits/N` is written and synced, `commits/N` does not exist;
 * - `commit-linked`: `commits/N` has just appeared (its temp file is not yet removed).
 *
 * `syncBuiltinESMExports` pushes the wrapper into the live ESM bindings every module already has.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { basename, dirname, resolve } from 'node:path'
import type { CheckpointPoint } from './crash-protocol.ts'

const BATCH_FILE = /^(0|[1-9][0-9]*)$/

type Link = (existingPath: unknown, newPath: unknown) => Promise<void>

/** Which log and batch `target` is, when it is a batch file of `checkpoint`'s offsets or commits log. */
function batchFileOf(checkpoint: string, target: unknown): { log: string; batchId: number } | undefined {
  if (typeof target !== 'string') return undefined
  const path = resolve(target)
  const m = BATCH_FILE.exec(basename(path))
  const dir = dirname(path)
  if (m === null) return undefined
  for (const log of ['offsets', 'commits']) {
    if (dir === resolve(checkpoint, log)) return { log, batchId: Number(m[1]) }
  }
  return undefined
}

/**
 * Wraps `link` for the rest of this process's life.
 *
 * @example
 * installCheckpointHooks('/tmp/ckpt', async (point, batchId) => { if (point === 'commit-linking') await paused })
 */
export function installCheckpointHooks(
  checkpoint: string,
  at: (point: CheckpointPoint, batchId: number) => Promise<void>,
): void {
  const fsp = createRequire(import.meta.url)('node:fs/promises') as { link: Link }
  const link = fsp.link
  fsp.link = async (existingPath, newPath) => {
    const file = batchFileOf(checkpoint, newPath)
    if (file?.log === 'commits') await at('commit-linking', file.batchId)
    await link(existingPath, newPath)
    if (file !== undefined)
      await at(file.log === 'offsets' ? 'offsets-written' : 'commit-linked', file.batchId)
  }
  syncBuiltinESMExports()
}
