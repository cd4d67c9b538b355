import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { OffsetLogEntry } from '../../../src/checkpoint/offset-log-codec.ts'
import {
  decideRecovery,
  type RecoveryDecision,
  type RecoveryInput,
} from '../../../src/checkpoint/recovery.ts'
import { computeRetention } from '../../../src/checkpoint/retention.ts'
import { isSluiceError } from '../../../src/errors.ts'
import { sampleCommit, sampleOffsets } from '../../harness/checkpoint-entries.ts'

/** The input the checkpoint would read from disk holding these batch ids (entries from the samples). */
function onDisk(offsetIds: readonly number[], commitIds: readonly number[]): RecoveryInput {
  const n = offsetIds.at(-1)
  const c = commitIds.at(-1)
  return {
    checkpoint: '/ckpt',
    offsetBatchIds: offsetIds,
    commitBatchIds: commitIds,
    latestOffsets: n === undefined ? undefined : sampleOffsets(n),
    previousOffsets: n !== undefined && offsetIds.includes(n - 1) ? sampleOffsets(n - 1) : undefined,
    latestCommit: c === undefined ? undefined : sampleCommit(c),
  }
}

const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i)

function corrupt(pattern: RegExp) {
  return (e: unknown) =>
    isSluiceError(e, 'CHECKPOINT_CORRUPT') && pattern.test(e.message) && e.message.includes('/ckpt')
}

describe('decideRecovery', () => {
  const valid: [string, number[], number[], RecoveryDecision][] = [
    ['starts fresh at batch 0 on an empty checkpoint', [], [], { kind: 'fresh', batchId: 0 }],
    [
      'reruns batch 0 from the initial offsets when it never committed',
      [0],
      [],
      { kind: 'rerun', batchId: 0, startOffsets: undefined, entry: sampleOffsets(0), previousWatermarkMs: 0 },
    ],
    [
      'reruns batch N from offsets N-1 when commit N is missing',
      [0, 1, 2],
      [0, 1],
      {
        kind: 'rerun',
        batchId: 2,
        startOffsets: sampleOffsets(1).offsets,
        entry: sampleOffsets(2),
        previousWatermarkMs: sampleOffsets(1).batchWatermarkMs,
      },
    ],
    [
      'starts batch N+1 from offsets N when commit N exists',
      [0, 1, 2],
      [0, 1, 2],
      {
        kind: 'next',
        batchId: 3,
        startOffsets: sampleOffsets(2).offsets,
        previous: sampleOffsets(2),
        watermarkMs: 1500,
      },
    ],
    [
      'starts batch 1 after a committed batch 0',
      [0],
      [0],
      {
        kind: 'next',
        batchId: 1,
        startOffsets: sampleOffsets(0).offsets,
        previous: sampleOffsets(0),
        watermarkMs: 500,
      },
    ],
    [
      'resumes after purged history',
      [5, 6, 7],
      [5, 6],
      {
        kind: 'rerun',
        batchId: 7,
        startOffsets: sampleOffsets(6).offsets,
        entry: sampleOffsets(7),
        previousWatermarkMs: sampleOffsets(6).batchWatermarkMs,
      },
    ],
    [
      'tolerates commits purged later than offsets (a crash mid-purge)',
      [5, 6, 7],
      [3, 4, 5, 6, 7],
      {
        kind: 'next',
        batchId: 8,
        startOffsets: sampleOffsets(7).offsets,
        previous: sampleOffsets(7),
        watermarkMs: 4000,
      },
    ],
    [
      'tolerates offsets purged later than commits',
      [3, 4, 5, 6],
      [5],
      {
        kind: 'rerun',
        batchId: 6,
        startOffsets: sampleOffsets(5).offsets,
        entry: sampleOffsets(6),
        previousWatermarkMs: sampleOffsets(5).batchWatermarkMs,
      },
    ],
    [
      'reruns offsets N whose commits from N - 1 on were purged, as Spark',
      [0, 1, 2],
      [0],
      {
        kind: 'rerun',
        batchId: 2,
        startOffsets: sampleOffsets(1).offsets,
        entry: sampleOffsets(2),
        previousWatermarkMs: sampleOffsets(1).batchWatermarkMs,
      },
    ],
    [
      'reruns offsets N > 0 with no commits at all, as Spark',
      [0, 1],
      [],
      {
        kind: 'rerun',
        batchId: 1,
        startOffsets: sampleOffsets(0).offsets,
        entry: sampleOffsets(1),
        previousWatermarkMs: sampleOffsets(0).batchWatermarkMs,
      },
    ],
  ]
  for (const [name, offsets, commits, expected] of valid) {
    it(name, () => assert.deepEqual(decideRecovery(onDisk(offsets, commits)), expected))
  }

  const inconsistent: [string, number[], number[], RegExp][] = [
    ['refuses commits without any offsets', [], [0], /commits\/0 exists but offsets\/ is empty/],
    [
      'refuses a commit newer than the latest offsets',
      [0, 1],
      [0, 1, 2],
      /commits\/2 exists but offsets\/2 does not/,
    ],
    ['refuses a gap in the offsets log', [0, 1, 3], [0, 1, 2], /offsets\/ has batches 0 to 3 but not 2/],
    ['refuses a gap in the commits log', [0, 1, 2, 3], [0, 2], /commits\/ has batches 0 to 2 but not 1/],
    [
      'refuses a rerun whose start offsets were purged',
      [4],
      [3],
      /offsets\/3, where batch 4 starts, is missing/,
    ],
  ]
  for (const [name, offsets, commits, pattern] of inconsistent) {
    it(name, () => assert.throws(() => decideRecovery(onDisk(offsets, commits)), corrupt(pattern)))
  }

  it('takes the larger of the logged and the committed watermark, as Spark does', () => {
    const input = { ...onDisk([0, 1], [0, 1]), latestCommit: { nextBatchWatermarkMs: 100 } }
    assert.equal(
      (decideRecovery(input) as { watermarkMs: number }).watermarkMs,
      sampleOffsets(1).batchWatermarkMs,
    )
    const later = { ...onDisk([0, 1], [0, 1]), latestCommit: { nextBatchWatermarkMs: 9999 } }
    assert.equal((decideRecovery(later) as { watermarkMs: number }).watermarkMs, 9999)
  })

  it('refuses an offsets entry recorded under another batch id', () => {
    const input = { ...onDisk([0, 1], [0]), latestOffsets: sampleOffsets(0) }
    assert.throws(() => decideRecovery(input), corrupt(/offsets\/1 records batch 0/))
  })

  it('refuses a latest entry that vanished between listing and reading', () => {
    const input = { ...onDisk([0, 1], [0]), latestOffsets: undefined }
    assert.throws(() => decideRecovery(input), corrupt(/the entry of offsets\/1 is missing/))
  })

  it('refuses added or removed sources, naming them', () => {
    const input = { ...onDisk([0, 1], [0]), currentSourceIds: ['bids', 'rate', 'clicks'] }
    assert.throws(
      () => decideRecovery({ ...input, currentSourceIds: ['bids', 'clicks'] }),
      (e) =>
        isSluiceError(e, 'CHECKPOINT_INCOMPATIBLE') &&
        /new source\(s\) 'clicks'/.test(e.message) &&
        /'idle', 'rate' no longer in the query/.test(e.message),
    )
    assert.equal(decideRecovery({ ...input, currentSourceIds: ['rate', 'idle', 'bids'] }).kind, 'rerun')
  })
})

/** Runs the batch protocol for `steps` and stops at `crashAt`, returning the batch ids on disk. */
function simulate(batches: number, crashPoint: number, minBatchesToRetain: number) {
  const offsets: number[] = []
  const commits: number[] = []
  let step = 0
  const crashed = () => step++ >= crashPoint
  const purge = () => {
    const plan = computeRetention(offsets, commits, minBatchesToRetain)
    for (const [log, doomed] of [
      [offsets, plan.offsetsToPurge],
      [commits, plan.commitsToPurge],
    ] as const) {
      for (const id of doomed) {
        if (crashed()) return true
        log.splice(log.indexOf(id), 1)
      }
    }
    return false
  }
  for (let n = 0; n < batches; n++) {
    if (crashed()) break
    offsets.push(n)
    if (purge() || crashed()) break
    commits.push(n)
  }
  return { offsets, commits }
}

describe('decideRecovery over on-disk states', () => {
  it('resumes right after any crash of the batch protocol, retention included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 1, max: 5 }),
        (batches, crashPoint, keep) => {
          const { offsets, commits } = simulate(batches, crashPoint, keep)
          const decision = decideRecovery(onDisk(offsets, commits))
          const n = offsets.at(-1)
          if (n === undefined) assert.equal(decision.kind, 'fresh')
          else if (commits.at(-1) === n) assert.deepEqual([decision.kind, decision.batchId], ['next', n + 1])
          else {
            assert.deepEqual([decision.kind, decision.batchId], ['rerun', n])
            assert.deepEqual((decision as { entry: OffsetLogEntry }).entry, sampleOffsets(n))
          }
        },
      ),
      { numRuns: 500 },
    )
  })

  it('on any state either decides consistently or refuses with CHECKPOINT_CORRUPT', () => {
    // Mostly contiguous runs (what a real checkpoint holds), sometimes with one id knocked out.
    const ids = fc
      .record({ from: fc.nat(6), length: fc.nat(6), hole: fc.option(fc.nat(6), { freq: 4 }) })
      .map(({ from, length, hole }) =>
        range(from, from + length - 1).filter((id) => id !== (hole ?? -1) + from),
      )
    fc.assert(
      fc.property(ids, ids, (offsets, commits) => {
        let decision: RecoveryDecision
        try {
          decision = decideRecovery(onDisk(offsets, commits))
        } catch (e) {
          assert.ok(isSluiceError(e, 'CHECKPOINT_CORRUPT'), String(e))
          return
        }
        const hasOffsets = (id: number) => offsets.includes(id)
        const hasCommit = (id: number) => commits.includes(id)
        const contiguous = (a: number[]) => a.every((id, i) => i === 0 || id === a[i - 1] + 1)
        assert.ok(contiguous(offsets) && contiguous(commits))
        if (decision.kind === 'fresh') assert.deepEqual([offsets, commits], [[], []])
        if (decision.kind === 'rerun') {
          const n = decision.batchId
          // A lagging or missing commit log reruns N too, as Spark: offsets N-1 is what it needs.
          assert.ok(hasOffsets(n) && !hasCommit(n) && (n === 0 || hasOffsets(n - 1)))
          assert.ok(commits.every((id) => id < n))
          assert.equal(offsets.at(-1), n)
        }
        if (decision.kind === 'next') {
          const n = decision.batchId - 1
          assert.ok(hasOffsets(n) && hasCommit(n) && offsets.at(-1) === n && commits.at(-1) === n)
        }
      }),
      { numRuns: 2000 },
    )
  })
})
