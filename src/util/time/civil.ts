/**
 * Proleptic Gregorian calendar arithmetic on plain numbers, as java.time's `LocalDate` does it (Spark 3+
 * uses the proleptic calendar for every date, so there is no Julian switch in 1582). Dates are days
 * since 1970-01-01; negative days are before 1970. Everything here is pure integer arithmetic, no Date.
 */

/** Milliseconds in one day. */
export const MS_PER_DAY = 86_400_000
/** Milliseconds in one hour. */
export const MS_PER_HOUR = 3_600_000
/** Milliseconds in one minute. */
export const MS_PER_MINUTE = 60_000

/** A calendar date: month 1-12, day 1-31. */
export interface CivilDate {
  year: number
  month: number
  day: number
}

// Shared scratch for the hot paths, so splitting a day count allocates nothing.
const SCRATCH: CivilDate = { year: 1970, month: 1, day: 1 }

/**
 * Splits days since the epoch into year/month/day and writes them into `out` (Howard Hinnant's
 * `civil_from_days`, exact for any day count a double holds as an integer). Internal helper.
 */
export function splitDays(days: number, out: CivilDate): CivilDate {
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const month = mp < 10 ? mp + 3 : mp - 9
  out.year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  out.month = month
  out.day = doy - Math.floor((153 * mp + 2) / 5) + 1
  return out
}

/**
 * The calendar date of a day count.
 *
 * @example civilFromDays(19723) // { year: 2024, month: 1, day: 1 }
 * @example civilFromDays(-1) // { year: 1969, month: 12, day: 31 }
 */
export function civilFromDays(days: number): CivilDate {
  return splitDays(days, { year: 0, month: 0, day: 0 })
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date. Does not validate: month 13 or day 32 roll over
 * arithmetically; use {@link isValidDate} first when the fields come from input.
 *
 * @example daysFromCivil(2024, 1, 1) // 19723
 * @example daysFromCivil(1969, 12, 31) // -1
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
}

/**
 * True for proleptic Gregorian leap years (divisible by 4, except centuries not divisible by 400).
 *
 * @example isLeapYear(2000) // true
 * @example isLeapYear(1900) // false
 */
export function isLeapYear(year: number): boolean {
  return (year & 3) === 0 && (year % 100 !== 0 || year % 400 === 0)
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * Number of days in a month (1-12) of a year.
 *
 * @example daysInMonth(2024, 2) // 29
 */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1]
}

/**
 * True when year/month/day name a real date (what java.time's `LocalDate.of` accepts).
 *
 * @example isValidDate(2023, 2, 29) // false
 */
export function isValidDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
}

/**
 * Spark's `dayofweek` of a day count: 1 = Sunday ... 7 = Saturday.
 *
 * @example sparkDayOfWeek(0) // 5 (1970-01-01 was a Thursday)
 */
export function sparkDayOfWeek(days: number): number {
  return ((((days + 4) % 7) + 7) % 7) + 1
}

/**
 * ISO day of week of a day count: 1 = Monday ... 7 = Sunday (Spark's `weekday` is this minus one).
 *
 * @example isoDayOfWeek(0) // 4 (Thursday)
 */
export function isoDayOfWeek(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1
}

/**
 * Day of the year (1-366) of a day count.
 *
 * @example dayOfYearFromDays(daysFromCivil(2024, 12, 31)) // 366
 */
export function dayOfYearFromDays(days: number): number {
  const year = splitDays(days, SCRATCH).year
  return days - daysFromCivil(year, 1, 1) + 1
}

/**
 * ISO-8601 week of the year (1-53) of a day count: weeks start on Monday and week 1 is the one holding
 * the year's first Thursday, so early-January days can be in week 52/53 of the previous year.
 *
 * @example isoWeekOfYear(daysFromCivil(2021, 1, 1)) // 53
 */
export function isoWeekOfYear(days: number): number {
  // The Thursday of the same ISO week decides which year the week belongs to.
  const thursday = days - isoDayOfWeek(days) + 4
  return Math.floor((dayOfYearFromDays(thursday) - 1) / 7) + 1
}

/**
 * Floor division of milliseconds into days, correct for negative values.
 *
 * @example floorDays(-1) // -1
 */
export function floorDays(ms: number): number {
  return Math.floor(ms / MS_PER_DAY)
}
