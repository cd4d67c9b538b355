/**
 * DECIMAL(p, s) against Spark's own answers: every case in
 * spark/decimal-expected.json (written by spark/numeric_types_cases.py from PySpark 4, ANSI on,
 * UTC) runs through Sluice and must give Spark's result type and value, or fail where Spark fails
 * (with Spark's error condition where Sluice has that code).
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  col,
  expr,
  format_number,
  isSluiceError,
  lit,
  Sluice,
  SluiceError,
  schemaFromJson,
  schemaToJson,
  t,
  to_char,
  to_number,
  to_varchar,
  treeString,
  try_to_number,
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
  readFileSync(new URL('./spark/decimal-expected.json', import.meta.url), 'utf8'),
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
  'REMAINDER_BY_ZERO',
  'NUMERIC_VALUE_OUT_OF_RANGE',
  'INVALID_FORMAT',
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
    // Spark's sub-condition (NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION) is not part of Sluice's code.
    const condition = c.error.split('.')[0]
    if (SAME_CODES.has(condition) && e.code !== condition)
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

describe(`DECIMAL(p, s) against Spark ${expected.spark}`, () => {
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
  it('computes all those aggregates together in one query (one aggregation, many decimal types)', () => {
    const schema = parseSchemaDDL(expected.table.ddl) as StructType
    const table = sluice.createDataFrame(expected.table.rows as never[], schema)
    const cases = expected.aggregate.filter((c) => c.error === undefined)
    const rows = table
      .groupBy('k')
      .agg(expr(cases[0].sql).alias('c0'), ...cases.slice(1).map((c, i) => expr(c.sql).alias(`c${i + 1}`)))
      .orderBy('k')
      .collect() as Record<string, unknown>[]
    const problems = cases.map((c, i) =>
      same(shape(rows.map((r) => r[`c${i}`])), c.value, 1e-12)
        ? undefined
        : `${c.sql}: Spark gives ${JSON.stringify(c.value)}, Sluice ${JSON.stringify(rows.map((r) => r[`c${i}`]))}`,
    )
    assert.deepEqual(
      problems.filter((p) => p !== undefined),
      [],
    )
  })
})

describe('DECIMAL(p, s) as a schema type', () => {
  const S = t.struct({ price: t.decimal(10, 2), n: t.decimal(), big: t.decimal(38, 0) })

  it('parses DDL names (DECIMAL, DEC, NUMERIC, default (10,0)), prints Spark’s tree and JSON names', () => {
    assert.deepEqual(parseSchemaDDL('price DECIMAL(10,2), n DECIMAL, big NUMERIC(38)'), S)
    assert.deepEqual(parseSchemaDDL('price DEC(10, 2), n NUMERIC, big DECIMAL(38,0)'), S)
    assert.equal(simpleString(S), 'struct<price:decimal(10,2),n:decimal(10,0),big:decimal(38,0)>')
    assert.equal(
      treeString(S),
      'root\n |-- price: decimal(10,2) (nullable = true)\n |-- n: decimal(10,0) (nullable = true)\n |-- big: decimal(38,0) (nullable = true)\n',
    )
    assert.match(schemaToJson(S), /"type":"decimal\(10,2\)"/)
    assert.deepEqual(schemaFromJson(schemaToJson(S)), S)
  })

  it('refuses a precision above 38 or a scale above the precision', () => {
    assert.throws(() => parseSchemaDDL('d DECIMAL(39,0)'), /precision must be 1 to 38/)
    assert.throws(
      () => t.decimal(5, 6),
      (e: unknown) => isSluiceError(e, 'INVALID_SCHEMA'),
    )
  })

  it('takes strings, numbers and bigints in rows and gives canonical text at the type’s scale', () => {
    const df = sluice.createDataFrame(
      [
        { price: '19.999', n: 42, big: 12345678901234567890123456789012345678n },
        { price: 0.1, n: '-7', big: '-1' },
      ],
      S,
    )
    assert.deepEqual(df.collect(), [
      { price: '20.00', n: '42', big: '12345678901234567890123456789012345678' },
      { price: '0.10', n: '-7', big: '-1' },
    ])
  })

  it('refuses values that are not decimals or have too many integral digits with INVALID_ROW', () => {
    for (const row of [{ price: '123456789.5' }, { price: 'abc' }, { n: true }, { n: Number.NaN }]) {
      assert.throws(
        () => sluice.createDataFrame([row as never], S).collect(),
        (e: unknown) => isSluiceError(e, 'INVALID_ROW'),
        JSON.stringify(row),
      )
    }
  })

  it('orders, groups and compares decimals by value', () => {
    const df = sluice.createDataFrame(
      [{ price: '10.5' }, { price: '9.25' }, { price: '-1' }, { price: '10.50' }] as never[],
      t.struct({ price: t.decimal(10, 2) }),
    )
    assert.deepEqual(
      df
        .orderBy('price')
        .collect()
        .map((r) => r.price),
      ['-1.00', '9.25', '10.50', '10.50'],
    )
    assert.deepEqual(df.groupBy('price').count().orderBy(col('price').desc()).collect(), [
      { price: '10.50', count: 2 },
      { price: '9.25', count: 1 },
      { price: '-1.00', count: 1 },
    ])
    assert.equal(df.filter(col('price').gt(lit('9.5'))).count(), 2)
    const third = udf((x: string) => `${x}!`, t.string(), 'bang')
    assert.deepEqual(
      df
        .limit(1)
        .select(third(col('price')).alias('x'))
        .collect(),
      [{ x: '10.50!' }],
    )
  })

  it('gives UDF results canonical text at the type’s scale, and refuses a result that does not fit', () => {
    const df = sluice.createDataFrame([{ price: '1.25' }], t.struct({ price: t.decimal(5, 2) }))
    const triple = udf((x: string) => Number(x) * 3, t.decimal(6, 3), 'triple')
    assert.deepEqual(df.select(triple(col('price')).alias('x')).collect(), [{ x: '3.750' }])
    const huge = udf(() => 10n ** 10n, t.decimal(6, 3), 'huge')
    assert.throws(
      () => df.select(huge().alias('x')).collect(),
      (e: unknown) => isSluiceError(e, 'UDF_FAILED'),
    )
  })

  // Partition text is cast as CAST(text AS DECIMAL(p, s)) (HALF_UP, checked in the PySpark cases);
  // written partition values are CAST(d AS STRING), `1.50`.
  it('reads decimal partition values of a declared decimal column, HALF_UP to its scale', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-decimal-'))
    try {
      for (const [d, x] of [
        ['1.5', 1],
        ['-0.125', 2],
      ] as const) {
        mkdirSync(join(dir, `d=${d}`))
        writeFileSync(join(dir, `d=${d}`, 'part-0.json'), `{"x":${x}}\n`)
      }
      const df = await sluice.read.schema('x INT, d DECIMAL(5,2)').json(dir)
      assert.deepEqual(df.orderBy('x').collect(), [
        { x: 1, d: '1.50' },
        { x: 2, d: '-0.13' },
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('offers format_number, to_number and try_to_number as TypeScript functions', () => {
    const df = sluice.createDataFrame(
      [{ price: '12332.125', text: '$1,234.50' }],
      t.struct({ price: t.decimal(10, 3), text: t.string() }),
    )
    const row = df
      .select(
        format_number('price', 2).alias('f'),
        to_number('text', '$9,999.99').alias('n'),
        try_to_number('text', '999').alias('bad'),
      )
      .collect()
    // As the PySpark cases give: HALF_EVEN (12,332.12), decimal(6,2).
    assert.deepEqual(row, [{ f: '12,332.12', n: '1234.50', bad: null }])
  })

  it('offers to_char and to_varchar as TypeScript functions', () => {
    const df = sluice.createDataFrame(
      [{ d: '-12454.80', n: 5, ts: Date.UTC(2016, 3, 8, 10, 11, 12) }],
      t.struct({ d: t.decimal(7, 2), n: t.int(), ts: t.timestamp() }),
    )
    const row = df
      .select(
        to_char('d', '99G999D9S').alias('d'),
        to_varchar('n', '999PR').alias('n'),
        to_char('ts', 'yyyy-MM-dd HH:mm').alias('ts'),
      )
      .collect()
    // As the PySpark cases give: to_char(-12454.8, '99G999D9S') is '12,454.8-', to_char(5, '999PR') '  5  '.
    assert.deepEqual(row, [{ d: '12,454.8-', n: '  5  ', ts: '2016-04-08 10:11' }])
  })
})
