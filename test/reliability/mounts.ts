/**
 * Real storage faults for tests: a small tmpfs (a disk that fills up) and a read-only bind mount.
 * Both need root and mount(8); `tryMount` says why not when the machine refuses (CI runs as root).
 */
import { execFile } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Runs `mount` with `args`; the refusal's message, or undefined on success. */
export async function tryMount(args: readonly string[]): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'mount needs root and this test runs as another user'
  try {
    await run('mount', [...args])
    return undefined
  } catch (e) {
    return `mount ${args.join(' ')} was refused: ${(e as Error).message.split('\n')[0]}`
  }
}

/** A tmpfs of `size` (e.g. '256k') at `dir`; the refusal's message, or undefined. */
export async function mountTmpfs(dir: string, size: string): Promise<string | undefined> {
  await mkdir(dir, { recursive: true })
  return tryMount(['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir])
}

/** `source` again at `target`, read-only; the refusal's message, or undefined. */
export async function mountReadOnly(source: string, target: string): Promise<string | undefined> {
  await mkdir(target, { recursive: true })
  const refused = await tryMount(['--bind', source, target])
  if (refused !== undefined) return refused
  const ro = await tryMount(['-o', 'remount,bind,ro', target])
  if (ro !== undefined) await unmount(target)
  return ro
}

/** Unmounts `dir` (lazily, so an open handle cannot keep it). */
export async function unmount(dir: string): Promise<void> {
  await run('umount', ['-l', dir])
}
