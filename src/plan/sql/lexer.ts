/**
 * The SQL lexer: turns text into tokens that carry their start/end offsets, so every parse error
 * can point at the exact spot. Keywords are not a separate token kind: the parser compares
 * unquoted identifiers case-insensitively, as Spark's case-insensitive grammar does.
 */
import { SluiceError } from '../../errors.ts'

export type TokenKind = 'ident' | 'quotedIdent' | 'string' | 'number' | 'op' | 'eof'

export interface Token {
  readonly kind: TokenKind
  /** Identifier name (backquotes removed), unescaped string value, raw number text, or operator. */
  readonly value: string
  /** Offset of the first character in the source text. */
  readonly start: number
  /** Offset just past the last character. */
  readonly end: number
}

// Longest first, so `<=>` wins over `<=` and `>>>` over `>>`.
const OPERATORS = [
  '<=>',
  '>>>',
  '<=',
  '>=',
  '<>',
  '!=',
  '==',
  '||',
  '<<',
  '>>',
  '::',
  '->',
  '=>',
  '(',
  ')',
  '[',
  ']',
  ',',
  '.',
  '*',
  '/',
  '%',
  '+',
  '-',
  '~',
  '!',
  '=',
  '<',
  '>',
  '&',
  '|',
  '^',
  ':',
  ';',
  '?',
]

const IDENT_RE = /[\p{L}_][\p{L}\p{N}_]*/uy
const WORD_RE = /[\p{L}\p{N}_]+/uy
// Spark's numeric literal shapes: digits, decimal digits, optional exponent, optional type suffix.
const NUMBER_RE = /(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?(?:bd|[dflsy])?/iy
const INTEGRAL_SUFFIX_RE = /^\d+[lsy]$/i

/**
 * Builds a PARSE_ERROR pointing at `start..end` of `text`, with the line and a caret underneath.
 *
 * @example
 * throw parseError('Syntax error at or near \')\'', 'f(a))', 4, 5)
 */
export function parseError(message: string, text: string, start: number, end = start + 1): SluiceError {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1
  const nl = text.indexOf('\n', start)
  const lineEnd = nl === -1 ? text.length : nl
  const line = text.slice(lineStart, lineEnd)
  const lineNo = text.slice(0, lineStart).split('\n').length
  const where = text.includes('\n') ? `line ${lineNo}, position ${start - lineStart}` : `position ${start}`
  const width = Math.max(1, Math.min(end, lineEnd) - start)
  const caret = `${' '.repeat(start - lineStart)}${'^'.repeat(width)}`
  return new SluiceError('PARSE_ERROR', `${message} (${where})\n  ${line}\n  ${caret}`)
}

/**
 * Splits SQL text into tokens, ending with one `eof` token. Skips whitespace, `-- line` and
 * (nestable) `/* block *\/` comments.
 *
 * @example
 * tokenize('a + 1').map((t) => t.value) // ['a', '+', '1', '']
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (true) {
    i = skipSpaceAndComments(text, i)
    if (i >= text.length) break
    const tok = nextToken(text, i)
    tokens.push(tok)
    i = tok.end
  }
  tokens.push({ kind: 'eof', value: '', start: text.length, end: text.length })
  return tokens
}

function skipSpaceAndComments(text: string, from: number): number {
  let i = from
  while (i < text.length) {
    const ch = text[i]
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f') i++
    else if (ch === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i)
      i = nl === -1 ? text.length : nl + 1
    } else if (ch === '/' && text[i + 1] === '*') i = skipBlockComment(text, i)
    else break
  }
  return i
}

function skipBlockComment(text: string, from: number): number {
  let depth = 0
  let i = from
  while (i < text.length) {
    if (text.startsWith('/*', i)) {
      depth++
      i += 2
    } else if (text.startsWith('*/', i)) {
      depth--
      i += 2
      if (depth === 0) return i
    } else i++
  }
  throw parseError('Unclosed comment: add the closing */', text, from, from + 2)
}

function nextToken(text: string, i: number): Token {
  const ch = text[i]
  if (ch === "'" || ch === '"') return readString(text, i, i, false)
  if (ch === '`') return readQuotedIdent(text, i)
  if ((ch === 'r' || ch === 'R') && (text[i + 1] === "'" || text[i + 1] === '"')) {
    return readString(text, i, i + 1, true)
  }
  if (isDigit(ch) || (ch === '.' && isDigit(text[i + 1]))) {
    const num = readNumber(text, i)
    if (num) return num
  }
  IDENT_RE.lastIndex = i
  const ident = IDENT_RE.exec(text)
  if (ident) return { kind: 'ident', value: ident[0], start: i, end: i + ident[0].length }
  for (const op of OPERATORS) {
    if (text.startsWith(op, i)) return { kind: 'op', value: op, start: i, end: i + op.length }
  }
  throw parseError(`Unexpected character '${ch}'`, text, i)
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9'
}

/** A number token, or an identifier when a longer word starts with digits (`1day`, as in Spark). */
function readNumber(text: string, i: number): Token | null {
  NUMBER_RE.lastIndex = i
  let raw = NUMBER_RE.exec(text)?.[0] ?? ''
  // `1.5L` is not a bigint: the suffix then starts the next token, as in Spark's lexer.
  if (/[lsy]$/i.test(raw) && !INTEGRAL_SUFFIX_RE.test(raw)) raw = raw.slice(0, -1)
  WORD_RE.lastIndex = i
  const word = isDigit(text[i]) ? (WORD_RE.exec(text)?.[0] ?? '') : ''
  if (word.length > raw.length) return { kind: 'ident', value: word, start: i, end: i + word.length }
  if (raw === '') return null
  return { kind: 'number', value: raw, start: i, end: i + raw.length }
}

function readQuotedIdent(text: string, start: number): Token {
  let value = ''
  let i = start + 1
  while (i < text.length) {
    if (text[i] === '`') {
      if (text[i + 1] !== '`') return { kind: 'quotedIdent', value, start, end: i + 1 }
      value += '`'
      i += 2
    } else value += text[i++]
  }
  throw parseError('Unclosed backquoted identifier: add the closing `', text, start)
}

/** Reads a quoted string; `quoteAt` is the opening quote (after an `r` prefix for raw strings). */
function readString(text: string, start: number, quoteAt: number, raw: boolean): Token {
  const quote = text[quoteAt]
  let value = ''
  let i = quoteAt + 1
  while (i < text.length) {
    const ch = text[i]
    if (ch === quote) {
      // A doubled quote stands for one quote character (`'it''s'`), as in Spark 4.
      if (text[i + 1] !== quote) return { kind: 'string', value, start, end: i + 1 }
      value += quote
      i += 2
    } else if (ch === '\\' && !raw && i + 1 < text.length) {
      const [s, used] = unescapeAt(text, i)
      value += s
      i += used
    } else {
      value += ch
      i++
    }
  }
  throw parseError(`Unclosed string literal: add the closing ${quote}`, text, start)
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\u0000',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\u001a',
  // Spark keeps the backslash before % and _ so LIKE patterns can escape them.
  '%': '\\%',
  _: '\\_',
}

/** Spark's `unescapeSQLString` for one escape at `i` (a backslash): [text, characters used]. */
function unescapeAt(text: string, i: number): [string, number] {
  const next = text[i + 1]
  if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
    return [String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16)), 6]
  }
  if (next === 'U' && /^[0-9a-fA-F]{8}$/.test(text.slice(i + 2, i + 10))) {
    return [String.fromCodePoint(Number.parseInt(text.slice(i + 2, i + 10), 16)), 10]
  }
  if (/^[01][0-7]{2}$/.test(text.slice(i + 1, i + 4))) {
    return [String.fromCharCode(Number.parseInt(text.slice(i + 1, i + 4), 8)), 4]
  }
  return [SIMPLE_ESCAPES[next] ?? next, 2]
}
