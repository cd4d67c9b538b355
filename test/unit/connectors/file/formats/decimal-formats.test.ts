/**
 * CSV and JSON files with decimal columns against Spark 4's answers (spark/decimal-text-expected.json,
 * written by spark/decimal_text.py): reading with a declared schema (HALF_UP to the scale, too many
 * integral digits malformed), PERMISSIVE with a corrupt-record column, and the text written for
 * decimal columns (Java's BigDecimal.toString: `0E-10`, `1.000E-7`).
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
  readFileSync(new URL('./spark/decimal-text-expected.json', import.meta.url), 'utf8'),
)

const shape = (v: unknown): unknown =>
  typeof v === 'number' && !Number.isFinite(v)
    ? { $double: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' }
    : v

const WRITE_DDL = 'a DECIMAL(5,2), b DECIMAL(38,10)'
const WRITE_ROWS = [
  ['1.50', '0.0000000000'],
  ['-0.01', '0.0000001000'],
  [null, '1234567890123456789012345678.0123456789'],
]

describe(`decimals in CSV and JSON files, as Spark ${expected.spark}`, () => {
  for (const format of ['csv', 'json'] as const) {
    it(`${format}: reads a declared decimal schema as Spark does, values too wide malformed`, () => {
      const { rows } = read(format, expected[format].text, expected.ddl)
      assert.deepEqual(
        rows.map((r) => r.map(shape)),
        expected[format].rows,
      )
    })

    it(`${format}: writes decimals as Spark does (Java's BigDecimal.toString)`, () => {
      assert.equal(write(format, WRITE_ROWS, WRITE_DDL), expected[format].written)
    })
  }
})
