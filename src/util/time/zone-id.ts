/**
 * Time-zone IDs as Spark reads them (`SparkDateTimeUtils.getZoneId`, which is java.time's
 * `ZoneId.of(id, ZoneId.SHORT_IDS)` after two small rewrites). An ID is either
 *   - a fixed offset: `Z`, `+h`, `+hh`, `+hh:mm`, `+hhmm`, `+hh:mm:ss`, `+hhmmss` (and `-`), at most 18 hours;
 *   - `UTC`, `GMT` or `UT`, alone or followed by an offset (`UTC+1`, `GMT-08:00`, `UT+0130`);
 *   - one of java.time's SHORT_IDS (`PST`, `EST`, `CTT`, ...);
 *   - a region ID from the IANA database (`America/Los_Angeles`), case-sensitive like Java.
 */

/** What an ID names: its canonical display ID (java.time's `ZoneId.getId()`) and its rules. */
export interface ZoneIdSpec {
  /** The ID as java.time prints it: `+01:00`, `Z`, `UTC+01:00`, `America/Los_Angeles`. */
  readonly id: string
  /** Offset in milliseconds for fixed-offset zones; NaN for region zones. */
  readonly fixedOffsetMs: number
  /** The IANA name to ask `Intl` about for region zones; null for fixed offsets. */
  readonly region: string | null
}

/** java.time's `ZoneId.SHORT_IDS`: three-letter IDs Spark accepts, mapped as Java maps them. */
export const SHORT_IDS: Readonly<Record<string, string>> = Object.freeze({
  ACT: 'Australia/Darwin',
  AET: 'Australia/Sydney',
  AGT: 'America/Argentina/Buenos_Aires',
  ART: 'Africa/Cairo',
  AST: 'America/Anchorage',
  BET: 'America/Sao_Paulo',
  BST: 'Asia/Dhaka',
  CAT: 'Africa/Harare',
  CNT: 'America/St_Johns',
  CST: 'America/Chicago',
  CTT: 'Asia/Shanghai',
  EAT: 'Africa/Addis_Ababa',
  ECT: 'Europe/Paris',
  IET: 'America/Indiana/Indianapolis',
  IST: 'Asia/Kolkata',
  JST: 'Asia/Tokyo',
  MIT: 'Pacific/Apia',
  NET: 'Asia/Yerevan',
  NST: 'Pacific/Auckland',
  PLT: 'Asia/Karachi',
  PNT: 'America/Phoenix',
  PRT: 'America/Puerto_Rico',
  PST: 'America/Los_Angeles',
  SST: 'Pacific/Guadalcanal',
  VST: 'Asia/Ho_Chi_Minh',
  EST: '-05:00',
  MST: '-07:00',
  HST: '-10:00',
})

const SINGLE_HOUR = /([+-])(\d):/
const SINGLE_MINUTE = /([+-])(\d\d):(\d)$/
const REGION_SHAPE = /^[A-Za-z][A-Za-z0-9~/._+-]+$/
const MAX_OFFSET_SECONDS = 18 * 3600

/**
 * Parses an offset ID the way java.time's `ZoneOffset.of` does and returns its total seconds, or NaN
 * when the text is not an offset. Accepts `Z`, `+h`, `+hh`, `+hh:mm`, `+hhmm`, `+hh:mm:ss`, `+hhmmss`.
 *
 * @example parseOffsetSeconds('+05:30') // 19800
 * @example parseOffsetSeconds('-8') // -28800
 */
export function parseOffsetSeconds(text: string): number {
  if (text === 'Z') return 0
  const sign = text.charCodeAt(0) === 43 ? 1 : text.charCodeAt(0) === 45 ? -1 : 0
  if (sign === 0) return Number.NaN
  let h: number
  let m = 0
  let s = 0
  switch (text.length) {
    case 2:
      h = digits2(`0${text[1]}`, 0)
      break
    case 3:
      h = digits2(text, 1)
      break
    case 5:
      h = digits2(text, 1)
      m = digits2(text, 3)
      break
    case 6:
      h = text[3] === ':' ? digits2(text, 1) : Number.NaN
      m = digits2(text, 4)
      break
    case 7:
      h = digits2(text, 1)
      m = digits2(text, 3)
      s = digits2(text, 5)
      break
    case 9:
      h = text[3] === ':' && text[6] === ':' ? digits2(text, 1) : Number.NaN
      m = digits2(text, 4)
      s = digits2(text, 7)
      break
    default:
      return Number.NaN
  }
  if (!(h <= 18 && m <= 59 && s <= 59)) return Number.NaN
  const total = h * 3600 + m * 60 + s
  return total > MAX_OFFSET_SECONDS ? Number.NaN : sign * total
}

function digits2(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48
  const b = text.charCodeAt(at + 1) - 48
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN
}

/**
 * java.time's ID of an offset: `Z` for zero, else `+hh:mm`, with `:ss` when seconds are non-zero.
 *
 * @example offsetId(-28800) // '-08:00'
 */
export function offsetId(totalSeconds: number): string {
  if (totalSeconds === 0) return 'Z'
  const abs = Math.abs(totalSeconds)
  const h = Math.floor(abs / 3600)
  const m = Math.floor(abs / 60) % 60
  const s = abs % 60
  const base = `${totalSeconds < 0 ? '-' : '+'}${pad2(h)}:${pad2(m)}`
  return s === 0 ? base : `${base}:${pad2(s)}`
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`
}

/**
 * Reads a zone ID as Spark does and returns what it names, or null when Spark would reject it.
 * `isRegion` decides whether a name is in the time-zone database (the caller asks `Intl`).
 *
 * @example parseZoneId('UTC+1', isRegion) // { id: 'UTC+01:00', fixedOffsetMs: 3600000, region: null }
 */
export function parseZoneId(raw: string, isRegion: (name: string) => boolean): ZoneIdSpec | null {
  // Spark rewrites (+|-)h: to (+|-)0h: and a trailing (+|-)hh:m to (+|-)hh:0m before java.time sees it.
  let id = raw.replace(SINGLE_HOUR, '$10$2:').replace(SINGLE_MINUTE, '$1$2:0$3')
  id = SHORT_IDS[id] ?? id
  if (id.length <= 1 || id[0] === '+' || id[0] === '-') return fixedSpec('', id)
  if (id.startsWith('UTC') || id.startsWith('GMT')) return prefixedSpec(id, 3, isRegion)
  if (id.startsWith('UT')) return prefixedSpec(id, 2, isRegion)
  return regionSpec(id, isRegion)
}

function fixedSpec(prefix: string, offset: string): ZoneIdSpec | null {
  const seconds = parseOffsetSeconds(offset)
  if (Number.isNaN(seconds)) return null
  const id = prefix === '' ? offsetId(seconds) : seconds === 0 ? prefix : prefix + offsetId(seconds)
  return { id, fixedOffsetMs: seconds * 1000, region: null }
}

function prefixedSpec(
  id: string,
  prefixLength: number,
  isRegion: (name: string) => boolean,
): ZoneIdSpec | null {
  const prefix = id.slice(0, prefixLength)
  if (id.length === prefixLength) return { id: prefix, fixedOffsetMs: 0, region: null }
  const next = id[prefixLength]
  if (next !== '+' && next !== '-') return regionSpec(id, isRegion)
  return fixedSpec(prefix, id.slice(prefixLength))
}

function regionSpec(id: string, isRegion: (name: string) => boolean): ZoneIdSpec | null {
  if (!REGION_SHAPE.test(id) || !isRegion(id)) return null
  return { id, fixedOffsetMs: Number.NaN, region: id }
}
