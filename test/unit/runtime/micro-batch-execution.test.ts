/**
 * The micro-batch loop on its own: a memory source, a foreachBatch sink and a real checkpoint
 * folder, driven by a manual clock (no wall-clock waits). What is asserted is what a crash would
 * see on disk: `offsets/N` before the sink gets batch N, `commits/N` only after it returned, a
 * failed batch leaves no commit, and a restart reruns it with the same rows and id.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { ForeachBatchSink } from '../../../src/connectors/foreach/foreach-batch-sink.ts'
import { MemoryStream } from '../../../src/connectors/memory/memory-stream.ts'
import { READ_ALL, type SinkBatch } from '../../../src/connectors/spi.ts'
import { ManualClock } from '../../../src/io/clock.ts'
import { nodeFileSystem } from '../../../src/io/fs.ts'
import { ManualScheduler } from '../../../src/io/scheduler.ts'
import type { StatefulOperatorDecl } from '../../../src/planner/incremental-plan.ts'
import { openQueryCheckpoint } from '../../../src/runtime/file-query-checkpoint.ts'
import { MicroBatchExecution } from '../../../src/runtime/micro-batch-execution.ts'
import { QueryState } from '../../../src/runtime/query-state.ts'
import type { Trigger } from '../../../src/runtime/trigger.ts'
import { WatermarkTracker } from '../../../src/runtime/watermark-tracker.ts'
import { t } from '../../../src/schema/data-type.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const SCHEMA = t.struct({ n: t.long() })
const RELATION = 1

interface Seen {
  readonly batchId: number
  readonly rows: readonly (readonly unknown[])[]
  /** What was on disk when the sink got the batch. */
  readonly offsetsLogged: boolean
  readonly committed: boolean
}

/** One run of the loop over `dir` until the trigger is done; `fail` makes the sink throw for that batch. */
async function runOnce(
  dir: string,
  stream: MemoryStream,
  seen: Seen[],
  opts: { fail?: number; trigger?: Trigger; noData?: boolean; stateful?: boolean } = {},
): Promise<void> {
  const clock = new ManualClock(1_000)
  const checkpoint = await openQueryCheckpoint(dir, {
    fs: nodeFileSystem,
    clock,
    scheduler: new ManualScheduler(clock),
    runId: 'run',
    fixedConf: {},
    minBatchesToRetain: 100,
    temporary: false,
    sourceIds: ['memory-0'],
    onLockLost: () => undefined,
  })
  const sink = new ForeachBatchSink(async (b: SinkBatch) => {
    seen.push({
      batchId: b.batchId,
      rows: b.rows,
      offsetsLogged: existsSync(join(dir, 'offsets', String(b.batchId))),
      committed: existsSync(join(dir, 'commits', String(b.batchId))),
    })
    if (b.batchId === opts.fail) throw new Error(`batch ${b.batchId} fails`)
  })
  const execution = new MicroBatchExecution({
    id: checkpoint.queryId,
    runId: 'run',
    name: null,
    inputs: [
      {
        sourceId: 'memory-0',
        relationId: RELATION,
        source: stream.createSource({ options: {}, now: () => clock.now() }, SCHEMA),
        limit: READ_ALL,
      },
    ],
    sink,
    outputMode: 'append',
    trigger: opts.trigger ?? { kind: 'availableNow' },
    clock,
    checkpoint,
    runPlan: (rows, _ts, stream) => {
      // As a withWatermark node would: n seconds is each row's event time.
      const stats = opts.stateful === true ? stream?.eventTimeStats(0) : undefined
      for (const [n] of rows.get(RELATION) ?? []) {
        if (stats === undefined) continue
        const ms = Number(n) * 1000
        stats.max = Math.max(stats.max, ms)
        stats.min = Math.min(stats.min, ms)
        stats.sum += ms
        stats.count++
      }
      return { rows: (rows.get(RELATION) ?? []).map((r) => [...r]), schema: SCHEMA }
    },
    events: { onProgress: () => undefined, onIdle: () => undefined, onStatus: () => undefined },
    pollingDelayMs: 10,
    state: opts.stateful === true ? queryState(dir, clock) : null,
    watermarks: new WatermarkTracker(
      opts.stateful === true ? [{ delayMs: 0, idleTimeoutMs: undefined }] : [],
      'min',
      clock.now(),
    ),
    noDataMicroBatches: opts.noData ?? true,
  })
  try {
    await execution.run()
  } finally {
    await checkpoint.close()
  }
}

/** A state with one operator that the watermark alone drives (as a windowed append aggregation). */
function queryState(dir: string, clock: ManualClock): QueryState {
  const operator: StatefulOperatorDecl = {
    operatorId: 0,
    kind: 'test',
    operatorName: 'test',
    stores: [
      {
        storeName: 'default',
        keySchema: t.struct({ k: t.string() }),
        valueSchema: SCHEMA,
        ordering: { kind: 'none' },
      },
    ],
    partitioning: { kind: 'hash', keys: ['k'], numPartitions: 2 },
    watermarkDriven: true,
    lateInputs: [],
  }
  return new QueryState([operator], {
    checkpoint: dir,
    fs: nodeFileSystem,
    clock,
    numPartitions: 2,
    minBatchesToRetain: 10,
    maintenanceIntervalMs: 60_000,
  })
}

const batchFiles = (dir: string, log: 'offsets' | 'commits', ids: readonly number[]) =>
  ids.map((id) => existsSync(join(dir, log, String(id))))

describe('MicroBatchExecution', () => {
  it('logs offsets before the sink gets a batch and commits only after it returned', () =>
    withTempDir(async (dir) => {
      const stream = new MemoryStream(SCHEMA)
      stream.addData({ n: 1 }, { n: 2 })
      const seen: Seen[] = []
      await runOnce(dir, stream, seen)
      assert.deepEqual(seen, [{ batchId: 0, rows: [[1], [2]], offsetsLogged: true, committed: false }])
      assert.deepEqual(batchFiles(dir, 'commits', [0]), [true])
    }))

  it('runs no batch when there is no new data and no stateful operator', () =>
    withTempDir(async (dir) => {
      const stream = new MemoryStream(SCHEMA)
      stream.addData({ n: 1 })
      const seen: Seen[] = []
      await runOnce(dir, stream, seen)
      await runOnce(dir, stream, seen, { trigger: { kind: 'once' } })
      assert.deepEqual(
        seen.map((s) => s.batchId),
        [0],
      )
      assert.deepEqual(batchFiles(dir, 'offsets', [0, 1]), [true, false])
    }))

  it('commits nothing for a failed batch, and a restart reruns it with the same id and rows', () =>
    withTempDir(async (dir) => {
      const stream = new MemoryStream(SCHEMA)
      stream.addData({ n: 1 })
      const seen: Seen[] = []
      await runOnce(dir, stream, seen)
      stream.addData({ n: 2 }, { n: 3 })
      await assert.rejects(runOnce(dir, stream, seen, { fail: 1 }), /batch 1 fails/)
      assert.deepEqual(batchFiles(dir, 'offsets', [0, 1]), [true, true])
      assert.deepEqual(batchFiles(dir, 'commits', [0, 1]), [true, false])
      // More data arrives before the restart: the rerun still reads exactly batch 1's range.
      stream.addData({ n: 4 })
      await runOnce(dir, stream, seen)
      assert.deepEqual(
        seen.map((s) => [s.batchId, s.rows]),
        [
          [0, [[1]]],
          [1, [[2], [3]]],
          [1, [[2], [3]]],
          [2, [[4]]],
        ],
      )
      assert.deepEqual(batchFiles(dir, 'commits', [1, 2]), [true, true])
    }))

  it('runs a batch without new data when the watermark moved and an operator it drives may emit', () =>
    withTempDir(async (dir) => {
      const stream = new MemoryStream(SCHEMA)
      stream.addData({ n: 5 })
      const seen: Seen[] = []
      await runOnce(dir, stream, seen, { stateful: true })
      // Batch 0 saw event time 5 s; batch 1 runs on the watermark alone, with no rows.
      assert.deepEqual(
        seen.map((s) => [s.batchId, s.rows.length]),
        [
          [0, 1],
          [1, 0],
        ],
      )
      assert.deepEqual(batchFiles(dir, 'commits', [0, 1, 2]), [true, true, false])
    }))

  it('runs none with sluice.sql.streaming.noDataMicroBatches.enabled false', () =>
    withTempDir(async (dir) => {
      const stream = new MemoryStream(SCHEMA)
      stream.addData({ n: 5 })
      const seen: Seen[] = []
      await runOnce(dir, stream, seen, { stateful: true, noData: false })
      assert.deepEqual(
        seen.map((s) => s.batchId),
        [0],
      )
    }))
})
