// Expected values are Spark 4's answers (pyspark 4.3.0, local mode, session time zone UTC), with
// Spark's microseconds written as Sluice's milliseconds.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Analyzer } from '../../../src/analysis/analyzer.ts'
import {
  col,
  count,
  expr,
  lit,
  max,
  Sluice,
  struct,
  sum,
  t,
  to_date,
  treeString,
  window,
  window_time,
} from '../../../src/index.ts'

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC', output: () => {} })

/** '2024-01-01 00:03:00' (or '00:03:00' on 2024-01-01) as epoch ms, UTC. */
const ts = (s: string): number =>
  Date.parse(`${s.includes('-') ? s : `2024-01-01 ${s}`}`.replace(' ', 'T') + 'Z')
const w = (start: string, end: string) => ({ start: ts(start), end: ts(end) })

const Events = t.struct({ ts: t.timestamp(), k: t.string(), v: t.int() })
const events = sluice.createDataFrame(
  [
    { ts: ts('00:03:00'), k: 'a', v: 1 },
    { ts: ts('00:07:30'), k: 'a', v: 2 },
    { ts: ts('00:12:00'), k: 'b', v: 3 },
    { ts: null, k: 'a', v: 4 },
    { ts: ts('00:10:00'), k: 'a', v: 5 },
  ],
  Events,
)
const old = sluice.createDataFrame(
  [
    { ts: ts('1969-12-31 23:55:30'), k: 'a', v: 1 },
    { ts: ts('1969-12-31 23:50:00'), k: 'a', v: 2 },
    { ts: ts('1900-06-01 12:34:56.789'), k: 'a', v: 3 },
  ],
  Events,
)

const WINDOW_TREE = (nullable: boolean) =>
  ` |-- window: struct (nullable = ${nullable})\n |    |-- start: timestamp (nullable = true)\n |    |-- end: timestamp (nullable = true)\n`

const errorOf = (f: () => unknown): { code: string; message: string } => {
  try {
    f()
  } catch (e) {
    return e as { code: string; message: string }
  }
  assert.fail('expected an error')
}

describe('window(): tumbling windows', () => {
  it('gives each row the window containing it and drops rows with a NULL time', () => {
    const df = events.select(window('ts', '10 minutes'), 'v')
    assert.deepEqual(df.collect(), [
      { window: w('00:00', '00:10'), v: 1 },
      { window: w('00:00', '00:10'), v: 2 },
      { window: w('00:10', '00:20'), v: 3 },
      { window: w('00:10', '00:20'), v: 5 },
    ])
    assert.equal(treeString(df.schema), `root\n${WINDOW_TREE(false)} |-- v: integer (nullable = true)\n`)
  })

  it('names the column window, or its alias; a field is window.start', () => {
    assert.deepEqual(events.select('*', window('ts', '10 minutes')).columns, ['ts', 'k', 'v', 'window'])
    assert.deepEqual(events.select(window('ts', '10 minutes').alias('w')).columns, ['w'])
    const starts = events.select(window('ts', '10 minutes').getField('start'))
    assert.deepEqual(starts.columns, ['window.start'])
    assert.deepEqual(
      starts.collect().map((r) => Object.values(r)[0]),
      [ts('00:00'), ts('00:00'), ts('00:10'), ts('00:10')],
    )
  })

  it('groups by window and key, with Spark output names and schema', () => {
    const df = events
      .groupBy(window(col('ts'), '10 minutes'), col('k'))
      .count()
      .orderBy('window', 'k')
    assert.deepEqual(df.columns, ['window', 'k', 'count'])
    assert.deepEqual(df.collect(), [
      { window: w('00:00', '00:10'), k: 'a', count: 2 },
      { window: w('00:10', '00:20'), k: 'a', count: 1 },
      { window: w('00:10', '00:20'), k: 'b', count: 1 },
    ])
    assert.equal(
      treeString(df.schema),
      `root\n${WINDOW_TREE(false)} |-- k: string (nullable = true)\n |-- count: long (nullable = false)\n`,
    )
  })

  it('groups by the window alone', () => {
    const df = events.groupBy(window('ts', '10 minutes')).agg(sum('v')).orderBy('window')
    assert.deepEqual(df.collect(), [
      { window: w('00:00', '00:10'), 'sum(v)': 3 },
      { window: w('00:10', '00:20'), 'sum(v)': 8 },
    ])
  })

  it('works in SQL expressions, with durations as strings or microseconds', () => {
    const a = events.selectExpr("window(ts, '10 minutes')", 'v')
    assert.deepEqual(a.columns, ['window', 'v'])
    assert.deepEqual(a.collect()[2], { window: w('00:10', '00:20'), v: 3 })
    const b = events.selectExpr('window(ts, 600000000) AS w')
    assert.deepEqual(b.collect()[0], { w: w('00:00', '00:10') })
    const c = events
      .groupBy(expr('window(ts, "10 minutes")'), 'k')
      .agg(count('*').alias('n'))
      .orderBy('window', 'k')
    assert.deepEqual(c.collect()[0], { window: w('00:00', '00:10'), k: 'a', n: 2 })
  })

  it('offsets windows by startTime', () => {
    const df = events.select('v', window('ts', '10 minutes', undefined, '1 minute'))
    assert.deepEqual(
      df.collect().map((r) => r.window),
      [w('00:01', '00:11'), w('00:01', '00:11'), w('00:11', '00:21'), w('00:01', '00:11')],
    )
  })

  it('aligns windows before 1970 and at millisecond sizes', () => {
    assert.deepEqual(old.select(window('ts', '10 minutes')).collect(), [
      { window: w('1969-12-31 23:50', '1970-01-01 00:00') },
      { window: w('1969-12-31 23:50', '1970-01-01 00:00') },
      { window: w('1900-06-01 12:30', '1900-06-01 12:40') },
    ])
    const one = sluice.createDataFrame([{ ts: ts('00:00:00.250'), k: 'a', v: 1 }], Events)
    assert.deepEqual(one.select(window('ts', '100 milliseconds')).collect(), [
      { window: w('00:00:00.200', '00:00:00.300') },
    ])
  })

  it('casts a string or date time column to a timestamp; a NULL literal time gives no rows', () => {
    assert.deepEqual(events.select(window(lit('2024-01-01 00:03:00'), '10 minutes')).collect()[4], {
      window: w('00:00', '00:10'),
    })
    assert.deepEqual(events.select(window(to_date('ts'), '10 minutes')).collect()[0], {
      window: w('00:00', '00:10'),
    })
    assert.deepEqual(events.select(window(lit(null), '10 minutes')).collect(), [])
  })

  it('allows the same window twice and inside an aggregate', () => {
    const same = events.select(window('ts', '10 minutes'), window('ts', '600 seconds').alias('w2'))
    assert.deepEqual(same.collect()[0], { window: w('00:00', '00:10'), w2: w('00:00', '00:10') })
    const inAgg = events
      .groupBy('k')
      .agg(max(window('ts', '10 minutes')))
      .orderBy('k')
    assert.deepEqual(inAgg.collect(), [
      { k: 'a', 'max(window)': w('00:10', '00:20') },
      { k: 'b', 'max(window)': w('00:10', '00:20') },
    ])
  })

  it('windows a window column by its window_time (chained aggregation)', () => {
    const tens = events.groupBy(window('ts', '10 minutes'), 'k').agg(sum('v').alias('s'))
    const twenties = tens
      .groupBy(window('window', '20 minutes'), 'k')
      .agg(sum('s'), max('window.end'))
      .orderBy('k')
    assert.deepEqual(twenties.collect(), [
      { window: w('00:00', '00:20'), k: 'a', 'sum(s)': 8, 'max(window.end)': ts('00:20') },
      { window: w('00:00', '00:20'), k: 'b', 'sum(s)': 3, 'max(window.end)': ts('00:20') },
    ])
  })
})

describe('window(): sliding windows', () => {
  it('gives a row every window containing it, latest first', () => {
    const df = events.select('v', window('ts', '10 minutes', '5 minutes'))
    assert.deepEqual(df.collect(), [
      { v: 1, window: w('00:00', '00:10') },
      { v: 1, window: w('2023-12-31 23:55', '00:05') },
      { v: 2, window: w('00:05', '00:15') },
      { v: 2, window: w('00:00', '00:10') },
      { v: 3, window: w('00:10', '00:20') },
      { v: 3, window: w('00:05', '00:15') },
      { v: 5, window: w('00:10', '00:20') },
      { v: 5, window: w('00:05', '00:15') },
    ])
    assert.equal(treeString(df.schema), `root\n |-- v: integer (nullable = true)\n${WINDOW_TREE(true)}`)
  })

  it('keeps only the windows that contain the row when the slide does not divide the size', () => {
    const byRow = (df: ReturnType<typeof events.select>) =>
      df.collect().map((r) => `${r.v}:${(r.window as { start: number }).start}`)
    assert.deepEqual(byRow(events.select('v', window('ts', '10 minutes', '3 minutes'))), [
      ...[ts('00:03'), ts('00:00'), ts('2023-12-31 23:57'), ts('2023-12-31 23:54')].map((s) => `1:${s}`),
      ...[ts('00:06'), ts('00:03'), ts('00:00')].map((s) => `2:${s}`),
      ...[ts('00:12'), ts('00:09'), ts('00:06'), ts('00:03')].map((s) => `3:${s}`),
      ...[ts('00:09'), ts('00:06'), ts('00:03')].map((s) => `5:${s}`),
    ])
  })

  it('offsets sliding windows by a positive or negative startTime', () => {
    const starts = (start: string) =>
      events
        .select(window('ts', '10 minutes', '5 minutes', start))
        .collect()
        .map((r) => (r.window as { start: number }).start)
    assert.deepEqual(
      starts('2 minutes'),
      ['00:02', '2023-12-31 23:57', '00:07', '00:02', '00:12', '00:07', '00:07', '00:02'].map(ts),
    )
    assert.deepEqual(
      starts('-2 minutes'),
      ['00:03', '2023-12-31 23:58', '00:03', '2023-12-31 23:58', '00:08', '00:03', '00:08', '00:03'].map(ts),
    )
  })

  it('slides correctly before 1970', () => {
    const df = old.select('v', window('ts', '10 minutes', '3 minutes', '1 minute'))
    assert.deepEqual(
      df.collect().map((r) => [r.v, (r.window as { start: number }).start]),
      [
        [1, ts('1969-12-31 23:55')],
        [1, ts('1969-12-31 23:52')],
        [1, ts('1969-12-31 23:49')],
        [1, ts('1969-12-31 23:46')],
        [2, ts('1969-12-31 23:49')],
        [2, ts('1969-12-31 23:46')],
        [2, ts('1969-12-31 23:43')],
        [3, ts('1900-06-01 12:34')],
        [3, ts('1900-06-01 12:31')],
        [3, ts('1900-06-01 12:28')],
        [3, ts('1900-06-01 12:25')],
      ],
    )
  })

  it('aggregates each window over all the rows it contains', () => {
    const df = events
      .groupBy(window('ts', '10 minutes', '5 minutes'))
      .agg(sum('v'), count('*'))
      .orderBy('window')
    assert.deepEqual(df.collect(), [
      { window: w('2023-12-31 23:55', '00:05'), 'sum(v)': 1, 'count(1)': 1 },
      { window: w('00:00', '00:10'), 'sum(v)': 3, 'count(1)': 2 },
      { window: w('00:05', '00:15'), 'sum(v)': 10, 'count(1)': 3 },
      { window: w('00:10', '00:20'), 'sum(v)': 8, 'count(1)': 2 },
    ])
    assert.equal(treeString(df.schema).split('\n')[1], ' |-- window: struct (nullable = true)')
  })
})

describe('window_time()', () => {
  const tens = events.groupBy(window('ts', '10 minutes')).agg(sum('v').alias('s'))

  it('is the window end minus 1 ms (Spark: minus 1 microsecond)', () => {
    const df = tens.select(window_time('window'), 's').orderBy('s')
    assert.deepEqual(df.columns, ['window_time(window)', 's'])
    assert.deepEqual(df.collect(), [
      { 'window_time(window)': ts('00:09:59.999'), s: 3 },
      { 'window_time(window)': ts('00:19:59.999'), s: 8 },
    ])
    assert.equal(
      treeString(df.schema).split('\n')[1],
      ' |-- window_time(window): timestamp (nullable = true)',
    )
  })

  it('works in SQL, on an aliased window and directly on window()', () => {
    assert.deepEqual(tens.selectExpr('window_time(window) AS wt').orderBy('wt').collect()[0], {
      wt: ts('00:09:59.999'),
    })
    const direct = events.select(window_time(window('ts', '10 minutes')))
    assert.deepEqual(direct.columns, ['window_time(window)'])
    assert.deepEqual(
      direct.collect().map((r) => Object.values(r)[0]),
      ['00:09:59.999', '00:09:59.999', '00:19:59.999', '00:19:59.999'].map(ts),
    )
    const aliased = events.select(window('ts', '10 minutes').alias('w')).select(window_time('w'))
    assert.deepEqual(aliased.columns, ['window_time(w)'])
  })

  it('rejects a column that is not a window struct, naming its type', () => {
    const e = errorOf(() => events.select(window_time('ts')).schema)
    assert.equal(e.code, 'DATATYPE_MISMATCH')
    assert.match(e.message, /`ts` has the type timestamp/)
    const s = errorOf(() => events.select(window_time(struct('ts', 'v'))).schema)
    assert.match(s.message, /struct<ts:timestamp,v:int>/)
  })
})

describe('window(): errors as Spark raises them', () => {
  const fails = (code: string, pattern: RegExp, f: () => unknown) => {
    const e = errorOf(f)
    assert.equal(e.code, code, e.message)
    assert.match(e.message, pattern)
  }

  it('rejects durations that are not positive, a slide above the size and |startTime| >= slide', () => {
    const dm = 'DATATYPE_MISMATCH'
    fails(dm, /window duration must be greater than 0/, () => events.select(window('ts', '0 seconds')).schema)
    fails(
      dm,
      /window duration must be greater than 0.*-5 minutes/,
      () => events.select(window('ts', '-5 minutes')).schema,
    )
    fails(
      dm,
      /slide duration must be greater than 0/,
      () => events.select(window('ts', '5 minutes', '0 seconds')).schema,
    )
    fails(
      dm,
      /slide duration \(10 minutes.*at most the window duration/,
      () => events.select(window('ts', '5 minutes', '10 minutes')).schema,
    )
    for (const start of ['5 minutes', '6 minutes', '-5 minutes']) {
      fails(
        dm,
        /absolute value of the start time/,
        () => events.select(window('ts', '10 minutes', '5 minutes', start)).schema,
      )
    }
  })

  it('rejects intervals with months, unparseable text and sub-millisecond durations', () => {
    fails(
      'INVALID_INTERVAL',
      /window duration.*'1 month'.*months/,
      () => events.select(window('ts', '1 month')).schema,
    )
    fails('INVALID_INTERVAL', /'abc'/, () => events.select(window('ts', 'abc')).schema)
    // Spark accepts microseconds; Sluice timestamps are milliseconds.
    fails(
      'INVALID_INTERVAL',
      /whole number of milliseconds/,
      () => events.select(window('ts', '1500 microseconds')).schema,
    )
    fails(
      'INVALID_INTERVAL',
      /whole number of milliseconds/,
      () => events.selectExpr('window(ts, 1500)').schema,
    )
  })

  it('requires literal durations (no columns, no INTERVAL values) and 2 to 4 arguments', () => {
    fails(
      'INVALID_ARGUMENT',
      /must be a string literal.*`d`/,
      () => events.withColumn('d', lit('10 minutes')).selectExpr('window(ts, d)').schema,
    )
    fails(
      'INVALID_ARGUMENT',
      /INTERVAL '10' MINUTE/,
      () => events.selectExpr("window(ts, INTERVAL '10' MINUTE)").schema,
    )
    fails('WRONG_NUM_ARGS', /2 to 4 arguments/, () => events.selectExpr('window(ts)').schema)
  })

  it('names the time column and its type when it is not a time', () => {
    fails(
      'DATATYPE_MISMATCH',
      /time column must be a timestamp.*`v` has the type int/,
      () => events.select(window('v', '10 minutes')).schema,
    )
  })

  it('rejects two different windows in one select or groupBy', () => {
    fails(
      'UNSUPPORTED_OPERATION',
      /Multiple time\/session window expressions/,
      () => events.select(window('ts', '10 minutes'), window('ts', '5 minutes')).schema,
    )
  })

  it('is only allowed in select and groupBy (Sluice: Spark also allows filter/orderBy)', () => {
    fails(
      'UNSUPPORTED_OPERATION',
      /only be used in select/,
      () => events.filter(window('ts', '10 minutes').getField('start').gt(lit(0))).schema,
    )
    fails(
      'UNSUPPORTED_OPERATION',
      /only be used in select/,
      () => events.orderBy(window('ts', '10 minutes')).schema,
    )
  })
})

describe('window(): plan shape', () => {
  const analyze = (df: { plan: unknown }) =>
    new Analyzer({ timeZone: 'UTC', runtime: { currentTimestamp: 0 } }).analyze(df.plan as never)

  it('groups by a plain reference to a window column computed below the aggregate', () => {
    for (const slide of [undefined, '5 minutes']) {
      const p = analyze(events.groupBy(window('ts', '10 minutes', slide), 'k').count())
      assert.equal(p.kind, 'aggregate')
      if (p.kind !== 'aggregate') return
      const key = p.groupBy[0]
      assert.equal(key.kind, 'ref')
      if (key.kind === 'ref') assert.equal(p.child.output[key.ordinal].name, 'window')
    }
  })

  it("carries the time column's watermark to the window column and the aggregate's output", () => {
    const marked = events.withWatermark('ts', '10 minutes')
    const p = analyze(marked.groupBy(window(col('ts'), '10 minutes', '5 minutes'), 'k').count())
    if (p.kind !== 'aggregate' || p.groupBy[0].kind !== 'ref')
      return assert.fail('expected an aggregate over a ref')
    // The columns refer to the withWatermark node (whose delay is 10 minutes).
    const watermark = marked.plan
    assert.ok(watermark.kind === 'watermark' && watermark.delayMs === 600_000)
    assert.equal(p.child.output[p.groupBy[0].ordinal].eventTimeWatermark, watermark.id)
    assert.equal(p.output[0].eventTimeWatermark, watermark.id)
    const aliased = analyze(marked.groupBy(window('ts', '10 minutes').alias('w')).count())
    assert.equal(aliased.output[0].eventTimeWatermark, watermark.id)
    const unmarked = analyze(events.groupBy(window('ts', '10 minutes')).count())
    assert.equal(unmarked.output[0].eventTimeWatermark, undefined)
  })
})
