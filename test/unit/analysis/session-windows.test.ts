// Expected values are Spark 4's answers (pyspark 4.3.0, local mode, session time zone UTC), with
// Spark's microseconds written as Sluice's milliseconds.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Analyzer } from '../../../src/analysis/analyzer.ts'
import {
  col,
  collect_list,
  count,
  countDistinct,
  expr,
  lit,
  max,
  Sluice,
  session_window,
  sum,
  t,
  treeString,
  when,
  window,
  window_time,
} from '../../../src/index.ts'

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC', output: () => {} })

const ts = (s: string): number => Date.parse(`2024-01-01T${s}Z`)
const w = (start: string, end: string) => ({ start: ts(start), end: ts(end) })

const Events = t.struct({ ts: t.timestamp(), k: t.string(), v: t.int() })
const events = sluice.createDataFrame(
  [
    { ts: ts('00:00:00'), k: 'a', v: 1 },
    { ts: ts('00:05:00'), k: 'a', v: 2 },
    { ts: ts('00:09:59'), k: 'a', v: 3 },
    { ts: ts('00:20:00'), k: 'a', v: 4 },
    { ts: ts('00:01:00'), k: 'b', v: 5 },
    { ts: null, k: 'b', v: 6 },
    { ts: ts('00:06:01'), k: 'b', v: 7 },
  ],
  Events,
)

const SESSION_TREE =
  ' |-- session_window: struct (nullable = false)\n |    |-- start: timestamp (nullable = true)\n |    |-- end: timestamp (nullable = true)\n'

const errorOf = (f: () => unknown): { code: string; message: string } => {
  try {
    f()
  } catch (e) {
    return e as { code: string; message: string }
  }
  assert.fail('expected an error')
}

describe('session_window() in groupBy', () => {
  it('merges sessions that overlap or touch (an event exactly at the end joins) per key', () => {
    const df = events
      .groupBy(session_window('ts', '5 minutes'), 'k')
      .agg(count('*').alias('n'), sum('v').alias('s'))
      .orderBy('k', 'session_window')
    assert.deepEqual(df.columns, ['session_window', 'k', 'n', 's'])
    assert.deepEqual(df.collect(), [
      { session_window: w('00:00', '00:14:59'), k: 'a', n: 3, s: 6 },
      { session_window: w('00:20', '00:25'), k: 'a', n: 1, s: 4 },
      { session_window: w('00:01', '00:06'), k: 'b', n: 1, s: 5 },
      { session_window: w('00:06:01', '00:11:01'), k: 'b', n: 1, s: 7 },
    ])
    assert.equal(
      treeString(df.schema),
      `root\n${SESSION_TREE} |-- k: string (nullable = true)\n |-- n: long (nullable = false)\n |-- s: long (nullable = true)\n`,
    )
  })

  it('merges across all rows when the session is the only key', () => {
    const df = events.groupBy(session_window('ts', '5 minutes')).agg(sum('v')).orderBy('session_window')
    assert.deepEqual(df.collect(), [
      { session_window: w('00:00', '00:14:59'), 'sum(v)': 18 },
      { session_window: w('00:20', '00:25'), 'sum(v)': 4 },
    ])
  })

  it('works from SQL and under an alias', () => {
    const sql = events
      .groupBy(expr("session_window(ts, '5 minutes')"), 'k')
      .count()
      .orderBy('k', 'session_window')
    assert.deepEqual(sql.collect()[0], { session_window: w('00:00', '00:14:59'), k: 'a', count: 3 })
    const aliased = events
      .groupBy(session_window('ts', '5 minutes').alias('sw'), 'k')
      .count()
      .orderBy('k', 'sw')
    assert.deepEqual(aliased.columns, ['sw', 'k', 'count'])
    assert.deepEqual(aliased.collect()[3], { sw: w('00:06:01', '00:11:01'), k: 'b', count: 1 })
  })

  it('evaluates a gap expression per row', () => {
    const gap = when(col('k').eq('a'), '5 minutes').otherwise('10 minutes')
    const df = events.groupBy(session_window('ts', gap), 'k').count().orderBy('k', 'session_window')
    assert.deepEqual(df.collect(), [
      { session_window: w('00:00', '00:14:59'), k: 'a', count: 3 },
      { session_window: w('00:20', '00:25'), k: 'a', count: 1 },
      { session_window: w('00:01', '00:16:01'), k: 'b', count: 2 },
    ])
  })

  it('drops rows whose gap is negative, zero or NULL, and rows whose time is NULL', () => {
    const gap = when(col('v').eq(2), '-1 minute')
      .when(col('v').eq(3), '0 seconds')
      .when(col('v').eq(5), lit(null))
      .otherwise('5 minutes')
    const df = events
      .groupBy(session_window('ts', gap), 'k')
      .agg(collect_list('v').alias('vs'))
      .orderBy('k', 'session_window')
    assert.deepEqual(df.collect(), [
      { session_window: w('00:00', '00:05'), k: 'a', vs: [1] },
      { session_window: w('00:20', '00:25'), k: 'a', vs: [4] },
      { session_window: w('00:06:01', '00:11:01'), k: 'b', vs: [7] },
    ])
  })

  it('extends a session to the latest end when an early row has a long gap', () => {
    const gap = when(col('v').eq(1), '30 minutes').otherwise('1 minute')
    const df = events
      .groupBy(session_window('ts', gap), 'k')
      .agg(collect_list('v').alias('vs'))
      .orderBy('k', 'session_window')
    assert.deepEqual(df.collect(), [
      { session_window: w('00:00', '00:30'), k: 'a', vs: [1, 2, 3, 4] },
      { session_window: w('00:01', '00:02'), k: 'b', vs: [5] },
      { session_window: w('00:06:01', '00:07:01'), k: 'b', vs: [7] },
    ])
  })

  it('gives no rows for a static gap that is not positive, and for gap text that is no interval', () => {
    assert.deepEqual(events.groupBy(session_window('ts', '-5 minutes'), 'k').count().collect(), [])
    assert.deepEqual(events.groupBy(session_window('ts', '0 minutes'), 'k').count().collect(), [])
    const bad = events
      .withColumn('g', lit('abc'))
      .groupBy(session_window('ts', col('g')), 'k')
      .count()
    assert.deepEqual(bad.collect(), [])
  })

  it('casts a string time column and supports distinct aggregates', () => {
    const df = events
      .groupBy(session_window(col('ts').cast('string'), '5 minutes'), 'k')
      .agg(countDistinct('v'))
      .orderBy('k', 'session_window')
    assert.deepEqual(
      df.collect().map((r) => Object.values(r)[2]),
      [3, 1, 1, 1],
    )
  })

  it('gives window_time of a session: its end minus 1 ms', () => {
    const df = events
      .groupBy(session_window('ts', '5 minutes'), 'k')
      .count()
      .select('k', window_time('session_window'))
      .orderBy('k', 'window_time(session_window)')
    assert.deepEqual(
      df.collect().map((r) => Object.values(r)[1]),
      ['00:14:58.999', '00:24:59.999', '00:05:59.999', '00:11:00.999'].map(ts),
    )
  })
})

describe('session_window() outside a grouping key', () => {
  it('gives each row its own session, unmerged, in a select', () => {
    const df = events.select(session_window('ts', '5 minutes'), 'v')
    assert.deepEqual(df.collect(), [
      { session_window: w('00:00', '00:05'), v: 1 },
      { session_window: w('00:05', '00:10'), v: 2 },
      { session_window: w('00:09:59', '00:14:59'), v: 3 },
      { session_window: w('00:20', '00:25'), v: 4 },
      { session_window: w('00:01', '00:06'), v: 5 },
      { session_window: w('00:06:01', '00:11:01'), v: 7 },
    ])
    assert.equal(treeString(df.schema), `root\n${SESSION_TREE} |-- v: integer (nullable = true)\n`)
    assert.deepEqual(events.select(session_window('ts', '5 minutes').alias('s')).columns, ['s'])
  })

  it('drops rows with a non-positive per-row gap in a select', () => {
    const gap = when(col('v').gt(2), '-1 minute').otherwise('1 minute')
    assert.deepEqual(events.select(session_window('ts', gap), 'v').collect(), [
      { session_window: w('00:00', '00:01'), v: 1 },
      { session_window: w('00:05', '00:06'), v: 2 },
    ])
  })

  it("uses the row's own session inside an aggregate of another key", () => {
    const df = events
      .groupBy('k')
      .agg(max(session_window('ts', '5 minutes')))
      .orderBy('k')
    assert.deepEqual(df.collect(), [
      { k: 'a', 'max(session_window)': w('00:20', '00:25') },
      { k: 'b', 'max(session_window)': w('00:06:01', '00:11:01') },
    ])
  })
})

describe('session_window(): errors', () => {
  const fails = (code: string, pattern: RegExp, f: () => unknown) => {
    const e = errorOf(f)
    assert.equal(e.code, code, e.message)
    assert.match(e.message, pattern)
  }

  it('needs a string gap: a literal or a string column', () => {
    fails(
      'DATATYPE_MISMATCH',
      /gap duration must be a string.*`v` has the type int/,
      () => events.groupBy(session_window('ts', col('v'))).count().schema,
    )
    fails(
      'DATATYPE_MISMATCH',
      /gap duration must be a string/,
      () => events.groupBy(expr('session_window(ts, 300000000)')).count().schema,
    )
    fails(
      'DATATYPE_MISMATCH',
      /gap duration must be a string/,
      () => events.groupBy(expr("session_window(ts, INTERVAL '5' MINUTE)")).count().schema,
    )
  })

  it('rejects an unparseable static gap (Sluice; Spark gives no rows) and month gaps (Spark adds months)', () => {
    fails(
      'INVALID_INTERVAL',
      /gap duration.*'abc'/,
      () => events.groupBy(session_window('ts', 'abc')).count().schema,
    )
    fails('INVALID_INTERVAL', /months/, () => events.groupBy(session_window('ts', '1 month')).count().schema)
    fails('INVALID_INTERVAL', /'1 month'.*months/, () =>
      events
        .withColumn('g', lit('1 month'))
        .groupBy(session_window('ts', col('g')))
        .count()
        .collect(),
    )
  })

  it('names a time column that is not a time, and rejects a session and a window together', () => {
    fails(
      'DATATYPE_MISMATCH',
      /time column must be a timestamp.*`v` has the type int/,
      () => events.groupBy(session_window('v', '5 minutes')).count().schema,
    )
    fails(
      'UNSUPPORTED_OPERATION',
      /Multiple time\/session window expressions/,
      () => events.groupBy(session_window('ts', '5 minutes'), window('ts', '10 minutes')).count().schema,
    )
  })
})

describe('session_window(): plan shape', () => {
  const analyze = (df: { plan: unknown }) =>
    new Analyzer({ timeZone: 'UTC', runtime: { currentTimestamp: 0 } }).analyze(df.plan as never)

  it('groups by a plain reference to the session column of an UpdatingSessions node', () => {
    const marked = events.withWatermark('ts', '1 minute')
    const p = analyze(marked.groupBy(session_window('ts', '5 minutes'), 'k').count())
    if (p.kind !== 'aggregate' || p.groupBy[0].kind !== 'ref')
      return assert.fail('expected an aggregate over a ref')
    assert.equal(p.child.kind, 'sessionize')
    const attr = p.child.output[p.groupBy[0].ordinal]
    assert.equal(attr.name, 'session_window')
    // The session column refers to the withWatermark node (whose delay is 1 minute).
    assert.ok(marked.plan.kind === 'watermark' && marked.plan.delayMs === 60_000)
    assert.equal(attr.eventTimeWatermark, marked.plan.id)
    assert.equal(p.output[0].eventTimeWatermark, marked.plan.id)
  })
})
