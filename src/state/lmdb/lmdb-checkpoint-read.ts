/**
 * Reads one version of an LMDB provider's store straight from its checkpoint files (the latest
 * `<v>.lmdbsnap` at or below it plus the changelogs after), into memory, without touching the
 * local LMDB folder a running query uses: what the state reader (`format('statestore')`) needs.
 */
import type { FileSystem } from '../../io/fs.ts'
import type { StateEntry } from '../spi.ts'
import { stateDeltaMissing } from '../state-codec.ts'
import { encodeStateKey } from '../state-key-codec.ts'
import { decodeChangelog, decodeLmdbSnapshot, decodeLmdbSnapshotPart } from './lmdb-checkpoint-codec.ts'
import { listLmdbFiles, lmdbFilePath, lmdbSnapshotPartPath } from './lmdb-files.ts'

/**
 * The entries of version `version` of the store in `dir`.
 *
 * @example const entries = await readLmdbCheckpointVersion(nodeFileSystem, '/c/state/0/0', 3)
 */
export async function readLmdbCheckpointVersion(
  fs: FileSystem,
  dir: string,
  version: number,
): Promise<StateEntry[]> {
  const files = await listLmdbFiles(fs, dir)
  const base = files.filter((f) => f.isSnapshot && f.version <= version).pop()
  const map = new Map<string, StateEntry>()
  if (base !== undefined) {
    const file = lmdbFilePath(dir, base.version, 'snapshot')
    const bytes = await fs.readFile(file)
    if (bytes === undefined) throw stateDeltaMissing(file, version)
    const main = decodeLmdbSnapshot(file, bytes)
    for (let i = 1; i < main.numParts; i++) {
      const part = lmdbSnapshotPartPath(dir, base.version, i)
      const partBytes = await fs.readFile(part)
      if (partBytes === undefined) throw stateDeltaMissing(part, version)
      for (const e of decodeLmdbSnapshotPart(part, partBytes)) map.set(encodeStateKey(e.key), e)
    }
    for (const e of main.entries) map.set(encodeStateKey(e.key), e)
  }
  for (let v = (base?.version ?? 0) + 1; v <= version; v++) {
    const file = lmdbFilePath(dir, v, 'changelog')
    const bytes = await fs.readFile(file)
    if (bytes === undefined) throw stateDeltaMissing(file, version)
    for (const u of decodeChangelog(file, bytes)) {
      const k = encodeStateKey(u.key)
      if (u.value === undefined) map.delete(k)
      else map.set(k, { key: u.key, value: u.value })
    }
  }
  return [...map.values()]
}
