/**
 * Time-zone rules: the UTC offset of a zone at an instant, and the instant of a wall-clock time in a
 * zone, resolved the way java.time (and so Spark) resolves DST gaps and overlaps. Region rules come
 * from `Intl.DateTimeFormat`; answers are cached per zone per UTC day, with the exact transition instant
 * found by bisection on the days where the offset changes.
 */
import { SluiceError } from '../../errors.ts'
import { daysFromCivil, MS_PER_DAY } from './civil.ts'
import { offsetId, parseZoneId, type ZoneIdSpec } from './zone-id.ts'

interface DayRule {
  /** First instant of the day that has `after`; +Infinity when the offset is constant all day. */
  readonly at: number
  readonly before: number
  readonly after: number
}

// Before 1800 every zone is on its first (local mean time) offset in the tz database, and Intl's
// answers are constant there too, so earlier instants reuse the 1800 answer.
const MIN_PROBE_MS = daysFromCivil(1800, 1, 1) * MS_PER_DAY
// Past Date's range, rules repeat every 400 Gregorian years (same weekdays, same leap years).
const MAX_PROBE_MS = daysFromCivil(200_000, 1, 1) * MS_PER_DAY
const CYCLE_MS = 146_097 * MS_PER_DAY
const MAX_CACHED_DAYS = 100_000

const INTL_OPTIONS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
}

/** A resolved time zone. Get one with {@link resolveZone}; instances are cached and shared. */
export class Zone {
  /** The ID as java.time prints it (pattern `VV`): `America/Los_Angeles`, `+01:00`, `Z`, `UTC+01:00`. */
  readonly id: string
  /** Offset in ms for fixed-offset zones, NaN for region zones. */
  readonly fixedOffsetMs: number
  /** IANA name for region zones, null for fixed offsets. */
  readonly region: string | null
  private readonly dtf: Intl.DateTimeFormat | null
  private readonly days = new Map<number, DayRule>()
  private lastDay = Number.NaN
  private lastRule: DayRule | null = null

  constructor(spec: ZoneIdSpec, dtf: Intl.DateTimeFormat | null) {
    this.id = spec.id
    this.fixedOffsetMs = spec.fixedOffsetMs
    this.region = spec.region
    this.dtf = dtf
  }

  /** Offset from UTC in milliseconds at the instant `utcMs` (NaN for a non-finite instant). */
  offsetAt(utcMs: number): number {
    if (this.dtf === null) return this.fixedOffsetMs
    const day = Math.floor(utcMs / MS_PER_DAY)
    let rule = day === this.lastDay ? this.lastRule : this.days.get(day)
    if (rule === undefined || rule === null) {
      if (!Number.isFinite(utcMs)) return Number.NaN
      rule = this.loadDay(day)
    }
    this.lastDay = day
    this.lastRule = rule
    return utcMs < rule.at ? rule.before : rule.after
  }

  /**
   * The first instant in (lo, hi] whose offset differs from the offset at `lo`, to the second
   * (transitions in the tz database fall on whole seconds).
   */
  transitionBetween(lo: number, hi: number): number {
    const before = this.offsetAt(lo)
    let a = Math.floor(lo / 1000) * 1000
    let b = Math.ceil(hi / 1000) * 1000
    while (b - a > 1000) {
      const mid = a + Math.floor((b - a) / 2000) * 1000
      if (this.offsetAt(mid) === before) a = mid
      else b = mid
    }
    return b
  }

  private loadDay(day: number): DayRule {
    const start = day * MS_PER_DAY
    const end = start + MS_PER_DAY
    const before = this.rawOffset(start)
    const after = this.rawOffset(end)
    let rule: DayRule
    if (before === after) {
      rule = { at: Number.POSITIVE_INFINITY, before, after }
    } else {
      // Bisect to the second; a day holds at most one transition in practice.
      let lo = start
      let hi = end
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000
        if (this.rawOffset(mid) === before) lo = mid
        else hi = mid
      }
      rule = { at: hi, before, after: this.rawOffset(hi) }
    }
    if (this.days.size >= MAX_CACHED_DAYS) this.days.clear()
    this.days.set(day, rule)
    return rule
  }

  /** Offset at a whole-second instant straight from Intl, by reading the wall clock it shows. */
  private rawOffset(utcMs: number): number {
    let at = Math.max(utcMs, MIN_PROBE_MS)
    if (at > MAX_PROBE_MS) at -= Math.ceil((at - MAX_PROBE_MS) / CYCLE_MS) * CYCLE_MS
    return wallClockMs(this.dtf!.format(at)) - at
  }
}

/** Reads `MM/DD/YYYY, HH:mm:ss` (en-US, h23) into local epoch ms, without allocating. */
function wallClockMs(text: string): number {
  const month = num(text, 0, 2)
  const day = num(text, 3, 5)
  let i = 6
  while (text.charCodeAt(i) !== 44) i++ // the year runs to the comma
  const year = num(text, 6, i)
  const h = num(text, i + 2, i + 4)
  const m = num(text, i + 5, i + 7)
  const s = num(text, i + 8, i + 10)
  return daysFromCivil(year, month, day) * MS_PER_DAY + h * 3_600_000 + m * 60_000 + s * 1000
}

function num(text: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) n = n * 10 + text.charCodeAt(i) - 48
  return n
}

const ZONES = new Map<string, Zone | null>()
const MAX_CACHED_ZONES = 1000
let lastName = ''
let lastZone: Zone | null = null

function intlFor(region: string): Intl.DateTimeFormat | null {
  try {
    return new Intl.DateTimeFormat('en-US', { ...INTL_OPTIONS, timeZone: region })
  } catch {
    return null
  }
}

function isRegion(name: string): boolean {
  const dtf = intlFor(name)
  if (dtf === null) return false
  // Intl ignores case but java.time does not: 'america/los_angeles' is not a zone to Spark.
  const resolved = dtf.resolvedOptions().timeZone
  return resolved === name || resolved.toLowerCase() !== name.toLowerCase()
}

/**
 * The zone an ID names, or null when Spark would reject the ID. Cached.
 *
 * @example tryResolveZone('Mars/Olympus') // null
 */
export function tryResolveZone(name: string): Zone | null {
  if (name === lastName && lastZone !== null) return lastZone
  let zone = ZONES.get(name)
  if (zone === undefined) {
    const spec = parseZoneId(name, isRegion)
    zone = spec === null ? null : new Zone(spec, spec.region === null ? null : intlFor(spec.region))
    if (ZONES.size >= MAX_CACHED_ZONES) ZONES.clear()
    ZONES.set(name, zone)
  }
  if (zone !== null) {
    lastName = name
    lastZone = zone
  }
  return zone
}

/**
 * The fixed-offset zone for an offset in seconds (java.time's `ZoneOffset`), e.g. parsed from `+01:00`;
 * null beyond java.time's +-18 hours.
 *
 * @example offsetZone(3600)?.id // '+01:00'
 */
export function offsetZone(seconds: number): Zone | null {
  let zone = OFFSET_ZONES.get(seconds)
  if (zone === undefined) {
    zone = tryResolveZone(offsetId(seconds))
    if (OFFSET_ZONES.size >= MAX_CACHED_ZONES) OFFSET_ZONES.clear()
    OFFSET_ZONES.set(seconds, zone)
  }
  return zone
}

const OFFSET_ZONES = new Map<number, Zone | null>()

const LOOSE_REGIONS = new Map<string, Zone | null>()
const REGION_NAME = /^[A-Za-z][A-Za-z0-9~/._+-]+$/

/**
 * A region zone named in parsed text, where java.time matches region IDs ignoring case; null when no
 * region has that name. Cached.
 *
 * @example tryRegionIgnoringCase('europe/berlin')?.id // 'Europe/Berlin'
 */
export function tryRegionIgnoringCase(name: string): Zone | null {
  const key = name.toLowerCase()
  let zone = LOOSE_REGIONS.get(key)
  if (zone === undefined) {
    const dtf = REGION_NAME.test(name) ? intlFor(name) : null
    const canonical = dtf === null ? null : dtf.resolvedOptions().timeZone
    zone = canonical === null ? null : (tryResolveZone(name) ?? tryResolveZone(canonical))
    if (LOOSE_REGIONS.size >= MAX_CACHED_ZONES) LOOSE_REGIONS.clear()
    LOOSE_REGIONS.set(key, zone)
  }
  return zone
}

/**
 * The zone an ID names; throws `INVALID_ARGUMENT` naming the ID when it is not one. Cached.
 *
 * @example resolveZone('Europe/Berlin').id // 'Europe/Berlin'
 */
export function resolveZone(name: string): Zone {
  const zone = tryResolveZone(name)
  if (zone === null) throw invalidZone(name)
  return zone
}

function invalidZone(name: string): SluiceError {
  return new SluiceError(
    'INVALID_ARGUMENT',
    `The time zone '${name}' is not valid. Use a region ID such as 'America/Los_Angeles' or 'UTC' ` +
      `(case-sensitive), or an offset such as '+01:00', '-08:00', 'Z' or 'UTC+1'.`,
  )
}

/**
 * Throws `INVALID_ARGUMENT` naming the zone unless Spark accepts it as a session time zone.
 *
 * @example validateTimeZone('America/Los_Angeles') // ok
 * @example validateTimeZone('Nowhere/Special') // throws SluiceError INVALID_ARGUMENT
 */
export function validateTimeZone(zone: string): void {
  resolveZone(zone)
}

/**
 * The zone's offset from UTC, in milliseconds, at the instant `utcMs`.
 *
 * @example zoneOffsetMs(Date.UTC(2024, 6, 1), 'America/Los_Angeles') // -25200000 (PDT, -7h)
 */
export function zoneOffsetMs(utcMs: number, zone: string): number {
  return resolveZone(zone).offsetAt(utcMs)
}

/**
 * The instant of a wall-clock time (`localMs`: epoch ms read as local time) in a zone, resolved like
 * java.time's `ZonedDateTime.ofLocal` with no preferred offset: in a DST gap the wall clock moves
 * forward by the gap's length; in an overlap the earlier offset (the first occurrence) wins.
 *
 * @example localToUtc(Date.UTC(2024, 2, 10, 2, 30), 'America/Los_Angeles') // Date.UTC(2024, 2, 10, 10, 30): 03:30 PDT
 */
export function localToUtc(localMs: number, zone: string): number {
  return localToUtcIn(localMs, resolveZone(zone))
}

/** {@link localToUtc} for an already-resolved zone. */
export function localToUtcIn(localMs: number, zone: Zone): number {
  if (zone.region === null) return localMs - zone.fixedOffsetMs
  // Any instant with this wall clock lies within a day of localMs, offsets being under 24 hours.
  const before = zone.offsetAt(localMs - MS_PER_DAY)
  const after = zone.offsetAt(localMs + MS_PER_DAY)
  const early = localMs - before
  if (before === after || zone.offsetAt(early) === before) return early
  const late = localMs - after
  if (zone.offsetAt(late) === after) return late
  // A gap: moving the wall clock forward by the gap and using the later offset is the early instant.
  return early
}

/**
 * The first instant of a local date in a zone, like java.time's `LocalDate.atStartOfDay(zone)`: when
 * midnight falls in a DST gap the day starts at the end of the gap.
 *
 * @example startOfDayIn(19723, resolveZone('UTC')) // 1704067200000
 */
export function startOfDayIn(days: number, zone: Zone): number {
  const localMs = days * MS_PER_DAY
  if (zone.region === null) return localMs - zone.fixedOffsetMs
  const before = zone.offsetAt(localMs - MS_PER_DAY)
  const after = zone.offsetAt(localMs + MS_PER_DAY)
  const early = localMs - before
  if (before === after || zone.offsetAt(early) === before) return early
  const late = localMs - after
  if (zone.offsetAt(late) === after) return late
  return zone.transitionBetween(late, early)
}
