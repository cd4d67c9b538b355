/**
 * A disk-backed state store provider on LMDB, after Spark's RocksDBStateStoreProvider with
 * changelog checkpointing: the latest committed version lives in a local LMDB folder (a cache,
 * lmdb-local-store.ts); each commit writes `<v>.changelog` to the checkpoint (atomically) before
 * applying the batch's changes to LMDB in one transaction; `doMaintenance()` uploads `<v>.lmdbsnap`
 * (the whole version) once more than `minDeltasForSnapshot` changelogs would be needed to load the
 * latest version, and deletes the files no version among the last `minBatchesToRetain` needs.
 * Formats: lmdb-checkpoint-codec.ts.
 *
 * The checkpoint is the source of truth. `getStore(v)` uses the local folder when it holds v, rolls
 * it forward through changelogs when it holds an older version at or after v's base snapshot, and
 * otherwise rebuilds it from the latest snapshot at or below v plus changelogs. A new provider
 * trusts a folder only after checking that the checkpoint file that made its version is still
 * there with the same CRC-32 (a lost, stale or foreign folder is rebuilt).
 *
 * Heap use is the open batch's overlay (at most `maxOverlayEntries` keys; more are spilled into the
 * folder, marked uncommitted, and written with the commit as blocks of its changelog), not the
 * number of keys; snapshots are written (one store at a time) and restored in parts of at most
 * 50,000 keys (lmdb-snapshot-io.ts). LMDB's pages are memory-mapped: a folder whose file is larger
 * than `remapBytes` is unmapped after each commit, load and snapshot part, so the pages touched
 * leave the process's resident memory (they stay in the OS's page cache).
 */
import { invalidArgument } from '../../errors.ts'
import type { Clock } from '../../io/clock.ts'
import type { FileSystem } from '../../io/fs.ts'
import type { KeyOrdering } from '../event-time-index.ts'
import type { StateStore, StateStoreId, StateStoreProvider } from '../spi.ts'
import { stateDeltaMissing } from '../state-codec.ts'
import type { StateMap } from '../state-map.ts'
import {
  decodeChangelog,
  encodeChangelog,
  encodeChangelogBlock,
  encodeLmdbSnapshot,
  SNAPSHOT_PART_ENTRIES,
} from './lmdb-checkpoint-codec.ts'
import {
  deleteLmdbSnapshot,
  type LmdbFile,
  listLmdbFiles,
  lmdbFilePath,
  snapshotPartVersions,
} from './lmdb-files.ts'
import {
  acquireLocalStore,
  type LmdbLocalStore,
  lmdbLocalDir,
  lmdbMaxOverlayEntries,
  lmdbRemapBytes,
  releaseLocalStore,
} from './lmdb-local-store.ts'
import { crcOf, keyed, restoreLmdbSnapshot, writeLmdbSnapshot } from './lmdb-snapshot-io.ts'
import { LmdbStateStore, type LmdbStoreHost } from './lmdb-state-store.ts'

export interface LmdbStateStoreProviderOptions {
  readonly id: StateStoreId
  /** The store's directory in the checkpoint. */
  readonly dir: string
  readonly fs: FileSystem
  /** Snapshot once more than this many changelogs would be needed to load the latest version (10). */
  readonly minDeltasForSnapshot?: number
  /** Versions (besides the latest) that must stay loadable after maintenance (100). */
  readonly minBatchesToRetain?: number
  /** Spark's `numColsPrefixKey`: the overlay indexes keys by this many components (0). */
  readonly numColsPrefixKey?: number
  readonly ordering?: KeyOrdering
  /** The local LMDB folder (default: `lmdbLocalDir(dir)`, under `SLUICE_STATE_LMDB_DIR` or the temp dir). */
  readonly localDir?: string
  readonly clock?: Clock
  /** The most entries per snapshot file (default SNAPSHOT_PART_ENTRIES, 50,000). */
  readonly snapshotPartEntries?: number
  /** Unmap the folder after a commit once its file is larger than this (default `lmdbRemapBytes()`). */
  readonly remapBytes?: number
  /** The most changed keys an open store holds before spilling them (default `lmdbMaxOverlayEntries()`). */
  readonly maxOverlayEntries?: number
}

/** The provider's figures: each the last one (the last getStore, commit or snapshot). */
interface Timings {
  changelogWriteMs: number
  commitApplyMs: number
  snapshotWriteMs: number
  loadMs: number
  filesReplayed: number
  /** Times the folder was unmapped and mapped again (since the provider opened). */
  remaps: number
  /** Times an open store's overlay was spilled into the folder (since the provider opened). */
  spills: number
}

/**
 * Serves versions of one (operator, partition, store) from a local LMDB folder and the checkpoint.
 *
 * @example
 * const provider = new LmdbStateStoreProvider({ id: { operatorId: 0, partition: 0, storeName: 'default' }, dir, fs: nodeFileSystem })
 * const store = await provider.getStore(0)
 * store.put(['a'], 1)
 * await store.commit() // 1, and dir/1.changelog exists
 */
export class LmdbStateStoreProvider implements StateStoreProvider {
  readonly id: StateStoreId
  readonly #dir: string
  readonly #fs: FileSystem
  readonly #localDir: string
  readonly #minDeltasForSnapshot: number
  readonly #minBatchesToRetain: number
  readonly #numColsPrefixKey: number
  readonly #ordering: KeyOrdering | undefined
  readonly #clock: Clock | undefined
  readonly #partEntries: number
  readonly #remapBytes: number
  readonly #maxOverlayEntries: number
  /** Changelog blocks of the open version's spills, written with its commit. */
  #spilled: { version: number; blocks: Uint8Array[] } | undefined
  #local: LmdbLocalStore | undefined
  #verified = false
  #open: LmdbStateStore | undefined
  #dirMade = false
  readonly #t: Timings = {
    changelogWriteMs: 0,
    commitApplyMs: 0,
    snapshotWriteMs: 0,
    loadMs: 0,
    filesReplayed: 0,
    remaps: 0,
    spills: 0,
  }

  constructor(options: LmdbStateStoreProviderOptions) {
    this.id = options.id
    this.#dir = options.dir
    this.#fs = options.fs
    this.#localDir = options.localDir ?? lmdbLocalDir(options.dir)
    this.#minDeltasForSnapshot = checkCount(options.minDeltasForSnapshot ?? 10, 'minDeltasForSnapshot')
    this.#minBatchesToRetain = checkCount(options.minBatchesToRetain ?? 100, 'minBatchesToRetain')
    this.#numColsPrefixKey = options.numColsPrefixKey ?? 0
    this.#ordering = options.ordering
    this.#clock = options.clock
    this.#partEntries = checkCount(
      options.snapshotPartEntries ?? SNAPSHOT_PART_ENTRIES,
      'snapshotPartEntries',
    )
    this.#remapBytes = options.remapBytes ?? lmdbRemapBytes()
    this.#maxOverlayEntries = checkCount(
      options.maxOverlayEntries ?? lmdbMaxOverlayEntries(),
      'maxOverlayEntries',
    )
  }

  async getStore(version: number): Promise<StateStore> {
    if (!Number.isSafeInteger(version) || version < 0) {
      throw invalidArgument(`State version ${version} of ${this.#describe()} must be a non-negative integer.`)
    }
    this.#open?.replace()
    this.#open = undefined
    this.#spilled = undefined
    const start = this.#now()
    this.#t.filesReplayed = 0
    const local = await this.#load(version)
    this.#t.loadMs = this.#now() - start
    const host: LmdbStoreHost = {
      commitUpdates: (v: number, updates: StateMap) => this.#commit(v, updates),
      maxOverlayEntries: this.#maxOverlayEntries,
      spill: (v: number, updates: StateMap) => this.#spill(v, updates),
      discardSpills: () => this.#discardSpills(),
      describe: () => this.#describe(),
      customMetrics: () => this.#metrics(),
    }
    this.#open = new LmdbStateStore(host, local, version, this.#numColsPrefixKey, this.#ordering)
    return this.#open
  }

  async doMaintenance(): Promise<void> {
    const files = await listLmdbFiles(this.#fs, this.#dir)
    if (files.length === 0) return
    const lastVersion = files[files.length - 1].version
    await this.#snapshotIfDue(files, lastVersion)
    await this.#cleanup(lastVersion)
  }

  /** A store that starts empty at `version` (an allowed evolution): an empty snapshot of it. */
  async createEmpty(version: number): Promise<void> {
    await this.#fs.mkdirp(this.#dir)
    this.#dirMade = true
    await this.#fs.writeAtomic(lmdbFilePath(this.#dir, version, 'snapshot'), encodeLmdbSnapshot(1, []))
  }

  close(): void {
    this.#open?.replace()
    this.#open = undefined
    if (this.#local !== undefined) releaseLocalStore(this.#localDir)
    this.#local = undefined
  }

  #now(): number {
    return this.#clock?.now() ?? 0
  }

  #describe(): string {
    const { operatorId, partition, storeName } = this.id
    return `LMDB state store (operator ${operatorId}, partition ${partition}, store '${storeName}') in ${this.#dir}`
  }

  #metrics(): Record<string, number> {
    const local = this.#local
    return {
      lmdbBytesOnDisk: local?.bytesOnDisk() ?? 0,
      lmdbChangelogWriteTimeMs: this.#t.changelogWriteMs,
      lmdbCommitApplyTimeMs: this.#t.commitApplyMs,
      lmdbSnapshotWriteTimeMs: this.#t.snapshotWriteMs,
      lmdbLoadTimeMs: this.#t.loadMs,
      lmdbFilesReplayed: this.#t.filesReplayed,
      lmdbRemaps: this.#t.remaps,
      lmdbOverlaySpills: this.#t.spills,
    }
  }

  async #commit(version: number, updates: StateMap): Promise<void> {
    const next = version + 1
    if (!this.#dirMade) {
      await this.#fs.mkdirp(this.#dir)
      this.#dirMade = true
    }
    // A snapshot of `next` left by an earlier run would shadow the new changelog.
    if (await this.#fs.delete(lmdbFilePath(this.#dir, next, 'snapshot')))
      await deleteLmdbSnapshot(this.#fs, this.#dir, next)
    const start = this.#now()
    const earlier = this.#spilled?.version === version ? this.#spilled.blocks : []
    this.#spilled = undefined
    const bytes = encodeChangelog(updates.values(), earlier)
    await this.#fs.writeAtomic(lmdbFilePath(this.#dir, next, 'changelog'), bytes)
    const written = this.#now()
    this.#t.changelogWriteMs = written - start
    const local = this.#acquire()
    // NOTE: only with the changelog durable does LMDB change. A folder moved by another provider
    // of this process since this store opened is emptied: the next getStore rebuilds it.
    if (local.source().version !== version) local.reset()
    else {
      local.apply(updates, this.#ordering, { version: next, file: `${next}.changelog`, crc: crcOf(bytes) })
      if (local.remapAbove(this.#remapBytes)) this.#t.remaps++
    }
    this.#t.commitApplyMs = this.#now() - written
    this.#open = undefined
  }

  /**
   * Writes an open store's full overlay into the folder ahead of its commit, and keeps its
   * changelog block for the commit. NOTE: the folder is marked uncommitted first (in the same
   * transaction), so neither a crash nor another provider trusts it until the commit clears it.
   */
  #spill(version: number, updates: StateMap): void {
    if (this.#spilled?.version !== version) this.#spilled = { version, blocks: [] }
    this.#spilled.blocks.push(encodeChangelogBlock(updates.values()))
    const local = this.#acquire()
    local.apply(updates, this.#ordering, { version, file: '', crc: '', uncommitted: true })
    this.#t.spills++
  }

  /** An abort after spills: the folder holds changes of no version, so it is emptied and rebuilt. */
  #discardSpills(): void {
    this.#spilled = undefined
    this.#local?.reset()
  }

  #acquire(): LmdbLocalStore {
    this.#local ??= acquireLocalStore(this.#localDir)
    return this.#local
  }

  async #load(version: number): Promise<LmdbLocalStore> {
    const local = this.#acquire()
    if (!this.#verified) {
      this.#verified = true
      if (!(await this.#trusts(local))) local.reset()
    }
    const src = local.source()
    if (src.uncommitted === true) local.reset()
    const have = src.uncommitted === true ? 0 : src.version
    if (have === version) return local
    const files = await listLmdbFiles(this.#fs, this.#dir)
    const base = files.filter((f) => f.isSnapshot && f.version <= version).pop()
    let from = have
    if (!(have < version && have >= (base?.version ?? 0))) {
      local.reset()
      from = base?.version ?? 0
      if (base !== undefined)
        this.#t.filesReplayed += await restoreLmdbSnapshot(this.#fs, this.#dir, local, base, this.#ordering)
    }
    for (let v = from + 1; v <= version; v++) await this.#replay(local, v, version)
    if (local.remapAbove(this.#remapBytes)) this.#t.remaps++
    return local
  }

  /** Whether the folder's version is the checkpoint's: the file that made it has the same CRC. */
  async #trusts(local: LmdbLocalStore): Promise<boolean> {
    const s = local.source()
    if (s.uncommitted === true) return false
    if (s.version === 0) return local.count() === 0
    const bytes = await this.#fs.readFile(`${this.#dir}/${s.file}`)
    return bytes !== undefined && crcOf(bytes) === s.crc
  }

  async #replay(local: LmdbLocalStore, version: number, target: number): Promise<void> {
    const file = lmdbFilePath(this.#dir, version, 'changelog')
    const bytes = await this.#fs.readFile(file)
    if (bytes === undefined) throw stateDeltaMissing(file, target)
    const updates = decodeChangelog(file, bytes)
    const source = { version, file: `${version}.changelog`, crc: crcOf(bytes) }
    local.apply(keyed(updates), this.#ordering, source)
    this.#t.filesReplayed++
  }

  async #snapshotIfDue(files: readonly LmdbFile[], lastVersion: number): Promise<void> {
    const local = this.#local
    // Like Spark, only a provider whose local folder holds the latest version snapshots it.
    if (local === undefined || local.source().version !== lastVersion) return
    const lastSnapshot = files.filter((f) => f.isSnapshot).pop()?.version ?? 0
    const needed = files.filter((f) => !f.isSnapshot && f.version > lastSnapshot).length
    if (lastSnapshot === lastVersion || needed <= this.#minDeltasForSnapshot) return
    const start = this.#now()
    const { remaps } = await writeLmdbSnapshot({
      fs: this.#fs,
      dir: this.#dir,
      local,
      version: lastVersion,
      partEntries: this.#partEntries,
      remapBytes: this.#remapBytes,
    })
    this.#t.remaps += remaps
    this.#t.snapshotWriteMs = this.#now() - start
  }

  async #cleanup(lastVersion: number): Promise<void> {
    const earliestToRetain = lastVersion - this.#minBatchesToRetain
    if (earliestToRetain <= 0) return
    const current = await listLmdbFiles(this.#fs, this.#dir)
    const base = current.filter((f) => f.isSnapshot && f.version <= earliestToRetain).pop()
    if (base === undefined) return
    for (const f of current) {
      if (f.version >= base.version) continue
      if (f.isSnapshot) await deleteLmdbSnapshot(this.#fs, this.#dir, f.version)
      else await this.#fs.delete(`${this.#dir}/${f.name}`)
    }
    // Parts an interrupted snapshot left without a main file.
    for (const v of snapshotPartVersions(await this.#fs.list(this.#dir)))
      if (v < base.version) await deleteLmdbSnapshot(this.#fs, this.#dir, v)
  }
}

function checkCount(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw invalidArgument(`The state store option ${what} is ${n}; it must be a positive integer.`)
  }
  return n
}
