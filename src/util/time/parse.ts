/**
 * Parsing timestamps with Spark datetime patterns (`to_timestamp`, `unix_timestamp`), following
 * java.time's strict, case-insensitive `DateTimeFormatter` as Spark 4 builds it: adjacent-value parsing
 * for runs like `yyyyMMdd`, variable-width fractions (`SSS` accepts 1-3 digits), `yy` as 2000-2099,
 * optional sections, then Spark's defaults for missing fields (1970-01-01, 00:00).
 */

import { resolveParsed } from './parse-resolve.ts'
import {
  F_AMPM,
  F_CLOCK_HOUR_OF_AMPM,
  F_CLOCK_HOUR_OF_DAY,
  F_DAY,
  F_DAY_OF_YEAR,
  F_ERA,
  F_HOUR_OF_AMPM,
  F_HOUR_OF_DAY,
  F_MINUTE,
  F_MONTH,
  F_NANO,
  F_SECOND,
  F_YEAR,
  F_YEAR_OF_ERA,
  matchesAt,
  newSnapshot,
  type ParseState,
  resetState,
  restoreState,
  saveState,
  setField,
} from './parse-state.ts'
import { localizedOffsetStep, offsetStep, zoneIdStep, zoneTextStep } from './parse-zone.ts'
import { compilePattern, type PatternToken } from './pattern.ts'
import { AM_PM, ERAS_FULL, ERAS_SHORT, MONTHS_FULL, MONTHS_SHORT } from './text.ts'
import { resolveZone } from './zone.ts'

type Step = (st: ParseState) => boolean

/** A compiled parser: text and session zone in, epoch ms out, or null when the text does not match. */
export type Parser = (text: string, zone: string) => number | null

const NORMAL = 0
const NOT_NEGATIVE = 1
const EXCEEDS_PAD = 2

/** java.time's NumberPrinterParser settings; `subsequent` is -1 for fixed width. */
interface NumberSpec {
  readonly field: number
  readonly min: number
  readonly max: number
  readonly sign: number
  subsequent: number
  readonly reduced: boolean
}

const PARSERS = new Map<string, Parser>()

/**
 * Compiles a Spark datetime pattern into a parser (cached per pattern). Throws `INVALID_PATTERN` for
 * letters Spark rejects, including the formatting-only `E F q Q`. A zone or offset read from the text
 * wins over the session zone.
 *
 * @example compileParser('yyyy-MM-dd HH:mm')('2024-03-10 02:30', 'UTC') // 1710037800000
 */
export function compileParser(pattern: string): Parser {
  let parser = PARSERS.get(pattern)
  if (parser === undefined) {
    const compiled = compilePattern(pattern, true)
    const steps = buildSteps(compiled.tokens, compiled.hasEra)
    parser = (text, zone) => {
      const session = resolveZone(zone)
      const st = resetState(text)
      if (!runSteps(steps, st) || st.pos !== text.length) return null
      return resolveParsed(st, session)
    }
    if (PARSERS.size >= 512) PARSERS.clear()
    PARSERS.set(pattern, parser)
  }
  return parser
}

/**
 * Parses text with a Spark datetime pattern; null when it does not match or names an impossible
 * date or time (the caller decides whether that is an error, as ANSI `to_timestamp` does).
 *
 * @example parseTimestamp('2024-07-04 12:00:00 PDT', 'yyyy-MM-dd HH:mm:ss z', 'UTC') // 1720119600000
 * @example parseTimestamp('2023-02-29', 'yyyy-MM-dd', 'UTC') // null
 */
export function parseTimestamp(text: string, pattern: string, zone: string): number | null {
  return compileParser(pattern)(text, zone)
}

function runSteps(steps: readonly Step[], st: ParseState): boolean {
  for (let i = 0; i < steps.length; i++) if (!steps[i](st)) return false
  return true
}

// Mirrors DateTimeFormatterBuilder.appendValue: a fixed-width value right after a variable-width one
// lends its width to it, so `yyyyMMdd` splits 20240115 as 2024/01/15.
function buildSteps(tokens: readonly PatternToken[], hasEra: boolean): Step[] {
  const entries: (NumberSpec | Step)[] = []
  let active = -1
  for (const token of tokens) {
    const spec = token.kind === 'field' ? numberSpec(token.letter, token.count, hasEra) : null
    if (spec === null) {
      entries.push(otherStep(token, hasEra))
      active = -1
    } else if (active < 0) {
      active = entries.push(spec) - 1
    } else {
      const base = entries[active] as NumberSpec
      if (spec.min === spec.max && spec.sign === NOT_NEGATIVE) {
        base.subsequent += spec.max
        spec.subsequent = -1
        entries.push(spec)
      } else {
        base.subsequent = -1
        active = entries.push(spec) - 1
      }
    }
  }
  return entries.map((e) => (typeof e === 'function' ? e : numberStep(e)))
}

const FIELD_OF: Readonly<Record<string, number>> = {
  M: F_MONTH,
  L: F_MONTH,
  d: F_DAY,
  D: F_DAY_OF_YEAR,
  H: F_HOUR_OF_DAY,
  k: F_CLOCK_HOUR_OF_DAY,
  K: F_HOUR_OF_AMPM,
  h: F_CLOCK_HOUR_OF_AMPM,
  m: F_MINUTE,
  s: F_SECOND,
}

function numberSpec(letter: string, count: number, hasEra: boolean): NumberSpec | null {
  const spec = (field: number, min: number, max: number, sign: number, reduced = false): NumberSpec => ({
    field,
    min,
    max,
    sign,
    subsequent: 0,
    reduced,
  })
  if (letter === 'y') {
    const field = hasEra ? F_YEAR_OF_ERA : F_YEAR
    if (count === 2) return spec(field, 2, 2, NOT_NEGATIVE, true)
    return spec(field, count, 19, count < 4 ? NORMAL : EXCEEDS_PAD)
  }
  if (letter === 'S') return count === 1 ? spec(F_NANO, 1, 1, NOT_NEGATIVE) : null
  const field = FIELD_OF[letter]
  if (field === undefined || ((letter === 'M' || letter === 'L') && count > 2)) return null
  if (count === 1) return spec(field, 1, 19, NORMAL)
  return letter === 'D' ? spec(field, count, 3, NOT_NEGATIVE) : spec(field, 2, 2, NOT_NEGATIVE)
}

function otherStep(token: PatternToken, hasEra: boolean): Step {
  if (token.kind === 'literal') return literalStep(token.text)
  if (token.kind === 'optional') return optionalStep(buildSteps(token.tokens, hasEra))
  const { letter, count } = token
  switch (letter) {
    case 'G':
      return textStep(F_ERA, count === 4 ? ERAS_FULL : ERAS_SHORT, 0)
    case 'M':
    case 'L':
      return textStep(F_MONTH, count === 4 ? MONTHS_FULL : MONTHS_SHORT, 1)
    case 'a':
      return textStep(F_AMPM, AM_PM, 0)
    case 'S':
      return fractionStep(count)
    case 'V':
      return zoneIdStep
    case 'z':
      return zoneTextStep(count === 4)
    case 'O':
      return localizedOffsetStep(count === 4)
    case 'X':
      return offsetStep(count === 1 ? 1 : count + 1, 'Z')
    case 'x':
      return offsetStep(
        count === 1 ? 1 : count + 1,
        count === 1 ? '+00' : count % 2 === 0 ? '+0000' : '+00:00',
      )
    default: // 'Z'
      if (count === 4) return localizedOffsetStep(true)
      return count === 5 ? offsetStep(6, 'Z') : offsetStep(3, '+0000')
  }
}

function literalStep(text: string): Step {
  return (st) => {
    if (!matchesAt(st.text, st.pos, text)) return false
    st.pos += text.length
    return true
  }
}

// An optional section that does not match leaves no trace, as in java.time.
function optionalStep(steps: readonly Step[]): Step {
  const saved = newSnapshot()
  return (st) => {
    saveState(st, saved)
    if (!runSteps(steps, st)) restoreState(st, saved)
    return true
  }
}

// Text fields match the longest candidate first, ignoring case; `base` is the value of values[0].
function textStep(field: number, values: readonly string[], base: number): Step {
  const order = values.map((_, i) => i).sort((a, b) => values[b].length - values[a].length)
  return (st) => {
    for (const i of order) {
      if (matchesAt(st.text, st.pos, values[i])) {
        st.pos += values[i].length
        return setField(st, field, i + base)
      }
    }
    return false
  }
}

// Spark parses S..S as 1 up to that many digits (DateTimeFormatterHelper's variable-length fraction).
function fractionStep(maxDigits: number): Step {
  return (st) => {
    const { text } = st
    const end = Math.min(st.pos + maxDigits, text.length)
    let pos = st.pos
    let nanos = 0
    let scale = 100_000_000
    while (pos < end) {
      const d = text.charCodeAt(pos) - 48
      if (d < 0 || d > 9) break
      nanos += d * scale
      scale /= 10
      pos++
    }
    if (pos === st.pos) return false
    st.pos = pos
    return setField(st, F_NANO, nanos)
  }
}

function signAllowed(sign: number, positive: boolean): boolean {
  return sign === EXCEEDS_PAD || (sign === NORMAL && !positive)
}

// java.time's NumberPrinterParser.parse in strict mode, including the two-pass adjacent-value split.
function numberStep(spec: NumberSpec): Step {
  return (st) => {
    const { text } = st
    let position = st.pos
    if (position >= text.length) return false
    const c = text.charCodeAt(position)
    const positive = c === 43
    const negative = c === 45
    if (positive || negative) {
      if (!signAllowed(spec.sign, positive)) return false
      position++
    }
    const minEnd = position + spec.min
    if (minEnd > text.length) return false
    let maxWidth = spec.max + Math.max(spec.subsequent, 0)
    let total = 0
    let pos = position
    for (let pass = 0; pass < 2; pass++) {
      const maxEnd = Math.min(pos + maxWidth, text.length)
      while (pos < maxEnd) {
        const d = text.charCodeAt(pos) - 48
        if (d < 0 || d > 9) break
        total = total * 10 + d
        pos++
      }
      if (pos < minEnd) return false
      if (spec.subsequent <= 0 || pass === 1) break
      maxWidth = Math.max(spec.min, pos - position - spec.subsequent)
      pos = position
      total = 0
    }
    const width = pos - position
    if (negative) {
      if (total === 0) return false
      total = -total
    } else if (spec.sign === EXCEEDS_PAD && (positive ? width <= spec.min : width > spec.min)) return false
    if (spec.field === F_NANO) total *= 100_000_000
    // yy reads two digits as 2000-2099 (java.time's reduced value with base 2000).
    else if (spec.reduced && width === 2) total += 2000
    st.pos = pos
    return setField(st, spec.field, total)
  }
}
