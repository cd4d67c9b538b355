/**
 * Day-time interval strings, as Spark reads them for `window('10 minutes')`,
 * `withWatermark(col, '10 seconds')` and `INTERVAL` literals, held as milliseconds.
 */
import { SluiceError } from '../../errors.ts'

const MICROS: Record<string, number> = {
  week: 7 * 86_400_000_000,
  day: 86_400_000_000,
  hour: 3_600_000_000,
  minute: 60_000_000,
  second: 1_000_000,
  millisecond: 1_000,
  ms: 1_000,
  microsecond: 1,
}
const VALUE_RE = /^[+-]?\d+(?:\.\d+)?$/
const SPACES_RE = /\s+/

function invalid(text: string, reason: string): SluiceError {
  return new SluiceError(
    'INVALID_INTERVAL',
    `Invalid interval '${text}': ${reason}. Write it like '10 minutes', '1 hour 30 minutes' or '500 milliseconds'.`,
  )
}

/**
 * Parses an interval string (Spark's `stringToInterval` rules, day-time units only) to
 * milliseconds. Units: week, day, hour, minute, second, millisecond (or `ms`), microsecond, singular
 * or plural, any case; an `interval` prefix is allowed; only seconds may have a fraction.
 *
 * @example
 * parseInterval('1 hour 30 minutes') // 5_400_000
 * parseInterval('-5 minutes') // -300_000
 */
export function parseInterval(text: string): number {
  const words = text.trim().toLowerCase().split(SPACES_RE)
  if (words[0] === 'interval') words.shift()
  if (words.length === 0 || words[0] === '') throw invalid(text, 'the interval string is empty')
  let micros = 0
  let i = 0
  while (i < words.length) {
    let value = words[i++]
    // Spark allows the sign apart from the number: '- 5 minutes'.
    if ((value === '-' || value === '+') && i < words.length) value += words[i++]
    if (!VALUE_RE.test(value)) throw invalid(text, `'${value}' is not a number`)
    if (i >= words.length) throw invalid(text, `expected a unit name after ${value}`)
    micros += unitMicros(text, value, words[i++])
  }
  if (!Number.isSafeInteger(micros)) throw invalid(text, 'the interval is too large')
  if (micros % 1000 !== 0) throw invalid(text, 'it is not a whole number of milliseconds')
  return micros / 1000 + 0
}

function unitMicros(text: string, value: string, word: string): number {
  const unit = word !== 'ms' && word.endsWith('s') ? word.slice(0, -1) : word
  if (unit === 'month' || unit === 'year') {
    throw invalid(
      text,
      'months and years are not day-time intervals (their length varies); use days or weeks',
    )
  }
  const scale = MICROS[unit]
  if (scale === undefined) throw invalid(text, `'${word}' is not an interval unit`)
  const negative = value.startsWith('-')
  const [whole, fraction = ''] = value.replace(/^[+-]/, '').split('.')
  if (fraction !== '' && unit !== 'second') throw invalid(text, `${word} cannot have a fractional part`)
  // Exact integer arithmetic: fractional seconds become whole microseconds.
  const frac = fraction === '' ? 0 : Number(fraction.slice(0, 6).padEnd(6, '0'))
  const micros = Number(whole) * scale + frac
  return negative ? -micros : micros
}

const FIELD_NAMES = ['DAY', 'HOUR', 'MINUTE', 'SECOND'] as const
export type DayTimeField = (typeof FIELD_NAMES)[number]

// One pattern per `INTERVAL '...' <from> TO <to>` form Spark accepts (ANSI day-time strings).
const UNIT_TO_UNIT: Record<string, RegExp> = {
  'DAY TO HOUR': /^([+-])?(\d+) (\d{1,2})$/,
  'DAY TO MINUTE': /^([+-])?(\d+) (\d{1,2}):(\d{1,2})$/,
  'DAY TO SECOND': /^([+-])?(\d+) (\d{1,2}):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/,
  'HOUR TO MINUTE': /^([+-])?(\d+):(\d{1,2})$/,
  'HOUR TO SECOND': /^([+-])?(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/,
  'MINUTE TO SECOND': /^([+-])?(\d+):(\d{1,2}(?:\.\d+)?)$/,
}
const FIELD_MS: Record<DayTimeField, number> = {
  DAY: 86_400_000,
  HOUR: 3_600_000,
  MINUTE: 60_000,
  SECOND: 1000,
}
const FIELD_MAX: Record<DayTimeField, number> = { DAY: Infinity, HOUR: 23, MINUTE: 59, SECOND: 59.999999 }

/**
 * Parses the string of `INTERVAL '1 02:30' DAY TO MINUTE` for the given field range.
 *
 * @example
 * parseDayTimeString('1:30', 'HOUR', 'MINUTE') // 5_400_000
 */
export function parseDayTimeString(value: string, from: DayTimeField, to: DayTimeField): number {
  const form = `${from} TO ${to}`
  const m = UNIT_TO_UNIT[form]?.exec(value.trim())
  if (!m) throw invalid(value, `it does not match the INTERVAL ${form} format`)
  const fields = FIELD_NAMES.slice(FIELD_NAMES.indexOf(from), FIELD_NAMES.indexOf(to) + 1)
  let ms = 0
  fields.forEach((f, k) => {
    const n = Number(m[k + 2])
    if (k > 0 && n > FIELD_MAX[f])
      throw invalid(value, `${f} ${m[k + 2]} is out of range [0, ${FIELD_MAX[f] | 0}]`)
    ms += f === 'SECOND' ? Math.round(n * 1_000_000) / 1000 : n * FIELD_MS[f]
  })
  if (!Number.isInteger(ms)) throw invalid(value, 'it is not a whole number of milliseconds')
  return m[1] === '-' ? -ms : ms
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`)

function secondsText(ms: number): string {
  const whole = Math.floor(ms / 1000)
  const frac = ms % 1000
  const lead = ms < 10_000 ? '0' : ''
  return frac === 0 ? `${lead}${whole}` : `${lead}${whole}.${`${frac}`.padStart(3, '0').replace(/0+$/, '')}`
}

/**
 * Spark's SQL text for a day-time interval literal, from the largest to the smallest non-zero field
 * (Spark keeps the fields the literal was written with; from milliseconds alone this is the closest).
 *
 * @example
 * formatIntervalSql(5_400_000) // "INTERVAL '01:30' HOUR TO MINUTE"
 */
export function formatIntervalSql(ms: number): string {
  const sign = ms < 0 ? '-' : ''
  const abs = Math.abs(ms)
  const parts = [
    Math.floor(abs / 86_400_000),
    Math.floor(abs / 3_600_000) % 24,
    Math.floor(abs / 60_000) % 60,
    abs % 60_000,
  ]
  let start = parts.findIndex((p) => p !== 0)
  if (start === -1) start = 3
  const end = Math.max(
    start,
    parts.findLastIndex((p) => p !== 0),
  )
  let text = ''
  for (let f = start; f <= end; f++) {
    // The leading field holds everything above it too (it is never wrapped).
    const v = f === start ? Math.floor(abs / FIELD_MS[FIELD_NAMES[f]]) : parts[f]
    const piece = f === 3 ? secondsText(f === start ? abs : parts[3]) : f === 0 ? `${v}` : pad2(v)
    text += f === start ? `${sign}${piece}` : `${f === 1 ? ' ' : ':'}${piece}`
  }
  const fields = start === end ? FIELD_NAMES[start] : `${FIELD_NAMES[start]} TO ${FIELD_NAMES[end]}`
  return `INTERVAL '${text}' ${fields}`
}
