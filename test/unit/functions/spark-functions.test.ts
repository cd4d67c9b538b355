/**
 * The function library against Spark's own answers: every case in spark/functions-expected.json
 * (written by spark/functions_cases.py from PySpark 4, ANSI on, UTC) runs through Sluice and must
 * give the same value, or fail where Spark fails. Doubles from aggregates may differ in the last
 * bits (Spark merges a partial buffer even on one partition), so those compare to 1e-12 relative.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { expr, isSluiceError, Sluice, SluiceError } from '../../../src/index.ts'
import { parseSchemaDDL } from '../../../src/plan/sql/index.ts'
import type { StructType } from '../../../src/schema/data-type.ts'

interface Case {
  readonly sql: string
  readonly value?: unknown
  readonly error?: string
}
interface GeneratorCase {
  readonly sql: string
  readonly columns?: readonly string[]
  readonly rows?: readonly unknown[][]
  readonly error?: string
}
interface Expected {
  readonly spark: string
  readonly scalar: readonly Case[]
  readonly generator: readonly GeneratorCase[]
  readonly table: { readonly ddl: string; readonly rows: readonly Record<string, unknown>[] }
  readonly aggregate: readonly Case[]
}

const expected: Expected = JSON.parse(
  readFileSync(new URL('./spark/functions-expected.json', import.meta.url), 'utf8'),
)
const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
const one = sluice.range(1)

/** Sluice's value in the JSON shape the Spark script writes. */
function shape(v: unknown): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v
  if (typeof v === 'number')
    return Number.isFinite(v) ? v : { $double: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' }
  if (Array.isArray(v)) return v.map(shape)
  if (v instanceof Map) return { $map: [...v].map(([k, x]) => [shape(k), shape(x)]) }
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]))
  throw new Error(`no JSON shape for ${String(v)}`)
}

/** Maps are unordered in Spark (PySpark hands them over as dicts): entries compare sorted by key. */
function sortMaps(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortMaps)
  if (v === null || typeof v !== 'object') return v
  const o = v as Record<string, unknown>
  if (Array.isArray(o.$map)) {
    const entries = (o.$map as [unknown, unknown][]).map(([k, x]) => [sortMaps(k), sortMaps(x)])
    return { $map: entries.sort((a, b) => (JSON.stringify(a[0]) < JSON.stringify(b[0]) ? -1 : 1)) }
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, sortMaps(x)]))
}

/**
 * Cases where Sluice differs from Spark on purpose, each with the reason (also in docs/functions.md).
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  '-16L >>> 2':
    "The result 4611686018427387900 is beyond Sluice's exact bigint range (±2^53), so Sluice raises ARITHMETIC_OVERFLOW.",
  'mode(s)':
    "On a tie Spark returns whichever value its hash map yields first; Sluice returns the smallest, as Spark's mode(x, true).",
}

/** The items of a select list: `sql` split at its top-level commas (outside quotes and parentheses). */
function selectItems(sql: string): string[] {
  const items: string[] = []
  let depth = 0
  let quote = ''
  let start = 0
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]
    if (quote !== '') {
      if (ch === '\\') i++
      else if (ch === quote) quote = ''
    } else if (ch === "'" || ch === '"') quote = ch
    else if (ch === '(') depth++
    else if (ch === ')') depth--
    else if (ch === ',' && depth === 0) {
      items.push(sql.slice(start, i).trim())
      start = i + 1
    }
  }
  return [...items, sql.slice(start).trim()]
}

/** Spark writes float('nan') as 'nan'; equal up to `tolerance` relative for doubles. */
function same(actual: unknown, wanted: unknown, tolerance: number): boolean {
  if (typeof actual === 'number' && typeof wanted === 'number') {
    if (actual === wanted) return true
    return Math.abs(actual - wanted) <= tolerance * Math.max(Math.abs(actual), Math.abs(wanted))
  }
  if (Array.isArray(actual) && Array.isArray(wanted)) {
    return actual.length === wanted.length && actual.every((x, i) => same(x, wanted[i], tolerance))
  }
  if (actual !== null && wanted !== null && typeof actual === 'object' && typeof wanted === 'object') {
    const a = Object.entries(actual)
    const w = Object.entries(wanted)
    return a.length === w.length && a.every(([k, x], i) => k === w[i][0] && same(x, w[i][1], tolerance))
  }
  return JSON.stringify(actual) === JSON.stringify(wanted)
}

/** What differs from Spark's answer for one case, or undefined when Sluice agrees. */
function differs(c: Case, run: () => unknown, tolerance: number): string | undefined {
  if (KNOWN_DIFFERENCES[c.sql] !== undefined) return undefined
  let actual: unknown
  try {
    actual = shape(run())
  } catch (e) {
    if (c.error !== undefined && e instanceof SluiceError) return undefined
    return `${c.sql}: Spark gives ${JSON.stringify(c.value ?? c.error)}, Sluice fails: ${(e as Error).message}`
  }
  if (c.error !== undefined)
    return `${c.sql}: Spark fails with ${c.error}, Sluice gives ${JSON.stringify(actual)}`
  return same(sortMaps(actual), sortMaps(c.value), tolerance)
    ? undefined
    : `${c.sql}: Spark gives ${JSON.stringify(c.value)}, Sluice ${JSON.stringify(actual)}`
}

describe(`functions against Spark ${expected.spark}`, () => {
  it(`evaluates ${expected.scalar.length} scalar expressions as Spark does`, () => {
    const problems = expected.scalar.map((c) =>
      differs(c, () => one.selectExpr(`${c.sql} AS c`).collect()[0].c, 0),
    )
    assert.deepEqual(
      problems.filter((p) => p !== undefined),
      [],
    )
  })

  it(`computes ${expected.aggregate.length} aggregates per group as Spark does`, () => {
    const schema = parseSchemaDDL(expected.table.ddl) as StructType
    const table = sluice.createDataFrame(expected.table.rows as never[], schema)
    const problems = expected.aggregate.map((c) =>
      differs(
        c,
        () =>
          table
            .groupBy('k')
            .agg(expr(c.sql).alias('c'))
            .orderBy('k')
            .collect()
            .map((r) => r.c),
        1e-12,
      ),
    )
    assert.deepEqual(
      problems.filter((p) => p !== undefined),
      [],
    )
  })

  it(`generates the rows and columns of ${expected.generator.length} generator calls as Spark does`, () => {
    const problems = expected.generator.map((g) => {
      let got: { columns: string[]; rows: unknown[] }
      try {
        const df = one.selectExpr(...selectItems(g.sql))
        // By column name: a row object lists integer-like keys (a column named `3`) first.
        got = { columns: df.columns, rows: df.collect().map((r) => shape(df.columns.map((c) => r[c]))) }
      } catch (e) {
        if (g.error !== undefined && e instanceof SluiceError) return undefined
        return `${g.sql}: Spark gives ${JSON.stringify(g.rows ?? g.error)}, Sluice fails: ${(e as Error).message}`
      }
      if (g.error !== undefined)
        return `${g.sql}: Spark fails with ${g.error}, Sluice gives ${JSON.stringify(got)}`
      const want = { columns: g.columns, rows: g.rows }
      return JSON.stringify(got) === JSON.stringify(want)
        ? undefined
        : `${g.sql}: Spark gives ${JSON.stringify(want)}, Sluice ${JSON.stringify(got)}`
    })
    assert.deepEqual(
      problems.filter((p) => p !== undefined),
      [],
    )
  })

  it('lists only known differences that still differ', () => {
    const all = [...expected.scalar, ...expected.aggregate].map((c) => c.sql)
    for (const sql of Object.keys(KNOWN_DIFFERENCES)) assert.ok(all.includes(sql), `${sql} is not a case`)
  })

  it('fails where Spark fails with the same condition when Sluice has that code', () => {
    const codes = new Set(['CAST_INVALID_INPUT', 'DUPLICATED_MAP_KEY', 'NULL_MAP_KEY', 'DIVIDE_BY_ZERO'])
    const cases = expected.scalar.filter((c) => c.error !== undefined && codes.has(c.error))
    assert.ok(cases.length >= 5)
    for (const c of cases) {
      assert.throws(
        () => one.selectExpr(`${c.sql} AS c`).collect(),
        (e: unknown) => isSluiceError(e, c.error as never),
        `${c.sql}: Spark fails with ${c.error}`,
      )
    }
  })
})
