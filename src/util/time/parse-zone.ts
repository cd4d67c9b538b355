/**
 * Parse steps for zone and offset pattern letters, ported from java.time's OffsetIdPrinterParser
 * (X, x, Z), LocalizedOffsetIdPrinterParser (O, ZZZZ), ZoneIdPrinterParser (VV) and ZoneTextPrinterParser
 * (z), in strict, case-insensitive mode as Spark builds its formatters.
 */

import { F_OFFSET, matchesAt, type ParseState, setField } from './parse-state.ts'
import { offsetZone, tryRegionIgnoringCase, tryResolveZone, type Zone } from './zone.ts'
import { abbreviationGroups } from './zone-abbreviations.ts'
import { offsetId } from './zone-id.ts'

let parsedSeconds = 0

/**
 * Reads `+HH[:]MM[:]SS` at `pos` per java.time offset pattern `type` (1 +HHmm, 3 +HHMM, 4 +HH:MM,
 * 5 +HHMMss, 6 +HH:MM:ss; lower case parts optional). Returns the end, or -1; the value is left in
 * `parsedSeconds`.
 */
function readOffset(text: string, pos: number, type: number, noOffsetText: string): number {
  if (pos >= text.length) return -1
  if (noOffsetText !== '' && matchesAt(text, pos, noOffsetText)) {
    parsedSeconds = 0
    return pos + noOffsetText.length
  }
  const sign = text[pos] === '+' ? 1 : text[pos] === '-' ? -1 : 0
  if (sign === 0) return -1
  const colon = type === 4 || type === 6
  let at = pos + 1
  const h = twoDigits(text, at)
  if (h < 0) return -1
  at += 2
  let m = 0
  let s = 0
  const minuteAt = colon ? at + 1 : at
  const hasMinute = (!colon || text[at] === ':') && twoDigits(text, minuteAt) >= 0
  if (hasMinute) {
    m = twoDigits(text, minuteAt)
    at = minuteAt + 2
  } else if (type !== 1) return -1
  if (hasMinute && type >= 5) {
    const secondAt = colon ? at + 1 : at
    if ((!colon || text[at] === ':') && twoDigits(text, secondAt) >= 0) {
      s = twoDigits(text, secondAt)
      at = secondAt + 2
    }
  }
  if (h > 23) return -1
  parsedSeconds = sign * (h * 3600 + m * 60 + s)
  return at
}

// Two ASCII digits forming 00-59 (java.time rejects larger minute/second/hour pairs here), or -1.
function twoDigits(text: string, at: number): number {
  if (at + 2 > text.length) return -1
  const a = text.charCodeAt(at) - 48
  const b = text.charCodeAt(at + 1) - 48
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1
  const v = a * 10 + b
  return v > 59 ? -1 : v
}

/**
 * A parse step for X/x/Z offsets.
 *
 * @example offsetStep(4, 'Z') // parses 'Z', '+01:00', '-08:30'
 */
export function offsetStep(type: number, noOffsetText: string): (st: ParseState) => boolean {
  return (st) => {
    const end = readOffset(st.text, st.pos, type, noOffsetText)
    if (end < 0) return false
    st.pos = end
    return setField(st, F_OFFSET, parsedSeconds)
  }
}

/**
 * A parse step for localized offsets (`O`: GMT+8, GMT+8:30; `OOOO`/`ZZZZ`: GMT+08:00; plain GMT is zero).
 *
 * @example localizedOffsetStep(true) // parses 'GMT+08:00'
 */
export function localizedOffsetStep(full: boolean): (st: ParseState) => boolean {
  return (st) => {
    const { text } = st
    if (!matchesAt(text, st.pos, 'GMT')) return false
    let pos = st.pos + 3
    const sign = text[pos] === '+' ? 1 : text[pos] === '-' ? -1 : 0
    if (sign === 0) {
      st.pos = pos
      return setField(st, F_OFFSET, 0)
    }
    pos++
    let h: number
    if (full) {
      if (twoDigits(text, pos) < 0 || text[pos + 2] !== ':' || twoDigits(text, pos + 3) < 0) return false
      h = twoDigits(text, pos)
      pos += 3
    } else {
      h = digitAt(text, pos)
      if (h < 0 || h > 9) return false
      pos++
      const h2 = digitAt(text, pos)
      if (h2 >= 0 && h2 <= 9) {
        h = h * 10 + h2
        pos++
      }
      if (text[pos] !== ':' || twoDigits(text, pos + 1) < 0) {
        st.pos = pos
        return setField(st, F_OFFSET, sign * h * 3600)
      }
      pos++
    }
    const m = twoDigits(text, pos)
    pos += 2
    let s = 0
    if (text[pos] === ':' && twoDigits(text, pos + 1) >= 0) {
      s = twoDigits(text, pos + 1)
      pos += 3
    }
    st.pos = pos
    return setField(st, F_OFFSET, sign * (h * 3600 + m * 60 + s))
  }
}

function digitAt(text: string, at: number): number {
  return at < text.length ? text.charCodeAt(at) - 48 : -1
}

/** Parse step for `VV`: `Z`, `+01:00`, `UTC`, `GMT+01:00`, or a region ID (ignoring case). */
export function zoneIdStep(st: ParseState): boolean {
  return readZone(st, false, false)
}

/** Parse step for `z`..`zzz` (IDs and abbreviations such as `PST`) or `zzzz` (also long names). */
export function zoneTextStep(long: boolean): (st: ParseState) => boolean {
  return (st) => readZone(st, true, long)
}

function readZone(st: ParseState, names: boolean, long: boolean): boolean {
  const { text, pos } = st
  if (pos >= text.length) return false
  const c = text[pos]
  if (c === '+' || c === '-') return offsetBased(st, pos, '', 'Z')
  if (matchesAt(text, pos, 'UT') && !(names && matchesAt(text, pos, 'UTC'))) {
    const prefix = matchesAt(text, pos, 'UTC') ? 'UTC' : 'UT'
    return offsetBased(st, pos + prefix.length, prefix, '0')
  }
  if (matchesAt(text, pos, 'GMT')) {
    if (text[pos + 3] === '0') return setZone(st, tryResolveZone('GMT0'), pos + 4)
    return offsetBased(st, pos + 3, 'GMT', '0')
  }
  const end = longestZoneMatch(st, names, long)
  if (end >= 0) return true
  return (c === 'Z' || c === 'z') && setZone(st, offsetZone(0), pos + 1)
}

function setZone(st: ParseState, zone: Zone | null, end: number): boolean {
  if (zone === null) return false
  st.zone = zone
  st.pos = end
  return true
}

// java.time's parseOffsetBased: a prefix (UTC, GMT, UT or none) and an optional +HH:MM:ss offset.
function offsetBased(st: ParseState, at: number, prefix: string, noOffsetText: string): boolean {
  const { text } = st
  if (prefix !== '' && (at >= text.length || text[at] === '0' || text[at] === 'Z' || text[at] === 'z')) {
    return setZone(st, tryResolveZone(prefix), at)
  }
  const end = readOffset(text, at, 6, noOffsetText)
  if (end < 0) return prefix !== '' && setZone(st, tryResolveZone(prefix), at)
  const id = parsedSeconds === 0 ? (prefix === '' ? 'Z' : prefix) : prefix + offsetId(parsedSeconds)
  return setZone(st, tryResolveZone(id), end)
}

const ID_CHAR = /[A-Za-z0-9~/._+-]/

// The longest region ID (or, for z, zone name) starting at the position, as java.time's prefix tree.
function longestZoneMatch(st: ParseState, names: boolean, long: boolean): number {
  const { text, pos } = st
  let runEnd = pos
  while (runEnd < text.length && ID_CHAR.test(text[runEnd])) runEnd++
  const table = names ? zoneNameTable(long) : null
  const maxEnd = table === null ? runEnd : Math.max(runEnd, Math.min(text.length, pos + table.maxLength))
  for (let end = maxEnd; end > pos; end--) {
    const candidate = text.slice(pos, end)
    const named = table?.byName.get(candidate.toLowerCase())
    if (named !== undefined) return setZone(st, tryResolveZone(named), end) ? end : -1
    if (end <= runEnd && end - pos >= 2) {
      const zone = tryRegionIgnoringCase(candidate)
      if (zone !== null) return setZone(st, zone, end) ? end : -1
    }
  }
  return -1
}

interface NameTable {
  readonly byName: Map<string, string>
  readonly maxLength: number
}

const TABLES: (NameTable | null)[] = [null, null]
// Zones whose names win when several zones share one (as java.time prefers a metazone's main zone).
const PREFERRED = [
  'America/Los_Angeles',
  'America/Denver',
  'America/Chicago',
  'America/New_York',
  'America/Anchorage',
  'Pacific/Honolulu',
  'America/Halifax',
  'America/St_Johns',
  'Europe/London',
  'Europe/Paris',
  'Europe/Bucharest',
  'Europe/Lisbon',
  'Europe/Moscow',
  'Asia/Kolkata',
  'Asia/Calcutta',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Sydney',
  'UTC',
]

function zoneNameTable(long: boolean): NameTable {
  const cached = TABLES[long ? 1 : 0]
  if (cached !== null) return cached
  const byName = new Map<string, string>()
  const add = (name: string, zone: string) => {
    const key = name.toLowerCase()
    if (name !== '-' && !key.startsWith('gmt+') && !key.startsWith('gmt-') && !byName.has(key))
      byName.set(key, zone)
  }
  const groups = abbreviationGroups()
  for (const zone of PREFERRED) {
    const group = groups.find((g) => g.zones.includes(zone))
    if (group !== undefined) {
      add(group.names.standard, zone)
      add(group.names.daylight, zone)
    }
    if (long) for (const name of longNames(zone)) add(name, zone)
  }
  for (const group of groups) {
    add(group.names.standard, group.zones[0])
    add(group.names.daylight, group.zones[0])
  }
  if (long)
    for (const zone of Intl.supportedValuesOf('timeZone')) for (const name of longNames(zone)) add(name, zone)
  let maxLength = 0
  for (const key of byName.keys()) maxLength = Math.max(maxLength, key.length)
  const table = { byName, maxLength }
  TABLES[long ? 1 : 0] = table
  return table
}

function longNames(zone: string): string[] {
  const out: string[] = []
  for (const style of ['long', 'longGeneric'] as const) {
    const dtf = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: style })
    for (const at of [Date.UTC(2024, 0, 15), Date.UTC(2024, 6, 15)]) {
      const part = dtf.formatToParts(at).find((p) => p.type === 'timeZoneName')
      if (part !== undefined) out.push(part.value)
    }
  }
  return out
}
