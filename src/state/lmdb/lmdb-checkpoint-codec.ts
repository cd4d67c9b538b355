/**
 * The LMDB provider's files in the checkpoint (`C/state/<op>/<partition>[/<store>]/`), after Spark's
 * RocksDB provider with changelog checkpointing: `<v>.changelog` holds the puts and removes that
 * turned version v-1 into v; `<v>.lmdbsnap` holds all of version v. The checkpoint is the source of
 * truth; the local LMDB folder is a cache rebuilt from these files.
 *
 * Format: a header line naming kind and version, a line with the CRC-32 (hex) of the body, then the
 * body: the entries by column (state-columns-codec.ts, as state-codec.ts's v3 files), a snapshot's
 * main file first giving its part count as a little-endian u32, a changelog as blocks of columns
 * applied in order (a batch whose changes outgrew the overlay cap wrote earlier ones as it went):
 *
 * ```
 * sluice-lmdb-changelog v3\n<crc32 hex>\n       <u32 numBlocks>(<u32 byteLength><columns>)*
 * sluice-lmdb-snapshot v3\n<crc32 hex>\n        <u32 numParts><columns: puts>   (`<v>.lmdbsnap`)
 * sluice-lmdb-snapshot-part v3\n<crc32 hex>\n   <columns: puts>                 (`<v>.lmdbsnap-<i>`)
 * ```
 *
 * e.g. a batch that counted 'a' twice and dropped 'b': `sluice-lmdb-changelog v3\n1a2b3c4d\n` +
 * u32 1, the byte length of the block, and the columns of `[{ key: ['a'], value: [2] }, { key: ['b'] }]`.
 * A key may appear in several blocks; the last one wins.
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
 * Version history: v1 — the body one msgpack value (msgpackr, records on and defined inline):
 * `[[key, value], [key], ...]` (2 elements: put, 1: remove), a snapshot `[numParts, [[key, value],
 * ...]]`, a part `[[key, value], ...]`; still read. v2 — the body by column, 2-3x cheaper to write;
 * still read. v3 — a changelog's body is a list of column blocks (the overlay cap); snapshots as v2.
 */
import { crc32 } from 'node:zlib'
import { Unpackr } from 'msgpackr'
import { SluiceError } from '../../errors.ts'
import type { StateEntry } from '../spi.ts'
import type { StateUpdate } from '../state-codec.ts'
import { stateFileCorrupt } from '../state-codec.ts'
import { decodeColumns, encodeColumns } from '../state-columns-codec.ts'

/** The format version this code writes and the newest it reads. */
export const LMDB_FILE_VERSION = 3

/** The two kinds of file, as named in the header line. */
export type LmdbFileKind = 'changelog' | 'snapshot' | 'snapshot-part'

/** The most entries one snapshot file holds. */
export const SNAPSHOT_PART_ENTRIES = 50_000

const unpackr = new Unpackr({ mapsAsObjects: false, sequential: true, moreTypes: true })
const HEADER = /^sluice-lmdb-(changelog|snapshot|snapshot-part) v([0-9]+)$/

function encodeFile(kind: LmdbFileKind, body: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(
    `sluice-lmdb-${kind} v${LMDB_FILE_VERSION}\n${crc32(body).toString(16).padStart(8, '0')}\n`,
  )
  const out = new Uint8Array(head.length + body.length)
  out.set(head, 0)
  out.set(body, head.length)
  return out
}

/** The format version and the checked body of a file. */
function readFile(
  file: string,
  kind: LmdbFileKind,
  bytes: Uint8Array,
): { version: number; body: Uint8Array } {
  const first = bytes.subarray(0, 64).indexOf(10)
  const second = first < 0 ? -1 : bytes.subarray(0, first + 16).indexOf(10, first + 1)
  const line = new TextDecoder().decode(bytes.subarray(0, first < 0 ? 40 : first))
  const m = HEADER.exec(line)
  if (m === null || second < 0 || m[1] !== kind) {
    throw stateFileCorrupt(
      file,
      `the first line should be 'sluice-lmdb-${kind} v${LMDB_FILE_VERSION}' but is '${line}'`,
    )
  }
  const version = Number(m[2])
  if (version > LMDB_FILE_VERSION) {
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
  return { version, body }
}

/** A v1 body: one msgpack array. */
function unpackV1(file: string, body: Uint8Array): unknown[] {
  let value: unknown
  try {
    value = unpackr.unpack(body)
  } catch (e) {
    throw stateFileCorrupt(file, `its body does not decode (${(e as Error).message})`)
  }
  if (!Array.isArray(value)) throw stateFileCorrupt(file, 'its body is not a list of entries')
  return value
}

/** A v2 body's entries (`puts`: every entry must be a put). */
function columns(file: string, body: Uint8Array, puts: boolean): StateUpdate[] {
  let entries: StateUpdate[]
  try {
    entries = decodeColumns(body)
  } catch (e) {
    throw stateFileCorrupt(file, `its body does not decode (${(e as Error).message})`)
  }
  if (puts && entries.some((e) => e.value === undefined)) {
    throw stateFileCorrupt(file, 'an entry is not [key, value]')
  }
  return entries
}

function asArray<T>(items: Iterable<T>): readonly T[] {
  return Array.isArray(items) ? items : [...items]
}

/**
 * One block of a changelog: the columns of `updates`, to pass to `encodeChangelogBlocks`.
 *
 * @example encodeChangelogBlock([{ key: ['a'], value: 1 }])
 */
export function encodeChangelogBlock(updates: Iterable<StateUpdate>): Uint8Array {
  return encodeColumns(asArray(updates))
}

/**
 * A changelog of blocks written earlier in the batch and of `last` (applied after them).
 *
 * @example encodeChangelog([{ key: ['a'], value: 1 }, { key: ['b'] }])
 */
export function encodeChangelog(
  last: Iterable<StateUpdate>,
  earlier: readonly Uint8Array[] = [],
): Uint8Array {
  const blocks = [...earlier, encodeChangelogBlock(last)]
  const body = Buffer.allocUnsafe(4 + blocks.reduce((n, b) => n + 4 + b.length, 0))
  body.writeUInt32LE(blocks.length, 0)
  let at = 4
  for (const b of blocks) {
    body.writeUInt32LE(b.length, at)
    body.set(b, at + 4)
    at += 4 + b.length
  }
  return encodeFile('changelog', body)
}

/** @example decodeChangelog('/c/state/0/0/3.changelog', bytes) // [{ key: ['a'], value: 1 }, { key: ['b'] }] */
export function decodeChangelog(file: string, bytes: Uint8Array): StateUpdate[] {
  const { version, body } = readFile(file, 'changelog', bytes)
  if (version >= 3) return blocks(file, body).flatMap((b) => columns(file, b, false))
  if (version === 2) return columns(file, body, false)
  return unpackV1(file, body).map((e) => {
    if (!Array.isArray(e) || e.length < 1 || e.length > 2 || !Array.isArray(e[0])) {
      throw stateFileCorrupt(file, 'an entry is not [key] or [key, value]')
    }
    return e.length === 2 ? { key: e[0], value: e[1] } : { key: e[0] }
  })
}

/** The column blocks of a v3 changelog body. */
function blocks(file: string, body: Uint8Array): Uint8Array[] {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (buf.length < 4) throw stateFileCorrupt(file, 'its body does not start with a block count')
  const n = buf.readUInt32LE(0)
  const out: Uint8Array[] = []
  let at = 4
  for (let i = 0; i < n; i++) {
    const len = at + 4 <= buf.length ? buf.readUInt32LE(at) : -1
    if (len < 0 || at + 4 + len > buf.length) {
      throw stateFileCorrupt(file, `block ${i + 1} of ${n} ends after the file does`)
    }
    out.push(buf.subarray(at + 4, at + 4 + len))
    at += 4 + len
  }
  if (at !== buf.length) throw stateFileCorrupt(file, `it has bytes after its last block (${n} blocks)`)
  return out
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
  const body = encodeColumns(entries)
  const out = Buffer.allocUnsafe(4 + body.length)
  out.writeUInt32LE(numParts, 0)
  out.set(body, 4)
  return encodeFile('snapshot', out)
}

/** @example decodeLmdbSnapshot('/c/state/0/0/10.lmdbsnap', bytes) // { numParts: 1, entries: [...] } */
export function decodeLmdbSnapshot(file: string, bytes: Uint8Array): LmdbSnapshotMain {
  const { version, body } = readFile(file, 'snapshot', bytes)
  if (version >= 2) {
    const numParts = body.length < 4 ? 0 : Buffer.from(body.buffer, body.byteOffset, 4).readUInt32LE(0)
    if (numParts < 1) throw stateFileCorrupt(file, 'its body does not start with a part count of 1 or more')
    return { numParts, entries: columns(file, body.subarray(4), true) as StateEntry[] }
  }
  const v1 = unpackV1(file, body)
  const [numParts, entries] = v1
  if (
    v1.length !== 2 ||
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
  return encodeFile('snapshot-part', encodeColumns(entries))
}

/** @example decodeLmdbSnapshotPart('/c/state/0/0/10.lmdbsnap-1', bytes) // [{ key: ['a'], value: 1 }] */
export function decodeLmdbSnapshotPart(file: string, bytes: Uint8Array): StateEntry[] {
  const { version, body } = readFile(file, 'snapshot-part', bytes)
  if (version >= 2) return columns(file, body, true) as StateEntry[]
  return unpackV1(file, body).map((e) => toEntry(file, e))
}
