/**
 * The streaming file source decoding its next batch on the worker threads while the current one
 * runs (file-prefetch.ts), driven directly on real Parquet files: the next file is handed to the
 * workers before the next trigger asks for it; every batch holds exactly the rows of its own log
 * entry, also when the next trigger takes other files than guessed, when a worker dies during the
 * prefetch, and when the session's threads close under it.
 */
import assert from 'node:assert/strict'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  type AvailableNowSource,
  type Offset,
  READ_ALL,
  type ReadLimit,
} from '../../../../src/connectors/spi.ts'
import type { TaskExecutor, WorkerPool } from '../../../../src/io/worker-pool.ts'
import { t } from '../../../../src/schema/data-type.ts'
import { openFileSource, writeParquetFiles } from '../../../harness/file-fixtures.ts'
import { tempDirsRemovedAfter } from '../../../harness/temp-dir.ts'
import { poolsClosedAfter } from '../../../harness/worker-pools.ts'

const S = t.struct({ id: t.long(), name: t.string() })
const ONE: ReadLimit = { kind: 'maxFiles', maxFiles: 1 }
const tempDir = tempDirsRemovedAfter('sluice-file-prefetch-')
const pool = poolsClosedAfter()

/** `files` Parquet files of 100 rows (ids f*100 ..), 20 rows per row group, written in order. */
async function parquetInput(files: number): Promise<string> {
  const dir = await tempDir()
  const rowsOf = (f: number) =>
    Array.from({ length: 100 }, (_, i) => ({ id: f * 100 + i, name: `n${f * 100 + i}` }))
  await writeParquetFiles(dir, S, files, rowsOf, 20)
  return dir
}

/** A pool of two threads that splits every read, with the labels of the tasks it was given. */
function recording(): { executor: TaskExecutor; labels: string[]; pool: WorkerPool } {
  const workers = pool(2)
  const labels: string[] = []
  const executor: TaskExecutor = {
    threads: 2,
    parallelReadMinBytes: 0,
    run(module, task, opts) {
      labels.push(opts.label)
      return workers.run(module, task, opts)
    },
  }
  return { executor, labels, pool: workers }
}

async function open(input: string, executor?: TaskExecutor, format = 'parquet'): Promise<AvailableNowSource> {
  const source = await openFileSource(format, { path: input }, S, await tempDir(), { executor })
  await (source as AvailableNowSource).prepareForAvailableNow()
  return source as AvailableNowSource
}

/** Runs triggers with `limits` (the last repeated) until no file is left: each batch's ids. */
async function idsPerBatch(source: AvailableNowSource, limits: readonly ReadLimit[], after?: () => unknown) {
  const batches: number[][] = []
  let start: Offset = await source.initialOffset()
  for (let b = 0; ; b++) {
    const end = await source.latestOffset(start, limits[Math.min(b, limits.length - 1)])
    if (JSON.stringify(end) === JSON.stringify(start)) return batches
    batches.push(((await source.getBatch(start, end)) as unknown[][]).map((r) => r[0] as number))
    await after?.()
    start = end
  }
}

const ids = (from: number, files: number) => Array.from({ length: files * 100 }, (_, i) => from * 100 + i)

describe('file source prefetch on worker threads', () => {
  it('hands the next file to the workers before the next trigger, and each batch reads its own file', async () => {
    const input = await parquetInput(3)
    const { executor, labels } = recording()
    const source = await open(input, executor)
    const start = await source.initialOffset()
    const end = await source.latestOffset(start, ONE)
    await source.getBatch(start, end)
    const files = [...new Set(labels.map((l) => l.replace(/ \(row groups .*\)$/, '')))]
    assert.equal(files.length, 2, `tasks for the first file and the next one: ${labels.join(', ')}`)
    const rest = await idsPerBatch(await open(input, recording().executor), [ONE])
    assert.deepEqual(rest, [ids(0, 1), ids(1, 1), ids(2, 1)])
  })

  it('drops the guess when the next trigger takes other files', async () => {
    const input = await parquetInput(4)
    const batches = await idsPerBatch(await open(input, recording().executor), [
      ONE,
      { kind: 'maxFiles', maxFiles: 2 },
      READ_ALL,
    ])
    assert.deepEqual(batches, [ids(0, 1), ids(1, 2), ids(3, 1)])
  })

  it('reads the batch again when a worker dies during its prefetch', async () => {
    const input = await parquetInput(3)
    const { executor, pool } = recording()
    const killAll = () => {
      for (const w of pool.workers) void w.terminate()
    }
    const batches = await idsPerBatch(await open(input, executor), [ONE], killAll)
    assert.deepEqual(batches, [ids(0, 1), ids(1, 1), ids(2, 1)])
  })

  it('leaves nothing failing behind when the threads close under a prefetch', async () => {
    const input = await parquetInput(2)
    const { executor, pool } = recording()
    const source = await open(input, executor)
    const start = await source.initialOffset()
    const end = await source.latestOffset(start, ONE)
    assert.deepEqual(((await source.getBatch(start, end)) as unknown[][]).length, 100)
    await source.stop()
    await pool.close()
    // An unhandled rejection of the dropped prefetch would fail this file.
    const again = await idsPerBatch(await open(input), [ONE])
    assert.deepEqual(again, [ids(0, 1), ids(1, 1)])
  })

  it('decodes a file the workers leave to the main thread from the bytes its prefetch read, not reading it again', async () => {
    const input = await tempDir()
    for (let f = 0; f < 3; f++) {
      const lines = Array.from({ length: 100 }, (_, i) =>
        JSON.stringify({ id: f * 100 + i, name: `n${f * 100 + i}` }),
      )
      await writeFile(join(input, `part-${f}.json`), `${lines.join('\n')}\n`)
    }
    const { executor, labels } = recording()
    const source = await open(input, executor, 'json')
    let batch = 0
    // After batch 0, file 1 is read already: a second read would find it gone (SOURCE_UNAVAILABLE).
    const removeNext = () => (batch++ === 0 ? rm(join(input, 'part-1.json')) : undefined)
    const batches = await idsPerBatch(source, [ONE], removeNext)
    assert.deepEqual(batches, [ids(0, 1), ids(1, 1), ids(2, 1)])
    assert.deepEqual(labels, [], 'one JSON file is one split: decoded on the main thread')
  })
})
