/**
 * Turns parsed fields into an instant the way Spark 4 does: java.time's STRICT resolution (cross-checks
 * and range checks), then Spark's defaults for what is missing (`DateTimeFormatterHelper.toLocalDate` /
 * `toLocalTime`: year 1970, January, day 1, midnight; a lone PM means 12:00), then the zone read from the
 * text, else the session zone, with DST gaps and overlaps resolved like `ZonedDateTime.of`.
 */
import { dayOfYearFromDays, daysFromCivil, isLeapYear, isValidDate, MS_PER_DAY, splitDays } from './civil.ts'
import {
  F_AMPM,
  F_CLOCK_HOUR_OF_AMPM,
  F_CLOCK_HOUR_OF_DAY,
  F_DAY,
  F_DAY_OF_YEAR,
  F_ERA,
  F_HOUR_OF_AMPM,
  F_HOUR_OF_DAY,
  F_MINUTE,
  F_MONTH,
  F_NANO,
  F_OFFSET,
  F_SECOND,
  F_YEAR,
  F_YEAR_OF_ERA,
  type ParseState,
} from './parse-state.ts'
import { localToUtcIn, offsetZone, type Zone } from './zone.ts'

const SCRATCH = { year: 0, month: 0, day: 0 }
const MAX_YEAR = 999_999_999

const has = (v: number): boolean => !Number.isNaN(v)

/**
 * The instant the parsed fields name, or null when they are inconsistent or out of range.
 *
 * @example resolveParsed(state, resolveZone('UTC')) // epoch ms
 */
export function resolveParsed(st: ParseState, session: Zone): number | null {
  const days = resolveDays(st.fields)
  if (days === null) return null
  const msOfDay = resolveMsOfDay(st.fields)
  if (msOfDay < 0) return null
  const offset = st.fields[F_OFFSET]
  const zone = st.zone ?? (has(offset) ? offsetZone(offset) : session)
  if (zone === null) return null
  return localToUtcIn(days * MS_PER_DAY + msOfDay, zone)
}

// The proleptic year, NaN when none was read (Spark then uses 1970), or null on a conflict.
function resolveYear(f: Float64Array): number | null {
  let year = f[F_YEAR]
  const yoe = f[F_YEAR_OF_ERA]
  if (has(yoe)) {
    if (yoe < 1 || yoe > MAX_YEAR) return null
    const era = f[F_ERA]
    // STRICT java.time does not invent an era: a year-of-era without G stays unresolved.
    if (has(era)) {
      const fromEra = era === 1 ? yoe : 1 - yoe
      if (has(year) && year !== fromEra) return null
      year = fromEra
    } else if (has(year) && year !== (year > 0 ? yoe : 1 - yoe)) return null
  }
  if (has(year) && Math.abs(year) > MAX_YEAR) return null
  return year
}

function resolveDays(f: Float64Array): number | null {
  const parsedYear = resolveYear(f)
  if (parsedYear === null) return null
  const year = has(parsedYear) ? parsedYear : 1970
  const month = f[F_MONTH]
  const day = f[F_DAY]
  const dayOfYear = f[F_DAY_OF_YEAR]
  let days: number
  if (has(dayOfYear) && !(has(parsedYear) && has(month) && has(day))) {
    if (dayOfYear < 1 || dayOfYear > (isLeapYear(year) ? 366 : 365)) return null
    days = daysFromCivil(year, 1, 1) + dayOfYear - 1
    const date = splitDays(days, SCRATCH)
    if ((has(month) && month !== date.month) || (has(day) && day !== date.day)) return null
    return days
  }
  const m = has(month) ? month : 1
  const d = has(day) ? day : 1
  if (!isValidDate(year, m, d)) return null
  days = daysFromCivil(year, m, d)
  if (has(dayOfYear) && dayOfYearFromDays(days) !== dayOfYear) return null
  return days
}

// Milliseconds into the day, or -1 when the time fields conflict or are out of range.
function resolveMsOfDay(f: Float64Array): number {
  let hourOfDay = f[F_HOUR_OF_DAY]
  const clockHourOfDay = f[F_CLOCK_HOUR_OF_DAY]
  if (has(clockHourOfDay)) {
    if (clockHourOfDay < 1 || clockHourOfDay > 24) return -1
    const h = clockHourOfDay === 24 ? 0 : clockHourOfDay
    if (has(hourOfDay) && hourOfDay !== h) return -1
    hourOfDay = h
  }
  let hourOfAmPm = f[F_HOUR_OF_AMPM]
  const clockHourOfAmPm = f[F_CLOCK_HOUR_OF_AMPM]
  if (has(clockHourOfAmPm)) {
    if (clockHourOfAmPm < 1 || clockHourOfAmPm > 12) return -1
    const h = clockHourOfAmPm === 12 ? 0 : clockHourOfAmPm
    if (has(hourOfAmPm) && hourOfAmPm !== h) return -1
    hourOfAmPm = h
  }
  if (has(hourOfAmPm) && (hourOfAmPm < 0 || hourOfAmPm > 11)) return -1
  const ampm = f[F_AMPM]
  if (has(ampm) && has(hourOfAmPm)) {
    const h = ampm * 12 + hourOfAmPm
    if (has(hourOfDay) && hourOfDay !== h) return -1
    hourOfDay = h
  } else if (has(ampm) && has(hourOfDay) && (hourOfDay >= 12 ? 1 : 0) !== ampm) return -1
  // Spark's toLocalTime: without an hour of day, use the am/pm hour (morning), or noon for a lone PM.
  const hour = has(hourOfDay) ? hourOfDay : has(hourOfAmPm) ? hourOfAmPm : ampm === 1 ? 12 : 0
  const minute = has(f[F_MINUTE]) ? f[F_MINUTE] : 0
  const second = has(f[F_SECOND]) ? f[F_SECOND] : 0
  const nanos = has(f[F_NANO]) ? f[F_NANO] : 0
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return -1
  return hour * 3_600_000 + minute * 60_000 + second * 1000 + Math.floor(nanos / 1_000_000)
}
