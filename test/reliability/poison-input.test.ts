/**
 * Poison input never stops a query with a raw exception: deeply nested JSON is a malformed record,
 * invalid UTF-8 in CSV is a malformed record, and expressions that are too deep, too long or call
 * functions badly fail with a SluiceError (fuzzed with fast-check).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { ErrorCode } from '../../src/errors.ts'
import { functionNames } from '../../src/functions/catalog.ts'
import { col, from_json, isSluiceError, lit, Sluice, t } from '../../src/index.ts'
import { read } from '../unit/connectors/file/formats/helpers.ts'

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC', 'sluice.streaming.stopOnSignal': false })
const one = sluice.createDataFrame([{ v: 'x', n: 1 }], t.struct({ v: t.string(), n: t.long() }))
const nested = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`

/** Asserts `fn` throws a SluiceError with `code` (and `pattern` in its message). */
function assertSluiceError(fn: () => unknown, code: ErrorCode, pattern?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isSluiceError(e, code), `${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`)
    if (pattern !== undefined) assert.match(e.message, pattern)
    return true
  })
}

describe('poison JSON and CSV records', () => {
  it('from_json reads 100,000 levels of nesting as a malformed record, not a stack overflow', () => {
    const df = sluice.createDataFrame(
      [{ v: nested(100_000) }, { v: '{"a":"ok"}' }],
      t.struct({ v: t.string() }),
    )
    const rows = df.select(from_json(col('v'), 'a STRING, _corrupt_record STRING').as('j')).collect() as {
      j: { a: string | null; _corrupt_record: string | null }
    }[]
    assert.equal(rows[0].j.a, null)
    assert.equal(rows[0].j._corrupt_record?.length, nested(100_000).length)
    assert.deepEqual(rows[1].j, { a: 'ok', _corrupt_record: null })
    const asMap = df.select(from_json(col('v'), t.map(t.string(), t.string())).as('m')).collect()
    assert.equal(asMap[0].m, null)
  })

  it('the JSON reader reports a too deeply nested line as a malformed record', () => {
    const r = read('json', `${nested(5000)}\n{"a":"ok"}\n`, 'a STRING, _corrupt_record STRING')
    assert.equal(r.rows.length, 2)
    assert.deepEqual(r.rows[1], ['ok', null])
    assert.match(r.malformed[0].error, /nesting depth exceeds the maximum allowed \(1000\)/)
  })

  it('the CSV reader reports invalid UTF-8 as a malformed record', () => {
    const bytes = new Uint8Array([...Buffer.from('1,ok\n2,'), 0xff, 0xfe, ...Buffer.from('\n3,fine\n')])
    const r = read('csv', bytes, 'a INT, b STRING, _corrupt_record STRING')
    assert.deepEqual(r.rows[0], [1, 'ok', null])
    assert.equal(r.rows[1][2], '2,\uFFFD\uFFFD')
    assert.deepEqual(r.rows[2], [3, 'fine', null])
    assert.deepEqual(
      r.malformed.map((m) => [m.line, m.error]),
      [[2, 'the record is not valid UTF-8']],
    )
    assertSluiceError(() => read('csv', bytes, 'a INT, b STRING', { mode: 'FAILFAST' }), 'MALFORMED_RECORD')
  })
})

describe('expressions that are too deep, too long or wrong', () => {
  it('a 1,000-term sum compiles and runs', () => {
    const sum = Array.from({ length: 1000 }, () => 'n').join(' + ')
    assert.deepEqual(one.selectExpr(`${sum} AS s`).collect(), [{ s: 1000 }])
    let c = col('n')
    for (let i = 1; i < 1000; i++) c = c.plus(col('n'))
    assert.deepEqual(one.select(c.as('s')).collect(), [{ s: 1000 }])
  })

  it('too deep expressions fail with a SluiceError at analysis, not a RangeError', () => {
    const sum = Array.from({ length: 10_000 }, () => 'n').join(' + ')
    assertSluiceError(() => one.selectExpr(`${sum} AS s`), 'INVALID_ARGUMENT', /nested 10001 levels deep/)
    assertSluiceError(
      () => one.selectExpr(`${'('.repeat(20_000)}n${')'.repeat(20_000)}`),
      'PARSE_ERROR',
      /too deeply/,
    )
    assertSluiceError(() => one.selectExpr(`${'abs('.repeat(5000)}n${')'.repeat(5000)}`), 'PARSE_ERROR')
    let c = col('n')
    for (let i = 1; i < 5000; i++) c = c.plus(lit(1))
    assertSluiceError(() => one.select(c.as('s')).collect(), 'INVALID_ARGUMENT', /more than the 1200/)
  })

  it('repeat and lpad with huge counts and RLIKE with a bad pattern give SluiceErrors', () => {
    assertSluiceError(
      () => one.selectExpr("repeat('ab', 2000000000) AS x").collect(),
      'INVALID_ARGUMENT',
      /`repeat`/,
    )
    assertSluiceError(
      () => one.selectExpr("lpad('ab', 2000000000, 'x') AS x").collect(),
      'INVALID_ARGUMENT',
      /`lpad`/,
    )
    assertSluiceError(
      () => one.selectExpr('rpad(v, 2000000000) AS x').collect(),
      'INVALID_ARGUMENT',
      /`rpad`/,
    )
    assertSluiceError(
      () => one.selectExpr("v RLIKE '(' AS x").collect(),
      'INVALID_PATTERN',
      /INVALID_PARAMETER_VALUE\.PATTERN.*`rlike`/,
    )
    assertSluiceError(() => one.selectExpr("regexp_like(v, v || '[') AS x").collect(), 'INVALID_PATTERN')
  })

  it('every function called with no arguments (or odd ones) fails with a SluiceError or returns', () => {
    for (const name of functionNames()) {
      for (const args of ['', 'v', 'null, null', 'n, n, n, n, n']) {
        try {
          one.selectExpr(`${name}(${args}) AS x`).collect()
        } catch (e) {
          assert.ok(
            isSluiceError(e),
            `${name}(${args}): ${(e as Error).constructor.name}: ${(e as Error).message}`,
          )
        }
      }
    }
  })

  it('fuzz: random expression text gives a result or a SluiceError, never another exception', () => {
    const token = fc.constantFrom(
      '(',
      ')',
      'n',
      'v',
      '+',
      '-',
      '*',
      '/',
      ',',
      "'a'",
      '1',
      'abs',
      'NOT',
      'AND',
      'CASE',
      'WHEN',
      'THEN',
      'END',
      ' ',
      '[',
      ']',
      '.',
      'rlike',
      "'('",
      'cast',
      'AS',
      'int',
    )
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        try {
          one.selectExpr(tokens.join(' ')).collect()
        } catch (e) {
          if (!isSluiceError(e)) throw e
        }
      }),
      { numRuns: 300, seed: 18 },
    )
  })
})
