/**
 * Writing and restoring the LMDB provider's snapshots (`<v>.lmdbsnap` and its parts, formats:
 * lmdb-checkpoint-codec.ts) between a local folder and the checkpoint, a part at a time, so neither
 * holds more than one part's entries on the heap.
 */
import { crc32 } from 'node:zlib'
import type { FileSystem } from '../../io/fs.ts'
import type { KeyOrdering } from '../event-time-index.ts'
import type { StateKey } from '../spi.ts'
import { stateDeltaMissing } from '../state-codec.ts'
import { encodeStateKey } from '../state-key-codec.ts'
import {
  decodeLmdbSnapshot,
  decodeLmdbSnapshotPart,
  encodeLmdbSnapshot,
  encodeLmdbSnapshotPart,
} from './lmdb-checkpoint-codec.ts'
import { type LmdbFile, lmdbFilePath, lmdbSnapshotPartPath } from './lmdb-files.ts'
import type { LmdbLocalStore, LocalUpdate } from './lmdb-local-store.ts'

/** What `writeLmdbSnapshot` writes from where. */
export interface LmdbSnapshotWrite {
  readonly fs: FileSystem
  /** The store's checkpoint directory. */
  readonly dir: string
  readonly local: LmdbLocalStore
  /** The version the folder holds, which the snapshot is of. */
  readonly version: number
  readonly partEntries: number
  /** Unmap the folder after each part once its file is larger than this (a snapshot reads every page). */
  readonly remapBytes: number
}

/** The snapshot writes of this process, one after another. */
let queue: Promise<unknown> = Promise.resolve()

/**
 * Writes the folder's version as a snapshot in parts of `partEntries` keys, read in key order (the
 * runtime runs no batch while maintenance runs, so the folder does not change meanwhile), holding
 * one part at a time; the main file, with the last part, goes last. NOTE: one snapshot at a time
 * in the process (maintenance runs every store's at once), so the heap holds one part's entries,
 * not one per partition. Returns how many times it unmapped the folder.
 *
 * @example await writeLmdbSnapshot({ fs, dir, local, version: 10, partEntries: 50_000, remapBytes: 32 << 20 })
 */
export function writeLmdbSnapshot(w: LmdbSnapshotWrite): Promise<{ remaps: number }> {
  const run = queue.then(() => writeParts(w))
  queue = run.catch(() => undefined)
  return run
}

async function writeParts(w: LmdbSnapshotWrite): Promise<{ remaps: number }> {
  const { fs, dir, local, version, partEntries } = w
  let remaps = 0
  let chunk = local.entriesAfter(undefined, partEntries)
  let parts = 1
  for (;;) {
    const last = chunk[chunk.length - 1]?.[0]
    if (last === undefined || local.entriesAfter(last, 1).length === 0) break
    const part = lmdbSnapshotPartPath(dir, version, parts++)
    await fs.writeAtomic(part, encodeLmdbSnapshotPart(chunk.map(([, e]) => e)))
    if (local.remapAbove(w.remapBytes)) remaps++
    chunk = local.entriesAfter(last, partEntries)
  }
  const main = encodeLmdbSnapshot(
    parts,
    chunk.map(([, e]) => e),
  )
  await fs.writeAtomic(lmdbFilePath(dir, version, 'snapshot'), main)
  if (local.remapAbove(w.remapBytes)) remaps++
  return { remaps }
}

/**
 * Restores snapshot `f` of the store in `dir` into the (empty) folder; returns its file count.
 *
 * @example await restoreLmdbSnapshot(fs, '/c/state/0/0', local, { version: 10, name: '10.lmdbsnap', isSnapshot: true }, undefined)
 */
export async function restoreLmdbSnapshot(
  fs: FileSystem,
  dir: string,
  local: LmdbLocalStore,
  f: LmdbFile,
  ordering: KeyOrdering | undefined,
): Promise<number> {
  const file = lmdbFilePath(dir, f.version, 'snapshot')
  const bytes = await fs.readFile(file)
  if (bytes === undefined) throw stateDeltaMissing(file, f.version)
  const main = decodeLmdbSnapshot(file, bytes)
  // Earlier parts first, without a version: a folder cut short here is not trusted (it holds
  // keys at version 0) and is rebuilt.
  for (let i = 1; i < main.numParts; i++) {
    const part = lmdbSnapshotPartPath(dir, f.version, i)
    const partBytes = await fs.readFile(part)
    if (partBytes === undefined) throw stateDeltaMissing(part, f.version)
    local.apply(keyed(decodeLmdbSnapshotPart(part, partBytes)), ordering, undefined)
  }
  local.apply(keyed(main.entries), ordering, { version: f.version, file: f.name, crc: crcOf(bytes) })
  return main.numParts
}

/** Entries keyed by their identity strings, for `LmdbLocalStore.apply`. @example keyed([{ key: ['a'], value: 1 }]) */
export function keyed(
  entries: readonly { readonly key: StateKey; readonly value?: unknown }[],
): [string, LocalUpdate][] {
  return entries.map((u) => [encodeStateKey(u.key), { key: u.key, value: u.value }])
}

/** The CRC-32 of `bytes` as 8 hex digits. @example crcOf(new Uint8Array()) // '00000000' */
export function crcOf(bytes: Uint8Array): string {
  return crc32(bytes).toString(16).padStart(8, '0')
}
