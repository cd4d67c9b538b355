/**
 * Streaming aggregation (Spark's StreamingAggregationSuite): update and complete output modes,
 * every aggregate function of the batch API carried in state across restarts (checked against the
 * same aggregation run in batch over all rows), and what a checkpoint fixes: the state schema and
 * the number of state partitions.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  approx_count_distinct,
  avg,
  type Column,
  collect_list,
  collect_set,
  count,
  count_distinct,
  type DataFrame,
  first,
  isSluiceError,
  last,
  ManualClock,
  max,
  min,
  Sluice,
  type SluiceConfig,
  sum,
  sum_distinct,
  t,
} from '../../src/index.ts'
import {
  addData,
  assertOnQuery,
  assertProgress,
  checkAnswer,
  checkLastBatch,
  startStream,
  stopStream,
  testStream,
  testStreamWithRestarts,
} from '../../src/testing/index.ts'
import { STREAM_TEST_CONF } from './session.ts'

const KV = t.struct({ k: t.string(), v: t.long() })
const KVS = t.struct({ k: t.string(), v: t.long(), s: t.string() })
const kv = (k: string, v: number | null) => ({ k, v })

/** A UTC session on a ManualClock with extra settings. */
function session(config: SluiceConfig = {}): Sluice {
  return Sluice.local({ ...STREAM_TEST_CONF, clock: new ManualClock(0), output: () => undefined, ...config })
}

/** Every aggregate function of the batch API but the DISTINCT ones (tested on their own), one column each. */
function allAggregates(): Column[] {
  return [
    count('*').alias('n'),
    sum('v').alias('total'),
    avg('v').alias('mean'),
    min('v').alias('lo'),
    max('v').alias('hi'),
    first('s').alias('fs'),
    last('s').alias('ls'),
    collect_list('v').alias('vs'),
    collect_set('s').alias('ss'),
    approx_count_distinct('s').alias('approx'),
  ]
}

/** Rows as values in column order, by key, with collect_set sorted (its order is no part of its value). */
function normalized(rows: readonly Record<string, unknown>[]): unknown[][] {
  return rows
    .map((r) => Object.values({ ...r, ss: [...(r.ss as string[])].sort() }))
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])))
}

/** Names of the partition folders of operator 0's state (`_metadata` left out). */
async function statePartitions(checkpoint: string): Promise<string[]> {
  const names = await readdir(join(checkpoint, 'state', '0'))
  return names.filter((n) => /^\d+$/.test(n)).sort()
}

const isIncompatible = (e: unknown): boolean => {
  const cause = (e as { cause?: unknown }).cause
  return isSluiceError(cause, 'STATE_SCHEMA_INCOMPATIBLE')
}

type Harness = typeof testStream

/** Runs a scenario as written, then again (fresh inputs) with a restart after every action. */
async function bothWays(scenario: (harness: Harness) => Promise<void>): Promise<void> {
  await scenario(testStream)
  await scenario(testStreamWithRestarts)
}

describe('streaming aggregation', () => {
  it('outputs only the groups each batch changed in update mode, across restarts', async () => {
    await bothWays(async (harness) => {
      const input = session().memoryStream(KV)
      const df = input.toDF().groupBy('k').agg(count('*').alias('n'), sum('v').alias('s'))
      await harness(
        df,
        { outputMode: 'update' },
        addData(input, kv('a', 1), kv('b', 2), kv('a', 3)),
        checkLastBatch({ k: 'a', n: 2, s: 4 }, { k: 'b', n: 1, s: 2 }),
        addData(input, kv('a', 10)),
        checkLastBatch({ k: 'a', n: 3, s: 14 }),
        stopStream(),
        addData(input, kv('c', 5)),
        startStream(),
        checkLastBatch({ k: 'c', n: 1, s: 5 }),
        addData(input, kv('b', 1), kv('c', 1)),
        checkLastBatch({ k: 'b', n: 2, s: 3 }, { k: 'c', n: 2, s: 6 }),
        // The sink keeps every update: one row per group per batch that changed it.
        checkAnswer(
          { k: 'a', n: 2, s: 4 },
          { k: 'b', n: 1, s: 2 },
          { k: 'a', n: 3, s: 14 },
          { k: 'c', n: 1, s: 5 },
          { k: 'b', n: 2, s: 3 },
          { k: 'c', n: 2, s: 6 },
        ),
      )
    })
  })

  it('reports the groups in state and the groups a batch updated', async () => {
    const input = session().memoryStream(KV)
    await testStream(
      input.toDF().groupBy('k').agg(count('*').alias('n')),
      { outputMode: 'update' },
      addData(input, kv('a', 1), kv('b', 2)),
      stopStream(),
      addData(input, kv('b', 1), kv('c', 1), kv('c', 2)),
      startStream(),
      checkLastBatch({ k: 'b', n: 2 }, { k: 'c', n: 2 }),
      assertProgress(
        (p) => p.stateOperators.length === 1 && p.stateOperators[0].operatorName === 'stateStoreSave',
      ),
      assertProgress((p) => p.stateOperators[0].numRowsTotal === 3, 'three groups in state'),
      assertProgress((p) => p.stateOperators[0].numRowsUpdated === 2, 'the batch updated b and c'),
      assertProgress((p) => p.stateOperators[0].numRowsDroppedByWatermark === 0),
    )
  })

  it('outputs every group every batch in complete mode, across restarts', async () => {
    await bothWays(async (harness) => {
      const input = session().memoryStream(KV)
      await harness(
        input.toDF().groupBy('k').agg(count('*').alias('n')),
        { outputMode: 'complete' },
        addData(input, kv('a', 1), kv('b', 2)),
        checkLastBatch({ k: 'a', n: 1 }, { k: 'b', n: 1 }),
        addData(input, kv('a', 3)),
        checkLastBatch({ k: 'a', n: 2 }, { k: 'b', n: 1 }),
        stopStream(),
        addData(input, kv('c', 4)),
        startStream(),
        checkAnswer({ k: 'a', n: 2 }, { k: 'b', n: 1 }, { k: 'c', n: 1 }),
        addData(input, kv('b', 5), kv('b', 6)),
        checkAnswer({ k: 'a', n: 2 }, { k: 'b', n: 3 }, { k: 'c', n: 1 }),
      )
    })
  })

  it('keeps every aggregate function in state across restarts, as a batch aggregation over all rows', async () => {
    const kvs = (k: string, v: number | null, s: string) => ({ k, v, s })
    const batches = [
      [kvs('a', 1, 'x'), kvs('b', 5, 'y'), kvs('a', 2, 'y')],
      [kvs('a', 1, 'z'), kvs('b', null, 'y')],
      [kvs('c', 7, 'x'), kvs('a', 4, 'x')],
      [kvs('b', 3, 'w'), kvs('c', 7, 'v')],
    ]
    // Spark's answer for all these rows, worked by hand. Columns: k, count, sum, avg, min, max,
    // first, last, collect_list, collect_set (sorted), approx_count_distinct.
    const expected = [
      ['a', 4, 8, 2, 1, 4, 'x', 'x', [1, 2, 1, 4], ['x', 'y', 'z'], 3],
      ['b', 3, 8, 4, 3, 5, 'y', 'w', [5, 3], ['w', 'y'], 2],
      ['c', 2, 14, 7, 7, 7, 'x', 'v', [7, 7], ['v', 'x'], 2],
    ]
    await bothWays(async (harness) => {
      const sluice = session()
      const all = sluice
        .createDataFrame(batches.flat(), KVS)
        .groupBy('k')
        .agg(...allAggregates())
      assert.deepEqual(normalized(all.collect()), expected)
      const input = sluice.memoryStream(KVS)
      await harness(
        input
          .toDF()
          .groupBy('k')
          .agg(...allAggregates()),
        { outputMode: 'complete' },
        addData(input, ...batches[0]),
        addData(input, ...batches[1]),
        assertOnQuery((_, ctx) => {
          assert.deepEqual(normalized(ctx.sinkRows()), [
            ['a', 3, 4, 4 / 3, 1, 2, 'x', 'z', [1, 2, 1], ['x', 'y', 'z'], 3],
            ['b', 2, 5, 5, 5, 5, 'y', 'y', [5], ['y'], 1],
          ])
        }),
        stopStream(),
        addData(input, ...batches[2]),
        startStream(),
        addData(input, ...batches[3]),
        assertOnQuery((_, ctx) => {
          assert.deepEqual(normalized(ctx.sinkRows()), normalized(all.collect()))
        }, 'the stream agrees with the batch aggregation'),
      )
    })
  })

  it('keeps DISTINCT aggregates in state across a restart', async () => {
    await bothWays(async (harness) => {
      const input = session().memoryStream(KV)
      const df = input.toDF().groupBy('k').agg(count_distinct('v').alias('nv'), sum_distinct('v').alias('sv'))
      await harness(
        df,
        { outputMode: 'update' },
        addData(input, kv('a', 1), kv('a', 2), kv('a', 1)),
        checkLastBatch({ k: 'a', nv: 2, sv: 3 }),
        stopStream(),
        addData(input, kv('a', 2), kv('a', 5), kv('b', null)),
        startStream(),
        checkLastBatch({ k: 'a', nv: 3, sv: 8 }, { k: 'b', nv: 0, sv: null }),
      )
    })
  })
})

describe('what the checkpoint fixes', () => {
  it('fails a restart whose grouping keys or aggregate functions changed with STATE_SCHEMA_INCOMPATIBLE', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-agg-schema-'))
    try {
      const input = session().memoryStream(KV)
      const base = input.toDF()
      await testStream(
        base.groupBy('k').agg(count('*').alias('n')),
        { outputMode: 'update', checkpointLocation: dir },
        addData(input, kv('a', 1)),
        checkLastBatch({ k: 'a', n: 1 }),
        stopStream(),
        startStream(),
        addData(input, kv('a', 2)),
        checkLastBatch({ k: 'a', n: 2 }),
      )
      const changed: [string, DataFrame, RegExp][] = [
        ['another grouping key', base.groupBy('k', 'v').agg(count('*').alias('n')), /key \(grouping/],
        ['a key of another type', base.groupBy('v').agg(count('*').alias('n')), /key \(grouping/],
        ['an aggregate of another type', base.groupBy('k').agg(max('k').alias('n')), /value \(aggregates/],
        // approx_count_distinct gives a non-null bigint, as count: only the function tells them apart.
        [
          'another function',
          base.groupBy('k').agg(approx_count_distinct('v').alias('n')),
          /aggregate functions/,
        ],
      ]
      for (const [what, df, message] of changed) {
        await assert.rejects(
          testStream(
            df,
            { outputMode: 'update', checkpointLocation: dir },
            addData(input, kv('a', 3)),
            checkLastBatch(),
          ),
          (e: unknown) =>
            isIncompatible(e) && message.test(String((e as Error & { cause: Error }).cause.message)),
          what,
        )
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it("keeps the checkpoint's number of state partitions when the session asks for another", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-agg-partitions-'))
    const rows = [kv('a', 1), kv('b', 2), kv('c', 3), kv('d', 4), kv('e', 5)]
    try {
      const first = session({ 'sluice.sql.shuffle.partitions': 3 }).memoryStream(KV)
      await testStream(
        first.toDF().groupBy('k').agg(count('*').alias('n')),
        { outputMode: 'update', checkpointLocation: dir },
        addData(first, ...rows),
        stopStream(),
        startStream(),
        addData(first, kv('a', 6)),
        checkLastBatch({ k: 'a', n: 2 }),
        assertProgress((p) => p.stateOperators[0].numShufflePartitions === 3),
      )
      assert.deepEqual(await statePartitions(dir), ['0', '1', '2'])
      // A new session asking for 5 partitions, over a stream holding the same batches so far.
      const second = session({ 'sluice.sql.shuffle.partitions': 5 }).memoryStream(KV)
      second.addData(...rows)
      second.addData(kv('a', 6))
      await testStream(
        second.toDF().groupBy('k').agg(count('*').alias('n')),
        { outputMode: 'update', checkpointLocation: dir },
        addData(second, kv('a', 7), kv('b', 8), kv('e', 9), kv('f', 10)),
        checkLastBatch({ k: 'a', n: 3 }, { k: 'b', n: 2 }, { k: 'e', n: 2 }, { k: 'f', n: 1 }),
        assertProgress(
          (p) => p.stateOperators[0].numShufflePartitions === 3,
          'partitions from the checkpoint',
        ),
        assertProgress((p) => p.stateOperators[0].numStateStoreInstances === 3),
        assertProgress((p) => p.stateOperators[0].numRowsTotal === 6),
      )
      assert.deepEqual(await statePartitions(dir), ['0', '1', '2'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
