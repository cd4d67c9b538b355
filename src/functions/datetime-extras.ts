/**
 * More of Spark's date and time functions: truncation (`date_trunc`, `trunc`), time-zone shifts
 * (`from_utc_timestamp`, `to_utc_timestamp`), constructors (`make_timestamp`, `make_date`), epoch
 * conversions (`unix_micros`, `unix_date`, ...) and calendar arithmetic (`add_months`,
 * `months_between`, `last_day`, `next_day`). Timestamps are epoch milliseconds, so microsecond
 * inputs are floored to milliseconds.
 */
import { SluiceError } from '../errors.ts'
import { t } from '../schema/data-type.ts'
import {
  civilFromDays,
  dateToTimestamp,
  daysFromCivil,
  daysInMonth,
  isValidDate,
  localToUtc,
  MS_PER_DAY,
  toDate,
  toLocalMs,
  validateTimeZone,
} from '../util/time/index.ts'
import { implicitCast, requireFoldable, scalar, simple } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'

const TS = t.timestamp()
const D = t.date()
const I = t.int()
const L = t.long()
const S = t.string()

type DateLevel = 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR'
const DATE_LEVELS: Record<string, DateLevel> = {
  WEEK: 'WEEK',
  MON: 'MONTH',
  MONTH: 'MONTH',
  MM: 'MONTH',
  QUARTER: 'QUARTER',
  YEAR: 'YEAR',
  YYYY: 'YEAR',
  YY: 'YEAR',
}
const TIME_LEVELS: Record<string, number> = {
  MICROSECOND: 0,
  MILLISECOND: 1,
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: MS_PER_DAY,
  DD: MS_PER_DAY,
}

/** The first day of the period `days` is in (Monday-based weeks, as Spark). */
function truncDays(days: number, level: DateLevel): number {
  if (level === 'WEEK') return days - ((((days + 3) % 7) + 7) % 7)
  const c = civilFromDays(days)
  const month = level === 'YEAR' ? 1 : level === 'QUARTER' ? c.month - ((c.month - 1) % 3) : c.month
  return daysFromCivil(c.year, month, 1)
}

/** Spark's date_trunc: NULL for an unknown unit; units of a day or more follow the time zone. */
export function truncTimestamp(unit: string, ms: number, zone: string): number | null {
  const u = unit.toUpperCase()
  const step = TIME_LEVELS[u]
  if (step !== undefined) {
    if (step <= 1000) return step === 0 ? ms : ms - (((ms % step) + step) % step)
    const local = toLocalMs(ms, zone)
    return localToUtc(local - (((local % step) + step) % step), zone)
  }
  const level = DATE_LEVELS[u]
  return level === undefined ? null : dateToTimestamp(truncDays(toDate(ms, zone), level), zone)
}

function dateTrunc(): ScalarFunctionDef {
  return scalar('date_trunc', [2, 2], ([unit, ts], ctx) => {
    const zone = ctx.timeZone
    return {
      type: TS,
      nullable: true,
      args: [implicitCast('date_trunc', 0, unit, S), implicitCast('date_trunc', 1, ts, TS)],
      impl: { kind: 'fn', fn: (u: string, ms: number) => truncTimestamp(u, ms, zone) },
    }
  })
}

/** `from_utc_timestamp`: the UTC wall clock shown in `zone`; `to_utc_timestamp` the inverse. */
function shiftZone(name: string, fromUtc: boolean): ScalarFunctionDef {
  const fn = (ms: number, zone: string) => {
    validateTimeZone(zone)
    return fromUtc ? toLocalMs(ms, zone) : localToUtc(ms, zone)
  }
  return simple(name, [TS, S], TS, fn)
}

function outOfBounds(what: string, site: string): SluiceError {
  return new SluiceError(
    'INVALID_ARGUMENT',
    `[DATETIME_FIELD_OUT_OF_BOUNDS] ${what} in \`${site}\`. Use try_make_timestamp to get NULL instead.`,
  )
}

/** Local date-time fields to epoch ms in `zone`; 60 seconds (no fraction) is the next minute, as Spark. */
function makeTimestamp(f: readonly number[], sec: number, zone: string, site: string): number {
  const [y, mo, d, h, mi] = f
  if (!isValidDate(y, mo, d)) throw outOfBounds(`Invalid date ${y}-${mo}-${d}`, site)
  if (h < 0 || h > 23 || mi < 0 || mi > 59) throw outOfBounds(`Invalid time ${h}:${mi}`, site)
  const whole = Math.floor(sec)
  if (sec < 0 || sec > 60 || (whole === 60 && sec !== 60)) throw outOfBounds(`Invalid seconds ${sec}`, site)
  const ms = Math.floor(Math.round((sec - whole) * 1e6) / 1000)
  const local = daysFromCivil(y, mo, d) * MS_PER_DAY + h * 3_600_000 + mi * 60_000 + whole * 1000 + ms
  return localToUtc(local, zone)
}

function makeTimestampFn(name: string, tryMode: boolean): ScalarFunctionDef {
  return scalar(name, [6, 7], (args, ctx) => {
    const cast = args.map((a, i) => implicitCast(name, i, a, i < 5 ? I : i === 5 ? t.double() : S))
    const session = ctx.timeZone
    const fn = (y: number, mo: number, d: number, h: number, mi: number, s: number, ...rest: unknown[]) => {
      const zone = rest.length === 2 ? (rest[0] as string) : session
      const site = rest[rest.length - 1] as string
      try {
        if (rest.length === 2) validateTimeZone(zone)
        return makeTimestamp([y, mo, d, h, mi], s, zone, site)
      } catch (err) {
        if (tryMode) return null
        throw err
      }
    }
    return { type: TS, nullable: true, args: cast, impl: { kind: 'fn', fn, withSite: true } }
  })
}

const makeDate = scalar('make_date', [3, 3], (args) => ({
  type: D,
  args: args.map((a, i) => implicitCast('make_date', i, a, I)),
  impl: {
    kind: 'fn',
    withSite: true,
    fn: (y: number, m: number, d: number, site: string) => {
      if (!isValidDate(y, m, d)) throw outOfBounds(`Invalid date ${y}-${m}-${d}`, site)
      return daysFromCivil(y, m, d)
    },
  },
}))

/** Spark's add_months: the day clamps to the target month's length. */
export function addMonths(days: number, n: number): number {
  const c = civilFromDays(days)
  const total = c.year * 12 + (c.month - 1) + n
  const year = Math.floor(total / 12)
  const month = total - year * 12 + 1
  return daysFromCivil(year, month, Math.min(c.day, daysInMonth(year, month)))
}

/** Spark's months_between in a zone, rounded to 8 digits unless `roundOff` is false. */
export function monthsBetween(a: number, b: number, roundOff: boolean, zone: string): number {
  const la = toLocalMs(a, zone)
  const lb = toLocalMs(b, zone)
  const da = Math.floor(la / MS_PER_DAY)
  const db = Math.floor(lb / MS_PER_DAY)
  const ca = civilFromDays(da)
  const cb = civilFromDays(db)
  const months = ca.year * 12 + ca.month - (cb.year * 12 + cb.month)
  const lastA = ca.day === daysInMonth(ca.year, ca.month)
  const lastB = cb.day === daysInMonth(cb.year, cb.month)
  if (ca.day === cb.day || (lastA && lastB)) return months
  const secA = Math.floor((la - da * MS_PER_DAY) / 1000)
  const secB = Math.floor((lb - db * MS_PER_DAY) / 1000)
  const diff = months + ((ca.day - cb.day) * 86400 + secA - secB) / 2678400
  return roundOff ? Math.round(diff * 1e8) / 1e8 : diff
}

const DAYS_OF_WEEK = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']
const DAY_NAMES = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY']

function nextDay(days: number, dow: string, site: string): number {
  const u = dow.trim().toUpperCase()
  const target = DAY_NAMES.findIndex((n, i) => u === n || u === n.slice(0, 3) || u === DAYS_OF_WEEK[i])
  if (target < 0) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `[ILLEGAL_DAY_OF_WEEK] Illegal input for day of week: ${dow} in \`${site}\`.`,
    )
  }
  const today = (((days + 3) % 7) + 7) % 7 // 0 = Monday
  return days + (((target - today + 6) % 7) + 1)
}

const UNIT_MS: Record<string, number> = {
  MICROSECOND: 0.001,
  MILLISECOND: 1,
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
}
const CALENDAR_UNITS = new Set(['DAY', 'DAYOFYEAR', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'])

function checkUnit(fn: string, unit: string): string {
  const u = unit.toUpperCase()
  if (UNIT_MS[u] === undefined && !CALENDAR_UNITS.has(u)) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `[INVALID_PARAMETER_VALUE.DATETIME_UNIT] \`${fn}\`: unknown unit '${unit}'.`,
    )
  }
  return u
}

/** Spark's timestampadd: time units move the instant; calendar units the wall clock in `zone`. */
export function timestampAdd(unit: string, n: number, ms: number, zone: string): number {
  const step = UNIT_MS[unit]
  if (step !== undefined) return ms + Math.floor(n * step)
  const local = toLocalMs(ms, zone)
  const days = Math.floor(local / MS_PER_DAY)
  const time = local - days * MS_PER_DAY
  const months = unit === 'MONTH' ? n : unit === 'QUARTER' ? n * 3 : unit === 'YEAR' ? n * 12 : 0
  const shifted = months !== 0 ? addMonths(days, months) : days + (unit === 'WEEK' ? n * 7 : n)
  return localToUtc(shifted * MS_PER_DAY + time, zone)
}

/** Spark's timestampdiff: whole units from start to end (java.time's `until` on local date-times). */
export function timestampDiff(unit: string, start: number, end: number, zone: string): number {
  const step = UNIT_MS[unit]
  if (step !== undefined) return Math.trunc((end - start) / step)
  const a = toLocalMs(start, zone)
  const b = toLocalMs(end, zone)
  const da = Math.floor(a / MS_PER_DAY)
  let db = Math.floor(b / MS_PER_DAY)
  const ta = a - da * MS_PER_DAY
  const tb = b - db * MS_PER_DAY
  if (db > da && tb < ta) db--
  else if (db < da && tb > ta) db++
  if (unit === 'DAY' || unit === 'DAYOFYEAR') return db - da
  if (unit === 'WEEK') return Math.trunc((db - da) / 7)
  const ca = civilFromDays(da)
  const cb = civilFromDays(db)
  const months =
    Math.trunc((cb.year * 12 + cb.month) * 32 + cb.day - ((ca.year * 12 + ca.month) * 32 + ca.day)) / 32
  const whole = Math.trunc(months)
  return unit === 'MONTH' ? whole : Math.trunc(whole / (unit === 'QUARTER' ? 3 : 12))
}

function unitFunction(name: string, fn: typeof timestampAdd): ScalarFunctionDef {
  return scalar(name, [3, 3], ([unit, a, b], ctx) => {
    const u = checkUnit(name, String(requireFoldable(name, 0, unit)))
    const zone = ctx.timeZone
    const first = name === 'timestampadd' ? implicitCast(name, 1, a, L) : implicitCast(name, 1, a, TS)
    return {
      type: name === 'timestampadd' ? TS : L,
      args: [first, implicitCast(name, 2, b, TS)],
      impl: { kind: 'fn', fn: (x: number, y: number) => fn(u, x, y, zone) },
    }
  })
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

export const DATETIME_EXTRAS: readonly ScalarFunctionDef[] = [
  dateTrunc(),
  simple(
    'trunc',
    [D, S],
    D,
    (days: number, unit: string) => {
      const level = DATE_LEVELS[unit.toUpperCase()]
      return level === undefined ? null : truncDays(days, level)
    },
    { nullable: true },
  ),
  shiftZone('from_utc_timestamp', true),
  shiftZone('to_utc_timestamp', false),
  makeTimestampFn('make_timestamp', false),
  makeTimestampFn('try_make_timestamp', true),
  makeDate,
  simple('unix_micros', [TS], L, (ms: number) => ms * 1000),
  simple('unix_date', [D], I, (days: number) => days),
  simple('date_from_unix_date', [I], D, (days: number) => days),
  simple('timestamp_micros', [L], TS, (us: number) => Math.floor(us / 1000)),
  simple('last_day', [D], D, (days: number) => {
    const c = civilFromDays(days)
    return daysFromCivil(c.year, c.month, daysInMonth(c.year, c.month))
  }),
  simple('next_day', [D, S], D, nextDay, { withSite: true }),
  simple('add_months', [D, I], D, addMonths),
  scalar('months_between', [2, 3], (args, ctx) => {
    const zone = ctx.timeZone
    const cast = args.map((a, i) => implicitCast('months_between', i, a, i < 2 ? TS : t.boolean()))
    return {
      type: t.double(),
      args: cast,
      impl: { kind: 'fn', fn: (a: number, b: number, r = true) => monthsBetween(a, b, r, zone) },
    }
  }),
  simple('dayname', [D], S, (days: number) => {
    const name = DAY_NAMES[(((days + 3) % 7) + 7) % 7]
    return name[0] + name.slice(1, 3).toLowerCase()
  }),
  unitFunction('timestampadd', timestampAdd),
  unitFunction('timestampdiff', timestampDiff),
  simple('monthname', [D], S, (days: number) => MONTH_NAMES[civilFromDays(days).month - 1]),
]
