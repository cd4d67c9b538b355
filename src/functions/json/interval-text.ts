/**
 * Text form of Sluice's day-time interval (milliseconds), as Spark writes an
 * `INTERVAL DAY TO SECOND` value in `to_json` and reads it back in `from_json`.
 */

const MS_PER_DAY = 86_400_000
const BODY = String.raw`([+-])?(\d+) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?`
const BARE_RE = new RegExp(`^${BODY}$`)
const LITERAL_RE = new RegExp(`^INTERVAL\\s*([+-])?\\s*'${BODY}'\\s*DAY\\s+TO\\s+SECOND$`, 'i')

/**
 * Spark's ANSI form of a day-time interval; fractional seconds lose their trailing zeros.
 *
 * @example
 * formatDayTimeInterval(600_000) // "INTERVAL '0 00:10:00' DAY TO SECOND"
 * formatDayTimeInterval(-93_784_500) // "INTERVAL '-1 02:03:04.5' DAY TO SECOND"
 */
export function formatDayTimeInterval(ms: number): string {
  const sign = ms < 0 ? '-' : ''
  let rest = Math.abs(ms)
  const days = Math.floor(rest / MS_PER_DAY)
  rest -= days * MS_PER_DAY
  const hours = Math.floor(rest / 3_600_000)
  rest -= hours * 3_600_000
  const minutes = Math.floor(rest / 60_000)
  rest -= minutes * 60_000
  const seconds = Math.floor(rest / 1000)
  const millis = rest - seconds * 1000
  const fraction = millis === 0 ? '' : '.' + String(millis).padStart(3, '0').replace(/0+$/, '')
  return `INTERVAL '${sign}${days} ${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}${fraction}' DAY TO SECOND`
}

/**
 * Reads `INTERVAL '1 02:03:04.5' DAY TO SECOND` or the bare `1 02:03:04.5` into milliseconds, or
 * null when the text is neither (Spark casts the JSON string to the interval type).
 *
 * @example
 * parseDayTimeInterval('0 00:10:00') // 600000
 */
export function parseDayTimeInterval(text: string): number | null {
  const t = text.trim()
  const bare = BARE_RE.exec(t)
  const lit = bare === null ? LITERAL_RE.exec(t) : null
  if (bare === null && lit === null) return null
  // Both forms end with the same six groups; the literal has an outer sign before them.
  const g = bare ?? lit!
  const at = bare === null ? 2 : 1
  const outerNegative = lit !== null && lit[1] === '-'
  const [sign, d, h, min, s, frac] = g.slice(at, at + 6)
  const hours = Number(h)
  const minutes = Number(min)
  const seconds = Number(s)
  if (hours > 23 || minutes > 59 || seconds > 59) return null
  const millis = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'))
  const magnitude = Number(d) * MS_PER_DAY + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis
  const negative = (sign === '-') !== outerNegative
  return negative ? -magnitude : magnitude
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n)
}
