/**
 * Reads one committed version of one store from the checkpoint, whichever provider wrote it (the
 * files tell: `.delta`/`.snapshot` for `memory`, `.changelog`/`.lmdbsnap` for `lmdb`), read-only:
 * nothing is written, so a running query's checkpoint can be read beside it.
 */
import type { FileSystem } from '../io/fs.ts'
import { readLmdbCheckpointVersion } from './lmdb/lmdb-checkpoint-read.ts'
import { parseLmdbFiles } from './lmdb/lmdb-files.ts'
import { MemoryStateStoreProvider, parseStoreFiles } from './memory-state-store-provider.ts'
import type { StateEntry, StateStoreId } from './spi.ts'

/** Which provider's files a store directory holds, and the versions they cover. */
export interface StoreFilesSummary {
  readonly provider: 'memory' | 'lmdb' | 'none'
  /** The oldest version still loadable (0 when every delta from 1 is there), or undefined. */
  readonly minVersion: number | undefined
  readonly maxVersion: number | undefined
}

/**
 * @example await summarizeStoreFiles(nodeFileSystem, '/c/state/0/0') // { provider: 'memory', minVersion: 0, maxVersion: 5 }
 */
export async function summarizeStoreFiles(fs: FileSystem, dir: string): Promise<StoreFilesSummary> {
  const names = await fs.list(dir)
  const lmdb = parseLmdbFiles(names)
  const memory = parseStoreFiles(names)
  const files = lmdb.length > 0 ? lmdb : memory
  if (files.length === 0) return { provider: 'none', minVersion: undefined, maxVersion: undefined }
  const first = files[0]
  return {
    provider: lmdb.length > 0 ? 'lmdb' : 'memory',
    minVersion: !first.isSnapshot && first.version === 1 ? 0 : first.version,
    maxVersion: files[files.length - 1].version,
  }
}

/**
 * The entries of `version` of the store in `dir` (empty when the directory has no files).
 *
 * @example await readStateVersion(nodeFileSystem, '/c/state/0/0', id, 3)
 */
export async function readStateVersion(
  fs: FileSystem,
  dir: string,
  id: StateStoreId,
  version: number,
): Promise<StateEntry[]> {
  const { provider } = await summarizeStoreFiles(fs, dir)
  if (provider === 'none' || version === 0) return []
  if (provider === 'lmdb') return readLmdbCheckpointVersion(fs, dir, version)
  const reader = new MemoryStateStoreProvider({ id, dir, fs })
  try {
    return [...(await reader.getStore(version)).iterator()]
  } finally {
    reader.close()
  }
}
