/**
 * A byte order mark U+FEFF at the start of a Parquet string is data, and Spark keeps it: the
 * fixture spark-bom.parquet and the expected rows come from spark/bom_parquet.py (PySpark 4.3),
 * which also checks that Spark reads its own file back unchanged. With a path argument the script
 * prints what Spark reads from a file Sluice wrote; for the file the second test writes it prints
 * the same four rows, BOMs kept.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { fileFormat } from '../../../../../src/connectors/file/formats/index.ts'
import { readFooter } from '../../../../../src/connectors/file/formats/parquet-reader.ts'
import { schema, UTC, utf8 } from './helpers.ts'

const pq = fileFormat('parquet')
/** The rows spark/bom_parquet.py writes, and reads back unchanged with Spark 4.3. */
const SPARK_ROWS = [['\uFEFFabc'], ['x\uFEFFy'], ['\uFEFF'], ['plain']]

describe('Parquet strings with a byte order mark', () => {
  it('keeps a leading BOM in a UTF8-annotated column Spark 4.3 wrote, as Spark reads it', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('./fixtures/spark-bom.parquet', import.meta.url)))
    const s = pq.inferSchema([{ bytes, file: 'spark-bom.parquet' }], {}, UTC)
    assert.equal(s.fields.map((f) => `${f.name}:${f.type.kind}`).join(','), 's:string')
    const { root } = readFooter(bytes, 'spark-bom.parquet')
    assert.equal(root.children[0].element.converted_type, 'UTF8')
    const { rows } = await pq.reader(s, {}, UTC).decode(bytes, 'spark-bom.parquet')
    assert.deepEqual(rows, SPARK_ROWS)
  })

  it('round-trips a leading BOM through a file Sluice writes', async () => {
    const s = schema('s STRING')
    const bytes = pq.writer(s, {}, UTC).encode(SPARK_ROWS)
    const { rows } = await pq.reader(s, {}, UTC).decode(bytes, 'sluice-bom.parquet')
    assert.deepEqual(rows, SPARK_ROWS)
  })

  it('keeps it too in an unannotated BYTE_ARRAY column read as STRING', async () => {
    const data = SPARK_ROWS.map(([v]) => utf8(v))
    const bytes = new Uint8Array(
      parquetWriteBuffer({ columnData: [{ name: 's', data, type: 'BYTE_ARRAY' }] }),
    )
    const { root } = readFooter(bytes, 'raw.parquet')
    assert.equal(root.children[0].element.converted_type, undefined)
    const { rows } = await pq.reader(schema('s STRING'), {}, UTC).decode(bytes, 'raw.parquet')
    assert.deepEqual(rows, SPARK_ROWS)
  })
})
