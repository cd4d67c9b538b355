/**
 * Text encodings and masks as Spark does them: `encode`/`decode` with a charset, `url_encode`/
 * `url_decode` (Java's URLEncoder: form encoding, space as `+`), `luhn_check` and `mask`; and
 * `extract`/`date_part` on timestamps and dates. SECOND is fractional (Spark: DECIMAL(8,6); a
 * double here, until Sluice has decimals).
 */
import { SluiceError } from '../errors.ts'
import { t } from '../schema/data-type.ts'
import {
  dayOfMonth,
  dayOfWeek,
  dayOfYear,
  hour,
  minute,
  month,
  quarter,
  toLocalMs,
  weekOfYear,
  year,
} from '../util/time/index.ts'
import { implicitCast, requireFoldable, scalar, simple } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'

const S = t.string()
const BIN = t.binary()

const CHARSETS: Record<string, BufferEncoding | 'utf-16be'> = {
  'utf-8': 'utf8',
  'us-ascii': 'ascii',
  'iso-8859-1': 'latin1',
  'utf-16le': 'utf16le',
  'utf-16be': 'utf-16be',
  'utf-16': 'utf-16be',
}

function charsetOf(fn: string, name: string): BufferEncoding | 'utf-16be' {
  const cs = CHARSETS[name.toLowerCase()]
  if (cs === undefined) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `[INVALID_PARAMETER_VALUE.CHARSET] \`${fn}\`: unknown charset '${name}'; use one of ${Object.keys(CHARSETS).join(', ')}.`,
    )
  }
  return cs
}

const swap16 = (b: Buffer): Buffer => Buffer.from(b).swap16()

function encode(s: string, name: string): Uint8Array {
  const cs = charsetOf('encode', name)
  if (cs === 'ascii' && /[^\x00-\x7f]/.test(s)) throw unmappable('encode', s, name)
  if (cs === 'latin1' && /[^\x00-\xff]/.test(s)) throw unmappable('encode', s, name)
  const bytes = cs === 'utf-16be' ? swap16(Buffer.from(s, 'utf16le')) : Buffer.from(s, cs)
  // Java's UTF-16 encoder writes a big-endian byte-order mark first.
  return new Uint8Array(
    name.toLowerCase() === 'utf-16' ? Buffer.concat([Buffer.from([0xfe, 0xff]), bytes]) : bytes,
  )
}

function decode(b: Uint8Array, name: string): string {
  const cs = charsetOf('decode', name)
  if (cs === 'utf8') return new TextDecoder('utf-8', { fatal: false }).decode(b)
  if (cs !== 'utf-16be') return Buffer.from(b).toString(cs)
  const body = name.toLowerCase() === 'utf-16' && b[0] === 0xfe && b[1] === 0xff ? b.subarray(2) : b
  return swap16(Buffer.from(body.subarray(0, body.length - (body.length % 2)))).toString('utf16le')
}

function unmappable(fn: string, s: string, charset: string): SluiceError {
  return new SluiceError(
    'INVALID_ARGUMENT',
    `[MALFORMED_CHARACTER_CODING] \`${fn}\`: '${s}' cannot be encoded in ${charset}.`,
  )
}

/** Java's URLEncoder.encode(s, UTF-8): letters, digits and `.-*_` stay; space is `+`. */
function urlEncode(s: string): string {
  let out = ''
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte)
    if (/[A-Za-z0-9.\-*_]/.test(ch)) out += ch
    else if (ch === ' ') out += '+'
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

function urlDecode(s: string, site: string): string {
  const bytes: number[] = []
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]
    if (ch === '+') bytes.push(32)
    else if (ch === '%') {
      const hex = s.slice(i + 1, i + 3)
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw new SluiceError(
          'INVALID_ARGUMENT',
          `[CANNOT_DECODE_URL] \`${site}\`: '${s}' is not a valid URL-encoded string.`,
        )
      }
      bytes.push(Number.parseInt(hex, 16))
      i += 2
    } else bytes.push(...Buffer.from(ch, 'utf8'))
  }
  return Buffer.from(bytes).toString('utf8')
}

function luhnCheck(s: string): boolean {
  if (!/^\d+$/.test(s)) return false
  let sum = 0
  for (let i = 0; i < s.length; i++) {
    let d = s.charCodeAt(s.length - 1 - i) - 48
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2
    sum += d
  }
  return sum % 10 === 0
}

const mask = scalar('mask', [1, 5], (args) => {
  const defaults = ['X', 'x', 'n', null]
  const chars = [1, 2, 3, 4].map((i) =>
    args[i] === undefined ? defaults[i - 1] : (requireFoldable('mask', i, args[i]) as string | null),
  )
  const [upper, lower, digit, other] = chars
  const fn = (s: string) =>
    [...s]
      .map((c) =>
        /[A-Z]/.test(c)
          ? (upper ?? c)
          : /[a-z]/.test(c)
            ? (lower ?? c)
            : /[0-9]/.test(c)
              ? (digit ?? c)
              : (other ?? c),
      )
      .join('')
  return { type: S, args: [implicitCast('mask', 0, args[0], S)], impl: { kind: 'fn', fn } }
})

type Field = (ms: number, zone: string) => number
const FIELDS: Record<string, Field> = {
  YEAR: year,
  QUARTER: quarter,
  MONTH: month,
  WEEK: weekOfYear,
  DAY: dayOfMonth,
  DAYOFWEEK: dayOfWeek,
  DAYOFWEEK_ISO: (ms, z) => ((dayOfWeek(ms, z) + 5) % 7) + 1,
  DOY: dayOfYear,
  HOUR: hour,
  MINUTE: minute,
  SECOND: (ms, z) => {
    const local = toLocalMs(ms, z)
    return (((local % 60_000) + 60_000) % 60_000) / 1000
  },
}
const ALIASES: Record<string, string> = {
  Y: 'YEAR',
  YEARS: 'YEAR',
  YR: 'YEAR',
  YRS: 'YEAR',
  QTR: 'QUARTER',
  MON: 'MONTH',
  MONS: 'MONTH',
  MONTHS: 'MONTH',
  W: 'WEEK',
  WEEKS: 'WEEK',
  D: 'DAY',
  DAYS: 'DAY',
  DOW: 'DAYOFWEEK',
  DOW_ISO: 'DAYOFWEEK_ISO',
  H: 'HOUR',
  HOURS: 'HOUR',
  HR: 'HOUR',
  HRS: 'HOUR',
  M: 'MINUTE',
  MIN: 'MINUTE',
  MINS: 'MINUTE',
  MINUTES: 'MINUTE',
  S: 'SECOND',
  SEC: 'SECOND',
  SECONDS: 'SECOND',
  SECS: 'SECOND',
}

function extract(name: 'extract' | 'date_part'): ScalarFunctionDef {
  return scalar(name, [2, 2], ([f, src], ctx) => {
    const raw = String(requireFoldable(name, 0, f)).toUpperCase()
    const key = ALIASES[raw] ?? raw
    const field = FIELDS[key]
    if (field === undefined) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `[INVALID_EXTRACT_FIELD] Cannot extract ${raw} from \`${name}\`; use YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFWEEK, DOY, HOUR, MINUTE or SECOND.`,
      )
    }
    const zone = ctx.timeZone
    const ts = implicitCast(name, 1, src, t.timestamp())
    return {
      type: key === 'SECOND' ? t.double() : t.int(),
      args: [ts],
      impl: { kind: 'fn', fn: (ms: number) => field(ms, zone) },
    }
  })
}

// RFC 3986's reference regex, as java.net.URI splits a URL.
const URL_RE = /^(([^:/?#]+):)?(\/\/([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$/

/** Spark's parse_url: a part of a URL (HOST, PATH, QUERY, REF, PROTOCOL, FILE, AUTHORITY, USERINFO). */
function parseUrl(url: string, part: string, ...rest: unknown[]): string | null {
  const site = rest.pop() as string
  const key = rest[0] as string | undefined
  const m = URL_RE.exec(url)
  if (m === null || /\s/.test(url)) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `[INVALID_URL] \`${site}\`: '${url}' is not a valid URL. Use try_parse_url to get NULL instead.`,
    )
  }
  const [, , protocol, , authority, path, , query, , ref] = m
  const userEnd = authority?.lastIndexOf('@') ?? -1
  const hostPort = authority === undefined ? undefined : authority.slice(userEnd + 1)
  const parts: Record<string, string | undefined> = {
    PROTOCOL: protocol,
    AUTHORITY: authority,
    USERINFO: authority !== undefined && userEnd >= 0 ? authority.slice(0, userEnd) : undefined,
    HOST: hostPort?.replace(/:\d*$/, '') || undefined,
    PATH: path,
    QUERY: query,
    REF: ref,
    FILE: query === undefined ? path : `${path}?${query}`,
  }
  const value = parts[part]
  if (key === undefined || part !== 'QUERY' || value === undefined) return value ?? null
  const kv = new RegExp(`(&|^)${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=([^&]*)`).exec(value)
  return kv === null ? null : kv[2]
}

export const ENCODING_FUNCTIONS: readonly ScalarFunctionDef[] = [
  simple('encode', [S, S], BIN, encode),
  simple('decode', [BIN, S], S, decode),
  simple('url_encode', [S], S, urlEncode),
  simple('url_decode', [S], S, urlDecode, { withSite: true }),
  simple(
    'try_url_decode',
    [S],
    S,
    (s: string) => {
      try {
        return urlDecode(s, 'try_url_decode')
      } catch {
        return null
      }
    },
    { nullable: true },
  ),
  simple('luhn_check', [S], t.boolean(), luhnCheck),
  mask,
  scalar('parse_url', [2, 3], (args) => ({
    type: S,
    nullable: true,
    args: args.map((a, i) => implicitCast('parse_url', i, a, S)),
    impl: { kind: 'fn', fn: parseUrl, withSite: true },
  })),
  extract('extract'),
  extract('date_part'),
]
