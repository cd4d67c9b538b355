/**
 * The names of the LMDB provider's files in a store's checkpoint directory: `<v>.changelog`,
 * `<v>.lmdbsnap` and its parts `<v>.lmdbsnap-<i>` (formats: lmdb-checkpoint-codec.ts).
 */
import { join } from 'node:path'
import type { FileSystem } from '../../io/fs.ts'

/** One file of the store. */
export interface LmdbFile {
  readonly version: number
  readonly name: string
  readonly isSnapshot: boolean
}

const FILE = /^(0|[1-9][0-9]*)\.(changelog|lmdbsnap)$/

/**
 * The store's files, sorted by version, snapshots before changelogs of the same version.
 *
 * @example parseLmdbFiles(['2.changelog', '1.lmdbsnap']) // [{ version: 1, ... }, { version: 2, ... }]
 */
export function parseLmdbFiles(names: readonly string[]): LmdbFile[] {
  const files: LmdbFile[] = []
  for (const name of names) {
    const m = FILE.exec(name)
    if (m !== null) files.push({ version: Number(m[1]), name, isSnapshot: m[2] === 'lmdbsnap' })
  }
  return files.sort((a, b) => a.version - b.version || Number(b.isSnapshot) - Number(a.isSnapshot))
}

/** @example await listLmdbFiles(nodeFileSystem, '/c/state/0/0') */
export async function listLmdbFiles(fs: FileSystem, dir: string): Promise<LmdbFile[]> {
  return parseLmdbFiles(await fs.list(dir))
}

/** @example lmdbSnapshotPartPath('/c/state/0/0', 10, 2) // '/c/state/0/0/10.lmdbsnap-2' */
export function lmdbSnapshotPartPath(dir: string, version: number, part: number): string {
  return join(dir, `${version}.lmdbsnap-${part}`)
}

/**
 * Deletes a snapshot's main file and its parts (also parts an interrupted write left without one).
 *
 * @example await deleteLmdbSnapshot(nodeFileSystem, '/c/state/0/0', 10)
 */
export async function deleteLmdbSnapshot(fs: FileSystem, dir: string, version: number): Promise<void> {
  await fs.delete(lmdbFilePath(dir, version, 'snapshot'))
  for (const name of await fs.list(dir)) {
    if (name.startsWith(`${version}.lmdbsnap-`)) await fs.delete(join(dir, name))
  }
}

/** Versions of snapshot parts in `names` (to delete those older than the oldest snapshot kept). */
export function snapshotPartVersions(names: readonly string[]): number[] {
  return names.flatMap((n) => {
    const m = /^(0|[1-9][0-9]*)\.lmdbsnap-[1-9][0-9]*$/.exec(n)
    return m === null ? [] : [Number(m[1])]
  })
}

/** @example lmdbFilePath('/c/state/0/0', 3, 'changelog') // '/c/state/0/0/3.changelog' */
export function lmdbFilePath(dir: string, version: number, kind: 'changelog' | 'snapshot'): string {
  return join(dir, `${version}.${kind === 'changelog' ? 'changelog' : 'lmdbsnap'}`)
}
