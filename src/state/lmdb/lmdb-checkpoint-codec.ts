/**
 * The LMDB provider's files in the checkpoint (`C/state/<op>/<partition>[/<store>]/`), after Spark's
 * RocksDB provider with changelog checkpointing: `<v>.changelog` holds the puts and removes that
 * turned version v-1 into v; `<v>.lmdbsnap` holds all of version v. The checkpoint is the source of
 * truth; the local LMDB folder is a cache rebuilt from these files.
 *
 * Format: a header line naming kind and version, a line with the CRC-32 (hex) of the body, then the
 * body: one msgpack value (msgpackr, records on and defined inline; maps decode as `Map`, records
 * as plain objects, sets as `Set`):
 *
 * ```
 * sluice-lmdb-changelog v1\n<crc32 hex>\n   [[key, value], [key], ...]   (2 elements: put, 1: remove)
 * sluice-lmdb-snapshot v1\n<crc32 hex>\n    [numParts, [[key, value], ...]]      (`<v>.lmdbsnap`)
 * sluice-lmdb-snapshot-part v1\n<crc32 hex>\n  [[key, value], ...]              (`<v>.lmdbsnap-<i>`)
 * ```
 *
 * e.g. a batch that counted 'a' twice and dropped 'b': `sluice-lmdb-changelog v1\n1a2b3c4d\n` +
 * msgpack of `[[['a'], {count: 2}], [['b']]]`.
 *
 * A snapshot is written in parts of at most SNAPSHOT_PART_ENTRIES entries, so neither writing nor
 * restoring it holds the whole store in memory: parts 1 .. numParts-1 first, then the main file
 * (the last part's entries and the part count). A snapshot exists once its main file does.
 *
 * Invariant: a file appears whole (atomic write) or not at all; a body whose CRC differs, a
 * truncated file or trailing bytes are CHECKPOINT_CORRUPT; a newer version line is
 * CHECKPOINT_VERSION_UNSUPPORTED. These files are separate from state-codec.ts's `.delta` and
 * `.snapshot` files on purpose: a store directory holds one provider's files.
 *
 * Version history: v1 — this format.
 */
import { crc32 } from 'node:zlib'
import { Packr, Unpackr } from 'msgpackr'
import { SluiceError } from '../../errors.ts'
import type { StateEntry } from '../spi.ts'
import type { StateUpdate } from '../state-codec.ts'
import { stateFileCorrupt } from '../state-codec.ts'

/** The format version this code writes and the newest it reads. */
export const LMDB_FILE_VERSION = 1

/** The two kinds of file, as named in the header line. */
export type LmdbFileKind = 'changelog' | 'snapshot' | 'snapshot-part'

/** The most entries one snapshot file holds. */
export const SNAPSHOT_PART_ENTRIES = 50_000

const unpackr = new Unpackr({ mapsAsObjects: false, sequential: true, moreTypes: true })
const HEADER = /^sluice-lmdb-(changelog|snapshot|snapshot-part) v([0-9]+)$/

function encodeFile(kind: LmdbFileKind, body: unknown): Uint8Array {
  // A fresh Packr per file: with `sequential`, record structures are defined inline, and each file
  // must decode on its own.
  const bytes = new Packr({ useRecords: true, sequential: true, mapsAsObjects: false, moreTypes: true }).pack(
    body,
  )
  const head = new TextEncoder().encode(
    `sluice-lmdb-${kind} v${LMDB_FILE_VERSION}\n${crc32(bytes).toString(16).padStart(8, '0')}\n`,
  )
  const out = new Uint8Array(head.length + bytes.length)
  out.set(head, 0)
  out.set(bytes, head.length)
  return out
}

function decodeFile(file: string, kind: LmdbFileKind, bytes: Uint8Array): unknown[] {
  const first = bytes.subarray(0, 64).indexOf(10)
  const second = first < 0 ? -1 : bytes.subarray(0, first + 16).indexOf(10, first + 1)
  const line = new TextDecoder().decode(bytes.subarray(0, first < 0 ? 40 : first))
  const m = HEADER.exec(line)
  if (m === null || second < 0 || m[1] !== kind) {
    throw stateFileCorrupt(file, `the first line should be 'sluice-lmdb-${kind} v1' but is '${line}'`)
  }
  if (Number(m[2]) > LMDB_FILE_VERSION) {
    throw new SluiceError(
      'CHECKPOINT_VERSION_UNSUPPORTED',
      `State file ${file} has format v${m[2]}, newer than this Sluice reads (v${LMDB_FILE_VERSION}). Upgrade Sluice to resume this query.`,
    )
  }
  const want = new TextDecoder().decode(bytes.subarray(first + 1, second))
  const body = bytes.subarray(second + 1)
  if (crc32(body).toString(16).padStart(8, '0') !== want) {
    throw stateFileCorrupt(file, `its CRC-32 is not ${want} (the file was changed or cut short)`)
  }
  let value: unknown
  try {
    value = unpackr.unpack(body)
  } catch (e) {
    throw stateFileCorrupt(file, `its body does not decode (${(e as Error).message})`)
  }
  if (!Array.isArray(value)) throw stateFileCorrupt(file, 'its body is not a list of entries')
  return value
}

/** @example encodeChangelog([{ key: ['a'], value: 1 }, { key: ['b'] }]) */
export function encodeChangelog(updates: Iterable<StateUpdate>): Uint8Array {
  const body: unknown[] = []
  for (const u of updates) body.push(u.value === undefined ? [u.key] : [u.key, u.value])
  return encodeFile('changelog', body)
}

/** @example decodeChangelog('/c/state/0/0/3.changelog', bytes) // [{ key: ['a'], value: 1 }, { key: ['b'] }] */
export function decodeChangelog(file: string, bytes: Uint8Array): StateUpdate[] {
  return decodeFile(file, 'changelog', bytes).map((e) => {
    if (!Array.isArray(e) || e.length < 1 || e.length > 2 || !Array.isArray(e[0])) {
      throw stateFileCorrupt(file, 'an entry is not [key] or [key, value]')
    }
    return e.length === 2 ? { key: e[0], value: e[1] } : { key: e[0] }
  })
}

function toEntry(file: string, e: unknown): StateEntry {
  if (!Array.isArray(e) || e.length !== 2 || !Array.isArray(e[0])) {
    throw stateFileCorrupt(file, 'an entry is not [key, value]')
  }
  return { key: e[0], value: e[1] }
}

/** The main file of a snapshot: its own entries and the number of parts (itself included). */
export interface LmdbSnapshotMain {
  readonly numParts: number
  readonly entries: StateEntry[]
}

/** @example encodeLmdbSnapshot(1, entries) */
export function encodeLmdbSnapshot(numParts: number, entries: readonly StateEntry[]): Uint8Array {
  return encodeFile('snapshot', [numParts, entries.map((e) => [e.key, e.value])])
}

/** @example decodeLmdbSnapshot('/c/state/0/0/10.lmdbsnap', bytes) // { numParts: 1, entries: [...] } */
export function decodeLmdbSnapshot(file: string, bytes: Uint8Array): LmdbSnapshotMain {
  const body = decodeFile(file, 'snapshot', bytes)
  const [numParts, entries] = body
  if (
    body.length !== 2 ||
    !Number.isSafeInteger(numParts) ||
    (numParts as number) < 1 ||
    !Array.isArray(entries)
  ) {
    throw stateFileCorrupt(file, 'its body is not [numParts, entries]')
  }
  return { numParts: numParts as number, entries: entries.map((e) => toEntry(file, e)) }
}

/** @example encodeLmdbSnapshotPart(entries) */
export function encodeLmdbSnapshotPart(entries: readonly StateEntry[]): Uint8Array {
  return encodeFile(
    'snapshot-part',
    entries.map((e) => [e.key, e.value]),
  )
}

/** @example decodeLmdbSnapshotPart('/c/state/0/0/10.lmdbsnap-1', bytes) // [{ key: ['a'], value: 1 }] */
export function decodeLmdbSnapshotPart(file: string, bytes: Uint8Array): StateEntry[] {
  return decodeFile(file, 'snapshot-part', bytes).map((e) => toEntry(file, e))
}
