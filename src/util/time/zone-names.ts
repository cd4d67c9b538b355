/**
 * Zone names for the pattern letter `z`, as java.time prints them for Locale.US: `PST`/`PDT`,
 * `Pacific Standard Time`. Short names come from Java's abbreviation table (see zone-abbreviations.ts),
 * long names from `Intl` (both come from CLDR). An instant counts as daylight time when its offset is
 * above the lower of its year's January and July offsets (java.time asks the tz database's standard
 * offset; the two differ only for year-round "war time" and similar rarities).
 */
import { daysFromCivil, MS_PER_DAY, splitDays } from './civil.ts'
import type { Zone } from './zone.ts'
import { type ZoneAbbreviations, zoneAbbreviations } from './zone-abbreviations.ts'
import { offsetId } from './zone-id.ts'

interface Names {
  short: string
  long: string
}

interface ZoneNames {
  readonly standard: Names
  /** Null until first needed for zones without daylight time in 2024. */
  daylight: Names | null
  readonly table: ZoneAbbreviations | undefined
  readonly shortDtf: Intl.DateTimeFormat
  readonly longDtf: Intl.DateTimeFormat
}

const JAN_2024 = Date.UTC(2024, 0, 15, 12)
const JUL_2024 = Date.UTC(2024, 6, 15, 12)
const GMT_OFFSET = /^GMT[+-]/
const GMT_ALIASES = /^(Etc\/)?(GMT|Greenwich)([+-]?0)?$|^GMT0$/
const FIXED_NAMES: Readonly<Record<string, Names>> = {
  UTC: { short: 'UTC', long: 'Coordinated Universal Time' },
  GMT: { short: 'GMT', long: 'Greenwich Mean Time' },
  UT: { short: 'UT', long: 'UT' },
}
const NAMES = new Map<string, ZoneNames>()
const SCRATCH = { year: 0, month: 0, day: 0 }

/**
 * Short zone name at an instant (`z`, `zz`, `zzz`): `PST`, `CEST`, `UTC`; fixed offsets print their ID.
 *
 * @example shortZoneName(resolveZone('America/Los_Angeles'), Date.UTC(2024, 6, 1)) // 'PDT'
 */
export function shortZoneName(zone: Zone, utcMs: number): string {
  return namesAt(zone, utcMs).short
}

/**
 * Long zone name at an instant (`zzzz`): `Pacific Daylight Time`; fixed offsets print their ID.
 *
 * @example longZoneName(resolveZone('Europe/Berlin'), Date.UTC(2024, 0, 1)) // 'Central European Standard Time'
 */
export function longZoneName(zone: Zone, utcMs: number): string {
  return namesAt(zone, utcMs).long
}

/** The localized offset java.time prints for `OOOO`/`ZZZZ`: `GMT`, `GMT+08:00`, `GMT-03:30`. */
export function longLocalizedOffset(offsetMs: number): string {
  return offsetMs === 0 ? 'GMT' : `GMT${offsetId(Math.trunc(offsetMs / 1000))}`
}

function namesAt(zone: Zone, utcMs: number): Names {
  if (zone.region === null) return FIXED_NAMES[zone.id] ?? { short: zone.id, long: zone.id }
  if (GMT_ALIASES.test(zone.region)) return FIXED_NAMES.GMT
  let names = NAMES.get(zone.id)
  if (names === undefined) {
    names = zoneNames(zone, zone.region)
    NAMES.set(zone.id, names)
  }
  if (!isDaylight(zone, utcMs)) return names.standard
  names.daylight ??= namesFor(zone, names, latestDaylight(zone) ?? utcMs, names.table?.daylight)
  return names.daylight
}

// For zones that dropped daylight time, the most recent daylight instant (mid-January or mid-July of
// 2023 back to 1900): Intl names it after the zone's metazone, where older instants get `GMT+hh:mm`.
function latestDaylight(zone: Zone): number | null {
  for (let year = 2023; year >= 1900; year--) {
    for (const month of [1, 7]) {
      const at = daysFromCivil(year, month, 15) * MS_PER_DAY
      if (isDaylight(zone, at)) return at
    }
  }
  return null
}

function isDaylight(zone: Zone, utcMs: number): boolean {
  const offset = zone.offsetAt(utcMs)
  const year = splitDays(Math.floor((utcMs + offset) / MS_PER_DAY), SCRATCH).year
  const jan = zone.offsetAt(daysFromCivil(year, 1, 1) * MS_PER_DAY)
  const jul = zone.offsetAt(daysFromCivil(year, 7, 1) * MS_PER_DAY)
  return offset > Math.min(jan, jul)
}

function zoneNames(zone: Zone, region: string): ZoneNames {
  const longDtf = new Intl.DateTimeFormat('en-US', { timeZone: region, timeZoneName: 'long' })
  const shortDtf = new Intl.DateTimeFormat('en-US', { timeZone: region, timeZoneName: 'short' })
  const table = zoneAbbreviations(region) ?? zoneAbbreviations(longDtf.resolvedOptions().timeZone)
  const jan = zone.offsetAt(JAN_2024)
  const jul = zone.offsetAt(JUL_2024)
  const names: ZoneNames = { standard: { short: '', long: '' }, daylight: null, table, shortDtf, longDtf }
  const standard = namesFor(zone, names, jan <= jul ? JAN_2024 : JUL_2024, table?.standard)
  const daylight =
    jan === jul ? null : namesFor(zone, names, jan < jul ? JUL_2024 : JAN_2024, table?.daylight)
  return { ...names, standard, daylight }
}

// Java's abbreviation first, then Intl's when it is a real name; nameless zones get the localized
// offset java.time falls back to (`GMT-08:00`).
function namesFor(zone: Zone, names: ZoneNames, at: number, abbreviation: string | undefined): Names {
  const offset = zone.offsetAt(at)
  const intlShort = nameAt(names.shortDtf, at)
  const intlLong = nameAt(names.longDtf, at)
  const short =
    abbreviation !== undefined && abbreviation !== '-'
      ? abbreviation
      : GMT_OFFSET.test(intlShort)
        ? longLocalizedOffset(offset)
        : intlShort
  return { short, long: GMT_OFFSET.test(intlLong) ? longLocalizedOffset(offset) : intlLong }
}

function nameAt(dtf: Intl.DateTimeFormat, at: number): string {
  for (const part of dtf.formatToParts(at)) if (part.type === 'timeZoneName') return part.value
  return ''
}
