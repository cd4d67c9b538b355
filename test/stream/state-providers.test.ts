/**
 * Representative stateful queries with each state store provider named explicitly (the rest of
 * test/stream runs with the one `SLUICE_TEST_STATE_STORE` names): a windowed count and a dedup,
 * stopped and restarted between batches, give the same output with `memory` and `lmdb`, and the
 * LMDB provider's local folders can be lost between restarts (rebuilt from the checkpoint).
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  col,
  count,
  type DataFrame,
  ManualClock,
  type MemoryStreamInput,
  Sluice,
  type SluiceConfig,
  t,
  window,
} from '../../src/index.ts'
import { drain, STREAM_TEST_CONF } from './session.ts'

const EVENTS = t.struct({ ts: t.timestamp(), k: t.string() })
type Event = { ts: number; k: string }
const at = (s: number, k: string): Event => ({ ts: s * 1000, k })

/** Three runs of the query (stop and restart between them), each a list of batches. */
const RUNS: readonly (readonly (readonly Event[])[])[] = [
  [
    [at(1, 'a'), at(2, 'b'), at(3, 'a')],
    [at(12, 'a'), at(4, 'c')],
  ],
  [
    [at(14, 'b'), at(15, 'a')],
    [at(25, 'c'), at(26, 'a')],
  ],
  [[at(27, 'a'), at(31, 'b')], [at(45, 'd')]],
]

interface Run {
  readonly rows: string[]
  readonly customMetrics: Readonly<Record<string, number>>[]
  readonly stateFiles: string[]
}

async function runWithRestarts(
  provider: string,
  dir: string,
  query: (input: MemoryStreamInput<typeof EVENTS>) => DataFrame,
  options: { readonly outputMode: 'update' | 'append'; readonly loseLocal: boolean },
): Promise<Run> {
  const sluice = Sluice.local({
    ...STREAM_TEST_CONF,
    'sluice.sql.streaming.stateStore.providerClass': provider,
    'sluice.sql.shuffle.partitions': 2,
    clock: new ManualClock(0),
    output: () => undefined,
  })
  const input = sluice.memoryStream(EVENTS)
  const rows: string[] = []
  const customMetrics: Readonly<Record<string, number>>[] = []
  for (const batches of RUNS) {
    const q = await query(input)
      .writeStream.outputMode(options.outputMode)
      .option('checkpointLocation', join(dir, 'ckpt'))
      .foreachBatch((b) => void rows.push(...b.collect().map((r) => JSON.stringify(r))))
      .start()
    for (const batch of batches) {
      input.addData(...batch)
      await drain(q)
    }
    // Every batch of the run, no-data batches included.
    for (const p of q.recentProgress) customMetrics.push(p.stateOperators[0]?.customMetrics ?? {})
    await q.stop()
    if (options.loseLocal) await rm(join(dir, 'local'), { recursive: true, force: true })
  }
  const stateFiles = await readdir(join(dir, 'ckpt', 'state', '0', '0'))
  return { rows: rows.sort(), customMetrics, stateFiles }
}

async function bothProviders(
  query: (input: MemoryStreamInput<typeof EVENTS>) => DataFrame,
  outputMode: 'update' | 'append',
): Promise<{ memory: Run; lmdb: Run }> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-providers-'))
  const saved = process.env.SLUICE_STATE_LMDB_DIR
  process.env.SLUICE_STATE_LMDB_DIR = join(dir, 'lmdb', 'local')
  try {
    const memory = await runWithRestarts('memory', join(dir, 'memory'), query, {
      outputMode,
      loseLocal: false,
    })
    const lmdb = await runWithRestarts(
      'org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider',
      join(dir, 'lmdb'),
      query,
      { outputMode, loseLocal: true },
    )
    assert.ok(memory.stateFiles.some((f) => f.endsWith('.delta')))
    assert.ok(lmdb.stateFiles.some((f) => f.endsWith('.changelog')))
    assert.ok(!lmdb.stateFiles.some((f) => f.endsWith('.delta')))
    assert.ok(lmdb.customMetrics.every((m) => (m.lmdbBytesOnDisk ?? 0) > 0))
    // The restarted runs found no local folder and rebuilt it from the checkpoint.
    assert.ok(lmdb.customMetrics.some((m) => (m.lmdbFilesReplayed ?? 0) > 0))
    assert.ok(memory.customMetrics.every((m) => m.lmdbBytesOnDisk === undefined))
    return { memory, lmdb }
  } finally {
    if (saved === undefined) delete process.env.SLUICE_STATE_LMDB_DIR
    else process.env.SLUICE_STATE_LMDB_DIR = saved
    await rm(dir, { recursive: true, force: true })
  }
}

describe('stateful queries with each state store provider', () => {
  it('counts by event-time window across restarts and a lost local LMDB folder, as the memory provider does', async () => {
    const { memory, lmdb } = await bothProviders(
      (input) =>
        input
          .toDF()
          .withWatermark('ts', '5 seconds')
          .groupBy(window(col('ts'), '10 seconds'), col('k'))
          .agg(count('*').alias('n')),
      'append',
    )
    assert.deepEqual(lmdb.rows, memory.rows)
    const w = (s: number) => ({ start: s * 1000, end: (s + 10) * 1000 })
    const want = [
      { window: w(0), k: 'a', n: 2 },
      { window: w(0), k: 'b', n: 1 },
      { window: w(0), k: 'c', n: 1 },
      { window: w(10), k: 'a', n: 2 },
      { window: w(10), k: 'b', n: 1 },
      { window: w(20), k: 'a', n: 2 },
      { window: w(20), k: 'c', n: 1 },
      { window: w(30), k: 'b', n: 1 },
    ]
    assert.deepEqual(lmdb.rows, want.map((r) => JSON.stringify(r)).sort())
  })

  it('drops duplicates across restarts and a lost local LMDB folder, as the memory provider does', async () => {
    const { memory, lmdb } = await bothProviders((input) => input.toDF().dropDuplicates(['k']), 'append')
    assert.deepEqual(lmdb.rows, memory.rows)
    assert.deepEqual(
      lmdb.rows,
      [at(1, 'a'), at(2, 'b'), at(4, 'c'), at(45, 'd')].map((r) => JSON.stringify(r)).sort(),
    )
  })

  it('takes the LMDB settings from the session conf, and refuses bad ones by name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-providers-'))
    try {
      const sluice = Sluice.local({
        ...STREAM_TEST_CONF,
        'sluice.sql.streaming.stateStore.providerClass': 'lmdb',
        'sluice.sql.streaming.stateStore.lmdb.localDir': join(dir, 'mine'),
        'sluice.sql.streaming.stateStore.lmdb.maxOverlayEntries': 1,
        'sluice.sql.streaming.stateStore.lmdb.remapBytes': 0,
        'sluice.sql.shuffle.partitions': 1,
        clock: new ManualClock(0),
        output: () => undefined,
      })
      const input = sluice.memoryStream(EVENTS)
      const q = await input
        .toDF()
        .dropDuplicates(['k'])
        .writeStream.option('checkpointLocation', join(dir, 'ckpt'))
        .foreachBatch(() => undefined)
        .start()
      input.addData(at(0, 'a'), at(0, 'b'), at(0, 'c'))
      await drain(q)
      const metrics = q.recentProgress.map((p) => p.stateOperators[0]?.customMetrics ?? {})
      await q.stop()
      assert.ok((await readdir(join(dir, 'mine'))).length > 0, 'the local copy is under localDir')
      // One entry per overlay: three new keys spill; remapBytes 0 unmaps after every commit.
      assert.ok(
        metrics.some((m) => (m.lmdbOverlaySpills ?? 0) > 0),
        JSON.stringify(metrics),
      )
      assert.ok(
        metrics.some((m) => (m.lmdbRemaps ?? 0) > 0),
        JSON.stringify(metrics),
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    const key = 'sluice.sql.streaming.stateStore.lmdb.maxOverlayEntries'
    assert.throws(() => Sluice.local({ [key]: 0 }), { code: 'INVALID_ARGUMENT', message: new RegExp(key) })
    assert.throws(() => Sluice.local({ 'sluice.sql.streaming.stateStore.lmdb.remapBytes': -1 }), {
      code: 'INVALID_ARGUMENT',
      message: /remapBytes' is '-1'/,
    })
    const unknown = { 'sluice.sql.streaming.stateStore.lmdb.blockCache': 1 } as SluiceConfig
    assert.throws(() => Sluice.local(unknown), { code: 'INVALID_ARGUMENT', message: /blockCache/ })
  })

  it('keeps the provider recorded in the checkpoint when a restart names another one, as Spark', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-providers-'))
    try {
      const input = join(dir, 'in')
      await mkdir(input)
      const run = async (provider: string, file: string, keys: string[]) => {
        await writeFile(join(input, file), keys.map((k) => JSON.stringify({ ts: 0, k })).join('\n'))
        const sluice = Sluice.local({
          ...STREAM_TEST_CONF,
          'sluice.sql.streaming.stateStore.providerClass': provider,
          'sluice.sql.shuffle.partitions': 1,
          clock: new ManualClock(0),
          output: () => undefined,
        })
        const out: unknown[] = []
        const q = await sluice.readStream
          .format('json')
          .schema(EVENTS)
          .load(input)
          .dropDuplicates(['k'])
          .writeStream.option('checkpointLocation', join(dir, 'ckpt'))
          .foreachBatch((b) => void out.push(...b.collect().map((r) => (r as Event).k)))
          .start()
        await drain(q)
        await q.stop()
        return out
      }
      assert.deepEqual(await run('memory', 'a.json', ['a', 'b']), ['a', 'b'])
      assert.deepEqual(await run('lmdb', 'b.json', ['a', 'c']), ['c'])
      const files = await readdir(join(dir, 'ckpt', 'state', '0', '0'))
      assert.ok(files.includes('2.delta') && !files.some((f) => f.endsWith('.changelog')))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
