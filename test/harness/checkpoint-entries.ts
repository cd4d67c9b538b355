/** Deterministic checkpoint entries for tests: the same batch id always gives the same entry. */
import { type CommitLogEntry, commitLogEntry } from '../../src/checkpoint/commit-log-codec.ts'
import { type OffsetLogEntry, offsetLogEntry } from '../../src/checkpoint/offset-log-codec.ts'

/**
 * An offsets entry for `batchId`; `padding` makes each source's offset that many characters longer,
 * so writing it takes a while (crash tests).
 *
 * @example
 * sampleOffsets(3) // { batchId: 3, batchTimestampMs: 1_700_000_003_000, ..., offsets: { bids: '{"0":30}', rate: '3' } }
 */
export function sampleOffsets(batchId: number, padding = 0): OffsetLogEntry {
  const pad = 'x'.repeat(padding)
  return offsetLogEntry({
    batchId,
    batchTimestampMs: 1_700_000_000_000 + batchId * 1000,
    batchWatermarkMs: batchId * 500,
    conf: { 'sluice.sql.shuffle.partitions': '8' },
    offsets: {
      bids: JSON.stringify({ 0: batchId * 10, pad }),
      rate: String(batchId),
      idle: batchId === 0 ? null : pad,
    },
  })
}

/** A commit entry for `batchId`. @example sampleCommit(3) // { nextBatchWatermarkMs: 2000 } */
export function sampleCommit(batchId: number): CommitLogEntry {
  return commitLogEntry({ nextBatchWatermarkMs: (batchId + 1) * 500 })
}
