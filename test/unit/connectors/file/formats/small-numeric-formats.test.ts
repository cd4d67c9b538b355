/**
 * CSV and JSON files with tinyint, smallint and float columns against Spark 4's answers
 * (spark/small-numeric-text-expected.json, written by spark/small_numeric_text.py): reading with a
 * declared schema, PERMISSIVE with a corrupt-record column, and the text written for such columns.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { read, write } from './helpers.ts'

interface FormatCase {
  readonly text: string
  readonly rows: unknown[][]
  readonly written: string
}
const expected: { spark: string; ddl: string; csv: FormatCase; json: FormatCase } = JSON.parse(
  readFileSync(new URL('./spark/small-numeric-text-expected.json', import.meta.url), 'utf8'),
)

const shape = (v: unknown): unknown =>
  typeof v === 'number' && !Number.isFinite(v)
    ? { $double: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' }
    : v

const WRITE_DDL = 'b TINYINT, s SMALLINT, f FLOAT'
const WRITE_ROWS = [
  [1, 2, Math.fround(1.1)],
  [-128, -32768, Math.fround(0.1)],
  [null, null, Math.fround(1e10)],
  [0, 0, Number.NaN],
  [1, 1, Math.fround(1e-5)],
]

describe(`tinyint, smallint and float in CSV and JSON files, as Spark ${expected.spark}`, () => {
  for (const format of ['csv', 'json'] as const) {
    it(`${format}: reads a declared schema as Spark does, out-of-range values malformed`, () => {
      const { rows } = read(format, expected[format].text, expected.ddl)
      assert.deepEqual(
        rows.map((r) => r.map(shape)),
        expected[format].rows,
      )
    })

    it(`${format}: writes the values as Spark does (Java's Float.toString)`, () => {
      assert.equal(write(format, WRITE_ROWS, WRITE_DDL), expected[format].written)
    })
  }
})
