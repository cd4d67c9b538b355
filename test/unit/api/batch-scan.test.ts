/**
 * Lazy batch reads: `load()` settles the schema, an action reads the rows, and a filter on a
 * partition column after `load()` keeps the scan out of the other partitions' folders.
 */
import assert from 'node:assert/strict'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { col, type DataFrame, isSluiceError, Sluice } from '../../../src/index.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const printed: string[] = []
const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC', output: (t) => printed.push(t) })

function physical(df: DataFrame<any>): string {
  printed.length = 0
  df.explain('simple')
  return printed.join('\n')
}

async function put(dir: string, rel: string, data: string): Promise<void> {
  await mkdir(dirname(join(dir, rel)), { recursive: true })
  await writeFile(join(dir, rel), data)
}

describe('batch scan', () => {
  it('reads the files when an action runs, not at load()', () =>
    withTempDir(async (dir) => {
      await put(dir, 'a.json', '{"n":1}\n')
      const df = await sluice.read.schema('n INT').json(dir)
      await writeFile(join(dir, 'a.json'), '{"n":2}\n')
      assert.deepEqual(df.collect(), [{ n: 2 }])
    }))

  it('prunes partition folders by a filter written after load()', () =>
    withTempDir(async (dir) => {
      await put(dir, 'day=1/a.json', '{"n":1}\n')
      await put(dir, 'day=2/b.json', '{"n":2}\n')
      const df = await sluice.read.json(dir)
      // A file gone from a pruned folder is never opened; the unfiltered read needs it.
      await rm(join(dir, 'day=2'), { recursive: true })
      assert.deepEqual(df.filter(col('day').eqNullSafe(1)).collect(), [{ n: 1, day: 1 }])
      assert.deepEqual(df.where('day = 1 AND n > 0').select('n').collect(), [{ n: 1 }])
      assert.throws(
        () => df.collect(),
        (e: unknown) => isSluiceError(e, 'SOURCE_UNAVAILABLE'),
      )
    }))

  it('hands the scan only the columns the query reads', () =>
    withTempDir(async (dir) => {
      await put(dir, 'day=1/a.json', '{"n":1,"s":"x"}\n')
      const df = await sluice.read.json(dir)
      assert.match(physical(df.select('s')), /BatchScanExec json .* columns \[1\]/)
      assert.match(physical(df.where('day = 1').groupBy('s').count()), /columns \[1, 2\] partition filters 1/)
      assert.deepEqual(df.groupBy('s').count().collect(), [{ s: 'x', count: 1 }])
    }))
})
