/**
 * Spark's short time strings (`JavaUtils.timeStringAs`): `5s`, `100ms`, `2min`, `1h`, or a bare
 * number in the target unit. Sluice also accepts its interval strings (`'5 seconds'`).
 */
import { SluiceError } from '../../errors.ts'
import { parseInterval } from '../../plan/sql/interval.ts'

const TIME_STRING_RE = /^(-?\d+)([a-z]+)?$/
const SUFFIX_MICROS: Readonly<Record<string, number>> = {
  us: 1,
  ms: 1_000,
  s: 1_000_000,
  m: 60_000_000,
  min: 60_000_000,
  h: 3_600_000_000,
  d: 86_400_000_000,
}
const FORMS =
  "seconds (s), milliseconds (ms), microseconds (us), minutes (m or min), hour (h) or day (d), e.g. '5s', '100ms', or an interval like '5 seconds'"

/**
 * Whole seconds in a time string, truncated toward zero as Java's `TimeUnit.convert` does; a bare
 * number is seconds. `option` names the option in the error.
 *
 * @example
 * timeStringAsSeconds('rampUpTime', '1500ms') // 1
 * timeStringAsSeconds('rampUpTime', '2min') // 120
 */
export function timeStringAsSeconds(option: string, text: string): number {
  const lower = text.trim().toLowerCase()
  const m = TIME_STRING_RE.exec(lower)
  if (m === null) return Math.trunc(intervalMs(option, text) / 1000)
  const scale = m[2] === undefined ? SUFFIX_MICROS.s : SUFFIX_MICROS[m[2]]
  if (scale === undefined) throw invalidTime(option, text, `'${m[2]}' is not a time unit`)
  const micros = Number(m[1]) * scale
  if (!Number.isSafeInteger(micros)) throw invalidTime(option, text, 'it is too large')
  return Math.trunc(micros / 1_000_000)
}

function intervalMs(option: string, text: string): number {
  try {
    return parseInterval(text)
  } catch {
    throw invalidTime(option, text, 'it is not a time string')
  }
}

function invalidTime(option: string, text: string, reason: string): SluiceError {
  return new SluiceError(
    'INVALID_OPTION',
    `Invalid value '${text}' for option '${option}': ${reason}. Time must be specified as ${FORMS}.`,
  )
}
