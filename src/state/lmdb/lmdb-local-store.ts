/**
 * The local LMDB folder of one (operator, partition, store): a cache of the latest committed
 * version, rebuilt from the checkpoint when lost or stale (lmdb-state-store-provider.ts).
 *
 * Three databases in one LMDB environment:
 * - `entries`: the key's identity string (state-key-codec.ts; a key prefix's string is a string
 *   prefix, so a prefix scan is one ordered range) → `[key, value]` (msgpack, records shared
 *   through LMDB's structures key);
 * - `byTime`: `[eventTime, identity]` → nothing, for range scans by event time (ordered stores);
 * - `meta`: `version` (the committed version the folder holds) and `source`/`crc` (the checkpoint
 *   file that made it and its CRC-32, checked when a new provider first trusts the folder).
 *
 * NOTE: this folder is not a persisted format of the checkpoint: it may be deleted at any time
 * while no query runs, and a Sluice that cannot read it rebuilds it.
 *
 * Several providers of one process (a restart in the same process) share one open environment per
 * folder, counted by reference; the folder is closed when the last one closes.
 */
import { createHash } from 'node:crypto'
import { rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Database, RootDatabase } from 'lmdb'
import { SluiceError } from '../../errors.ts'
import { type KeyOrdering, orderedTimeOf } from '../event-time-index.ts'
import type { StateEntry, StateKey } from '../spi.ts'

type LmdbModule = typeof import('lmdb')
let lmdbModule: LmdbModule | undefined

/**
 * The `lmdb` package, loaded on first use: its native binding costs ~0.1-0.2 s to load, and a
 * session that never uses the LMDB provider (or a platform without its prebuilt binary) should not
 * pay for it.
 */
function lmdb(): LmdbModule {
  lmdbModule ??= createRequire(import.meta.url)('lmdb') as LmdbModule
  return lmdbModule
}

/** Where local LMDB folders live unless `SLUICE_STATE_LMDB_DIR` says otherwise. */
export function lmdbLocalRoot(): string {
  return process.env.SLUICE_STATE_LMDB_DIR ?? join(tmpdir(), 'sluice-state-lmdb')
}

/**
 * The local folder that caches the store whose checkpoint directory is `storeDir`.
 *
 * @example lmdbLocalDir('/ckpt/state/0/3') // '/tmp/sluice-state-lmdb/5f0c…'
 */
export function lmdbLocalDir(storeDir: string, root = lmdbLocalRoot()): string {
  return join(root, createHash('sha256').update(resolve(storeDir)).digest('hex').slice(0, 32))
}

/** One change of a batch: `value` undefined is a remove. */
export interface LocalUpdate {
  readonly key: StateKey
  readonly value: unknown
  /** Whether the key is in the folder already, when the writer knows (else it is looked up). */
  readonly existed?: boolean
}

/** Which checkpoint file made the folder's version, to check it against the checkpoint. */
export interface LocalSource {
  readonly version: number
  readonly file: string
  readonly crc: string
  /** The folder also holds changes of an open batch on top of `version` (an overlay spill). */
  readonly uncommitted?: boolean
}

/**
 * The data file size above which a store unmaps its folder after each commit (`remapAbove`):
 * `SLUICE_STATE_LMDB_REMAP_BYTES`, default 32 MiB. LMDB reads through a memory map, and every page
 * a batch touches stays resident in the process (as file-backed RSS) until unmapped, so without
 * this the resident memory of a large store grows to the size of its file.
 *
 * @example lmdbRemapBytes() // 33554432
 */
export function lmdbRemapBytes(): number {
  const text = process.env.SLUICE_STATE_LMDB_REMAP_BYTES
  if (text === undefined || text === '') return DEFAULT_REMAP_BYTES
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new SluiceError(
      'INVALID_OPTION',
      `SLUICE_STATE_LMDB_REMAP_BYTES is '${text}'; it must be a whole number of bytes, 0 or more (0: unmap after every commit).`,
    )
  }
  return n
}

const DEFAULT_REMAP_BYTES = 32 * 2 ** 20

/**
 * The most changed keys an open store keeps on the heap before writing them into its folder ahead
 * of the commit (and into its changelog as a block): `SLUICE_STATE_LMDB_MAX_OVERLAY_ENTRIES`,
 * default 50,000. An abort after such a spill has the folder rebuilt from the checkpoint.
 *
 * @example lmdbMaxOverlayEntries() // 50000
 */
export function lmdbMaxOverlayEntries(): number {
  const text = process.env.SLUICE_STATE_LMDB_MAX_OVERLAY_ENTRIES
  if (text === undefined || text === '') return 50_000
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new SluiceError(
      'INVALID_OPTION',
      `SLUICE_STATE_LMDB_MAX_OVERLAY_ENTRIES is '${text}'; it must be a whole number of entries, 1 or more.`,
    )
  }
  return n
}

/** LMDB keys are at most 1978 bytes; Sluice refuses longer keys with a clear error. */
const MAX_KEY_CHARS = 1900 / 3

const shared = new Map<string, { store: LmdbLocalStore; refs: number }>()

/** The key under which the entries database keeps msgpack's shared record structures. */
const STRUCTURES = Symbol.for('structures')

/** The shared open folder at `path` (one more reference). @example const s = acquireLocalStore(p) */
export function acquireLocalStore(path: string): LmdbLocalStore {
  let e = shared.get(path)
  if (e === undefined) {
    e = { store: new LmdbLocalStore(path), refs: 0 }
    shared.set(path, e)
  }
  e.refs++
  return e.store
}

/** Drops one reference; the last one closes the folder. @example releaseLocalStore(p) */
export function releaseLocalStore(path: string): void {
  const e = shared.get(path)
  if (e === undefined) return
  if (--e.refs > 0) return
  shared.delete(path)
  e.store.close()
}

/** An open local LMDB folder. Use acquireLocalStore/releaseLocalStore. */
export class LmdbLocalStore {
  readonly path: string
  #root!: RootDatabase
  #entries!: Database<unknown[], string>
  #byTime!: Database<Buffer, [number, string]>
  #meta!: Database<unknown, string>

  constructor(path: string) {
    this.path = path
    this.#open()
  }

  #open(): void {
    try {
      // NOTE: no fsync per transaction: the checkpoint is the source of truth, and a folder that an
      // OS crash left behind the checkpoint is rolled forward (or rebuilt) from it.
      this.#root = lmdb().open({ path: this.path, maxDbs: 4, noSync: true })
    } catch (e) {
      throw new SluiceError(
        'INVALID_OPTION',
        `Cannot open the local LMDB state folder ${this.path}: ${(e as Error).message}. Check that the folder is writable, or set SLUICE_STATE_LMDB_DIR to another folder.`,
      )
    }
    this.#entries = this.#root.openDB('entries', {
      encoding: 'msgpack',
      sharedStructuresKey: STRUCTURES,
      encoder: { mapsAsObjects: false, moreTypes: true },
    } as never)
    this.#byTime = this.#root.openDB('byTime', { encoding: 'binary' })
    this.#meta = this.#root.openDB('meta', { encoding: 'msgpack' })
  }

  /** The committed version the folder holds and the file that made it (version 0: empty). */
  source(): LocalSource {
    const s = this.#meta.get('source') as LocalSource | undefined
    return s ?? { version: 0, file: '', crc: '' }
  }

  get(k: string): StateEntry | undefined {
    const e = this.#entries.get(k)
    return e === undefined ? undefined : { key: e[0] as StateKey, value: e[1] }
  }

  has(k: string): boolean {
    return this.#entries.doesExist(k)
  }

  /** Every entry, in key order, with its identity string. */
  *entries(prefix = ''): IterableIterator<[string, StateEntry]> {
    const range = prefix === '' ? this.#entries.getRange({}) : this.#entries.getRange({ start: prefix })
    for (const { key, value } of range) {
      if (!key.startsWith(prefix)) return
      yield [key, { key: value[0] as StateKey, value: value[1] }]
    }
  }

  /** Up to `limit` entries after the identity string `after` (from the first when undefined), in key order. */
  entriesAfter(after: string | undefined, limit: number): [string, StateEntry][] {
    const out: [string, StateEntry][] = []
    const range = this.#entries.getRange(after === undefined ? {} : { start: after })
    for (const { key, value } of range) {
      if (key === after) continue
      out.push([key, { key: value[0] as StateKey, value: value[1] }])
      if (out.length === limit) break
    }
    return out
  }

  /** Identity strings of the entries whose ordered time is in [from, to], by time. */
  *timeRange(from: number, to: number): IterableIterator<string> {
    for (const { key } of this.#byTime.getRange({ start: [from, ''] })) {
      if (key[0] > to) return
      yield key[1]
    }
  }

  /**
   * Applies one version's changes (or a snapshot's part) and records `source`, atomically; without
   * a source (a snapshot's earlier parts) the recorded version stays as it was.
   */
  apply(
    updates: Iterable<[string, LocalUpdate]>,
    ordering: KeyOrdering | undefined,
    source: LocalSource | undefined,
  ): void {
    this.#root.transactionSync(() => {
      for (const [k, u] of updates) {
        if (k.length > MAX_KEY_CHARS && Buffer.byteLength(k) > 1900) throw keyTooLong(u.key)
        const t = ordering === undefined ? null : orderedTimeOf(u.key, ordering)
        if (u.value === undefined) {
          this.#entries.removeSync(k)
          if (t !== null) this.#byTime.removeSync([t, k])
        } else {
          // A key already here has its time entry already (equal keys have equal times).
          if (t !== null && !(u.existed ?? this.#entries.doesExist(k))) this.#byTime.putSync([t, k], EMPTY)
          this.#entries.putSync(k, [u.key, u.value])
        }
      }
      if (source !== undefined) this.#meta.putSync('source', source)
    })
  }

  /** Empties the folder (deletes and recreates it). */
  reset(): void {
    this.close()
    rmSync(this.path, { recursive: true, force: true })
    this.#open()
  }

  /** Keys held now. */
  count(): number {
    const n = (this.#entries.getStats() as { entryCount: number }).entryCount
    // msgpack's shared record structures live in the same database, under a symbol key.
    return this.#entries.doesExist(STRUCTURES as never) ? n - 1 : n
  }

  /** The size of the LMDB data file. */
  bytesOnDisk(): number {
    try {
      return statSync(join(this.path, 'data.mdb')).size
    } catch {
      return 0
    }
  }

  /**
   * Unmaps the folder and maps it again when its data file is larger than `bytes`: the pages that
   * reads and writes touched leave this process's resident memory (they stay in the OS page cache,
   * so touching them again costs a minor fault, not a disk read). Call it between transactions,
   * with no range read open.
   */
  remapAbove(bytes: number): boolean {
    if (this.bytesOnDisk() <= bytes) return false
    this.#root.close()
    this.#open()
    return true
  }

  close(): void {
    this.#root.close()
  }
}

const EMPTY = Buffer.alloc(0)

function keyTooLong(key: StateKey): SluiceError {
  return new SluiceError(
    'INVALID_ARGUMENT',
    `A state key is longer than the LMDB state store allows (about 1900 bytes): ${JSON.stringify(key).slice(0, 120)}…. Group by shorter columns (e.g. a hash of the long one), or use the memory state store provider.`,
  )
}
