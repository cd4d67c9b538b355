/**
 * tinyint, smallint and float against Spark's own answers: every case in
 * spark/numeric-types-expected.json (written by spark/numeric_types_cases.py from PySpark 4, ANSI on,
 * UTC) runs through Sluice and must give Spark's result type and value, or fail where Spark fails
 * (with Spark's error condition where Sluice has that code).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import {
  col,
  expr,
  isSluiceError,
  Sluice,
  SluiceError,
  schemaFromJson,
  schemaToJson,
  t,
  treeString,
  udf,
} from '../../../src/index.ts'
import { parseSchemaDDL } from '../../../src/plan/sql/index.ts'
import { type StructType, simpleString } from '../../../src/schema/data-type.ts'

interface Case {
  readonly sql: string
  readonly type?: string
  readonly value?: unknown
  readonly error?: string
}
interface Expected {
  readonly spark: string
  readonly scalar: readonly Case[]
  readonly table: { readonly ddl: string; readonly rows: readonly Record<string, unknown>[] }
  readonly aggregate: readonly Case[]
}

const expected: Expected = JSON.parse(
  readFileSync(new URL('./spark/numeric-types-expected.json', import.meta.url), 'utf8'),
)
const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
const one = sluice.range(1)

/** Error conditions Sluice raises under Spark's name; any other Spark failure needs only a failure. */
const SAME_CODES = new Set([
  'CAST_OVERFLOW',
  'CAST_INVALID_INPUT',
  'BINARY_ARITHMETIC_OVERFLOW',
  'ARITHMETIC_OVERFLOW',
  'DIVIDE_BY_ZERO',
])

function shape(v: unknown): unknown {
  if (typeof v === 'number')
    return Number.isFinite(v) ? v : { $double: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' }
  if (Array.isArray(v)) return v.map(shape)
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]))
  return v
}

function same(actual: unknown, wanted: unknown, tolerance: number): boolean {
  if (typeof actual === 'number' && typeof wanted === 'number') {
    return (
      actual === wanted ||
      Math.abs(actual - wanted) <= tolerance * Math.max(Math.abs(actual), Math.abs(wanted))
    )
  }
  if (Array.isArray(actual) && Array.isArray(wanted))
    return actual.length === wanted.length && actual.every((x, i) => same(x, wanted[i], tolerance))
  if (actual !== null && wanted !== null && typeof actual === 'object' && typeof wanted === 'object') {
    const a = Object.entries(actual)
    const w = Object.entries(wanted)
    return a.length === w.length && a.every(([k, x], i) => k === w[i][0] && same(x, w[i][1], tolerance))
  }
  return JSON.stringify(actual) === JSON.stringify(wanted)
}

/** What differs from Spark's answer for one case, or undefined when Sluice agrees. */
function differs(
  c: Case,
  run: () => { type: string; value: unknown },
  tolerance: number,
): string | undefined {
  let actual: { type: string; value: unknown }
  try {
    actual = run()
  } catch (e) {
    if (c.error === undefined || !(e instanceof SluiceError))
      return `${c.sql}: Spark gives ${JSON.stringify(c.value ?? c.error)}, Sluice fails: ${(e as Error).message}`
    if (SAME_CODES.has(c.error) && e.code !== c.error)
      return `${c.sql}: Spark fails with ${c.error}, Sluice with ${e.code}`
    return undefined
  }
  if (c.type !== undefined && actual.type !== c.type)
    return `${c.sql}: Spark's type is ${c.type}, Sluice's ${actual.type}`
  if (c.error !== undefined)
    return `${c.sql}: Spark fails with ${c.error}, Sluice gives ${JSON.stringify(actual.value)}`
  const value = shape(actual.value)
  return same(value, c.value, tolerance)
    ? undefined
    : `${c.sql}: Spark gives ${JSON.stringify(c.value)}, Sluice ${JSON.stringify(value)}`
}

describe(`tinyint, smallint and float against Spark ${expected.spark}`, () => {
  it(`types and evaluates ${expected.scalar.length} expressions as Spark does`, () => {
    const problems = expected.scalar.map((c) =>
      differs(
        c,
        () => {
          const df = one.selectExpr(`${c.sql} AS c`)
          const type = simpleString(df.schema.fields[0].type)
          return { type, value: df.collect()[0].c }
        },
        0,
      ),
    )
    assert.deepEqual(
      problems.filter((p) => p !== undefined),
      [],
    )
  })

  it(`types and computes ${expected.aggregate.length} aggregates per group as Spark does`, () => {
    const schema = parseSchemaDDL(expected.table.ddl) as StructType
    const table = sluice.createDataFrame(expected.table.rows as never[], schema)
    const problems = expected.aggregate.map((c) =>
      differs(
        c,
        () => {
          const df = table.groupBy('k').agg(expr(c.sql).alias('c')).orderBy('k')
          const type = simpleString(df.schema.fields[1].type)
          return { type, value: df.collect().map((r) => r.c) }
        },
        1e-12,
      ),
    )
    assert.deepEqual(
      problems.filter((p) => p !== undefined),
      [],
    )
  })
})

describe('tinyint, smallint and float as schema types', () => {
  const S = t.struct({ b: t.byte(), s: t.short(), f: t.float() })

  it('parses DDL names, prints Spark’s tree and JSON names, and round trips schema JSON', () => {
    assert.deepEqual(parseSchemaDDL('b TINYINT, s SMALLINT, f FLOAT'), S)
    assert.deepEqual(parseSchemaDDL('b BYTE, s SHORT, f REAL'), S)
    assert.equal(
      treeString(S),
      'root\n |-- b: byte (nullable = true)\n |-- s: short (nullable = true)\n |-- f: float (nullable = true)\n',
    )
    assert.equal(
      schemaToJson(S),
      '{"type":"struct","fields":[{"name":"b","type":"byte","nullable":true,"metadata":{}},{"name":"s","type":"short","nullable":true,"metadata":{}},{"name":"f","type":"float","nullable":true,"metadata":{}}]}',
    )
    assert.deepEqual(schemaFromJson(schemaToJson(S)), S)
  })

  it('rounds floats to 32 bits on every write: createDataFrame and UDF results', () => {
    const df = sluice.createDataFrame([{ b: 1, s: 2, f: 0.1 }], S)
    assert.deepEqual(df.collect(), [{ b: 1, s: 2, f: Math.fround(0.1) }])
    const third = udf((x: number) => x / 3, t.float(), 'third')
    assert.deepEqual(df.select(third(col('b')).alias('x')).collect(), [{ x: Math.fround(1 / 3) }])
  })

  it('refuses rows whose values are outside the column’s type with INVALID_ROW', () => {
    for (const row of [{ b: 128 }, { s: -32769 }, { b: 1.5 }, { f: 'x' }]) {
      assert.throws(
        () => sluice.createDataFrame([row as never], S).collect(),
        (e: unknown) => isSluiceError(e, 'INVALID_ROW'),
        JSON.stringify(row),
      )
    }
  })
})
