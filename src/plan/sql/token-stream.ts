/**
 * A cursor over the tokens of one SQL text with the peek/accept/expect helpers every parser in
 * this folder is built from (expressions, types, and later whole statements).
 */
import type { SluiceError } from '../../errors.ts'
import { parseError, type Token, tokenize } from './lexer.ts'

export class TokenStream {
  readonly text: string
  protected readonly tokens: Token[]
  protected index = 0

  constructor(text: string) {
    this.text = text
    this.tokens = tokenize(text)
  }

  /** The token `ahead` places after the current one (the `eof` token past the end). */
  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]
  }

  /** Consumes and returns the current token. */
  next(): Token {
    const tok = this.peek()
    if (tok.kind !== 'eof') this.index++
    return tok
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof'
  }

  /** True when the token `ahead` is the unquoted keyword `word` (any case). */
  isKeyword(word: string, ahead = 0): boolean {
    const tok = this.peek(ahead)
    return tok.kind === 'ident' && tok.value.toUpperCase() === word
  }

  /** True when the token `ahead` is the operator `op`. */
  isOp(op: string, ahead = 0): boolean {
    const tok = this.peek(ahead)
    return tok.kind === 'op' && tok.value === op
  }

  /** Consumes the keyword when it is next. */
  acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false
    this.index++
    return true
  }

  /** Consumes the operator when it is next. */
  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false
    this.index++
    return true
  }

  expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) throw this.syntaxError(`expected ${word}`)
    return this.next()
  }

  expectOp(op: string): Token {
    if (!this.isOp(op)) throw this.syntaxError(`expected '${op}'`)
    return this.next()
  }

  /**
   * Consumes one `>` that closes a type like `array<array<int>>`, splitting a lexed `>>`/`>>>`
   * (and `>=`) so the remaining characters stay in the stream.
   */
  expectCloseAngle(): void {
    const tok = this.peek()
    if (tok.kind === 'op' && tok.value.length > 1 && tok.value[0] === '>') {
      this.tokens[this.index] = { kind: 'op', value: tok.value.slice(1), start: tok.start + 1, end: tok.end }
      return
    }
    this.expectOp('>')
  }

  /** An identifier name (quoted or not); `what` names it in the error. */
  expectIdentifier(what: string): string {
    const tok = this.peek()
    if (tok.kind !== 'ident' && tok.kind !== 'quotedIdent') throw this.syntaxError(`expected ${what}`)
    this.index++
    return tok.value
  }

  /** Fails unless every token was consumed. */
  expectEnd(): void {
    if (!this.atEnd()) throw this.syntaxError()
  }

  /** `Syntax error at or near 'x'` at the current token (or `tok`), with an optional hint. */
  syntaxError(hint?: string, tok: Token = this.peek()): SluiceError {
    const near = tok.kind === 'eof' ? 'end of input' : `'${this.text.slice(tok.start, tok.end)}'`
    return this.errorAt(`Syntax error at or near ${near}${hint ? `: ${hint}` : ''}`, tok)
  }

  /** A PARSE_ERROR with `message` pointing at `tok` (default: the current token). */
  errorAt(message: string, tok: Token = this.peek()): SluiceError {
    return parseError(message, this.text, tok.start, tok.end)
  }
}
