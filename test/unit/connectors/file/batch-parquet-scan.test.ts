/**
 * `sluice.read.parquet(...)` decodes at the action, told the columns the query reads and the
 * conditions of its filters: the proof is a file with damaged column chunks the query must never
 * decode (a read of them fails), beside the same query over an intact copy giving the same rows.
 */
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parquetMetadata } from 'hyparquet'
import { fileFormat } from '../../../../src/connectors/file/formats/index.ts'
import { col, isSluiceError, Sluice, t } from '../../../../src/index.ts'
import { withTempDir } from '../../../harness/temp-dir.ts'

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
const S = t.struct({ a: t.long(), s: t.string(), d: t.double() })
// Twelve rows in row groups of four: a = 0..11.
const ROWS = Array.from({ length: 12 }, (_, i) => [i, `s${i}`, i / 2])
const FILE = fileFormat('parquet').writer(S, { rowGroupSize: '4' }, { timeZone: 'UTC' }).encode(ROWS)

/** A copy of FILE with the column chunks of `column` in row groups `groups` overwritten. */
function damaged(column: string, groups: readonly number[]): Uint8Array {
  const copy = FILE.slice()
  const meta = parquetMetadata(copy.buffer)
  for (const g of groups) {
    const chunk = meta.row_groups[g].columns.find((c) => c.meta_data?.path_in_schema[0] === column)
    const m = chunk?.meta_data
    if (m === undefined) throw new Error(`no chunk ${column} in group ${g}`)
    const start = Number(m.dictionary_page_offset ?? m.data_page_offset)
    copy.fill(0xff, start, start + Number(m.total_compressed_size))
  }
  return copy
}

async function parquetDir(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  const d = join(dir, name)
  await mkdir(d, { recursive: true })
  await writeFile(join(d, 'part-0.parquet'), bytes)
  return d
}

describe('batch Parquet scans', () => {
  it('never decode the row groups a filter rules out, and give the rows of a full read', () =>
    withTempDir(async (dir) => {
      // Groups 0 and 1 (a = 0..7) are damaged: a > 7 must skip them.
      const bad = await parquetDir(dir, 'bad', damaged('a', [0, 1]))
      const good = await parquetDir(dir, 'good', FILE)
      const query = async (path: string) =>
        (await sluice.read.parquet(path)).where(col('a').gt(7)).select('a', 's').collect()
      const expected = [8, 9, 10, 11].map((a) => ({ a, s: `s${a}` }))
      assert.deepEqual(await query(good), expected)
      assert.deepEqual(await query(bad), expected)
      // The whole file cannot be read: the damage is real.
      const whole = await sluice.read.parquet(bad)
      assert.throws(
        () => whole.collect(),
        (e) => isSluiceError(e, 'FAILED_READ_FILE'),
      )
    }))

  it('decode only the columns the query reads', () =>
    withTempDir(async (dir) => {
      const bad = await parquetDir(dir, 'bad', damaged('s', [0, 1, 2]))
      const df = await sluice.read.parquet(bad)
      assert.deepEqual(df.where(col('d').lt(1)).select('a').collect(), [{ a: 0 }, { a: 1 }])
      assert.throws(
        () => df.select('s').collect(),
        (e) => isSluiceError(e, 'FAILED_READ_FILE'),
      )
    }))

  it('skip row groups by string and IN conditions in a batch read with a schema', () =>
    withTempDir(async (dir) => {
      // Group 1 (s4..s7) is damaged; s = 's2' reads groups 0 and 2 (s10..s9 in byte order).
      const bad = await parquetDir(dir, 'bad', damaged('a', [1]))
      const df = await sluice.read.schema(S).parquet(bad)
      assert.deepEqual(df.where(col('s').eq('s2')).select('a').collect(), [{ a: 2 }])
      assert.deepEqual(df.where(col('a').isin(1, 3)).select('a').collect(), [{ a: 1 }, { a: 3 }])
    }))

  it('skip a damaged file with ignoreCorruptFiles, and name it without', () =>
    withTempDir(async (dir) => {
      // Spark 4 skips a file it cannot read under spark.sql.files.ignoreCorruptFiles / the option.
      const d = await parquetDir(dir, 'mixed', FILE)
      await writeFile(join(d, 'part-1.parquet'), new Uint8Array([1, 2, 3, 4]))
      const schema = 'a BIGINT, s STRING, d DOUBLE'
      const skipped = await sluice.read.schema(schema).option('ignoreCorruptFiles', 'true').parquet(d)
      assert.deepEqual(
        skipped
          .select('a')
          .collect()
          .map((r) => r.a),
        ROWS.map((r) => r[0]),
      )
      const strict = await sluice.read.schema(schema).parquet(d)
      assert.throws(
        () => strict.collect(),
        (e) => isSluiceError(e, 'FAILED_READ_FILE') && e.message.includes('part-1.parquet'),
      )
    }))
})
