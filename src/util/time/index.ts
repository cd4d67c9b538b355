/**
 * Sluice's date/time library: Spark's datetime semantics on epoch-millisecond timestamps and
 * epoch-day dates, with time-zone rules from `Intl`.
 */

export { castStringToDate, castStringToTimestamp, dateToString, timestampToString } from './cast.ts'
export {
  type CivilDate,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  isLeapYear,
  isoDayOfWeek,
  isoWeekOfYear,
  isValidDate,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  sparkDayOfWeek,
} from './civil.ts'
export {
  dateToTimestamp,
  dayOfMonth,
  dayOfWeek,
  dayOfYear,
  hour,
  minute,
  month,
  quarter,
  second,
  toDate,
  toLocalMs,
  weekOfYear,
  year,
} from './fields.ts'
export { compileFormatter, type Formatter, formatTimestamp } from './format.ts'
export { compileParser, type Parser, parseTimestamp } from './parse.ts'
export { type CompiledPattern, compilePattern, type PatternToken } from './pattern.ts'
export { DEFAULT_UNIX_PATTERN, fromUnixtime, unixSeconds, unixTimestamp } from './unix.ts'
export {
  localToUtc,
  localToUtcIn,
  resolveZone,
  startOfDayIn,
  tryResolveZone,
  validateTimeZone,
  Zone,
  zoneOffsetMs,
} from './zone.ts'
export { offsetId, parseOffsetSeconds, SHORT_IDS } from './zone-id.ts'
