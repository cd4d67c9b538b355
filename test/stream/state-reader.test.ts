/**
 * The state data sources (Spark 3.5+/4.0's state reader) on real checkpoints written by real
 * queries, with each state store provider: `format('statestore')` gives each key and value as
 * structs with the partition id, at the last committed batch or an older one, while the query runs;
 * `format('state-metadata')` lists operators, stores, schemas and batch ranges.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  avg,
  col,
  count,
  type DataFrame,
  isSluiceError,
  ManualClock,
  type MemoryStreamInput,
  Sluice,
  type StreamingQuery,
  t,
  window,
} from '../../src/index.ts'
import { drain, STREAM_TEST_CONF } from './session.ts'

const EVENTS = t.struct({ ts: t.timestamp(), k: t.string() })
const at = (s: number, k: string) => ({ ts: s * 1000, k })
const w = (s: number) => ({ start: s * 1000, end: (s + 10) * 1000 })

async function withQuery(
  provider: string,
  query: (input: MemoryStreamInput<typeof EVENTS>) => DataFrame,
  body: (ctx: {
    sluice: Sluice
    input: MemoryStreamInput<typeof EVENTS>
    q: StreamingQuery
    ckpt: string
  }) => Promise<void>,
  mode: 'update' | 'append' = 'update',
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-state-reader-'))
  const saved = process.env.SLUICE_STATE_LMDB_DIR
  process.env.SLUICE_STATE_LMDB_DIR = join(dir, 'local')
  const sluice = Sluice.local({
    ...STREAM_TEST_CONF,
    'sluice.sql.streaming.stateStore.providerClass': provider,
    'sluice.sql.shuffle.partitions': 3,
    clock: new ManualClock(0),
    output: () => undefined,
  })
  const input = sluice.memoryStream(EVENTS)
  const ckpt = join(dir, 'ckpt')
  const q = await query(input)
    .writeStream.outputMode(mode)
    .option('checkpointLocation', ckpt)
    .format('noop')
    .start()
  try {
    await body({ sluice, input, q, ckpt })
  } finally {
    await q.stop()
    if (saved === undefined) delete process.env.SLUICE_STATE_LMDB_DIR
    else process.env.SLUICE_STATE_LMDB_DIR = saved
    await rm(dir, { recursive: true, force: true })
  }
}

type StateRow = { key: Record<string, unknown>; value: Record<string, unknown>; partition_id: number }

async function readState(sluice: Sluice, ckpt: string, options: Record<string, string | number> = {}) {
  const df = await sluice.read.format('statestore').options(options).load(ckpt)
  const rows = df.collect() as StateRow[]
  return rows.map((r) => JSON.stringify([r.key, r.value])).sort()
}

const windowedCount = (input: MemoryStreamInput<typeof EVENTS>) =>
  input
    .toDF()
    .withWatermark('ts', '10 seconds')
    .groupBy(window(col('ts'), '10 seconds'), col('k'))
    .agg(count('*').alias('n'))

for (const provider of ['memory', 'lmdb']) {
  describe(`the state reader on a ${provider} checkpoint`, () => {
    it('reads a windowed count by key and value structs, at the last and at an older batch, while the query runs', () =>
      withQuery(provider, windowedCount, async ({ sluice, input, q, ckpt }) => {
        input.addData(at(1, 'a'), at(2, 'b'), at(3, 'a'))
        await drain(q)
        input.addData(at(12, 'a'), at(13, 'a'))
        await drain(q)
        const row = (s: number, k: string, n: number) =>
          JSON.stringify([{ window: w(s), k }, { 'count(1)': n }])
        const last = await readState(sluice, ckpt)
        assert.deepEqual(last, [row(0, 'a', 2), row(0, 'b', 1), row(10, 'a', 2)].sort())
        assert.deepEqual(
          await readState(sluice, ckpt, { batchId: 0 }),
          [row(0, 'a', 2), row(0, 'b', 1)].sort(),
        )
        // The query goes on undisturbed, and the watermark (25 s - 10 s) evicts the first windows.
        input.addData(at(25, 'b'))
        await drain(q)
        assert.ok(q.isActive)
        assert.deepEqual(await readState(sluice, ckpt), [row(10, 'a', 2), row(20, 'b', 1)].sort())
        const df = await sluice.read.format('statestore').load(ckpt)
        assert.deepEqual(
          df.schema.fields.map((f) => f.name),
          ['key', 'value', 'partition_id'],
        )
        const parts = (df.collect() as StateRow[]).map((r) => r.partition_id)
        assert.ok(parts.every((p) => p >= 0 && p < 3))
        await assert.rejects(
          sluice.read.format('statestore').option('batchId', 9).load(ckpt),
          (e) => isSluiceError(e) && /batchId/.test(e.message),
        )
      }))

    it('reads the keys a dedup keeps, and lists operators and stores with state-metadata', () =>
      withQuery(
        provider,
        (input) => input.toDF().dropDuplicates(['k']),
        async ({ sluice, input, q, ckpt }) => {
          input.addData(at(1, 'a'), at(2, 'b'), at(3, 'a'))
          await drain(q)
          input.addData(at(4, 'c'))
          await drain(q)
          assert.deepEqual(await readState(sluice, ckpt), [
            JSON.stringify([{ k: 'a' }, {}]),
            JSON.stringify([{ k: 'b' }, {}]),
            JSON.stringify([{ k: 'c' }, {}]),
          ])
          const meta = (await sluice.read.format('state-metadata').load(ckpt)).collect()
          assert.deepEqual(meta, [
            {
              operatorId: 0,
              operatorName: 'dedupe',
              stateStoreName: 'default',
              numPartitions: 3,
              minBatchId: 0,
              maxBatchId: 1,
              keySchema: 'struct<k:string>',
              valueSchema: 'struct<>',
              provider,
            },
          ])
          await assert.rejects(
            sluice.read.format('statestore').option('operatorId', 1).load(ckpt),
            (e) => isSluiceError(e) && e.code === 'PATH_NOT_FOUND',
          )
        },
      ))

    it("reads each side of a stream-stream join with joinSide, as the rows that side buffers (Spark's joinSide)", () =>
      withQuery(
        provider,
        (input) => {
          const df = input.toDF()
          return df.withColumnRenamed('ts', 'lts').join(df.withColumnRenamed('ts', 'rts'), 'k')
        },
        async ({ sluice, input, q, ckpt }) => {
          input.addData(at(1, 'a'), at(2, 'b'))
          await drain(q)
          input.addData(at(3, 'a'))
          await drain(q)
          const side = async (joinSide: string, batchId?: number) => {
            const df = await sluice.read
              .format('statestore')
              .options({ joinSide, ...(batchId === undefined ? {} : { batchId }) })
              .load(ckpt)
            const rows = df.collect() as StateRow[]
            return {
              names: df.schema.fields.map((f) => f.name),
              rows: rows.map((r) => JSON.stringify([r.key, r.value])).sort(),
            }
          }
          const left = await side('left')
          assert.deepEqual(left.names, ['key', 'value', 'partition_id'])
          assert.deepEqual(left.rows, [
            JSON.stringify([{ k: 'a' }, { lts: 1000, k: 'a' }]),
            JSON.stringify([{ k: 'a' }, { lts: 3000, k: 'a' }]),
            JSON.stringify([{ k: 'b' }, { lts: 2000, k: 'b' }]),
          ])
          assert.deepEqual((await side('right')).rows, [
            JSON.stringify([{ k: 'a' }, { rts: 1000, k: 'a' }]),
            JSON.stringify([{ k: 'a' }, { rts: 3000, k: 'a' }]),
            JSON.stringify([{ k: 'b' }, { rts: 2000, k: 'b' }]),
          ])
          assert.deepEqual((await side('left', 0)).rows.length, 2)
          await assert.rejects(
            sluice.read.format('statestore').options({ joinSide: 'left', storeName: 'left' }).load(ckpt),
            (e) => isSluiceError(e) && /joinSide and storeName/.test(e.message),
          )
          await assert.rejects(
            sluice.read.format('statestore').option('joinSide', 'middle').load(ckpt),
            (e) => isSluiceError(e) && /joinSide/.test(e.message),
          )
        },
        'append',
      ))

    it('refuses joinSide on an operator that is not a join', () =>
      withQuery(provider, windowedCount, async ({ sluice, input, q, ckpt }) => {
        input.addData(at(1, 'a'))
        await drain(q)
        await assert.rejects(
          sluice.read.format('statestore').option('joinSide', 'left').load(ckpt),
          (e) => isSluiceError(e) && /not a stream-stream join/.test(e.message),
        )
      }))

    it('refuses, naming the reason, the state of an aggregate kept as an intermediate buffer (avg)', () =>
      withQuery(
        provider,
        (input) =>
          input
            .toDF()
            .groupBy('k')
            .agg(avg(col('ts').cast('long')).alias('mean')),
        async ({ sluice, input, q, ckpt }) => {
          input.addData(at(1, 'a'))
          await drain(q)
          await assert.rejects(
            sluice.read.format('statestore').load(ckpt),
            (e) => isSluiceError(e) && e.code === 'UNSUPPORTED_OPERATION' && /avg/.test(e.message),
          )
        },
      ))
  })
}
