/**
 * Row-group skipping by statistics beyond integers: strings (byte order, truncated bounds),
 * doubles and floats (NaN left out of the bounds), dates, timestamps, booleans, IS NULL / IS NOT
 * NULL by null counts and IN lists, on files Sluice writes and on one Spark 4.3 wrote
 * (spark/stats_parquet.py). Each case names the groups it must read; a group it reads is read
 * whole, so the rows are those of the groups, and every matching row is among them.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import type { DecodeResult, ScanRequest } from '../../../../../src/connectors/file/formats/index.ts'
import { fileFormat } from '../../../../../src/connectors/file/formats/index.ts'
import { type StructType, t } from '../../../../../src/schema/data-type.ts'
import { UTC } from './helpers.ts'

type Predicate = NonNullable<ScanRequest['predicate']>

const S = t.struct({
  k: t.int(),
  s: t.string(),
  d: t.double(),
  f: t.float(),
  dt: t.date(),
  ts: t.timestamp(),
  b: t.boolean(),
  n: t.string(),
})
// Twelve rows in groups of four: k = 0..11; s sorts with k, and group 3 holds a string beyond
// U+FFFF (code point order puts it above U+E000..U+FFFF, UTF-16 order below); d has a NaN in group
// 2; n is null in group 0 and never null in group 2; b is true only in group 2.
const ROWS = Array.from({ length: 12 }, (_, k) => [
  k,
  k === 11 ? '\u{1F600}' : k === 10 ? '\uE000' : `s${String(k).padStart(2, '0')}`,
  k === 9 ? Number.NaN : k / 2,
  k / 4,
  19_000 + k,
  1_700_000_000_000 + k * 1000,
  k >= 8,
  k < 4 ? null : k < 8 && k % 2 === 0 ? null : `v${k + 10}`,
])
const FILE = fileFormat('parquet').writer(S, { rowGroupSize: '4' }, UTC).encode(ROWS)

async function groupsRead(
  bytes: Uint8Array,
  predicate: Predicate,
  schema: StructType = S,
): Promise<number[]> {
  const reader = fileFormat('parquet').reader(schema, {}, UTC)
  const { rows } = (await reader.decode(bytes, 'f.parquet', { predicate })) as DecodeResult
  return [...new Set(rows.map((r) => Math.floor((r[0] as number) / 4)))]
}

async function expectGroups(bytes: Uint8Array, cases: readonly [Predicate, number[]][], schema?: StructType) {
  for (const [predicate, groups] of cases)
    assert.deepEqual(await groupsRead(bytes, predicate, schema), groups, JSON.stringify(predicate))
}

describe('Parquet row-group statistics', () => {
  it('judge strings in code point order, the engine order', async () => {
    await expectGroups(FILE, [
      [[{ column: 1, op: '=', value: 's05' }], [1]],
      [[{ column: 1, op: '<', value: 's04' }], [0]],
      [[{ column: 1, op: '>=', value: 's08' }], [2]],
      // U+1F600 sorts above U+E000 by code point; by UTF-16 units it would sort below.
      [[{ column: 1, op: '>', value: '\uF000' }], [2]],
      [[{ column: 1, op: '=', value: 'zzz' }], [2]],
      [[{ column: 1, op: 'in', values: ['s01', 's09'] }], [0, 2]],
      [[{ column: 1, op: 'in', values: ['a', 'b'] }], []],
    ])
  })

  it('judge doubles and floats, never ruling out a NaN for > or >=', async () => {
    await expectGroups(FILE, [
      [[{ column: 2, op: '<', value: 2 }], [0]],
      [[{ column: 2, op: '=', value: 2.5 }], [1]],
      [[{ column: 2, op: '<=', value: -1 }], []],
      // Group 2 holds a NaN, which is > 100 in Spark and Sluice; its bounds leave it out.
      [[{ column: 2, op: '>', value: 100 }], [0, 1, 2]],
      [[{ column: 3, op: '<', value: 1 }], [0]],
      [[{ column: 3, op: 'in', values: [0.25, 2.75] }], [0, 2]],
    ])
  })

  it('judge dates, timestamps and booleans', async () => {
    await expectGroups(FILE, [
      [[{ column: 4, op: '>=', value: 19_008 }], [2]],
      [[{ column: 4, op: '=', value: 19_005 }], [1]],
      [[{ column: 5, op: '<', value: 1_700_000_004_000 }], [0]],
      [[{ column: 5, op: '>', value: 1_700_000_007_000 }], [2]],
      [[{ column: 6, op: '=', value: true }], [2]],
      [[{ column: 6, op: '=', value: false }], [0, 1]],
    ])
  })

  it('judge IS NULL and IS NOT NULL by null counts', async () => {
    await expectGroups(FILE, [
      [[{ column: 7, op: 'isNull' }], [0, 1]],
      [[{ column: 7, op: 'isNotNull' }], [1, 2]],
      [[{ column: 7, op: '=', value: 'v16' }], [1]],
      [[{ column: 7, op: '=', value: 'v19' }], [2]],
      [[{ column: 0, op: 'isNull' }], []],
    ])
  })

  it('read every group for a constant of another type or a column whose file type differs', async () => {
    await expectGroups(FILE, [
      [[{ column: 1, op: '=', value: 5 }], [0, 1, 2]],
      [[{ column: 0, op: '=', value: 'x' }], [0, 1, 2]],
    ])
  })

  it('judge a file Spark 4.3 wrote: truncated string bounds, micros, a NaN (spark/stats_parquet.py)', async () => {
    const spark = new Uint8Array(readFileSync(new URL('./fixtures/spark-stats.parquet', import.meta.url)))
    const SS = t.struct({
      i: t.int(),
      d: t.double(),
      s: t.string(),
      dt: t.date(),
      ts: t.timestamp(),
      b: t.boolean(),
      n: t.string(),
    })
    const all = (await fileFormat('parquet')
      .reader(SS, {}, UTC)
      .decode(spark, 'spark.parquet')) as DecodeResult
    assert.equal(all.rows.length, 12)
    await expectGroups(
      spark,
      [
        // Bounds truncated to 4 bytes ('key-' for every group) rule nothing out: every group is read.
        [[{ column: 2, op: '=', value: 'key-05-suffix' }], [0, 1, 2]],
        [[{ column: 2, op: '<', value: 'key-' }], []],
        [[{ column: 2, op: '>', value: 'kez' }], []],
        [[{ column: 0, op: '>', value: 7 }], [2]],
        [[{ column: 1, op: '<', value: 1 }], [0]],
        // Spark reads rows 9 (NaN) for d > 100: group 2 must be read.
        [[{ column: 1, op: '>', value: 100 }], [0, 1, 2]],
        [[{ column: 3, op: '>=', value: 19_731 }], [2]],
        // 2024-01-01T00:00:05.000001Z floors to ...05.000 ms, as the rows are read.
        [[{ column: 4, op: '=', value: 1_704_067_205_000 }], [1]],
        [[{ column: 5, op: '=', value: true }], [2]],
        [[{ column: 6, op: 'isNull' }], [0]],
        [[{ column: 6, op: 'isNotNull' }], [1, 2]],
      ],
      SS,
    )
  })
})
