/**
 * QueryCheckpoint over a checkpoint folder (checkpoint/): takes the lock, reads or writes the
 * query's metadata, turns the recovery decision into what the loop needs, and writes the logs.
 * Offsets are stored as their JSON text, keyed by source id.
 */
import { openCheckpoint } from '../checkpoint/checkpoint.ts'
import type { CheckpointLock } from '../checkpoint/checkpoint-lock.ts'
import { commitLogEntry } from '../checkpoint/commit-log-codec.ts'
import { FileMetadataLog } from '../checkpoint/file-metadata-log.ts'
import { progressDir } from '../checkpoint/layout.ts'
import { offsetLogEntry, type SourceOffsets } from '../checkpoint/offset-log-codec.ts'
import { type ProgressLogEntry, progressLogCodec } from '../checkpoint/progress-log-codec.ts'
import { applyRetention } from '../checkpoint/retention.ts'
import { SideOutputLog, sideOutputKey } from '../checkpoint/side-output-log.ts'
import type { Offset } from '../connectors/spi.ts'
import { SluiceError } from '../errors.ts'
import type { Clock } from '../io/clock.ts'
import type { FileSystem } from '../io/fs.ts'
import type { Scheduler } from '../io/scheduler.ts'
import type { StreamingQueryProgress } from './progress.ts'
import type {
  BatchOffsets,
  QueryCheckpoint,
  RecoveredState,
  SideOutputRows,
  SideOutputSpec,
} from './query-checkpoint.ts'

export interface FileCheckpointOptions {
  readonly fs: FileSystem
  readonly clock: Clock
  readonly scheduler: Scheduler
  readonly runId: string
  /** Confs fixed at the first start (a later start with other values is refused). */
  readonly fixedConf: Readonly<Record<string, string>>
  /** Confs recorded at the first start; on later starts the checkpoint's values win (Spark's way). */
  readonly initialConf?: Readonly<Record<string, string>>
  readonly minBatchesToRetain: number
  /**
   * How many batches' progress `progress/` keeps for `sluice ui --checkpoint` (Spark's
   * numRecentProgressUpdates; 0 writes none). Default DEFAULT_PROGRESS_TO_RETAIN.
   */
  readonly progressToRetain?: number
  /** Delete the folder when the query stops (Spark's temporary checkpoint for console/memory sinks). */
  readonly temporary: boolean
  /** The query's source ids, checked against the ones the checkpoint recorded. */
  readonly sourceIds: readonly string[]
  /** Called if another process takes the lock away (the query must stop). */
  readonly onLockLost: (error: SluiceError) => void
}

/** Batches whose progress a checkpoint keeps by default (Spark's numRecentProgressUpdates default). */
export const DEFAULT_PROGRESS_TO_RETAIN = 100

const parse = (offsets: SourceOffsets): Record<string, Offset> =>
  Object.fromEntries(
    Object.entries(offsets).map(([id, text]) => [id, text === null ? null : JSON.parse(text)]),
  )

export async function openQueryCheckpoint(
  location: string,
  opts: FileCheckpointOptions,
): Promise<QueryCheckpoint> {
  const ckpt = await openCheckpoint(opts.fs, location, {
    clock: opts.clock,
    scheduler: opts.scheduler,
    durable: !opts.temporary,
  })
  const lock: CheckpointLock = await ckpt.acquireLock(opts.runId, opts.onLockLost)
  try {
    const meta = await ckpt.readOrCreateMetadata(opts.fixedConf, opts.initialConf)
    return new FileQueryCheckpoint(ckpt, lock, meta, opts)
  } catch (e) {
    await lock.release()
    throw e
  }
}

class FileQueryCheckpoint implements QueryCheckpoint {
  readonly location: string
  readonly queryId: string
  readonly conf: Readonly<Record<string, string>>
  private readonly ckpt: Awaited<ReturnType<typeof openCheckpoint>>
  private readonly lock: CheckpointLock
  private readonly opts: FileCheckpointOptions
  private readonly sideOutputs = new Map<string, SideOutputLog>()
  private readonly progress: FileMetadataLog<ProgressLogEntry>
  private progressPurged = false
  /** The progress write in flight (progress/ is written off the batches' path; see writeProgress). */
  private progressWrite: Promise<void> = Promise.resolve()
  /** Offsets and commits entries below this id are gone; undefined until the run's first purge. */
  private purgedBelow: number | undefined
  /** The side outputs the batch in flight wrote entries to, recorded in its commit. */
  private written: { readonly batchId: number; readonly keys: readonly string[] } | undefined

  constructor(
    ckpt: Awaited<ReturnType<typeof openCheckpoint>>,
    lock: CheckpointLock,
    meta: { readonly id: string; readonly conf: Readonly<Record<string, string>> },
    opts: FileCheckpointOptions,
  ) {
    this.ckpt = ckpt
    this.lock = lock
    this.location = ckpt.path
    this.queryId = meta.id
    // A checkpoint from before a conf was recorded runs with the session's value.
    this.conf = { ...opts.initialConf, ...meta.conf }
    this.opts = opts
    // NOTE: progress/ is the UI's history, not part of exactly-once: recovery reads only offsets/
    // and commits/ (checkpoint/recovery.ts), so it is written without fsyncs (two per batch saved).
    // A power loss may lose the last entries (a shorter history) or cut one, which the UI then
    // refuses by name (its checksum) until it is deleted; a process crash loses nothing (the OS
    // holds the written pages).
    this.progress = new FileMetadataLog(opts.fs, progressDir(this.location), progressLogCodec, {
      durable: false,
    })
  }

  async recover(): Promise<RecoveredState> {
    const d = await this.ckpt.recover(this.opts.sourceIds)
    switch (d.kind) {
      case 'fresh':
        return { nextBatchId: 0, committedOffsets: null, rerun: null, watermarkMs: 0, previousWatermarkMs: 0 }
      case 'rerun':
        return {
          nextBatchId: d.batchId + 1,
          committedOffsets: d.startOffsets === undefined ? null : parse(d.startOffsets),
          rerun: {
            batchId: d.batchId,
            offsets: parse(d.entry.offsets),
            batchTimestampMs: d.entry.batchTimestampMs,
            batchWatermarkMs: d.entry.batchWatermarkMs,
          },
          watermarkMs: d.entry.batchWatermarkMs,
          previousWatermarkMs: d.previousWatermarkMs,
        }
      case 'next':
        return {
          nextBatchId: d.batchId,
          committedOffsets: parse(d.startOffsets),
          rerun: null,
          watermarkMs: d.watermarkMs,
          previousWatermarkMs: d.previous.batchWatermarkMs,
        }
    }
  }

  async writeOffsets(entry: BatchOffsets): Promise<void> {
    this.checkLock()
    const offsets = Object.fromEntries(
      Object.entries(entry.offsets).map(([id, o]) => [id, JSON.stringify(o)]),
    )
    const written = await this.ckpt.offsets.add(
      entry.batchId,
      offsetLogEntry({ ...entry, conf: this.opts.fixedConf, offsets, queryId: this.queryId }),
    )
    if (!written) {
      throw new SluiceError(
        'CHECKPOINT_CORRUPT',
        `offsets/${entry.batchId} already exists in ${this.location} although batch ${entry.batchId} was about to be planned; another process may be writing this checkpoint.`,
      )
    }
  }

  async writeCommit(batchId: number, nextBatchWatermarkMs: number): Promise<void> {
    this.checkLock()
    const sideOutputs = this.written?.batchId === batchId ? this.written.keys : []
    await this.ckpt.commits.add(batchId, commitLogEntry({ nextBatchWatermarkMs, sideOutputs }))
  }

  async writeProgress(progress: StreamingQueryProgress): Promise<void> {
    const keep = this.opts.progressToRetain ?? DEFAULT_PROGRESS_TO_RETAIN
    // A temporary checkpoint is deleted at stop: nobody could read its history.
    if (this.opts.temporary || keep === 0) return
    // NOTE: progress/ is the UI's history, not part of exactly-once (see the constructor), so its
    // write runs beside the next batch instead of before it: creating its file cost about 1 ms a
    // batch here. Writes stay one at a time, in batch order; one that failed fails the query at the
    // next batch's progress, or at close(), which also waits for the last one before the lock goes.
    await this.progressWrite
    this.checkLock()
    const write = this.writeProgressNow(progress, keep)
    write.catch(() => undefined)
    this.progressWrite = write
  }

  private async writeProgressNow(progress: StreamingQueryProgress, keep: number): Promise<void> {
    // A second add of a batch id writes nothing: the first report of a batch stays.
    await this.progress.add(progress.batchId, JSON.parse(progress.json) as ProgressLogEntry)
    const oldestKept = progress.batchId - keep + 1
    if (oldestKept <= 0) return
    // The first write of a run lists and purges (a run may keep fewer than the last one did);
    // after that one entry falls out per batch, deleted by name: no folder listing per batch.
    if (this.progressPurged) await this.opts.fs.delete(this.progress.pathOf(oldestKept - 1))
    else await this.progress.purge(oldestKept)
    this.progressPurged = true
  }

  async openSideOutputs(outputs: readonly SideOutputSpec[]): Promise<void> {
    for (const { ref, schema } of outputs) {
      if (this.opts.temporary) {
        const declared =
          ref.kind === 'late'
            ? `withWatermark(..., { lateRows: '${ref.name}' })`
            : `option('deadLetter', '${ref.name}')`
        throw new SluiceError(
          'INVALID_OPTION',
          `${declared} keeps its rows in the query's checkpoint, but this query has none of its own: set option('checkpointLocation', <folder>) on writeStream.`,
        )
      }
      const log = new SideOutputLog(this.opts.fs, this.location, ref)
      await log.open(schema)
      this.sideOutputs.set(sideOutputKey(ref), log)
    }
  }

  async writeSideOutputs(batchId: number, outputs: readonly SideOutputRows[]): Promise<void> {
    this.checkLock()
    for (const { ref, rows } of outputs) await this.sideOutputs.get(sideOutputKey(ref))?.add(batchId, rows)
    const keys = outputs.filter((o) => o.rows.length > 0 && this.sideOutputs.has(sideOutputKey(o.ref)))
    this.written = { batchId, keys: [...new Set(keys.map((o) => sideOutputKey(o.ref)))] }
  }

  async purge(lastCommittedBatchId: number): Promise<void> {
    let threshold: number | undefined
    if (this.purgedBelow === undefined) {
      // The first purge of a run lists both logs (retention.ts); what it leaves is known after.
      threshold = (await applyRetention(this.ckpt.offsets, this.ckpt.commits, this.opts.minBatchesToRetain))
        .thresholdBatchId
      this.purgedBelow = threshold ?? 0
    } else {
      // The same rule as applyRetention, by name: the batch just committed is the latest offsets entry.
      const min = this.opts.minBatchesToRetain
      threshold = min < lastCommittedBatchId ? lastCommittedBatchId - min : undefined
      if (threshold === undefined || threshold <= this.purgedBelow) return
      // Offsets first, then commits, lowest id first, as applyRetention: both logs stay contiguous.
      for (const log of [this.ckpt.offsets, this.ckpt.commits])
        for (let id = this.purgedBelow; id < threshold; id++) await this.opts.fs.delete(log.pathOf(id))
      this.purgedBelow = threshold
    }
    if (threshold !== undefined) for (const log of this.sideOutputs.values()) await log.purge(threshold)
  }

  async close(): Promise<void> {
    try {
      await this.progressWrite
    } finally {
      await this.lock.release()
      if (this.opts.temporary) await this.opts.fs.delete(this.location, { recursive: true })
    }
  }

  private checkLock(): void {
    const lost = this.lock.lost
    if (lost !== undefined) throw lost
  }
}
