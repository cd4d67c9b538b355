/**
 * The state store's files in `C/state/<operatorId>/<partition>/` (Spark's HDFSBackedStateStoreProvider
 * layout): `<v>.delta` holds the puts and removes that turned version v-1 into v; `<v>.snapshot`
 * holds all of version v.
 *
 * Format: a version line, a checksum line (the CRC-32 of the body, 8 hex digits), then the body:
 * the entries by column (state-columns-codec.ts: a kind per entry, the key and value shapes, then a
 * float64 column per numeric leaf and a msgpack array per other leaf):
 *
 * ```
 * v3\n
 * crc32:1f2e3d4c\n
 * delta:    <n><kinds: 1 put, 0 remove><key shape><value shape><columns>
 * snapshot: the same, every kind 1
 * ```
 *
 * e.g. the delta of a batch that counted 'a' twice and dropped 'b': `v3\ncrc32:<crc of body>\n` +
 * the columns of `[{ key: ['a'], value: [2] }, { key: ['b'] }]` (kinds `01 00`, key shape
 * `["arr",["any"]]`, value shape `["arr",["num"]]`, the key column as msgpack `['a', 'b']`, the
 * count column as float64 `[2]`).
 *
 * Invariant: a file appears whole (atomic write) or not at all; a changed, missing or added byte in
 * the body fails the checksum, and the body's counts and lengths must add up to its size, so a
 * truncated file or trailing bytes fail to decode (CHECKPOINT_CORRUPT). Readers refuse a newer
 * version line (CHECKPOINT_VERSION_UNSUPPORTED).
 *
 * Version history: v1 (Sluice 0.1) — version line and a msgpack body (msgpackr, records on and
 * defined inline: `[[key, value], [key], ...]`, a 2-element entry a put, 1 element a remove),
 * still read; v2 (Sluice 0.2) — adds the checksum line, still read; v3 (Sluice 0.3) — the body by
 * column, 2-3x cheaper to write than msgpack on numeric state.
 */
import { crc32 } from 'node:zlib'
import { Unpackr } from 'msgpackr'
import { SluiceError } from '../errors.ts'
import type { StateKey } from './spi.ts'
import { decodeColumns, encodeColumns } from './state-columns-codec.ts'

/**
 * The version of the state metadata file (state-schema-metadata.ts, its own format: no checksum yet).
 * Deltas and snapshots have STATE_DATA_VERSION.
 */
export const STATE_FILE_VERSION = 1
/** The delta and snapshot format version this code writes and the newest it reads. */
export const STATE_DATA_VERSION = 3
/** The first delta/snapshot version with a checksum line. */
const CHECKSUM_SINCE = 2
const CHECKSUM_LINE = /^crc32:([0-9a-f]{8})$/
const CHECKSUM_LINE_BYTES = 'crc32:00000000\n'.length
/** The first delta/snapshot version with a columnar body (before it: one msgpack array). */
const COLUMNS_SINCE = 3

/** A put (`value` set) or a remove (`value` undefined) in a delta. */
export interface StateUpdate {
  readonly key: StateKey
  readonly value?: unknown
}

const HEADER = new TextEncoder().encode(`v${STATE_DATA_VERSION}\n`)
const VERSION_LINE = /^v([0-9]+)$/
const MAX_VERSION_LINE = 24
// moreTypes: sets (collect_set's state) round-trip as Sets.
const unpackr = new Unpackr({ mapsAsObjects: false, sequential: true, moreTypes: true })

const RESTORE =
  'Sluice left the file untouched. Restore the checkpoint from a backup, or delete the checkpoint ' +
  'directory to start the query over.'

/** @example throw stateFileCorrupt('/ckpt/state/0/0/3.delta', 'it is truncated') */
export function stateFileCorrupt(file: string, problem: string): SluiceError {
  return new SluiceError('CHECKPOINT_CORRUPT', `State file ${file} is corrupt: ${problem}. ${RESTORE}`)
}

/** @example throw stateDeltaMissing('/ckpt/state/0/0/3.delta', 5) */
export function stateDeltaMissing(file: string, version: number): SluiceError {
  return new SluiceError(
    'CHECKPOINT_CORRUPT',
    `State file ${file} is missing: it is needed to load state version ${version}. ${RESTORE}`,
  )
}

function encodeFile(entries: readonly StateUpdate[]): Uint8Array {
  const bytes = encodeColumns(entries)
  const check = new TextEncoder().encode(`crc32:${crc32(bytes).toString(16).padStart(8, '0')}\n`)
  const out = new Uint8Array(HEADER.length + check.length + bytes.length)
  out.set(HEADER, 0)
  out.set(check, HEADER.length)
  out.set(bytes, HEADER.length + check.length)
  return out
}

function readVersion(file: string, bytes: Uint8Array): { version: number; end: number } {
  if (bytes.length === 0) throw stateFileCorrupt(file, 'the file is empty')
  const end = bytes.subarray(0, MAX_VERSION_LINE).indexOf(10)
  const line = new TextDecoder().decode(bytes.subarray(0, end < 0 ? MAX_VERSION_LINE : end))
  const m = VERSION_LINE.exec(line)
  const version = m === null ? 0 : Number(m[1])
  if (!(version > 0 && Number.isSafeInteger(version))) {
    throw stateFileCorrupt(file, `the first line should be a version line like 'v2' but is '${line}'`)
  }
  if (end < 0) throw stateFileCorrupt(file, `it is truncated: it ends in its version line '${line}'`)
  if (version > STATE_DATA_VERSION) {
    throw new SluiceError(
      'CHECKPOINT_VERSION_UNSUPPORTED',
      `State file ${file} has format version v${version}, but this version of Sluice reads at most ` +
        `v${STATE_DATA_VERSION}. It was written by a newer Sluice: upgrade Sluice to run this query. ` +
        'The file was left untouched.',
    )
  }
  return { version, end }
}

/** The body after the version line, checked against the checksum line from v2 on. */
function verifiedBody(file: string, bytes: Uint8Array, version: number, end: number): Uint8Array {
  const rest = bytes.subarray(end + 1)
  if (version < CHECKSUM_SINCE) return rest
  const line = new TextDecoder().decode(rest.subarray(0, CHECKSUM_LINE_BYTES - 1))
  const m = CHECKSUM_LINE.exec(line)
  if (m === null || rest[CHECKSUM_LINE_BYTES - 1] !== 10) {
    throw stateFileCorrupt(
      file,
      "its second line should be a checksum like 'crc32:1f2e3d4c' (the file is truncated or altered)",
    )
  }
  const body = rest.subarray(CHECKSUM_LINE_BYTES)
  const actual = crc32(body).toString(16).padStart(8, '0')
  if (actual !== m[1]) {
    throw stateFileCorrupt(
      file,
      `its content does not match its checksum (crc32:${m[1]} recorded, crc32:${actual} computed): the file was truncated, altered or damaged`,
    )
  }
  return body
}

function decodeFile(file: string, bytes: Uint8Array, removes: boolean): StateUpdate[] {
  const { version, end } = readVersion(file, bytes)
  const raw = verifiedBody(file, bytes, version, end)
  if (raw.length === 0) throw stateFileCorrupt(file, 'it is truncated: it has no body after its header')
  if (version < COLUMNS_SINCE) return decodeMsgpackBody(file, raw, removes)
  let entries: StateUpdate[]
  try {
    entries = decodeColumns(raw)
  } catch (e) {
    throw stateFileCorrupt(file, `its body does not decode (${(e as Error).message})`)
  }
  if (!removes) {
    const i = entries.findIndex((e) => e.value === undefined)
    if (i >= 0) throw stateFileCorrupt(file, `entry ${i} should be [key, value] with an array key`)
  }
  return entries
}

/** A v1/v2 body: one msgpack array of `[key, value]` and (in a delta) `[key]` entries. */
function decodeMsgpackBody(file: string, raw: Uint8Array, removes: boolean): StateUpdate[] {
  let body: unknown
  try {
    body = unpackr.unpack(raw)
  } catch (e) {
    throw stateFileCorrupt(file, `its msgpack body does not decode (${(e as Error).message})`)
  }
  if (!Array.isArray(body)) throw stateFileCorrupt(file, 'its body should be an array of entries')
  const out: StateUpdate[] = new Array(body.length)
  for (let i = 0; i < body.length; i++) {
    const e = body[i] as unknown[]
    checkEntry(file, e, i, removes)
    out[i] = e.length === 2 ? { key: e[0] as StateKey, value: e[1] } : { key: e[0] as StateKey }
  }
  return out
}

function checkEntry(file: string, entry: unknown, i: number, removes: boolean): void {
  const ok =
    Array.isArray(entry) &&
    Array.isArray(entry[0]) &&
    (entry.length === 2 ? entry[1] !== undefined : removes && entry.length === 1)
  if (!ok) {
    const want = removes ? '[key, value] or [key]' : '[key, value]'
    throw stateFileCorrupt(file, `entry ${i} should be ${want} with an array key`)
  }
}

/**
 * The bytes of a delta file.
 *
 * @example
 * encodeDelta([{ key: ['a'], value: 1 }, { key: ['b'] }]) // v3, a put of ['a'] and a remove of ['b']
 */
export function encodeDelta(updates: Iterable<StateUpdate>): Uint8Array {
  return encodeFile(Array.isArray(updates) ? updates : [...updates])
}

/**
 * The updates a delta file holds, in order; throws CHECKPOINT_CORRUPT / _VERSION_UNSUPPORTED naming `file`.
 *
 * @example
 * decodeDelta('/c/state/0/0/1.delta', encodeDelta([{ key: ['a'], value: 1 }])) // [{ key: ['a'], value: 1 }]
 */
export function decodeDelta(file: string, bytes: Uint8Array): StateUpdate[] {
  return decodeFile(file, bytes, true)
}

/**
 * The bytes of a snapshot file.
 *
 * @example
 * encodeSnapshot([{ key: ['a'], value: 1 }]) // v3 + checksum + the columns of one put
 */
export function encodeSnapshot(entries: Iterable<{ key: StateKey; value: unknown }>): Uint8Array {
  const body: StateUpdate[] = []
  for (const e of entries) body.push(e)
  return encodeFile(body)
}

/**
 * The entries a snapshot file holds; throws like `decodeDelta`.
 *
 * @example
 * decodeSnapshot('/c/state/0/0/10.snapshot', bytes) // [{ key: ['a'], value: 1 }]
 */
export function decodeSnapshot(file: string, bytes: Uint8Array): { key: StateKey; value: unknown }[] {
  return decodeFile(file, bytes, false) as { key: StateKey; value: unknown }[]
}
