/**
 * The arguments of `window()` and `session_window()`, checked as Spark's TimeWindow and
 * SessionWindow do: the time column (a timestamp; a string or date is cast to one; a window struct
 * stands for its window_time), literal durations, and a session gap that is a literal or a string
 * column evaluated per row.
 */
import { SluiceError, typeMismatch } from '../errors.ts'
import type { BoundCall, BoundExpr } from '../functions/bound-expr.ts'
import { castTo } from '../functions/coercion.ts'
import { isWindowStruct } from '../functions/window-functions.ts'
import { type CallExpr, callExpr, type Expr } from '../plan/expr.ts'
import { exprToSql } from '../plan/sql/expr-sql.ts'
import { parseInterval } from '../plan/sql/interval.ts'
import { simpleString, t } from '../schema/data-type.ts'
import type { AnalyzedPlan } from './analyzed-plan.ts'
import type { Analyzer } from './analyzer.ts'

export type WindowSpec =
  | {
      readonly kind: 'window'
      readonly time: BoundExpr
      readonly size: number
      readonly slide: number
      readonly start: number
      readonly sql: string
    }
  | {
      readonly kind: 'session'
      readonly time: BoundExpr
      /** Milliseconds when static (null: no row has a session), else a per-row expression. */
      readonly gap: number | null | BoundExpr
      readonly sql: string
    }

/**
 * Checks and binds a `window(...)` or `session_window(...)` call over `child`.
 *
 * @example
 * parseWindowSpec(analyzer, windowCall, child, 'Aggregate') // { kind: 'window', size: 600000, ... }
 */
export function parseWindowSpec(
  analyzer: Analyzer,
  call: CallExpr,
  child: AnalyzedPlan,
  node: string,
): WindowSpec {
  const sql = exprToSql(call)
  const [min, max] = call.name === 'window' ? [2, 4] : [2, 2]
  if (call.args.length < min || call.args.length > max) {
    throw new SluiceError(
      'WRONG_NUM_ARGS',
      `\`${call.name}\` takes ${min === max ? min : `${min} to ${max}`} arguments, but ${call.args.length} were given in \`${sql}\`.`,
    )
  }
  const time = bindTimeColumn(analyzer, call, child, node)
  if (call.name === 'session_window') {
    return { kind: 'session', time, gap: sessionGap(analyzer, call, child, node), sql }
  }
  const size = duration(call, 1, 'window duration')
  const slide = call.args.length > 2 ? duration(call, 2, 'slide duration') : size
  const start = call.args.length > 3 ? duration(call, 3, 'start time') : 0
  checkDurations(call, size, slide, start)
  return { kind: 'window', time, size, slide, start, sql }
}

/** The event time as a timestamp expression. */
function bindTimeColumn(analyzer: Analyzer, call: CallExpr, child: AnalyzedPlan, node: string): BoundExpr {
  const arg = call.args[0]
  const bound = analyzer.bind(arg, child.output, node)
  const kind = bound.type.kind
  if (kind === 'timestamp') return bound
  if (kind === 'string' || kind === 'date' || kind === 'null') return castTo(bound, t.timestamp())
  // A window of windows: Spark takes the inner window's window_time as the event time.
  if (isWindowStruct(bound.type)) return analyzer.bind(callExpr('window_time', [arg]), child.output, node)
  throw typeMismatch(
    `Cannot resolve \`${exprToSql(call)}\`: the time column must be a timestamp (a string or date is cast to one, ` +
      `a window column stands for its window_time), but \`${exprToSql(arg)}\` has the type ${simpleString(bound.type)}.`,
  )
}

/** A literal duration in ms: an interval string, or a whole number of microseconds (Spark's unit). */
function duration(call: CallExpr, i: number, what: string): number {
  const a = call.args[i]
  if (a.kind === 'literal' && a.type.kind === 'string' && typeof a.value === 'string')
    return intervalOf(call, a.value, what)
  if (
    a.kind === 'literal' &&
    (a.type.kind === 'int' || a.type.kind === 'long') &&
    typeof a.value === 'number'
  ) {
    if (a.value % 1000 !== 0) {
      throw new SluiceError(
        'INVALID_INTERVAL',
        `In \`${exprToSql(call)}\`, the ${what} ${a.value} (microseconds) is not a whole number of milliseconds, the precision of Sluice timestamps.`,
      )
    }
    return a.value / 1000 + 0
  }
  throw new SluiceError(
    'INVALID_ARGUMENT',
    `In \`${exprToSql(call)}\`, the ${what} must be a string literal such as '10 minutes' (or a literal number of microseconds), but it is \`${exprToSql(a)}\`. ` +
      'The duration and time inputs to window must be an integer, long or string literal, as in Spark.',
  )
}

function intervalOf(call: CallExpr, text: string, what: string): number {
  try {
    return parseInterval(text)
  } catch (e) {
    const reason = e instanceof SluiceError ? e.message.replace(/^\[\w+\] /, '') : String(e)
    throw new SluiceError('INVALID_INTERVAL', `In \`${exprToSql(call)}\`, the ${what}: ${reason}`)
  }
}

/** Spark's TimeWindow.checkInputDataTypes, in its order. */
function checkDurations(call: CallExpr, size: number, slide: number, start: number): void {
  const site = `Cannot resolve \`${exprToSql(call)}\``
  const arg = (i: number) => exprToSql(call.args[i])
  if (size <= 0)
    throw typeMismatch(
      `${site}: the window duration must be greater than 0, but it is ${arg(1)} (${size} ms).`,
    )
  if (slide <= 0)
    throw typeMismatch(
      `${site}: the slide duration must be greater than 0, but it is ${arg(2)} (${slide} ms).`,
    )
  if (slide > size) {
    throw typeMismatch(
      `${site}: the slide duration (${arg(2)}, ${slide} ms) must be at most the window duration (${arg(1)}, ${size} ms).`,
    )
  }
  if (Math.abs(start) >= slide) {
    throw typeMismatch(
      `${site}: the absolute value of the start time (${arg(3)}, ${start} ms) must be less than the slide duration (${slide} ms); use a start time in (-slide, slide).`,
    )
  }
}

/** The gap: a static interval string, or a string column parsed per row (Spark casts it to an interval). */
function sessionGap(
  analyzer: Analyzer,
  call: CallExpr,
  child: AnalyzedPlan,
  node: string,
): number | null | BoundExpr {
  const a: Expr = call.args[1]
  if (a.kind === 'literal' && a.value === null) return null
  if (a.kind === 'literal' && a.type.kind === 'string' && typeof a.value === 'string')
    return intervalOf(call, a.value, 'gap duration')
  const bound = analyzer.bind(a, child.output, node)
  if (bound.type.kind === 'null') return null
  if (bound.type.kind !== 'string' || a.kind === 'literal') {
    throw typeMismatch(
      `Cannot resolve \`${exprToSql(call)}\`: the gap duration must be a string such as '5 minutes' (a literal, or a string column evaluated per row), but \`${exprToSql(a)}\` has the type ${simpleString(bound.type)}.`,
    )
  }
  return gapCall(bound, exprToSql(a))
}

// Spark adds a month gap by the calendar; Sluice intervals are day-time only.
const CALENDAR_UNIT = /\b(?:months?|years?)\b/i

/** `gapText` parsed to ms per row; text that is no interval gives NULL (the row is dropped), as in Spark. */
function gapCall(gapText: BoundExpr, sql: string): BoundExpr {
  const cache = new Map<string, number | null>()
  const parse = (text: string): number | null => {
    let ms = cache.get(text)
    if (ms !== undefined) return ms
    if (CALENDAR_UNIT.test(text)) {
      throw new SluiceError(
        'INVALID_INTERVAL',
        `session_window gap '${text}' (from \`${sql}\`) has months or years, which Sluice does not support as a gap; use days or weeks.`,
      )
    }
    try {
      ms = parseInterval(text)
    } catch {
      ms = null
    }
    // Distinct gap strings are few; the bound only guards against a gap column of unique values.
    if (cache.size >= 1024) cache.clear()
    cache.set(text, ms)
    return ms
  }
  const call: BoundCall = {
    kind: 'call',
    name: 'session_gap',
    impl: { kind: 'fn', fn: parse },
    args: [gapText],
    type: t.interval(),
    nullable: true,
    sql,
    deterministic: true,
  }
  return Object.freeze(call)
}
