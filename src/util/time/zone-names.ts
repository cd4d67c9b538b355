/**
 * Zone names for the pattern letter `z`, as java.time prints them for Locale.US: `PST`/`PDT`,
 * `Pacific Standard Time`. Short names come from Java's abbreviation table (see zone-abbreviations.ts),
 * long names from `Intl` (both come from CLDR). Whether an instant is in daylight time is decided by its
 * offset: the zone's 2024 daylight offset means daylight, anything else standard.
 */

import type { Zone } from './zone.ts'
import { zoneAbbreviations } from './zone-abbreviations.ts'
import { offsetId } from './zone-id.ts'

interface ZoneNames {
  readonly daylightOffset: number
  readonly standardShort: string
  readonly daylightShort: string
  readonly standardLong: string
  readonly daylightLong: string
}

const JAN_2024 = Date.UTC(2024, 0, 15, 12)
const JUL_2024 = Date.UTC(2024, 6, 15, 12)
const GMT_OFFSET = /^GMT[+-]/
const GMT_ALIASES = /^(Etc\/)?(GMT|Greenwich)([+-]?0)?$|^GMT0$/
const FIXED_NAMES: Readonly<Record<string, readonly [string, string]>> = {
  UTC: ['UTC', 'Coordinated Universal Time'],
  GMT: ['GMT', 'Greenwich Mean Time'],
  UT: ['UT', 'UT'],
}
const NAMES = new Map<string, ZoneNames>()

/**
 * Short zone name at an instant (`z`, `zz`, `zzz`): `PST`, `CEST`, `UTC`; fixed offsets print their ID.
 *
 * @example shortZoneName(resolveZone('America/Los_Angeles'), Date.UTC(2024, 6, 1)) // 'PDT'
 */
export function shortZoneName(zone: Zone, utcMs: number): string {
  if (zone.region === null) return FIXED_NAMES[zone.id]?.[0] ?? zone.id
  const names = namesOf(zone)
  return zone.offsetAt(utcMs) === names.daylightOffset ? names.daylightShort : names.standardShort
}

/**
 * Long zone name at an instant (`zzzz`): `Pacific Daylight Time`; fixed offsets print their ID.
 *
 * @example longZoneName(resolveZone('Europe/Berlin'), Date.UTC(2024, 0, 1)) // 'Central European Standard Time'
 */
export function longZoneName(zone: Zone, utcMs: number): string {
  if (zone.region === null) return FIXED_NAMES[zone.id]?.[1] ?? zone.id
  const names = namesOf(zone)
  return zone.offsetAt(utcMs) === names.daylightOffset ? names.daylightLong : names.standardLong
}

function namesOf(zone: Zone): ZoneNames {
  let names = NAMES.get(zone.id)
  if (names === undefined) {
    names = computeNames(zone, zone.region!)
    NAMES.set(zone.id, names)
  }
  return names
}

function computeNames(zone: Zone, region: string): ZoneNames {
  if (GMT_ALIASES.test(region)) {
    const [short, long] = FIXED_NAMES.GMT
    return {
      daylightOffset: Number.NaN,
      standardShort: short,
      daylightShort: short,
      standardLong: long,
      daylightLong: long,
    }
  }
  const jan = zone.offsetAt(JAN_2024)
  const jul = zone.offsetAt(JUL_2024)
  const hasDaylight = jan !== jul
  const standardAt = jan <= jul ? JAN_2024 : JUL_2024
  const daylightAt = jan < jul ? JUL_2024 : JAN_2024
  const longDtf = new Intl.DateTimeFormat('en-US', { timeZone: region, timeZoneName: 'long' })
  const shortDtf = new Intl.DateTimeFormat('en-US', { timeZone: region, timeZoneName: 'short' })
  const table = zoneAbbreviations(region) ?? zoneAbbreviations(longDtf.resolvedOptions().timeZone)
  const standard = {
    short: pickShort(table?.standard, nameAt(shortDtf, standardAt), zone.offsetAt(standardAt)),
    long: pickLong(nameAt(longDtf, standardAt), zone.offsetAt(standardAt)),
  }
  const daylight = hasDaylight
    ? {
        short: pickShort(table?.daylight, nameAt(shortDtf, daylightAt), zone.offsetAt(daylightAt)),
        long: pickLong(nameAt(longDtf, daylightAt), zone.offsetAt(daylightAt)),
      }
    : standard
  return {
    daylightOffset: hasDaylight ? Math.max(jan, jul) : Number.NaN,
    standardShort: standard.short,
    daylightShort: daylight.short,
    standardLong: standard.long,
    daylightLong: daylight.long,
  }
}

function nameAt(dtf: Intl.DateTimeFormat, at: number): string {
  for (const part of dtf.formatToParts(at)) if (part.type === 'timeZoneName') return part.value
  return ''
}

// Java's abbreviation first, then Intl's when it is a real name, and for nameless zones the localized
// offset java.time falls back to (`GMT-08:00`).
function pickShort(abbreviation: string | undefined, intlShort: string, offsetMs: number): string {
  if (abbreviation !== undefined && abbreviation !== '-') return abbreviation
  return GMT_OFFSET.test(intlShort) ? longLocalizedOffset(offsetMs) : intlShort
}

function pickLong(intlLong: string, offsetMs: number): string {
  return GMT_OFFSET.test(intlLong) ? longLocalizedOffset(offsetMs) : intlLong
}

/** The localized offset java.time prints for `OOOO`/`ZZZZ`: `GMT`, `GMT+08:00`, `GMT-03:30`. */
export function longLocalizedOffset(offsetMs: number): string {
  if (offsetMs === 0) return 'GMT'
  const id = offsetId(Math.trunc(offsetMs / 1000))
  return `GMT${id}`
}
