/**
 * Streaming queries over files, run embedded and on the real local Spark Connect server through
 * Sluice.remote: the same program, the same JSON files written one at a time with
 * `processAllAvailable()` after each, and the memory sink's table compared after every file. Cases
 * that exercise event time: windowed counts in append mode (a late row dropped), windowed sums in
 * update mode, dropDuplicatesWithinWatermark, and a complete-mode aggregation.
 */
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { col, count, Sluice, sum, window } from '../../src/index.ts'
import { assertRowsClose, remoteSession, sorted, sparkConnect } from '../harness/spark-connect.ts'
import { withTempDir } from '../harness/temp-dir.ts'

let url = ''
let skip: string | undefined
before(async () => {
  const server = await sparkConnect()
  if ('skip' in server) skip = server.skip
  else url = server.url
})

type Session = Sluice | ReturnType<typeof remoteSession>
interface Scenario {
  readonly mode: 'append' | 'update' | 'complete'
  readonly query: (events: any) => any
  readonly files: readonly (readonly object[])[]
}

const SCHEMA = 'id STRING, user STRING, n BIGINT, ts TIMESTAMP'
const at = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s)).toISOString()
const ev = (id: string, user: string, n: number, s: number) => ({ id, user, n, ts: at(s) })
let names = 0

/** Runs `sc` on one session; the memory table's rows (canonically ordered) after each file. */
async function runOn(session: Session, sc: Scenario, dir: string): Promise<object[][]> {
  const input = join(dir, 'in')
  await mkdir(input, { recursive: true })
  const events = await session.readStream.schema(SCHEMA).json(input)
  const name = `diff_${process.pid}_${++names}`
  const q = await sc
    .query(events)
    .writeStream.format('memory')
    .queryName(name)
    .outputMode(sc.mode)
    .option('checkpointLocation', join(dir, 'ckpt'))
    .start()
  const steps: object[][] = []
  try {
    for (const [i, rows] of sc.files.entries()) {
      await writeFile(join(input, `${i}.json`), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`)
      await q.processAllAvailable()
      steps.push(sorted(await (await session.table(name)).collect()))
    }
  } finally {
    await q.stop()
  }
  return steps
}

async function bothWays(sc: Scenario): Promise<void> {
  const local = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC', output: () => {} })
  const remote = remoteSession(url)
  try {
    const embedded = await withTempDir((dir) => runOn(local, sc, dir))
    const onSpark = await withTempDir((dir) => runOn(remote, sc, dir))
    assert.equal(embedded.length, onSpark.length)
    for (const [i, rows] of embedded.entries()) assertRowsClose(rows, onSpark[i])
  } finally {
    remote.close()
  }
}

const WINDOWED_FILES = [
  [ev('a', 'ann', 1, 1), ev('b', 'bob', 2, 4), ev('c', 'ann', 3, 12)],
  [ev('d', 'ann', 4, 25), ev('e', 'bob', 5, 7)],
  [ev('f', 'bob', 6, 3), ev('g', 'ann', 7, 41)],
  [ev('h', 'ann', 8, 44), ev('i', 'bob', 9, 61)],
]

describe('streaming over files agrees with Spark, file by file', () => {
  it('windowed counts in append mode, a late row dropped', async (tc) => {
    if (skip) return tc.skip(skip)
    await bothWays({
      mode: 'append',
      files: WINDOWED_FILES,
      query: (e) =>
        e
          .withWatermark('ts', '10 seconds')
          .groupBy(window(col('ts'), '10 seconds'), col('user'))
          .agg(count('*').alias('n'))
          .select(col('window.start').alias('start'), col('user'), col('n')),
    })
  })

  it('windowed sums in update mode', async (tc) => {
    if (skip) return tc.skip(skip)
    await bothWays({
      mode: 'update',
      files: WINDOWED_FILES,
      query: (e) =>
        e
          .withWatermark('ts', '5 seconds')
          .groupBy(window(col('ts'), '20 seconds', '10 seconds'))
          .agg(sum('n').alias('total'))
          .select(col('window.start').alias('start'), col('window.end').alias('end'), col('total')),
    })
  })

  it('dropDuplicatesWithinWatermark', async (tc) => {
    if (skip) return tc.skip(skip)
    await bothWays({
      mode: 'append',
      files: [
        [ev('a', 'ann', 1, 1), ev('a', 'ann', 2, 2), ev('b', 'bob', 3, 3)],
        [ev('a', 'ann', 4, 5), ev('c', 'cy', 5, 30)],
        [ev('a', 'ann', 6, 31), ev('b', 'bob', 7, 32)],
      ],
      query: (e) =>
        e.withWatermark('ts', '10 seconds').dropDuplicatesWithinWatermark(['id']).select('id', 'n'),
    })
  })

  it('a complete-mode aggregation', async (tc) => {
    if (skip) return tc.skip(skip)
    await bothWays({
      mode: 'complete',
      files: WINDOWED_FILES,
      query: (e) => e.groupBy('user').agg(sum('n').alias('total'), count('*').alias('rows')),
    })
  })
})
