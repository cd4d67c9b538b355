/**
 * What the execution loop needs from a checkpoint: the recovery decision taken at start, and the
 * two writes of a batch's life (offsets before running it, the commit after the sink). The file
 * implementation (checkpoint/) sits behind this; the loop never touches files.
 */

import type { SideOutputRef } from '../checkpoint/side-output-log.ts'
import type { Offset } from '../connectors/spi.ts'
import type { StructType } from '../schema/data-type.ts'
import type { StreamingQueryProgress } from './progress.ts'

/** A side output a query declares (beyond Spark) and the columns of its rows. */
export interface SideOutputSpec {
  readonly ref: SideOutputRef
  readonly schema: StructType
}

/** One batch's rows for one side output. */
export interface SideOutputRows {
  readonly ref: SideOutputRef
  readonly rows: readonly (readonly unknown[])[]
}

export interface RecoveredState {
  /** The next batch id to run once any rerun is done. */
  readonly nextBatchId: number
  /** End offsets of the last committed batch, by source id (null: nothing committed yet). */
  readonly committedOffsets: Readonly<Record<string, Offset>> | null
  /** A batch whose offsets were logged but which has no commit: rerun it with exactly these offsets. */
  readonly rerun: {
    readonly batchId: number
    readonly offsets: Readonly<Record<string, Offset>>
    readonly batchTimestampMs: number
    readonly batchWatermarkMs: number
  } | null
  /** The watermark of the next batch to run (the rerun's, when there is one). */
  readonly watermarkMs: number
  /** The watermark of the batch before it (late rows are judged by it); 0 when none. */
  readonly previousWatermarkMs: number
}

export interface BatchOffsets {
  readonly batchId: number
  readonly batchTimestampMs: number
  readonly batchWatermarkMs: number
  readonly offsets: Readonly<Record<string, Offset>>
}

export interface QueryCheckpoint {
  /** The checkpoint location (a folder), for messages and progress. */
  readonly location: string
  /** The query id stored in the checkpoint's metadata: the same across restarts. */
  readonly queryId: string
  /** Confs recorded at the first start (e.g. `sluice.sql.shuffle.partitions`); they win over the session's. */
  readonly conf: Readonly<Record<string, string>>
  recover(): Promise<RecoveredState>
  /** Write-ahead: logs the batch's offsets before it runs. */
  writeOffsets(entry: BatchOffsets): Promise<void>
  /** Marks the batch done, after the sink has it. */
  writeCommit(batchId: number, nextBatchWatermarkMs: number): Promise<void>
  /** Opens the query's side outputs (late rows, dead letters), recording or checking their columns. */
  openSideOutputs(outputs: readonly SideOutputSpec[]): Promise<void>
  /** Writes batch N's side-output rows, before its commit. */
  writeSideOutputs(batchId: number, outputs: readonly SideOutputRows[]): Promise<void>
  /** Keeps batch N's progress in the checkpoint (after its commit), for `sluice ui --checkpoint`. */
  writeProgress(progress: StreamingQueryProgress): Promise<void>
  /** Applies retention after a commit (minBatchesToRetain), to the late rows too. */
  purge(lastCommittedBatchId: number): Promise<void>
  /** Releases the lock (and deletes a temporary checkpoint). */
  close(): Promise<void>
}
