/**
 * A streaming file query whose filters run on the decoding workers (`sluice.executor.threads` 2)
 * gives the rows, the order, the progress counts and the errors of one thread: Parquet files split
 * by row group, a filter the workers run, a projection above it, and a filter that fails with an
 * ANSI cast error on the main thread as on the workers.
 */
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { isSluiceError } from '../../src/errors.ts'
import { col, type DataFrame, Sluice, t } from '../../src/index.ts'
import { writeParquetFiles } from '../harness/file-fixtures.ts'
import { tempDirsRemovedAfter } from '../harness/temp-dir.ts'

const S = t.struct({ id: t.long(), name: t.string(), score: t.double() })
// JSON lines under day=<n> folders: the partition column is read from the path.
const J = t.struct({ id: t.long(), name: t.string(), score: t.double(), day: t.int() })
const tempDir = tempDirsRemovedAfter('sluice-worker-filter-')
const sessions: Sluice[] = []
after(async () => {
  for (const s of sessions) await s.stop()
})

/** Three Parquet files of 300 rows, 30 rows per row group; `bad` names one row 'x' (not an int). */
async function input(names: (i: number) => string): Promise<string> {
  const dir = await tempDir()
  const rowsOf = (f: number) =>
    Array.from({ length: 300 }, (_, i) => ({ id: f * 300 + i, name: names(f * 300 + i), score: i / 4 }))
  await writeParquetFiles(dir, S, 3, rowsOf, 30)
  return dir
}

function session(threads: number): Sluice {
  const s = Sluice.local({
    'sluice.sql.session.timeZone': 'UTC',
    'sluice.executor.threads': threads,
    'sluice.executor.parallelReadMinBytes': 0,
  })
  sessions.push(s)
  return s
}

/** Runs `query` over `dir` to the end with `threads`: its rows in order and its rows read, or its error. */
async function run(
  threads: number,
  dir: string,
  query: (df: DataFrame) => DataFrame,
  name: string,
  format = 'parquet',
) {
  const sluice = session(threads)
  const q = await query(
    sluice.readStream
      .format(format)
      .schema(format === 'json' ? J : S)
      .option('maxFilesPerTrigger', 2)
      .load(dir),
  )
    .writeStream.format('memory')
    .queryName(`${name}_${threads}`)
    .option('checkpointLocation', await tempDir())
    .trigger({ availableNow: true })
    .start()
  try {
    await q.awaitTermination()
  } catch (e) {
    return { error: e }
  }
  const rows = await sluice.table(`${name}_${threads}`).collect()
  const read = q.recentProgress.reduce((n, p) => n + p.numInputRows, 0)
  return { rows, read, batches: q.recentProgress.length }
}

describe('filters on the decoding workers', () => {
  it('give the rows, order and rows read of one thread', async () => {
    const dir = await input((i) => `n${i}`)
    const query = (df: DataFrame) =>
      df
        .where(col('id').mod(7).eq(0))
        .where(col('score').gt(2))
        .select('id', col('score').multiply(2).alias('s2'))
    const one = await run(1, dir, query, 'kept')
    const two = await run(2, dir, query, 'kept')
    assert.equal(two.error, undefined)
    assert.deepEqual(two.rows, one.rows)
    assert.ok((one.rows?.length ?? 0) > 100)
    assert.equal(one.read, 900)
    assert.equal(two.read, 900)
    assert.equal(two.batches, one.batches)
  })

  it('fail with the error of one thread when the filter throws', async () => {
    const dir = await input((i) => (i === 700 ? 'x' : `${i}`))
    const query = (df: DataFrame) => df.where(col('name').cast('int').gt(5)).select('id')
    const one = await run(1, dir, query, 'cast')
    const two = await run(2, dir, query, 'cast')
    assert.ok(isSluiceError(one.error), String(one.error))
    assert.ok(isSluiceError(two.error), String(two.error))
    assert.equal(two.error.code, one.error.code)
    // The same but for the query's name and ids.
    const cause = (e: Error) => e.message.replace(/^.*terminated with exception: /, '')
    assert.equal(cause(two.error), cause(one.error))
    assert.match(cause(one.error), /^\[CAST_INVALID_INPUT\]/)
    assert.match(one.error.message, /'x'/)
  })

  it('give the rows of one thread on partitioned JSON lines, with an IN list and the partition column', async () => {
    const dir = await tempDir()
    for (let day = 1; day <= 3; day++) {
      await mkdir(join(dir, `day=${day}`))
      for (let f = 0; f < 2; f++) {
        const lines = Array.from({ length: 100 }, (_, i) => {
          const id = day * 1000 + f * 100 + i
          return JSON.stringify({ id, name: `n${i % 10}`, score: i % 7 === 0 ? null : i / 2 })
        })
        await writeFile(join(dir, `day=${day}`, `part-${f}.json`), `${lines.join('\n')}\n`)
      }
    }
    const query = (df: DataFrame) =>
      df
        .where(col('name').isin('n2', 'n5').and(col('day').gt(1)))
        .where(col('score').isNotNull())
        .select('id', 'day', col('score').plus(1).alias('s1'))
    const one = await run(1, dir, query, 'json', 'json')
    const two = await run(2, dir, query, 'json', 'json')
    assert.equal(two.error, undefined)
    assert.deepEqual(two.rows, one.rows)
    assert.ok((one.rows?.length ?? 0) > 20)
    assert.equal(one.read, 600)
    assert.equal(two.read, 600)
  })
})
