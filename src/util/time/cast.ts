/**
 * Spark's pattern-free conversions between strings and datetimes (what CAST does), ported from
 * `SparkDateTimeUtils.stringToTimestamp` / `stringToDate` and the `FractionTimestampFormatter` /
 * ISO date formatter used for CAST(... AS STRING).
 */
import { daysFromCivil, isValidDate, MS_PER_DAY, splitDays } from './civil.ts'
import { pad2, padN } from './text.ts'
import { localToUtcIn, resolveZone, tryResolveZone, type Zone } from './zone.ts'

// Segments: year, month, day, hour, minute, second, microseconds, and two legacy zone slots.
const SEG = [1, 1, 1, 0, 0, 0, 0, 0, 0]
let segZone: string | null = null
let segJustTime = false
const DATE_SEG = [1, 1, 1]
const SCRATCH = { year: 0, month: 0, day: 0 }
const MAX_YEAR = 999_999_999

// Spark trims ASCII whitespace and ISO control characters (UTF8String.isWhitespaceOrISOControl).
const isTrimmed = (c: number): boolean => c <= 0x20 || c === 0x7f

function trimmedStart(s: string): number {
  let i = 0
  while (i < s.length && isTrimmed(s.charCodeAt(i))) i++
  return i
}

function trimmedEnd(s: string, start: number): number {
  let end = s.length - 1
  while (end > start && isTrimmed(s.charCodeAt(end))) end--
  return end + 1
}

// java.lang.String.trim: strips characters up to U+0020.
function javaTrim(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && s.charCodeAt(start) <= 0x20) start++
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--
  return s.slice(start, end)
}

function validTimestampDigits(segment: number, digits: number): boolean {
  return (
    segment === 6 ||
    (segment === 0 && digits >= 4 && digits <= 6) ||
    (segment === 7 && digits <= 2) ||
    (segment !== 0 && segment !== 6 && segment !== 7 && digits > 0 && digits <= 2)
  )
}

// Scanner state of splitTimestamp: current segment, its value and digit count.
const SCAN = { i: 0, value: 0, digits: 0, fractionDigits: 0, yearSign: 0 }

function closeSegment(segment: number): boolean {
  if (!validTimestampDigits(segment, SCAN.digits)) return false
  SEG[segment] = SCAN.value
  SCAN.value = 0
  SCAN.digits = 0
  return true
}

/**
 * Splits a timestamp string into SEG (Spark's parseTimestampString); false when it is malformed.
 * Forms: `[+-]yyyy[-[m]m[-[d]d]]`, then `[ T][h]h:[m]m:[s]s.[fraction][zone]`, or time only.
 */
function splitTimestamp(s: string): boolean {
  SEG.fill(0)
  SEG[0] = SEG[1] = SEG[2] = 1
  segZone = null
  segJustTime = false
  let j = trimmedStart(s)
  const end = trimmedEnd(s, j)
  if (j === end) return false
  SCAN.i = SCAN.value = SCAN.digits = SCAN.fractionDigits = SCAN.yearSign = 0
  const c0 = s.charCodeAt(j)
  if (c0 === 45 || c0 === 43) {
    SCAN.yearSign = c0 === 45 ? -1 : 1
    j++
  }
  for (; j < end && segZone === null; j++) {
    const d = s.charCodeAt(j) - 48
    if (d >= 0 && d <= 9) {
      if (SCAN.i === 6) SCAN.fractionDigits++
      // Fraction digits past microseconds are dropped.
      if (SCAN.i !== 6 || SCAN.digits < 6) SCAN.value = SCAN.value * 10 + d
      SCAN.digits++
    } else if (!separator(s, j, end)) return false
  }
  if (!closeSegment(SCAN.i)) return false
  for (; SCAN.fractionDigits < 6; SCAN.fractionDigits++) SEG[6] *= 10
  if (SCAN.yearSign !== 0) SEG[0] *= SCAN.yearSign
  return true
}

// A non-digit at `j`: ends the current segment if it is the separator that segment expects.
function separator(s: string, j: number, end: number): boolean {
  const b = s.charCodeAt(j)
  const i = SCAN.i
  if (j === 0 && b === 84 /* T */) {
    segJustTime = true
    SCAN.i += 3
    return true
  }
  if (i < 2) {
    if (b === 45 /* - */) return closeSegment(SCAN.i++)
    if (i !== 0 || b !== 58 /* : */ || SCAN.yearSign !== 0) return false
    segJustTime = true
    SCAN.i = 4
    return closeSegment(3)
  }
  if (i === 2) return (b === 32 || b === 84) && closeSegment(SCAN.i++)
  if (i === 3 || i === 4) return b === 58 && closeSegment(SCAN.i++)
  if (i === 5 || i === 6) {
    if (!closeSegment(i)) return false
    if (b === 46 /* . */ && i === 5) SCAN.i = 6
    else {
      // Anything else after the seconds or the fraction starts the zone ID, which runs to the end.
      SCAN.i = 7
      segZone = s.slice(j, end)
    }
    return true
  }
  return i < SEG.length && (b === 58 || b === 32) && closeSegment(SCAN.i++)
}

/**
 * Spark's CAST(string AS TIMESTAMP) (`stringToTimestamp`): `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`, then
 * optionally `[ T][h]h:[m]m[:[s]s[.fraction]][zone]`, years of 4-6 digits with an optional sign, and a
 * zone ID (`Z`, `+01:00`, `-8`, `UTC+1`, `GMT`, `PST`, `Europe/Paris`, optionally after a space) that wins
 * over the session zone. Surrounding whitespace is ignored. Returns null for malformed input. A time with
 * no date (`12:30:00`, `T12:30`) takes today's date in the zone, so it needs `nowMs`; without it the
 * result is null.
 *
 * @example castStringToTimestamp('2024-01-15 10:30:00.5', 'UTC') // 1705314600500
 * @example castStringToTimestamp('2024-01-15T10:30:00Z', 'America/Los_Angeles') // 1705314600000
 * @example castStringToTimestamp('2024-02-30', 'UTC') // null
 */
export function castStringToTimestamp(text: string, zone: string, nowMs?: number): number | null {
  const iso = isoUtcMillis(text)
  if (iso !== null) return iso
  const session = resolveZone(zone)
  if (!splitTimestamp(text)) return null
  let target: Zone = session
  if (segZone !== null) {
    const parsed = tryResolveZone(javaTrim(segZone))
    if (parsed === null) return null
    target = parsed
  }
  const year = SEG[0]
  const hour = SEG[3]
  const minute = SEG[4]
  const second = SEG[5]
  if (hour > 23 || minute > 59 || second > 59) return null
  let days: number
  if (segJustTime) {
    if (nowMs === undefined) return null
    days = Math.floor((nowMs + target.offsetAt(nowMs)) / MS_PER_DAY)
  } else {
    if (Math.abs(year) > MAX_YEAR || !isValidDate(year, SEG[1], SEG[2])) return null
    days = daysFromCivil(year, SEG[1], SEG[2])
  }
  const localMs = days * MS_PER_DAY + hour * 3_600_000 + minute * 60_000 + second * 1000
  // Spark keeps microseconds; Sluice keeps milliseconds, rounding down like Spark's microsToMillis.
  return localToUtcIn(localMs, target) + Math.floor(SEG[6] / 1000)
}

/**
 * The common `yyyy-MM-ddTHH:mm:ss[.SSS]Z` form (what `toISOString` writes) read directly, or null
 * for any other text (the general grammar reads it then). The zone is UTC whatever the session's.
 */
function isoUtcMillis(s: string): number | null {
  const n = s.length
  if ((n !== 24 && n !== 20) || s.charCodeAt(n - 1) !== 90 /* Z */) return null
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return null
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return null
  const year = digitsAt(s, 0, 4)
  const month = digitsAt(s, 5, 2)
  const day = digitsAt(s, 8, 2)
  const hour = digitsAt(s, 11, 2)
  const minute = digitsAt(s, 14, 2)
  const second = digitsAt(s, 17, 2)
  const ms = n === 24 && s.charCodeAt(19) === 46 ? digitsAt(s, 20, 3) : n === 20 ? 0 : -1
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || ms < 0) return null
  if (hour > 23 || minute > 59 || second > 59 || !isValidDate(year, month, day)) return null
  return (
    daysFromCivil(year, month, day) * MS_PER_DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms
  )
}

/** The decimal number of `len` digits at `at`, or -1 when one is not a digit. */
function digitsAt(s: string, at: number, len: number): number {
  let v = 0
  for (let i = at; i < at + len; i++) {
    const d = s.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    v = v * 10 + d
  }
  return v
}

/**
 * Spark's CAST(string AS DATE) (`stringToDate`): `[+-]yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`, and
 * `yyyy-[m]m-[d]d` followed by a space or `T` and anything at all; years of 4-7 digits. Null when
 * malformed or not a real date.
 *
 * @example castStringToDate('2024-02-29 garbage') // 19782
 * @example castStringToDate('2023-02-29') // null
 */
export function castStringToDate(text: string): number | null {
  DATE_SEG[0] = DATE_SEG[1] = DATE_SEG[2] = 1
  let j = trimmedStart(text)
  const end = trimmedEnd(text, j)
  if (j === end) return null
  let sign = 1
  const c0 = text.charCodeAt(j)
  if (c0 === 45 || c0 === 43) {
    sign = c0 === 45 ? -1 : 1
    j++
  }
  let i = 0
  let value = 0
  let digits = 0
  const valid = () => (i === 0 ? digits >= 4 && digits <= 7 : digits > 0 && digits <= 2)
  for (; j < end; j++) {
    const b = text.charCodeAt(j)
    if (b === 32 || b === 84) break
    if (i < 2 && b === 45) {
      if (!valid()) return null
      DATE_SEG[i++] = value
      value = 0
      digits = 0
    } else if (b >= 48 && b <= 57) {
      value = value * 10 + b - 48
      digits++
    } else return null
  }
  // For `yyyy` and `yyyy-[m]m` the whole input must be consumed.
  if (!valid() || (i < 2 && j < end)) return null
  DATE_SEG[i] = value
  const year = sign * DATE_SEG[0]
  if (!isValidDate(year, DATE_SEG[1], DATE_SEG[2])) return null
  return daysFromCivil(year, DATE_SEG[1], DATE_SEG[2])
}

// ISO_LOCAL_DATE's year: four digits, a sign when negative or wider than four digits.
function isoYear(year: number): string {
  if (year < 0) return `-${padN(-year, 4)}`
  return year > 9999 ? `+${year}` : padN(year, 4)
}

/**
 * Spark's CAST(date AS STRING): `yyyy-MM-dd`, with a sign for years outside 0000-9999.
 *
 * @example dateToString(19723) // '2024-01-01'
 * @example dateToString(-719893) // '-0001-01-01'
 */
export function dateToString(days: number): string {
  const d = splitDays(days, SCRATCH)
  return `${isoYear(d.year)}-${pad2(d.month)}-${pad2(d.day)}`
}

/**
 * Spark's CAST(timestamp AS STRING) in a zone: `yyyy-MM-dd HH:mm:ss`, plus the fraction without trailing
 * zeros when it is not zero.
 *
 * @example timestampToString(1704103200500, 'UTC') // '2024-01-01 10:00:00.5'
 * @example timestampToString(-1, 'UTC') // '1969-12-31 23:59:59.999'
 */
export function timestampToString(ms: number, zone: string): string {
  const local = ms + resolveZone(zone).offsetAt(ms)
  const days = Math.floor(local / MS_PER_DAY)
  const msOfDay = local - days * MS_PER_DAY
  const secs = Math.floor(msOfDay / 1000)
  const time = `${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}`
  const millis = msOfDay - secs * 1000
  const base = `${dateToString(days)} ${time}`
  if (millis === 0) return base
  const fraction =
    millis % 100 === 0 ? millis / 100 : millis % 10 === 0 ? padN(millis / 10, 2) : padN(millis, 3)
  return `${base}.${fraction}`
}
