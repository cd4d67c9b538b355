/**
 * How the JSON functions read and write timestamps and dates. The session's time library supplies
 * the real codec (Spark's `timestampFormat`/`dateFormat` and time zone); this module only needs the
 * four conversions, so it does not depend on that library.
 */
export interface JsonTimeCodec {
  /** Epoch milliseconds for a JSON string, or null when it cannot be parsed. */
  parseTimestamp(text: string): number | null
  /** Days since 1970-01-01 for a JSON string, or null when it cannot be parsed. */
  parseDate(text: string): number | null
  /** Spark's `to_json` default, `yyyy-MM-dd'T'HH:mm:ss.SSSXXX`: `2024-01-01T10:00:00.000Z` in UTC. */
  formatTimestamp(ms: number): string
  /** Spark's `to_json` default, `yyyy-MM-dd`. */
  formatDate(days: number): string
}

const MS_PER_DAY = 86_400_000

// Date part, then an optional time with optional fraction, then an optional zone (UTC when absent).
const TIMESTAMP_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/
const DATE_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/

/**
 * A minimal ISO-8601 codec in UTC, for tests and for callers without a session time zone: reads
 * `2024-01-01`, `2024-01-01T10:00:00[.fff][Z|+01:00]` (space or `T`), writes Spark's defaults.
 *
 * @example
 * isoUtcJsonTimeCodec.parseTimestamp('1970-01-01T00:00:01Z') // 1000
 * isoUtcJsonTimeCodec.formatDate(0) // '1970-01-01'
 */
export const isoUtcJsonTimeCodec: JsonTimeCodec = Object.freeze({
  parseTimestamp(text: string): number | null {
    const m = TIMESTAMP_RE.exec(text.trim())
    if (m === null) return null
    const day = utcDays(m[1], m[2], m[3])
    if (day === null) return null
    const h = m[4] === undefined ? 0 : Number(m[4])
    const min = m[5] === undefined ? 0 : Number(m[5])
    const s = m[6] === undefined ? 0 : Number(m[6])
    if (h > 23 || min > 59 || s > 59) return null
    const frac = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'))
    return day * MS_PER_DAY + ((h * 60 + min) * 60 + s) * 1000 + frac - zoneOffsetMs(m[8])
  },
  parseDate(text: string): number | null {
    const m = DATE_RE.exec(text.trim())
    return m === null ? null : utcDays(m[1], m[2], m[3])
  },
  formatTimestamp(ms: number): string {
    return new Date(ms).toISOString()
  },
  formatDate(days: number): string {
    return new Date(days * MS_PER_DAY).toISOString().slice(0, 10)
  },
})

function utcDays(y: string, mo: string, d: string): number | null {
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  if (month < 1 || month > 12 || day < 1) return null
  const ms = Date.UTC(year, month - 1, day)
  // Date.UTC rolls 2023-02-30 over into March; a real calendar date round-trips.
  if (new Date(ms).getUTCDate() !== day) return null
  return ms / MS_PER_DAY
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0
  const sign = zone[0] === '-' ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const minutes = Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2)) : 0)
  return sign * minutes * 60_000
}
