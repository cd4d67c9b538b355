/**
 * Formatting timestamps with Spark datetime patterns (`date_format`, `from_unixtime`), printing each
 * field as java.time's `DateTimeFormatter` does for Locale.US. Patterns compile once into a list of
 * printers; a call computes the local fields once and concatenates.
 */
import { type CivilDate, dayOfYearFromDays, isoDayOfWeek, MS_PER_DAY, splitDays } from './civil.ts'
import { compilePattern, type PatternToken } from './pattern.ts'
import {
  AM_PM,
  ERAS_FULL,
  ERAS_SHORT,
  MONTHS_FULL,
  MONTHS_SHORT,
  pad2,
  padN,
  QUARTERS_FULL,
  WEEKDAYS_FULL,
  WEEKDAYS_SHORT,
} from './text.ts'
import { resolveZone, type Zone } from './zone.ts'
import { longLocalizedOffset, longZoneName, shortZoneName } from './zone-names.ts'

/** The local view of one instant that printers read. */
interface Fields extends CivilDate {
  utcMs: number
  zone: Zone
  offsetMs: number
  days: number
  msOfDay: number
}

type Printer = (f: Fields) => string

/** A compiled formatter: instant (epoch ms) and session zone in, text out. */
export type Formatter = (ms: number, zone: string) => string

// One scratch record: formatting is synchronous, so a single shared instance is safe.
const FIELDS: Fields = {
  utcMs: 0,
  zone: null!,
  offsetMs: 0,
  days: 0,
  msOfDay: 0,
  year: 1970,
  month: 1,
  day: 1,
}
const FORMATTERS = new Map<string, Formatter>()

/**
 * Compiles a Spark datetime pattern into a formatter (cached per pattern). Throws `INVALID_PATTERN`
 * for letters or letter counts Spark rejects.
 *
 * @example compileFormatter('yyyy-MM-dd HH:mm')(0, 'America/Los_Angeles') // '1969-12-31 16:00'
 */
export function compileFormatter(pattern: string): Formatter {
  let formatter = FORMATTERS.get(pattern)
  if (formatter === undefined) {
    const compiled = compilePattern(pattern, false)
    const printers: Printer[] = []
    addPrinters(compiled.tokens, compiled.hasEra, printers)
    formatter = (ms, zone) => {
      fillFields(ms, resolveZone(zone))
      let out = ''
      for (let i = 0; i < printers.length; i++) out += printers[i](FIELDS)
      return out
    }
    if (FORMATTERS.size >= 512) FORMATTERS.clear()
    FORMATTERS.set(pattern, formatter)
  }
  return formatter
}

/**
 * Formats an instant with a Spark datetime pattern in a zone (Spark's `date_format`).
 *
 * @example formatTimestamp(Date.UTC(2024, 6, 4, 15, 5), "EEE, d MMM yyyy h:mm a", 'UTC') // 'Thu, 4 Jul 2024 3:05 PM'
 */
export function formatTimestamp(ms: number, pattern: string, zone: string): string {
  return compileFormatter(pattern)(ms, zone)
}

function fillFields(ms: number, zone: Zone): void {
  const offsetMs = zone.offsetAt(ms)
  const local = ms + offsetMs
  const days = Math.floor(local / MS_PER_DAY)
  FIELDS.utcMs = ms
  FIELDS.zone = zone
  FIELDS.offsetMs = offsetMs
  FIELDS.days = days
  FIELDS.msOfDay = local - days * MS_PER_DAY
  splitDays(days, FIELDS)
}

function addPrinters(tokens: readonly PatternToken[], hasEra: boolean, out: Printer[]): void {
  for (const token of tokens) {
    // When formatting, optional sections print whatever they hold: every field is known.
    if (token.kind === 'optional') addPrinters(token.tokens, hasEra, out)
    else if (token.kind === 'literal') {
      const text = token.text
      out.push(() => text)
    } else out.push(fieldPrinter(token.letter, token.count, hasEra))
  }
}

const hourOf = (f: Fields): number => Math.floor(f.msOfDay / 3_600_000)

function fieldPrinter(letter: string, count: number, hasEra: boolean): Printer {
  switch (letter) {
    case 'G':
      return count === 4 ? (f) => ERAS_FULL[f.year > 0 ? 1 : 0] : (f) => ERAS_SHORT[f.year > 0 ? 1 : 0]
    case 'y':
      return yearPrinter(count, hasEra)
    case 'M':
    case 'L':
      if (count === 3) return (f) => MONTHS_SHORT[f.month - 1]
      if (count === 4) return (f) => MONTHS_FULL[f.month - 1]
      return numberPrinter(count, (f) => f.month)
    case 'Q':
    case 'q':
      if (count === 3) return (f) => `Q${Math.floor((f.month + 2) / 3)}`
      if (count === 4) return (f) => QUARTERS_FULL[Math.floor((f.month - 1) / 3)]
      return numberPrinter(count, (f) => Math.floor((f.month + 2) / 3))
    case 'E':
      return count === 4
        ? (f) => WEEKDAYS_FULL[isoDayOfWeek(f.days) - 1]
        : (f) => WEEKDAYS_SHORT[isoDayOfWeek(f.days) - 1]
    case 'a':
      return (f) => AM_PM[hourOf(f) < 12 ? 0 : 1]
    default:
      return numericOrZonePrinter(letter, count)
  }
}

function numericOrZonePrinter(letter: string, count: number): Printer {
  switch (letter) {
    case 'd':
      return numberPrinter(count, (f) => f.day)
    case 'D':
      return numberPrinter(count, (f) => dayOfYearFromDays(f.days))
    case 'F':
      // java.time 17 maps F to ALIGNED_DAY_OF_WEEK_IN_MONTH.
      return (f) => `${((f.day - 1) % 7) + 1}`
    case 'h':
      return numberPrinter(count, (f) => hourOf(f) % 12 || 12)
    case 'K':
      return numberPrinter(count, (f) => hourOf(f) % 12)
    case 'k':
      return numberPrinter(count, (f) => hourOf(f) || 24)
    case 'H':
      return numberPrinter(count, hourOf)
    case 'm':
      return numberPrinter(count, (f) => Math.floor(f.msOfDay / 60_000) % 60)
    case 's':
      return numberPrinter(count, (f) => Math.floor(f.msOfDay / 1000) % 60)
    case 'S':
      return fractionPrinter(count)
    default:
      return zonePrinter(letter, count)
  }
}

function zonePrinter(letter: string, count: number): Printer {
  switch (letter) {
    case 'V':
      return (f) => f.zone.id
    case 'z':
      return count === 4 ? (f) => longZoneName(f.zone, f.utcMs) : (f) => shortZoneName(f.zone, f.utcMs)
    case 'O':
      return count === 4 ? (f) => longLocalizedOffset(f.offsetMs) : (f) => shortLocalizedOffset(f.offsetMs)
    case 'X':
      return offsetPrinter(count === 1 ? 1 : count + 1, 'Z')
    case 'x':
      return offsetPrinter(
        count === 1 ? 1 : count + 1,
        count === 1 ? '+00' : count % 2 === 0 ? '+0000' : '+00:00',
      )
    default: // 'Z'
      if (count === 4) return (f) => longLocalizedOffset(f.offsetMs)
      return count === 5 ? offsetPrinter(6, 'Z') : offsetPrinter(3, '+0000')
  }
}

// java.time's NumberPrinterParser: one letter prints the plain value, more letters pad to that width.
function numberPrinter(count: number, value: (f: Fields) => number): Printer {
  return count === 1
    ? (f) => `${value(f)}`
    : count === 2
      ? (f) => pad2(value(f))
      : (f) => padN(value(f), count)
}

// Spark reads y as java.time's u (proleptic year, may be negative) unless the pattern has an era G.
function yearPrinter(count: number, yearOfEra: boolean): Printer {
  return (f) => {
    const v = yearOfEra ? (f.year > 0 ? f.year : 1 - f.year) : f.year
    const abs = v < 0 ? -v : v
    if (count === 2) return pad2(abs % 100)
    const digits = padN(abs, count)
    if (v < 0) return `-${digits}`
    // Four or more letters: a sign marks a year wider than the field (+10000 for yyyy).
    return count >= 4 && digits.length > count ? `+${digits}` : digits
  }
}

function fractionPrinter(count: number): Printer {
  // Sluice holds milliseconds; digits past the third are zeros.
  const zeros = count > 3 ? '0'.repeat(count - 3) : ''
  return (f) => {
    const millis = padN(f.msOfDay % 1000, 3)
    return count >= 3 ? millis + zeros : millis.slice(0, count)
  }
}

function shortLocalizedOffset(offsetMs: number): string {
  if (offsetMs === 0) return 'GMT'
  const total = Math.abs(Math.trunc(offsetMs / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor(total / 60) % 60
  const s = total % 60
  const tail = m !== 0 || s !== 0 ? `:${pad2(m)}${s !== 0 ? `:${pad2(s)}` : ''}` : ''
  return `GMT${offsetMs < 0 ? '-' : '+'}${h}${tail}`
}

/**
 * java.time's OffsetIdPrinterParser. `type` indexes its patterns: 1 +HHmm, 3 +HHMM, 4 +HH:MM,
 * 5 +HHMMss, 6 +HH:MM:ss (lower case = printed only when non-zero).
 */
function offsetPrinter(type: number, noOffsetText: string): Printer {
  const colon = type === 4 || type === 6 ? ':' : ''
  return (f) => {
    const total = Math.trunc(f.offsetMs / 1000)
    if (total === 0) return noOffsetText
    const abs = Math.abs(total)
    const h = Math.floor(abs / 3600) % 100
    const m = Math.floor(abs / 60) % 60
    const s = abs % 60
    let out = (total < 0 ? '-' : '+') + pad2(h)
    if (type >= 3 || m > 0) {
      out += colon + pad2(m)
      if (type >= 5 && s > 0) out += colon + pad2(s)
    } else if (h === 0) return noOffsetText
    return out
  }
}
