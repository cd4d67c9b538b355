/**
 * Date and time functions over functions' time library. Timestamps are epoch milliseconds; the
 * session time zone decides wall-clock fields, parsing and formatting, as in Spark. In ANSI mode an
 * unparseable `to_timestamp`/`to_date` input is an error; the try_ forms give NULL.
 */
import { SluiceError } from '../errors.ts'
import { type DataType, t } from '../schema/data-type.ts'
import {
  castStringToDate,
  castStringToTimestamp,
  compileFormatter,
  compileParser,
  dayOfMonth,
  dayOfWeek,
  dayOfYear,
  fromUnixtime,
  hour,
  minute,
  month,
  quarter,
  second,
  toDate,
  unixTimestamp,
  weekOfYear,
  year,
} from '../util/time/index.ts'
import type { BoundExpr } from './bound-expr.ts'
import { implicitCast, requireFoldable, scalar } from './define.ts'
import type { BindContext, FunctionDef, ScalarFunctionDef } from './function-def.ts'

const TS = t.timestamp()
const S = t.string()

/** The timestamp argument; dates and strings are cast implicitly, as in Spark. */
const tsArg = (name: string, a: BoundExpr): BoundExpr => implicitCast(name, 0, a, TS)

function field(name: string, f: (ms: number, zone: string) => number): ScalarFunctionDef {
  return scalar(name, [1, 1], ([a], ctx) => {
    const zone = ctx.timeZone
    return { type: t.int(), args: [tsArg(name, a)], impl: { kind: 'fn', fn: (ms: number) => f(ms, zone) } }
  })
}

function cannotParse(text: string, pattern: string | null, site: string): SluiceError {
  return new SluiceError(
    'CANNOT_PARSE_TIMESTAMP',
    `Text '${text}' could not be parsed${pattern ? ` with pattern '${pattern}'` : ''} in \`${site}\`. ` +
      'Fix the input or the pattern, or use try_to_timestamp to get NULL instead.',
  )
}

/** Parser for (text) => epoch ms | null with an optional constant pattern. */
function textParser(
  name: string,
  args: readonly BoundExpr[],
  ctx: BindContext,
): (text: string) => number | null {
  const zone = ctx.timeZone
  if (args.length < 2) return (text) => castStringToTimestamp(text, zone)
  const pattern = requireFoldable(name, 1, args[1])
  if (typeof pattern !== 'string')
    throw new SluiceError('INVALID_ARGUMENT', `${name}: the format must be a string literal.`)
  const parse = compileParser(pattern)
  return (text) => parse(text, zone)
}

export function toTimestampFn(name: string, out: DataType, tryMode: boolean): ScalarFunctionDef {
  return scalar(name, [1, 2], (args, ctx) => {
    const a = args[0]
    const zone = ctx.timeZone
    const finish = out.kind === 'date' ? (ms: number) => toDate(ms, zone) : (ms: number) => ms
    if (a.type.kind === 'timestamp' || a.type.kind === 'date') {
      const arg = implicitCast(name, 0, a, out)
      return { type: out, args: [arg], impl: { kind: 'template', code: ([x]) => x } }
    }
    // Compiled here, so a bad pattern is an analysis error rather than a per-row one.
    const parseTs = textParser(name, args, ctx)
    const parse =
      out.kind === 'date' && args.length < 2
        ? castStringToDate
        : (text: string) => {
            const ms = parseTs(text)
            return ms === null ? null : finish(ms)
          }
    const pattern = args.length > 1 ? String(requireFoldable(name, 1, args[1])) : null
    const fn = tryMode
      ? parse
      : (text: string, site: string) => {
          const r = parse(text)
          if (r === null) throw cannotParse(text, pattern, site)
          return r
        }
    return {
      type: out,
      args: [implicitCast(name, 0, a, S)],
      nullable: tryMode || a.nullable,
      impl: { kind: 'fn', fn, withSite: !tryMode },
    }
  })
}

function dateFormat(): ScalarFunctionDef {
  return scalar('date_format', [2, 2], ([a, p], ctx) => {
    const pattern = requireFoldable('date_format', 1, p)
    if (typeof pattern !== 'string')
      throw new SluiceError('INVALID_ARGUMENT', 'date_format: the format must be a string literal.')
    const format = compileFormatter(pattern)
    const zone = ctx.timeZone
    return {
      type: S,
      args: [tsArg('date_format', a)],
      impl: { kind: 'fn', fn: (ms: number) => format(ms, zone) },
    }
  })
}

function currentTimestamp(name: string, date: boolean): ScalarFunctionDef {
  return scalar(name, [0, 0], (_args, ctx) => {
    const runtime = ctx.runtime
    const zone = ctx.timeZone
    // Read at run time: fixed for one query execution (set by the executor), as in Spark.
    const fn = date ? () => toDate(runtime.currentTimestamp, zone) : () => runtime.currentTimestamp
    return {
      type: date ? t.date() : TS,
      nullable: false,
      deterministic: false,
      impl: { kind: 'fn', fn, nullSafe: true },
    }
  })
}

function fromSeconds(name: string, scale: number): ScalarFunctionDef {
  return scalar(name, [1, 1], ([a]) => {
    const fractional = a.type.kind === 'double' || a.type.kind === 'float'
    const arg = implicitCast(name, 0, a, fractional ? t.double() : t.long())
    const fn = (n: number, site: string) => {
      const ms = Math.floor(n * scale)
      if (!Number.isSafeInteger(ms))
        throw new SluiceError(
          'ARITHMETIC_OVERFLOW',
          `${name}(${n}) is out of the timestamp range in \`${site}\`.`,
        )
      return ms
    }
    return { type: TS, args: [arg], impl: { kind: 'fn', fn, withSite: true } }
  })
}

function unixTimestampFn(): ScalarFunctionDef {
  return scalar('unix_timestamp', [0, 2], (args, ctx) => {
    if (args.length === 0) {
      const runtime = ctx.runtime
      return {
        type: t.long(),
        nullable: false,
        deterministic: false,
        impl: { kind: 'fn', fn: () => unixTimestamp(runtime.currentTimestamp), nullSafe: true },
      }
    }
    const a = args[0]
    if (a.type.kind === 'timestamp' || a.type.kind === 'date') {
      return {
        type: t.long(),
        args: [tsArg('unix_timestamp', a)],
        impl: { kind: 'fn', fn: unixTimestamp },
      }
    }
    const parse = textParser(
      'unix_timestamp',
      args.length === 1
        ? [a, { kind: 'literal', value: 'yyyy-MM-dd HH:mm:ss', type: S, nullable: false }]
        : args,
      ctx,
    )
    const fn = (text: string, site: string) => {
      const ms = parse(text)
      if (ms === null) throw cannotParse(text, null, site)
      // Spark truncates toward zero here (unix_timestamp of 1969-12-31 23:59:59.5 is 0).
      return unixTimestamp(ms)
    }
    return {
      type: t.long(),
      args: [implicitCast('unix_timestamp', 0, a, S)],
      impl: { kind: 'fn', fn, withSite: true },
    }
  })
}

export const DATETIME_FUNCTIONS: readonly FunctionDef[] = [
  toTimestampFn('to_timestamp', TS, false),
  toTimestampFn('try_to_timestamp', TS, true),
  toTimestampFn('to_date', t.date(), false),
  dateFormat(),
  field('year', year),
  field('quarter', quarter),
  field('month', month),
  field('dayofmonth', dayOfMonth),
  field('day', dayOfMonth),
  field('dayofweek', dayOfWeek),
  field('dayofyear', dayOfYear),
  field('weekofyear', weekOfYear),
  field('hour', hour),
  field('minute', minute),
  field('second', second),
  currentTimestamp('current_timestamp', false),
  currentTimestamp('now', false),
  currentTimestamp('current_date', true),
  fromSeconds('timestamp_seconds', 1000),
  fromSeconds('timestamp_millis', 1),
  scalar('from_unixtime', [1, 2], (args, ctx) => {
    const pattern =
      args.length > 1 ? String(requireFoldable('from_unixtime', 1, args[1])) : 'yyyy-MM-dd HH:mm:ss'
    compileFormatter(pattern)
    const zone = ctx.timeZone
    return {
      type: S,
      args: [implicitCast('from_unixtime', 0, args[0], t.long())],
      impl: { kind: 'fn', fn: (s: number) => fromUnixtime(s, pattern, zone) },
    }
  }),
  unixTimestampFn(),
  scalar('unix_seconds', [1, 1], ([a]) => ({
    type: t.long(),
    args: [tsArg('unix_seconds', a)],
    impl: { kind: 'template', code: ([x]) => `Math.floor(${x} / 1000)` },
  })),
  scalar('unix_millis', [1, 1], ([a]) => ({
    type: t.long(),
    args: [tsArg('unix_millis', a)],
    impl: { kind: 'template', code: ([x]) => x },
  })),
  scalar('date_add', [2, 2], ([d, n]) => ({
    type: t.date(),
    args: [implicitCast('date_add', 0, d, t.date()), implicitCast('date_add', 1, n, t.int())],
    impl: { kind: 'op', op: '+' },
  })),
  scalar('date_sub', [2, 2], ([d, n]) => ({
    type: t.date(),
    args: [implicitCast('date_sub', 0, d, t.date()), implicitCast('date_sub', 1, n, t.int())],
    impl: { kind: 'op', op: '-' },
  })),
  scalar('datediff', [2, 2], ([a, b]) => ({
    type: t.int(),
    args: [implicitCast('datediff', 0, a, t.date()), implicitCast('datediff', 1, b, t.date())],
    impl: { kind: 'op', op: '-' },
  })),
]
