/**
 * Reads a side output (beyond Spark: late rows or dead letters) of another query's checkpoint as a
 * stream. An offset is
 * the last batch id of the producing query whose late rows were read (`{"batchId": 4}`); a batch
 * (start, end] reads the late rows of the producer's committed batches start+1 .. end. The producer
 * writes a batch's side-output rows before its commit, so a committed batch without an entry had none.
 */
import { type CommitLogEntry, commitLogCodec } from '../../checkpoint/commit-log-codec.ts'
import { FileMetadataLog } from '../../checkpoint/file-metadata-log.ts'
import { commitsDir, sideOutputDir } from '../../checkpoint/layout.ts'
import { SideOutputLog, type SideOutputRef } from '../../checkpoint/side-output-log.ts'
import { SluiceError } from '../../errors.ts'
import type { FileSystem } from '../../io/fs.ts'
import type { Offset, Source, SourceRows } from '../spi.ts'

export interface SideOutputSourceOptions {
  /** The producing query's checkpoint location. */
  readonly checkpoint: string
  readonly ref: SideOutputRef
  readonly startingOffsets: 'earliest' | 'latest'
}

interface SideOutputOffset {
  readonly batchId: number
}

export class SideOutputSource implements Source {
  readonly description: string
  private readonly opts: SideOutputSourceOptions
  private readonly log: SideOutputLog
  private readonly commits: FileMetadataLog<CommitLogEntry>

  constructor(fs: FileSystem, opts: SideOutputSourceOptions) {
    this.opts = opts
    this.commits = new FileMetadataLog(fs, commitsDir(opts.checkpoint), commitLogCodec)
    this.log = new SideOutputLog(fs, opts.checkpoint, opts.ref)
    this.description = `SideOutputSource[${sideOutputDir(opts.checkpoint, opts.ref.kind, opts.ref.name)}]`
  }

  async initialOffset(): Promise<Offset> {
    if (this.opts.startingOffsets === 'earliest') return { batchId: -1 }
    const ids = await this.committedBatchIds()
    return { batchId: ids.length === 0 ? -1 : ids[ids.length - 1] }
  }

  async latestOffset(start: Offset): Promise<Offset> {
    const ids = await this.committedBatchIds()
    const latest = ids.length === 0 ? -1 : ids[ids.length - 1]
    return latest > (start as SideOutputOffset).batchId ? { batchId: latest } : start
  }

  async getBatch(start: Offset, end: Offset): Promise<SourceRows> {
    const from = (start as SideOutputOffset).batchId + 1
    const to = (end as SideOutputOffset).batchId
    const ids = await this.committedBatchIds()
    // The producer purges side outputs with its logs (minBatchesToRetain): older batches are gone.
    if (from <= to && ids.length > 0 && from < ids[0]) {
      throw new SluiceError(
        'SOURCE_UNAVAILABLE',
        `The ${this.opts.ref.kind === 'late' ? 'late rows' : 'dead letters'} of batches ${from} to ${ids[0] - 1} of ${this.opts.checkpoint} are gone: the producing query kept only its last batches (minBatchesToRetain) and this query fell further behind. Start this query on a new checkpoint with startingOffsets 'latest', or raise sluice.sql.streaming.minBatchesToRetain on the producer.`,
      )
    }
    const rows: unknown[][] = []
    for (let b = from; b <= to; b++)
      for (const r of await this.log.getCommitted(b, await this.commits.get(b))) rows.push(r as unknown[])
    return rows
  }

  async commit(): Promise<void> {}

  async stop(): Promise<void> {}

  private committedBatchIds(): Promise<number[]> {
    return this.commits.listBatchIds()
  }
}
