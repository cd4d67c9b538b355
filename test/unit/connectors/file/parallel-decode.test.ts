/**
 * The streaming file source decoding on worker threads (`sluice.executor.threads`), driven
 * directly on real files: the same rows in the same order as the main thread, for Parquet split by
 * row group, JSON lines and CSV; a bad file named; a killed worker failing the batch, whose rerun
 * reads the same rows; small batches kept on the main thread.
 */
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { type Offset, READ_ALL, type Source } from '../../../../src/connectors/spi.ts'
import { isSluiceError } from '../../../../src/errors.ts'
import type { TaskExecutor } from '../../../../src/io/worker-pool.ts'
import { t } from '../../../../src/schema/data-type.ts'
import { openFileSource, writeParquetFiles } from '../../../harness/file-fixtures.ts'
import { tempDirsRemovedAfter } from '../../../harness/temp-dir.ts'
import { poolsClosedAfter } from '../../../harness/worker-pools.ts'

const S = t.struct({ id: t.long(), name: t.string(), score: t.double() })
const tempDir = tempDirsRemovedAfter('sluice-parallel-decode-')
const pool = poolsClosedAfter()
const rowsOf = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: from + i,
    name: `n${from + i}`,
    score: i % 3 === 0 ? -0 : i / 4,
  }))

/** Parquet files of 300 rows, 30 rows per row group, under `dir`. */
async function parquetInput(dir: string, files: number): Promise<void> {
  await writeParquetFiles(dir, S, files, (f) => rowsOf(f * 300, 300), 30)
}

async function open(format: string, input: string, executor?: TaskExecutor): Promise<Source> {
  const options = { path: input, ...(format === 'csv' ? { header: 'true' } : {}) }
  return openFileSource(format, options, S, await tempDir(), { executor })
}

async function batchOf(source: Source): Promise<{ start: Offset; end: Offset; rows: unknown[][] }> {
  const start = await source.initialOffset()
  const end = await source.latestOffset(start, READ_ALL)
  return { start, end, rows: (await source.getBatch(start, end)) as unknown[][] }
}

describe('file source on worker threads', () => {
  it('reads Parquet split by row group as the main thread does, in order, -0 kept', async () => {
    const input = await tempDir()
    await parquetInput(input, 3)
    const one = await batchOf(await open('parquet', input))
    const two = await batchOf(await open('parquet', input, pool(2)))
    assert.equal(two.rows.length, 900)
    assert.deepEqual(two.rows, one.rows)
    assert.ok(Object.is(two.rows.find((r) => r[0] === 3)?.[2], -0))
  })

  it('carries integer, string, boolean and timestamp rows back, values and nulls exact', async () => {
    const P = t.struct({ id: t.long(), ok: t.boolean(), n: t.int(), at: t.timestamp(), s: t.string() })
    const input = await tempDir()
    const rows = Array.from({ length: 200 }, (_, i) => ({
      id: i % 7 === 0 ? null : (i - 100) * 2 ** 40,
      ok: i % 5 === 0 ? null : i % 2 === 0,
      n: i % 3 === 0 ? -2147483648 : i,
      at: i % 11 === 0 ? null : 1_700_000_000_000 + i * 86_400_000,
      s: i % 13 === 0 ? null : `é${i}`,
    }))
    await writeParquetFiles(input, P, 1, () => rows, 25)
    const openP = async (executor?: TaskExecutor) =>
      openFileSource('parquet', { path: input }, P, await tempDir(), { executor })
    const one = await batchOf(await openP())
    const two = await batchOf(await openP(pool(2)))
    assert.equal(two.rows.length, 200)
    assert.deepEqual(two.rows, one.rows)
  })

  for (const format of ['json', 'csv'] as const) {
    it(`reads ${format} files as the main thread does, in file order`, async () => {
      const input = await tempDir()
      for (let f = 0; f < 4; f++) {
        const rows = rowsOf(f * 50, 50)
        const text =
          format === 'json'
            ? rows
                .map((r) => JSON.stringify({ ...r, score: Object.is(r.score, -0) ? 0 : r.score }))
                .join('\n')
            : ['id,name,score', ...rows.map((r) => `${r.id},${r.name},${r.score}`)].join('\n')
        await writeFile(join(input, `part-${f}.${format}`), `${text}\n`)
      }
      const one = await batchOf(await open(format, input))
      const two = await batchOf(await open(format, input, pool(2)))
      assert.equal(two.rows.length, 200)
      assert.deepEqual(two.rows, one.rows)
    })
  }

  it('names the file a worker could not read', async () => {
    const input = await tempDir()
    await parquetInput(input, 1)
    await writeFile(join(input, 'zz-broken.parquet'), 'not parquet at all')
    const source = await open('parquet', input, pool(2))
    await assert.rejects(
      batchOf(source),
      (e) => isSluiceError(e, 'FAILED_READ_FILE') && e.message.includes('zz-broken.parquet'),
    )
  })

  it('fails the batch when a worker is killed, and the rerun of the same offsets reads the same rows', async () => {
    const input = await tempDir()
    await parquetInput(input, 2)
    const workers = pool(2)
    await batchOf(await open('parquet', input, workers)) // the workers are up
    let kill = true
    const killing: TaskExecutor = {
      threads: workers.threads,
      parallelReadMinBytes: 0,
      run(module, task, opts) {
        const reply = workers.run(module, task, opts)
        if (kill) for (const w of workers.workers) void w.terminate()
        kill = false
        return reply as never
      },
    }
    const source = await open('parquet', input, killing)
    const start = await source.initialOffset()
    const end = await source.latestOffset(start, READ_ALL)
    await assert.rejects(
      source.getBatch(start, end),
      (e) => isSluiceError(e, 'EXECUTOR_WORKER_FAILED') && e.message.includes('.parquet'),
    )
    const rerun = (await source.getBatch(start, end)) as unknown[][]
    assert.deepEqual(rerun, (await batchOf(await open('parquet', input))).rows)
  })

  it('keeps a batch below parallelReadMinBytes on the main thread', async () => {
    const input = await tempDir()
    await parquetInput(input, 2)
    const workers = pool(2, 1 << 30)
    const { rows } = await batchOf(await open('parquet', input, workers))
    assert.equal(rows.length, 600)
    assert.equal(workers.workers.length, 0)
  })
})
