/**
 * Spark datetime patterns (https://spark.apache.org/docs/latest/sql-ref-datetime-pattern.html) read into
 * tokens, with Spark 4's checks: its own rejections (`DateTimeFormatterHelper.convertIncompatiblePattern`)
 * followed by java.time's `DateTimeFormatterBuilder.appendPattern` letter-count rules.
 */
import { SluiceError } from '../../errors.ts'

/** A piece of a compiled pattern. Optional sections (`[...]`) nest. */
export type PatternToken =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: string; readonly count: number }
  | { readonly kind: 'optional'; readonly tokens: readonly PatternToken[] }

/** A checked pattern: its tokens, and whether `y` means year-of-era (the pattern has an era `G`). */
export interface CompiledPattern {
  readonly pattern: string
  readonly tokens: readonly PatternToken[]
  /** True when the pattern contains `G`; Spark then reads `y` as year-of-era, else as proleptic year. */
  readonly hasEra: boolean
}

// Spark rejects week-based fields since 3.0 (SPARK-31892) and these letters outright (SPARK-36970).
const WEEK_BASED = 'YWwuec'
const UNSUPPORTED = 'ABnNp'
const FORMAT_ONLY = 'EFqQ'
// Letters java.time knows that neither Spark's docs nor Sluice support.
const NOT_IN_SPARK_DOCS = 'gv'
// Highest letter count java.time accepts, per letter (V must be exactly 2, O is 1 or 4).
const MAX_COUNT: Readonly<Record<string, number>> = {
  G: 4,
  y: 6,
  M: 4,
  L: 4,
  Q: 4,
  q: 4,
  E: 4,
  D: 3,
  d: 2,
  F: 1,
  a: 1,
  h: 2,
  K: 2,
  k: 2,
  H: 2,
  m: 2,
  s: 2,
  S: 9,
  V: 2,
  z: 4,
  O: 4,
  X: 5,
  x: 5,
  Z: 5,
}

const CACHE = new Map<string, CompiledPattern>()

/**
 * Reads and checks a Spark datetime pattern (cached). Throws `INVALID_PATTERN` naming the offending
 * letter for letters Spark rejects (week-based `Y w W u e c`, `A B n N p`, and `E F q Q` when parsing),
 * for too many letters (`MMMMM`, `yyyyyyy`, `dd d` is fine but `ddd` is not), and for malformed quoting.
 *
 * @example compilePattern('yyyy-MM-dd', false).tokens.length // 5
 */
export function compilePattern(pattern: string, forParsing: boolean): CompiledPattern {
  const key = (forParsing ? 'p' : 'f') + pattern
  let compiled = CACHE.get(key)
  if (compiled === undefined) {
    const state = { pattern, forParsing, pos: 0, hasEra: false }
    const tokens = readTokens(state, false)
    compiled = Object.freeze({ pattern, tokens, hasEra: state.hasEra })
    if (CACHE.size >= 512) CACHE.clear()
    CACHE.set(key, compiled)
  }
  return compiled
}

interface ReadState {
  readonly pattern: string
  readonly forParsing: boolean
  pos: number
  hasEra: boolean
}

function readTokens(state: ReadState, inOptional: boolean): PatternToken[] {
  const { pattern } = state
  const tokens: PatternToken[] = []
  while (state.pos < pattern.length) {
    const ch = pattern[state.pos]
    if (isLetter(ch)) {
      let end = state.pos + 1
      while (end < pattern.length && pattern[end] === ch) end++
      tokens.push(fieldToken(state, ch, end - state.pos))
      state.pos = end
    } else if (ch === "'") {
      tokens.push({ kind: 'literal', text: readQuoted(state) })
    } else if (ch === '[') {
      state.pos++
      tokens.push({ kind: 'optional', tokens: readTokens(state, true) })
    } else if (ch === ']') {
      if (!inOptional) throw invalid(pattern, "it has a ']' without an opening '['.")
      state.pos++
      return tokens
    } else if (ch === '{' || ch === '}' || ch === '#') {
      throw invalid(pattern, `'${ch}' is reserved; quote it ('${ch}') to use it as text.`)
    } else {
      tokens.push({ kind: 'literal', text: ch })
      state.pos++
    }
  }
  return tokens
}

function readQuoted(state: ReadState): string {
  const { pattern } = state
  let i = state.pos + 1
  if (pattern[i] === "'") {
    state.pos = i + 1
    return "'"
  }
  let text = ''
  for (;;) {
    if (i >= pattern.length) throw invalid(pattern, 'it ends inside a quoted literal; close it with a quote.')
    if (pattern[i] === "'") {
      if (pattern[i + 1] !== "'") break
      i++ // '' inside quotes is one quote
    }
    text += pattern[i]
    i++
  }
  state.pos = i + 1
  return text
}

function fieldToken(state: ReadState, letter: string, count: number): PatternToken {
  const { pattern } = state
  if (WEEK_BASED.includes(letter)) {
    throw invalid(
      pattern,
      `the week-based letter '${letter}' is not supported since Spark 3.0; use weekofyear(), dayofweek() ` +
        'or extract() instead.',
    )
  }
  if (UNSUPPORTED.includes(letter) || NOT_IN_SPARK_DOCS.includes(letter)) {
    throw invalid(pattern, `the letter '${letter}' is not supported.`)
  }
  if (state.forParsing && FORMAT_ONLY.includes(letter)) {
    throw invalid(pattern, `the letter '${letter}' can only be used for formatting, not for parsing.`)
  }
  const max = MAX_COUNT[letter]
  if (max === undefined) throw invalid(pattern, `'${letter}' is not a pattern letter; quote text like 'T'.`)
  if (count > max || (letter === 'V' && count !== 2) || (letter === 'O' && count !== 1 && count !== 4)) {
    throw invalid(pattern, `'${letter.repeat(count)}' has the wrong number of '${letter}' letters.`)
  }
  if (letter === 'G') state.hasEra = true
  return { kind: 'field', letter, count }
}

function isLetter(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
}

function invalid(pattern: string, why: string): SluiceError {
  return new SluiceError(
    'INVALID_PATTERN',
    `Invalid datetime pattern '${pattern}': ${why} See https://spark.apache.org/docs/latest/sql-ref-datetime-pattern.html`,
  )
}
