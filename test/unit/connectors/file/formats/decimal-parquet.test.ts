/**
 * Decimal columns in Parquet, both ways with Spark 4.3: Sluice reads the file Spark wrote
 * (fixtures/spark-decimal.parquet from spark/decimal_parquet.py: INT32, INT64 and
 * FIXED_LEN_BYTE_ARRAY(16), each DECIMAL(p, s)) exactly, and writes the same layout; PySpark 4.3
 * reads a file Sluice wrote from these rows back as the same decimals
 * (`python3 spark/decimal_parquet.py <file>` prints what it reads).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parquetMetadata, parquetSchema } from 'hyparquet'
import { fileFormat } from '../../../../../src/connectors/file/formats/index.ts'
import { isSluiceError } from '../../../../../src/errors.ts'
import { type StructType, t } from '../../../../../src/schema/data-type.ts'
import { UTC } from './helpers.ts'

const pq = fileFormat('parquet')
const S = t.struct({ a: t.decimal(5, 2), b: t.decimal(18, 4), c: t.decimal(38, 10) })
// The rows of spark/decimal_parquet.py, as Spark's collect() prints them.
const ROWS = [
  ['-999.99', '12345678901234.5678', '-1234567890123456789012345678.0123456789'],
  [null, null, null],
  ['0.01', '-0.0001', '9999999999999999999999999999.9999999999'],
]

const decode = (s: StructType, bytes: Uint8Array, file = 'part-0.parquet') =>
  pq.reader(s, {}, UTC).decode(bytes, file)

describe('decimal columns in Parquet, as Spark 4.3 writes and reads them', () => {
  it('reads the decimals Spark wrote exactly, typed decimal(p,s) by inference', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('./fixtures/spark-decimal.parquet', import.meta.url)))
    const inferred = pq.inferSchema([{ bytes, file: 'spark.parquet' }], {}, UTC)
    assert.deepEqual(inferred, S)
    assert.deepEqual((await decode(S, bytes, 'spark.parquet')).rows, ROWS)
  })

  it('writes INT32, INT64 and fixed bytes annotated DECIMAL, as Spark does, and reads them back', async () => {
    const bytes = pq.writer(S, {}, UTC).encode(ROWS)
    const root = parquetSchema(parquetMetadata(bytes.slice().buffer as ArrayBuffer))
    assert.deepEqual(
      root.children.map((c) => [c.element.type, c.element.type_length, c.element.converted_type]),
      [
        ['INT32', undefined, 'DECIMAL'],
        ['INT64', undefined, 'DECIMAL'],
        ['FIXED_LEN_BYTE_ARRAY', 16, 'DECIMAL'],
      ],
    )
    assert.deepEqual((await decode(S, bytes)).rows, ROWS)
  })

  it('reads a decimal into a wider decimal, and refuses a narrower one or another type', async () => {
    const bytes = pq.writer(S, {}, UTC).encode(ROWS)
    const wide = t.struct({ a: t.decimal(10, 4) })
    assert.deepEqual((await decode(wide, bytes)).rows[0], ['-999.9900'])
    await assert.rejects(
      async () => decode(t.struct({ a: t.decimal(3, 2) }), bytes),
      (e: unknown) => isSluiceError(e, 'NUMERIC_VALUE_OUT_OF_RANGE'),
    )
    await assert.rejects(
      async () => decode(t.struct({ a: t.double() }), bytes),
      (e: unknown) => isSluiceError(e, 'DATATYPE_MISMATCH'),
    )
  })
})
