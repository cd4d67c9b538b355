// End-to-end checks of the function library through the DataFrame API, against the results
// Spark documents (function reference examples) or returns (noted where checked in PySpark).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  approx_count_distinct,
  bround,
  col,
  concat_ws,
  count,
  crc32,
  current_timestamp,
  date_format,
  expr,
  from_json,
  from_unixtime,
  get_json_object,
  hash,
  hour,
  isSluiceError,
  lit,
  ManualClock,
  max,
  md5,
  round,
  Sluice,
  sha2,
  struct,
  t,
  timestamp_seconds,
  to_date,
  to_json,
  to_timestamp,
  try_to_timestamp,
  unix_timestamp,
} from '../../../src/index.ts'

const clock = new ManualClock(Date.UTC(2026, 0, 2, 3, 4, 5))
const utc = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC', clock })
const la = Sluice.local({ 'sluice.sql.session.timeZone': 'America/Los_Angeles' })
const one = utc.range(1)

/** Evaluates SQL expressions over one row and returns their values. */
const sql = (...exprs: string[]): unknown[] =>
  Object.values(one.selectExpr(...exprs.map((e, i) => `${e} AS c${i}`)).collect()[0])
const fails = (code: string, f: () => unknown) => assert.throws(f, (e) => isSluiceError(e, code as never))

describe('functions', () => {
  it('computes digests and hashes as Spark documents', () => {
    const [row] = one
      .select(
        md5(lit('Spark')).alias('m'),
        sha2(lit('Spark'), 256).alias('s'),
        crc32(lit('Spark')).alias('c'),
        hash(lit('Spark')).alias('h'),
      )
      .collect()
    assert.deepEqual(row, {
      m: '8cde774d6f7333752ed72cacddb05126',
      s: '529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b',
      c: 1557323817,
      h: 228093765,
    })
    assert.deepEqual(sql("hash('Spark', array(123), 2)", "sha2('Spark', 123)"), [-1321691492, null])
  })

  it('casts binary to string keeping a leading BOM and replacing malformed UTF-8, as Spark', () => {
    assert.deepEqual(
      sql("cast(X'EFBBBF41' AS STRING)", "cast(X'41FF42' AS STRING)", "cast(X'E282' AS STRING)"),
      ['\uFEFFA', 'A\uFFFDB', '\uFFFD'],
    )
  })

  it('estimates distinct counts with HyperLogLog++ exactly as Spark (95546 for 100000 ids)', () => {
    assert.deepEqual(utc.range(0, 100000).agg(approx_count_distinct('id').alias('n')).collect(), [
      { n: 95546 },
    ])
  })

  it('parses and formats timestamps in the session time zone', () => {
    assert.deepEqual(
      sql(
        "to_timestamp('2024-01-01 10:00:00')",
        "to_timestamp('01/02/2024 13:45', 'MM/dd/yyyy HH:mm')",
        "to_date('2024-02-29')",
      ),
      [Date.UTC(2024, 0, 1, 10), Date.UTC(2024, 0, 2, 13, 45), Date.UTC(2024, 1, 29) / 86400000],
    )
    // 10:00 UTC on 2024-03-10 is the first instant of daylight time in Los Angeles.
    const df = la.createDataFrame(
      [{ ts: Date.UTC(2024, 2, 10, 9, 59) }, { ts: Date.UTC(2024, 2, 10, 10, 0) }],
      t.struct({ ts: t.timestamp() }),
    )
    assert.deepEqual(
      df.select(date_format('ts', 'yyyy-MM-dd HH:mm z').alias('f'), hour('ts').alias('h')).collect(),
      [
        { f: '2024-03-10 01:59 PST', h: 1 },
        { f: '2024-03-10 03:00 PDT', h: 3 },
      ],
    )
  })

  it('handles timestamps before 1970', () => {
    const df = utc.createDataFrame([{ ts: -1 }], t.struct({ ts: t.timestamp() }))
    assert.deepEqual(
      df
        .select(
          date_format('ts', 'yyyy-MM-dd HH:mm:ss.SSS').alias('f'),
          hour('ts').alias('h'),
          to_date('ts').alias('d'),
        )
        .collect(),
      [{ f: '1969-12-31 23:59:59.999', h: 23, d: -1 }],
    )
  })

  it('raises on unparseable timestamps in ANSI mode and gives NULL with try_to_timestamp', () => {
    fails('CANNOT_PARSE_TIMESTAMP', () => one.select(to_timestamp(lit('junk'))).collect())
    assert.deepEqual(one.select(try_to_timestamp(lit('junk')).alias('t')).collect(), [{ t: null }])
    fails('INVALID_PATTERN', () => one.select(to_timestamp(lit('x'), 'yyyy-MM-dd YYYY')).collect())
  })

  it('converts unix time', () => {
    const [row] = one
      .select(
        from_unixtime(lit(0)).alias('f'),
        unix_timestamp(lit('1970-01-02 00:00:00')).alias('u'),
        timestamp_seconds(lit(1.5)).alias('ts'),
      )
      .collect()
    assert.deepEqual(row, { f: '1970-01-01 00:00:00', u: 86400, ts: 1500 })
    // Spark truncates toward zero: unix_timestamp(timestamp_millis(-1)) is 0.
    assert.deepEqual(sql('unix_timestamp(timestamp_millis(-1))'), [0])
  })

  it('fixes current_timestamp for one query from the injected clock', () => {
    assert.deepEqual(one.select(current_timestamp().alias('now')).collect(), [{ now: clock.now() }])
    clock.advance(1000)
    assert.deepEqual(sql('current_timestamp()', 'current_date()'), [
      clock.now(),
      Math.floor(clock.now() / 86400000),
    ])
  })

  it('follows Spark for strings', () => {
    assert.deepEqual(
      sql(
        "concat_ws('-', 'a', NULL, 'b')",
        "substring('Spark SQL', -3)",
        "substring('Spark SQL', 5, 1)",
        "split('a,b,,c', ',')",
        "regexp_extract('100-200', '(\\\\d+)-(\\\\d+)', 2)",
        "regexp_replace('a  b   c', '\\\\s+', ' ')",
        "length('😀x')",
        "upper('ß')",
        "trim('  x  ')",
        "'abc' LIKE 'a_c'",
        "lpad('7', 3, '0')",
        "instr('SparkSQL', 'SQL')",
      ),
      ['a-b', 'SQL', 'k', ['a', 'b', '', 'c'], '200', 'a b c', 2, 'SS', 'x', true, '007', 6],
    )
    assert.deepEqual(one.select(concat_ws('/', lit('x'), lit(null))).collect(), [
      { 'concat_ws(/, x, NULL)': 'x' },
    ])
  })

  it('rounds half up with round and half even with bround', () => {
    const df = utc.createDataFrame([{ x: 2.5 }, { x: -2.5 }, { x: 0.125 }], t.struct({ x: t.double() }))
    assert.deepEqual(
      df.select(round('x').alias('r'), bround('x').alias('b'), round('x', 2).alias('r2')).collect(),
      [
        { r: 3, b: 2, r2: 2.5 },
        { r: -3, b: -2, r2: -2.5 },
        { r: 0, b: 0, r2: 0.13 },
      ],
    )
  })

  it('applies ANSI arithmetic: fractional /, signed %, pmod, overflow and divide-by-zero errors, try_ forms', () => {
    assert.deepEqual(
      sql('7 / 2', '-7 % 3', 'pmod(-7, 3)', '7 div 2', 'try_divide(1, 0)', 'try_add(2147483647, 1)'),
      [3.5, -1, 2, 3, null, null],
    )
    fails('DIVIDE_BY_ZERO', () => sql('1 / 0'))
    fails('ARITHMETIC_OVERFLOW', () => sql('2147483647 + 1'))
    assert.deepEqual(sql('2147483647L + 1'), [2147483648])
  })

  it('casts with ANSI rules and try_cast', () => {
    assert.deepEqual(
      sql(
        "TRY_CAST('1.9' AS INT)",
        "CAST(' 42 ' AS BIGINT)",
        "CAST('yes' AS BOOLEAN)",
        'CAST(1e10 AS STRING)',
        'CAST(0.1 AS STRING)',
        "TRY_CAST('x' AS INT)",
        "CAST('2024-01-01' AS DATE)",
        'CAST(true AS INT)',
      ),
      [null, 42, true, '1.0E10', '0.1', null, 19723, 1],
    )
    fails('CAST_INVALID_INPUT', () => sql("CAST('x' AS INT)"))
    // ANSI Spark 4 refuses a fractional string where an integer is expected (checked in PySpark 4).
    for (const text of ['2.5', '1.0', '5.', '.5', '1e3', '2147483648']) {
      fails('CAST_INVALID_INPUT', () => sql(`CAST('${text}' AS INT)`))
    }
    fails('CAST_INVALID_INPUT', () => sql("CAST('2.5' AS BIGINT)"))
    assert.deepEqual(sql("CAST('+5' AS INT)", "CAST('-0' AS INT)", "CAST('\t7\n' AS INT)"), [5, 0, 7])
    fails('CAST_OVERFLOW', () => sql('CAST(3000000000 AS INT)'))
    fails('CAST_OVERFLOW', () => sql('CAST(3000000000.5D AS INT)'))
  })

  it('compares with three-valued logic and null-safe equality', () => {
    assert.deepEqual(
      sql(
        'NULL = 1',
        'NULL <=> NULL',
        '1 IN (2, NULL)',
        '1 IN (1, NULL)',
        "'NaN' = CAST('NaN' AS DOUBLE)",
        'coalesce(NULL, 2, 3)',
        "nullif('a', 'a')",
      ),
      [null, true, null, true, true, 2, null],
    )
  })

  it('builds and reads structs, arrays and maps', () => {
    assert.deepEqual(sql('size(CAST(NULL AS ARRAY<INT>))', "map('k', 1)['missing']", 'size(array(1, 2))'), [
      null,
      null,
      2,
    ])
    fails('INVALID_ARGUMENT', () => sql('array(1, 2)[5]'))
    fails('INVALID_ARGUMENT', () => sql('element_at(array(1, 2), 3)'))
    assert.deepEqual(
      sql(
        "named_struct('a', 1, 'b', 'x').b",
        'array(1, 2, 3)[0]',
        'element_at(array(1, 2, 3), -1)',
        "map('k', 1)['k']",
        'size(array())',
        'array_contains(array(1, 2), 2)',
      ),
      ['x', 1, 3, 1, 0, true],
    )
    const df = utc.createDataFrame(
      [{ s: { a: 1, b: 'x' } }],
      t.struct({ s: t.struct({ a: t.int(), b: t.string() }) }),
    )
    assert.deepEqual(df.select('s.*').collect(), [{ a: 1, b: 'x' }])
    assert.deepEqual(df.select(col('s.b'), expr('s.a + 1 AS a1')).collect(), [{ b: 'x', a1: 2 }])
  })

  it('parses JSON with a schema, keeping good fields of a partly malformed record (PERMISSIVE)', () => {
    const S = t.struct({ id: t.long(), name: t.string(), _corrupt_record: t.string() })
    const df = utc.createDataFrame(
      [{ v: '{"id": 1, "name": "a"}' }, { v: '{"id": "x", "name": "b"}' }, { v: 'not json' }, { v: null }],
      t.struct({ v: t.string() }),
    )
    assert.deepEqual(df.select(from_json('v', S).alias('j')).collect(), [
      { j: { id: 1, name: 'a', _corrupt_record: null } },
      { j: { id: null, name: 'b', _corrupt_record: '{"id": "x", "name": "b"}' } },
      { j: { id: null, name: null, _corrupt_record: 'not json' } },
      { j: null },
    ])
  })

  it('fails fast on a malformed record when asked, naming it', () => {
    const df = utc.createDataFrame([{ v: '{"id": "x"}' }], t.struct({ v: t.string() }))
    assert.throws(
      () => df.select(from_json('v', 'id BIGINT', { mode: 'FAILFAST' })).collect(),
      (e) => isSluiceError(e, 'MALFORMED_RECORD') && /id/.test(e.message),
    )
    assert.throws(
      () => df.select(from_json('v', 'id BIGINT', { mode: 'DROPMALFORMED' })).collect(),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
  })

  it('writes JSON as Spark does and extracts paths', () => {
    assert.deepEqual(
      sql(
        "to_json(named_struct('a', 1, 'b', CAST(NULL AS STRING), 'c', array(1.0, 2.5)))",
        'get_json_object(\'{"a": {"b": [1, "x"]}}\', \'$.a.b[1]\')',
      ),
      ['{"a":1,"c":[1.0,2.5]}', 'x'],
    )
    const df = utc.createDataFrame([{ ts: 0 }], t.struct({ ts: t.timestamp() }))
    assert.throws(
      () => df.select(to_json(col('ts').isNull())).schema,
      (e) => isSluiceError(e, 'DATATYPE_MISMATCH'),
    )
    const [row] = df.select(to_json(expr("named_struct('ts', ts)")).alias('j')).collect()
    assert.deepEqual(row, { j: '{"ts":"1970-01-01T00:00:00.000Z"}' })
    assert.deepEqual(one.select(get_json_object(lit('{"k": [1, 2]}'), '$.k').alias('k')).collect(), [
      { k: '[1,2]' },
    ])
  })

  it('handles empty strings, NULLs, NaN and negative zero as Spark does', () => {
    assert.deepEqual(
      sql(
        "length('')",
        "upper('')",
        "substring('', 1, 2)",
        "split('', ',')",
        "concat('', NULL)",
        'upper(NULL)',
        'length(NULL)',
      ),
      [0, '', '', [''], null, null, null],
    )
    assert.deepEqual(
      sql(
        "CAST('NaN' AS DOUBLE) > 1e308",
        'sqrt(-1.0) = sqrt(-1.0)',
        'CAST(-0.0 AS STRING)',
        '-0.0 = 0.0',
        "CAST('-0' AS INT)",
      ),
      // -0.0 is a decimal literal in Spark, and a decimal has no negative zero (PySpark 4.3:
      // spark/decimal_literal_changes.py).
      [true, true, '0.0', true, 0],
    )
    const df = utc.createDataFrame(
      [{ x: -0 }, { x: 0 }, { x: Number.NaN }, { x: Number.NaN }],
      t.struct({ x: t.double() }),
    )
    const groups = df.groupBy('x').agg(count('*').alias('n')).collect()
    assert.equal(groups.length, 2)
    assert.ok(
      groups.some((g) => Object.is(g.x, 0) && g.n === 2),
      'negative zero groups with zero, as 0.0',
    )
    assert.ok(
      groups.some((g) => Number.isNaN(g.x) && g.n === 2),
      'NaN groups with NaN',
    )
    assert.deepEqual(
      df
        .agg(max('x').alias('m'))
        .collect()
        .map((r) => Number.isNaN(r.m)),
      [true],
    )
  })

  it("matches the examples of Spark's function reference", () => {
    const cases: [string, unknown][] = [
      ["initcap('sPark sql')", 'Spark Sql'],
      ["reverse('Spark SQL')", 'LQS krapS'],
      ["repeat('123', 2)", '123123'],
      ["ascii('222')", 50],
      ["rpad('hi', 5, '??')", 'hi???'],
      ["lpad('hi', 5, '??')", '???hi'],
      ["lpad('hi', 1, '??')", 'h'],
      ["ltrim('    SparkSQL   ')", 'SparkSQL   '],
      ["rtrim('    SparkSQL   ')", '    SparkSQL'],
      ["startswith('Spark SQL', 'Spark')", true],
      ["endswith('Spark SQL', 'SQL')", true],
      ["contains('Spark SQL', 'Spark')", true],
      ["'Spark' || 'SQL'", 'SparkSQL'],
      ["regexp_extract('100-200', '(\\\\d+)', 1)", '100'],
      ["'%SystemDrive%\\\\Users\\\\John' like '\\\\%SystemDrive\\\\%\\\\\\\\Users%'", true],
      ['greatest(10, 9, 2, 4, 3)', 10],
      ['least(10, 9, 2, 4, 3)', 2],
      ["nanvl(CAST('NaN' AS DOUBLE), 123)", 123],
      ['abs(-1)', 1],
      // Decimal literals give decimals (strings), as Spark's own examples print them.
      ['ceil(-0.1)', '0'],
      ['floor(-0.1)', '-1'],
      ['pow(2, 3)', 8],
      ['log(10, 100)', 2],
      ['ln(1)', 0],
      ['ln(0)', null],
      ['sqrt(4)', 2],
      ['exp(0)', 1],
      ['round(2.5, 0)', '3'],
      ['bround(2.5, 0)', '2'],
      ['bround(-2.5, 0)', '-2'],
      ['3 div 2', 1],
      ['-7 div 2', -3],
      ['mod(2, 1.8)', '0.2'],
      ['pmod(10, 3)', 1],
      ['pmod(-10, 3)', 2],
      ['coalesce(NULL, 1, NULL)', 1],
      ["nvl(NULL, array('2'))", ['2']],
      ["if(1 < 2, 'a', 'b')", 'a'],
      ['CASE WHEN 1 > 0 THEN 1 WHEN 2 > 0 THEN 2.0 ELSE 1.2 END', '1.0'],
      ['2 BETWEEN 1 AND 3', true],
      ['array_contains(array(1, 2, 3), 2)', true],
      ["element_at(map(1, 'a', 2, 'b'), 2)", 'b'],
      ["size(array('b', 'd', 'c', 'a'))", 4],
    ]
    const values = sql(...cases.map(([e]) => e))
    for (const [i, [e, expected]] of cases.entries()) assert.deepEqual(values[i], expected, e)
  })

  it('names struct fields by alias, by column name, else col<n>, as Spark CreateStruct', () => {
    const row = one
      .select(struct(col('id'), col('id').alias('id2'), col('id').plus(1)).alias('s'))
      .collect()[0]
    assert.deepEqual(row, { s: { id: 0, id2: 0, col3: 1 } })
  })
})
