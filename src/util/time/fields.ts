/**
 * Calendar and clock fields of a timestamp (epoch ms, UTC) seen in a session time zone, as Spark's
 * `year`, `month`, `hour`, ... functions compute them, plus the timestamp <-> date conversions.
 */
import {
  type CivilDate,
  dayOfYearFromDays,
  isoWeekOfYear,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  sparkDayOfWeek,
  splitDays,
} from './civil.ts'
import { resolveZone, startOfDayIn } from './zone.ts'

const SCRATCH: CivilDate = { year: 1970, month: 1, day: 1 }

/**
 * Wall-clock time of an instant in a zone, as epoch ms read as local time.
 *
 * @example toLocalMs(0, 'Europe/Berlin') // 3600000 (01:00 local)
 */
export function toLocalMs(ms: number, zone: string): number {
  return ms + resolveZone(zone).offsetAt(ms)
}

function localDays(ms: number, zone: string): number {
  return Math.floor(toLocalMs(ms, zone) / MS_PER_DAY)
}

function msOfDay(ms: number, zone: string): number {
  const local = toLocalMs(ms, zone)
  return local - Math.floor(local / MS_PER_DAY) * MS_PER_DAY
}

/**
 * The local date of an instant in a zone, as days since 1970-01-01 (Spark's cast timestamp -> date).
 *
 * @example toDate(-1, 'UTC') // -1 (1969-12-31)
 */
export function toDate(ms: number, zone: string): number {
  return localDays(ms, zone)
}

/**
 * The instant a local date starts in a zone (Spark's cast date -> timestamp): local midnight, or the
 * end of the DST gap when midnight does not exist that day.
 *
 * @example dateToTimestamp(19723, 'UTC') // 1704067200000 (2024-01-01 00:00:00Z)
 */
export function dateToTimestamp(days: number, zone: string): number {
  return startOfDayIn(days, resolveZone(zone))
}

/**
 * Proleptic year of an instant in a zone (year 0 is 1 BC).
 *
 * @example year(Date.UTC(2024, 0, 1), 'America/Los_Angeles') // 2023
 */
export function year(ms: number, zone: string): number {
  return splitDays(localDays(ms, zone), SCRATCH).year
}

/**
 * Month (1-12) of an instant in a zone.
 *
 * @example month(Date.UTC(2024, 1, 29), 'UTC') // 2
 */
export function month(ms: number, zone: string): number {
  return splitDays(localDays(ms, zone), SCRATCH).month
}

/**
 * Quarter (1-4) of an instant in a zone.
 *
 * @example quarter(Date.UTC(2024, 6, 1), 'UTC') // 3
 */
export function quarter(ms: number, zone: string): number {
  return Math.floor((splitDays(localDays(ms, zone), SCRATCH).month + 2) / 3)
}

/**
 * Day of the month (1-31) of an instant in a zone.
 *
 * @example dayOfMonth(Date.UTC(2024, 1, 29), 'UTC') // 29
 */
export function dayOfMonth(ms: number, zone: string): number {
  return splitDays(localDays(ms, zone), SCRATCH).day
}

/**
 * Hour of the day (0-23) of an instant in a zone.
 *
 * @example hour(Date.UTC(2024, 0, 1, 12), 'Europe/Berlin') // 13
 */
export function hour(ms: number, zone: string): number {
  return Math.floor(msOfDay(ms, zone) / MS_PER_HOUR)
}

/**
 * Minute of the hour (0-59) of an instant in a zone.
 *
 * @example minute(Date.UTC(2024, 0, 1, 12, 34), 'Asia/Kolkata') // 4 (18:04 local)
 */
export function minute(ms: number, zone: string): number {
  return Math.floor(msOfDay(ms, zone) / MS_PER_MINUTE) % 60
}

/**
 * Second of the minute (0-59) of an instant in a zone.
 *
 * @example second(-1, 'UTC') // 59
 */
export function second(ms: number, zone: string): number {
  return Math.floor(msOfDay(ms, zone) / 1000) % 60
}

/**
 * Spark's `dayofweek`: 1 = Sunday ... 7 = Saturday, in a zone.
 *
 * @example dayOfWeek(Date.UTC(2024, 0, 1), 'UTC') // 2 (Monday)
 */
export function dayOfWeek(ms: number, zone: string): number {
  return sparkDayOfWeek(localDays(ms, zone))
}

/**
 * Day of the year (1-366) of an instant in a zone.
 *
 * @example dayOfYear(Date.UTC(2024, 11, 31), 'UTC') // 366
 */
export function dayOfYear(ms: number, zone: string): number {
  return dayOfYearFromDays(localDays(ms, zone))
}

/**
 * Spark's `weekofyear`: the ISO-8601 week (1-53; weeks start Monday, week 1 holds the first Thursday).
 *
 * @example weekOfYear(Date.UTC(2021, 0, 1), 'UTC') // 53
 */
export function weekOfYear(ms: number, zone: string): number {
  return isoWeekOfYear(localDays(ms, zone))
}
