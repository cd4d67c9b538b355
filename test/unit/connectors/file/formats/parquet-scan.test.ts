import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parquetWriteBuffer } from 'hyparquet-writer'
import type { DecodeResult, ScanRequest } from '../../../../../src/connectors/file/formats/index.ts'
import { fileFormat } from '../../../../../src/connectors/file/formats/index.ts'
import { type StructType, t } from '../../../../../src/schema/data-type.ts'
import { UTC } from './helpers.ts'

// Scan requests: the columns a query reads and row-group skipping by min/max statistics.

const S = t.struct({ a: t.long(), b: t.int(), s: t.string(), d: t.double() })
// Ten rows in row groups of four: a = 0..9, b null in the first group, d a double.
const ROWS = Array.from({ length: 10 }, (_, i) => [i, i < 4 ? null : i * 10, `s${i}`, i / 2])
const FILE = fileFormat('parquet').writer(S, { rowGroupSize: '4' }, UTC).encode(ROWS)

const read = (bytes: Uint8Array, scan?: ScanRequest, schema: StructType = S) =>
  fileFormat('parquet').reader(schema, {}, UTC).decode(bytes, 'f.parquet', scan) as Promise<DecodeResult>

describe('Parquet scan requests', () => {
  it('reads only the requested columns; the rows are otherwise identical', async () => {
    const all = await read(FILE)
    assert.deepEqual(all.rows, ROWS)
    const some = await read(FILE, { columns: [2, 0] })
    assert.deepEqual(
      some.rows,
      ROWS.map((r) => [r[0], null, r[2], null]),
    )
    assert.deepEqual(
      (await read(FILE, { columns: [] })).rows,
      ROWS.map(() => [null, null, null, null]),
    )
  })

  it('skips the row groups whose statistics prove no row matches, and keeps every matching row', async () => {
    const cases: [ScanRequest['predicate'], number[]][] = [
      [[{ column: 0, op: '>', value: 7 }], [8, 9]],
      [[{ column: 0, op: '>=', value: 8 }], [8, 9]],
      [[{ column: 0, op: '<', value: 4 }], [0, 1, 2, 3]],
      [[{ column: 0, op: '=', value: 5 }], [4, 5, 6, 7]],
      [[{ column: 0, op: '<=', value: 4 }], [0, 1, 2, 3, 4, 5, 6, 7]],
      [[{ column: 0, op: '>', value: 9 }], []],
      // A conjunction: each condition may rule a group out.
      [
        [
          { column: 0, op: '>', value: 2 },
          { column: 0, op: '<', value: 5 },
        ],
        [0, 1, 2, 3, 4, 5, 6, 7],
      ],
    ]
    for (const [predicate, groupsRead] of cases) {
      const { rows } = await read(FILE, { predicate })
      assert.deepEqual(
        rows.map((r) => r[0]),
        groupsRead,
        JSON.stringify(predicate),
      )
    }
  })

  it('skips a group of nulls for a comparison or isNotNull, never a group that holds a non-null', async () => {
    const gt = await read(FILE, { predicate: [{ column: 1, op: '>', value: -1 }] })
    assert.deepEqual(
      gt.rows.map((r) => r[0]),
      [4, 5, 6, 7, 8, 9],
    )
    const notNull = await read(FILE, { predicate: [{ column: 1, op: 'isNotNull' }] })
    assert.deepEqual(
      notNull.rows.map((r) => r[0]),
      [4, 5, 6, 7, 8, 9],
    )
  })

  it('reads every group when it cannot tell: no statistics, a double column, a column the file lacks', async () => {
    const noStats = new Uint8Array(
      parquetWriteBuffer({
        columnData: [{ name: 'a', data: [1n, 2n, 3n, 4n], type: 'INT64' }],
        rowGroupSize: 2,
        statistics: false,
      }),
    )
    const A = t.struct({ a: t.long(), zz: t.long() })
    assert.equal((await read(noStats, { predicate: [{ column: 0, op: '>', value: 100 }] }, A)).rows.length, 4)
    assert.equal((await read(noStats, { predicate: [{ column: 1, op: '=', value: 1 }] }, A)).rows.length, 4)
    assert.equal((await read(FILE, { predicate: [{ column: 3, op: '>', value: 100 }] })).rows.length, 10)
  })
})
