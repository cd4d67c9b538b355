/**
 * The state store's files in `C/state/<operatorId>/<partition>/` (Spark's HDFSBackedStateStoreProvider
 * layout): `<v>.delta` holds the puts and removes that turned version v-1 into v; `<v>.snapshot`
 * holds all of version v.
 *
 * Format: a version line, then one msgpack value (msgpackr, records on and defined inline, so each
 * file is self-contained; msgpack maps decode as `Map`, records as plain objects):
 *
 * ```
 * v1\n
 * delta:    [[key, value], [key], ...]   a 2-element entry is a put, a 1-element entry a remove
 * snapshot: [[key, value], ...]
 * ```
 *
 * e.g. the delta of a batch that counted 'a' twice and dropped 'b': `v1\n` + msgpack of
 * `[[['a'], {count: 2}], [['b']]]`.
 *
 * Invariant: a file appears whole (atomic write) or not at all; the msgpack value is one array with
 * its length up front, so a truncated file or trailing bytes fail to decode (CHECKPOINT_CORRUPT).
 * Readers refuse a newer version line (CHECKPOINT_VERSION_UNSUPPORTED).
 *
 * Version history: v1 — this format.
 */
import { Packr, Unpackr } from 'msgpackr'
import { SluiceError } from '../errors.ts'
import type { StateKey } from './spi.ts'

/** The format version this code writes and the newest it reads. */
export const STATE_FILE_VERSION = 1

/** A put (`value` set) or a remove (`value` undefined) in a delta. */
export interface StateUpdate {
  readonly key: StateKey
  readonly value?: unknown
}

const HEADER = new TextEncoder().encode(`v${STATE_FILE_VERSION}\n`)
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

function encodeFile(body: unknown): Uint8Array {
  // A fresh Packr per file: with `sequential`, a Packr's later output refers to record structures
  // defined in its earlier output, and each file must decode on its own.
  const bytes = new Packr({ useRecords: true, sequential: true, mapsAsObjects: false, moreTypes: true }).pack(
    body,
  )
  const out = new Uint8Array(HEADER.length + bytes.length)
  out.set(HEADER, 0)
  out.set(bytes, HEADER.length)
  return out
}

function decodeFile(file: string, bytes: Uint8Array): unknown[] {
  const end = bytes.subarray(0, MAX_VERSION_LINE).indexOf(10)
  const line = new TextDecoder().decode(bytes.subarray(0, end < 0 ? MAX_VERSION_LINE : end))
  const m = VERSION_LINE.exec(line)
  const version = m === null ? 0 : Number(m[1])
  if (end < 0 || !(version > 0 && Number.isSafeInteger(version))) {
    throw stateFileCorrupt(file, `the first line should be a version line like 'v1' but is '${line}'`)
  }
  if (version > STATE_FILE_VERSION) {
    throw new SluiceError(
      'CHECKPOINT_VERSION_UNSUPPORTED',
      `State file ${file} has format version v${version}, but this version of Sluice reads at most ` +
        `v${STATE_FILE_VERSION}. It was written by a newer Sluice: upgrade Sluice to run this query. ` +
        'The file was left untouched.',
    )
  }
  let body: unknown
  try {
    body = unpackr.unpack(bytes.subarray(end + 1))
  } catch (e) {
    throw stateFileCorrupt(file, `its msgpack body does not decode (${(e as Error).message})`)
  }
  if (!Array.isArray(body)) throw stateFileCorrupt(file, 'its body should be an array of entries')
  return body
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
 * encodeDelta([{ key: ['a'], value: 1 }, { key: ['b'] }]) // v1 + msgpack [[['a'], 1], [['b']]]
 */
export function encodeDelta(updates: Iterable<StateUpdate>): Uint8Array {
  const body: unknown[] = []
  for (const u of updates) body.push(u.value === undefined ? [u.key] : [u.key, u.value])
  return encodeFile(body)
}

/**
 * The updates a delta file holds, in order; throws CHECKPOINT_CORRUPT / _VERSION_UNSUPPORTED naming `file`.
 *
 * @example
 * decodeDelta('/c/state/0/0/1.delta', encodeDelta([{ key: ['a'], value: 1 }])) // [{ key: ['a'], value: 1 }]
 */
export function decodeDelta(file: string, bytes: Uint8Array): StateUpdate[] {
  const body = decodeFile(file, bytes)
  const out: StateUpdate[] = new Array(body.length)
  for (let i = 0; i < body.length; i++) {
    const e = body[i] as unknown[]
    checkEntry(file, e, i, true)
    out[i] = e.length === 2 ? { key: e[0] as StateKey, value: e[1] } : { key: e[0] as StateKey }
  }
  return out
}

/**
 * The bytes of a snapshot file.
 *
 * @example
 * encodeSnapshot([{ key: ['a'], value: 1 }]) // v1 + msgpack [[['a'], 1]]
 */
export function encodeSnapshot(entries: Iterable<{ key: StateKey; value: unknown }>): Uint8Array {
  const body: unknown[] = []
  for (const e of entries) body.push([e.key, e.value])
  return encodeFile(body)
}

/**
 * The entries a snapshot file holds; throws like `decodeDelta`.
 *
 * @example
 * decodeSnapshot('/c/state/0/0/10.snapshot', bytes) // [{ key: ['a'], value: 1 }]
 */
export function decodeSnapshot(file: string, bytes: Uint8Array): { key: StateKey; value: unknown }[] {
  const body = decodeFile(file, bytes)
  const out: { key: StateKey; value: unknown }[] = new Array(body.length)
  for (let i = 0; i < body.length; i++) {
    const e = body[i] as unknown[]
    checkEntry(file, e, i, false)
    out[i] = { key: e[0] as StateKey, value: e[1] }
  }
  return out
}
