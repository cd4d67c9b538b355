/**
 * The checkpoint as the runtime sees it: its two logs, its metadata, its lock, where each source keeps
 * its own files, and the recovery decision read from disk. Layout in layout.ts.
 */

import type { SluiceError } from '../errors.ts'
import type { Clock } from '../io/clock.ts'
import type { FileSystem } from '../io/fs.ts'
import { processIdentity } from '../io/process-identity.ts'
import type { Scheduler } from '../io/scheduler.ts'
import { checkpointIncompatible, checkpointInconsistent } from './checkpoint-errors.ts'
import { acquireCheckpointLock, type CheckpointLock } from './checkpoint-lock.ts'
import { type CommitLogEntry, commitLogCodec } from './commit-log-codec.ts'
import { FileMetadataLog } from './file-metadata-log.ts'
import { commitsDir, metadataPath, offsetsDir, sourceDir } from './layout.ts'
import { type OffsetLogEntry, offsetLogCodec } from './offset-log-codec.ts'
import { type QueryMetadata, queryMetadata, queryMetadataCodec } from './query-metadata-codec.ts'
import { decideRecovery, type RecoveryDecision } from './recovery.ts'
import { decodeVersionedFile, encodeVersionedFile } from './versioned-file.ts'

export interface OpenCheckpointOptions {
  readonly clock: Clock
  readonly scheduler: Scheduler
  /** Lock heartbeat interval (default 10 s). */
  readonly heartbeatIntervalMs?: number
  /** Lock lease timeout (default 60 s). */
  readonly leaseTimeoutMs?: number
  /** Makes a new query id at the first start (default crypto.randomUUID). */
  readonly newQueryId?: () => string
  /**
   * Fsync the offsets and commits logs (default true). False only for a temporary checkpoint,
   * deleted at stop and never recovered: a crash loses it whole, whatever was synced.
   */
  readonly durable?: boolean
}

/**
 * Opens (creating its folders if needed) the checkpoint at `path`.
 *
 * @example
 * const ckpt = await openCheckpoint(nodeFileSystem, 'ckpt/top-bids', { clock: systemClock, scheduler: systemScheduler })
 * const lock = await ckpt.acquireLock(runId)
 * const meta = await ckpt.readOrCreateMetadata({ 'sluice.sql.shuffle.partitions': '8' })
 * const decision = await ckpt.recover(['bids'])
 */
export async function openCheckpoint(
  fs: FileSystem,
  path: string,
  options: OpenCheckpointOptions,
): Promise<Checkpoint> {
  await fs.mkdirp(offsetsDir(path))
  await fs.mkdirp(commitsDir(path))
  return new Checkpoint(fs, path, options)
}

/** One checkpoint directory. Made by openCheckpoint. */
export class Checkpoint {
  readonly path: string
  /** `C/offsets`: the write-ahead log, one entry per batch. */
  readonly offsets: FileMetadataLog<OffsetLogEntry>
  /** `C/commits`: one entry per finished batch. */
  readonly commits: FileMetadataLog<CommitLogEntry>
  private readonly fs: FileSystem
  private readonly options: OpenCheckpointOptions

  constructor(fs: FileSystem, path: string, options: OpenCheckpointOptions) {
    this.fs = fs
    this.path = path
    this.options = options
    const write = { durable: options.durable !== false }
    this.offsets = new FileMetadataLog(fs, offsetsDir(path), offsetLogCodec, write)
    this.commits = new FileMetadataLog(fs, commitsDir(path), commitLogCodec, write)
  }

  /** Where source `sourceId` keeps its own files. @example ckpt.sourceDir('files-0') // 'ckpt/sources/files-0' */
  sourceDir(sourceId: string): string {
    return sourceDir(this.path, sourceId)
  }

  /**
   * The query's metadata: written at the first start with a new id and `fixedConf`; on later starts
   * read back, and CHECKPOINT_INCOMPATIBLE when a conf both sides have differs. A conf only one side
   * has is not compared (a newer Sluice may record more confs than an older checkpoint has).
   */
  async readOrCreateMetadata(
    fixedConf: Readonly<Record<string, string>>,
    initialConf: Readonly<Record<string, string>> = {},
  ): Promise<QueryMetadata> {
    const file = metadataPath(this.path)
    let bytes = await this.fs.readFile(file)
    const latest = await this.offsets.listBatchIds()
    if (bytes === undefined && latest.length > 0) {
      throw checkpointInconsistent(
        this.path,
        `metadata is missing beside offsets/${latest.at(-1)} (without it the query would get a new id, ` +
          'and a Kafka sink a new transactional id)',
      )
    }
    if (bytes === undefined) {
      const newId = this.options.newQueryId ?? (() => crypto.randomUUID())
      const conf = { ...initialConf, ...fixedConf }
      const created = queryMetadata({ id: newId(), createdAtMs: this.options.clock.now(), conf })
      if (await this.fs.createExclusive(file, encodeVersionedFile(queryMetadataCodec, created)))
        return created
      // Another start won the race: use what it wrote.
      bytes = await this.fs.readFile(file)
      if (bytes === undefined)
        throw checkpointInconsistent(this.path, 'metadata vanished while it was created')
    }
    const stored = decodeVersionedFile(file, bytes, queryMetadataCodec)
    await this.checkMetadataOwnsOffsets(stored.id, latest.at(-1))
    checkFixedConf(this.path, stored.conf, fixedConf)
    return stored
  }

  /** Throws when offsets/`batchId` was planned under another query id than `metadata`'s. */
  private async checkMetadataOwnsOffsets(queryId: string, batchId: number | undefined): Promise<void> {
    if (batchId === undefined) return
    const logged = (await this.offsets.get(batchId))?.queryId
    if (logged === undefined || logged === queryId) return
    throw checkpointInconsistent(
      this.path,
      `metadata holds query id ${queryId} but offsets/${batchId} was written by query ${logged}: the ` +
        'metadata file belongs to another query',
    )
  }

  /** Takes the checkpoint's lock for run `runId`, or throws CHECKPOINT_LOCKED. */
  acquireLock(runId: string, onLost?: (error: SluiceError) => void): Promise<CheckpointLock> {
    const { clock, scheduler, heartbeatIntervalMs, leaseTimeoutMs } = this.options
    return acquireCheckpointLock(this.fs, this.path, {
      clock,
      scheduler,
      owner: { ...processIdentity(), runId },
      ...(heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs }),
      ...(leaseTimeoutMs === undefined ? {} : { leaseTimeoutMs }),
      ...(onLost === undefined ? {} : { onLost }),
    })
  }

  /** Reads what decideRecovery needs from the two logs and returns its decision. */
  async recover(currentSourceIds?: readonly string[]): Promise<RecoveryDecision> {
    const offsetBatchIds = await this.offsets.listBatchIds()
    const commitBatchIds = await this.commits.listBatchIds()
    const n = offsetBatchIds.at(-1)
    const c = commitBatchIds.at(-1)
    return decideRecovery({
      checkpoint: this.path,
      offsetBatchIds,
      commitBatchIds,
      latestOffsets: n === undefined ? undefined : await this.offsets.get(n),
      previousOffsets:
        n !== undefined && offsetBatchIds.includes(n - 1) ? await this.offsets.get(n - 1) : undefined,
      latestCommit: c === undefined ? undefined : await this.commits.get(c),
      ...(currentSourceIds === undefined ? {} : { currentSourceIds }),
    })
  }
}

function checkFixedConf(
  checkpoint: string,
  stored: Readonly<Record<string, string>>,
  now: Readonly<Record<string, string>>,
): void {
  const changed = Object.keys(now).filter((k) => k in stored && stored[k] !== now[k])
  if (changed.length === 0) return
  const described = changed.map((k) => `conf '${k}' is '${stored[k]}' in the checkpoint but '${now[k]}' now`)
  throw checkpointIncompatible(
    checkpoint,
    described.join('; '),
    `These confs are fixed when a query first starts: set ${changed.map((k) => `'${k}'`).join(', ')} back to ` +
      'the checkpoint’s value, or start the query with a new checkpoint location.',
  )
}
