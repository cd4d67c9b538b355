/**
 * The CSV tokenizer for a delimiter of several characters (`sep` = `||`), a port of univocity's
 * `parseMultiDelimiterRecord`: the delimiter is matched one character at a time, and a partial
 * match that fails is kept as part of the value.
 */
import { CsvTokenizer, type CsvTokenizerSettings, type QuotedRules } from './csv-tokenizer.ts'

export class CsvMultiDelimiterTokenizer extends CsvTokenizer {
  private readonly md: string
  private match = 0

  constructor(cfg: CsvTokenizerSettings) {
    super(cfg)
    this.md = cfg.delimiter
  }

  protected override reset(s: string, from: number, to: number): void {
    super.reset(s, from, to)
    this.match = 0
  }

  protected override parseRecord(): void {
    if (this.cfg.ignoreLeading && this.isWs(this.ch)) this.skipWhitespaceMulti()
    while (this.ch !== this.nl) {
      if (this.cfg.ignoreLeading && this.isWs(this.ch)) this.skipWhitespaceMulti()
      if (this.ch === this.nl || this.matchDelimiter()) {
        this.emptyParsed()
      } else {
        this.unescaped = false
        this.prev = 0
        if (this.ch === this.quote && this.quote !== 0 && this.bufLength() === 0) {
          this.trim = false
          this.quoted = true
          this.parseQuotedValue()
          this.valueParsed()
        } else {
          this.appendUntilMultiDelimiter()
          if (this.cfg.ignoreTrailing) this.updateWhitespace()
          this.valueParsed()
        }
      }
      if (this.ch !== this.nl) {
        this.ch = this.nextChar()
        if (this.ch === this.nl) this.emptyParsed()
      }
    }
  }

  private skipWhitespaceMulti(): void {
    while (
      this.isWs(this.ch) &&
      this.match < this.md.length &&
      this.ch !== this.nl &&
      this.ch !== this.quote
    ) {
      this.ch = this.nextChar()
      if (this.md.charCodeAt(this.match) === this.ch && this.matchDelimiter()) {
        this.emptyParsed()
        this.ch = this.nextChar()
      }
    }
    this.saveMatchingCharacters()
  }

  private saveMatchingCharacters(): void {
    if (this.match > 0) {
      if (this.match < this.md.length) this.buf += this.md.slice(0, this.match)
      this.match = 0
    }
  }

  private matchDelimiter(): boolean {
    if (this.matchDelimiterAfterQuote()) return true
    if (this.match > 0) this.saveMatchingCharacters()
    return false
  }

  private matchDelimiterAfterQuote(): boolean {
    const md = this.md
    while (this.ch === md.charCodeAt(this.match)) {
      this.match++
      if (this.match === md.length) break
      this.ch = this.nextChar()
    }
    if (this.match === md.length) {
      this.match = 0
      return true
    }
    return false
  }

  private appendUntilMultiDelimiter(): void {
    const md = this.md
    while (this.match < md.length && this.ch !== this.nl) {
      if (md.charCodeAt(this.match) === this.ch) {
        this.match++
        if (this.match === md.length) break
      } else {
        if (this.match > 0) {
          this.saveMatchingCharacters()
          continue
        }
        this.appendChar(this.ch)
      }
      this.ch = this.nextChar()
    }
    this.saveMatchingCharacters()
  }

  protected override skipValue(): void {
    this.buf = ''
    this.ws = 0
    const md = this.md
    for (; this.match < md.length && this.ch !== this.nl; this.ch = this.nextChar()) {
      this.match = md.charCodeAt(this.match) === this.ch ? this.match + 1 : 0
    }
  }

  protected override consumeValueOnEnd(): boolean {
    const out = super.consumeValueOnEnd()
    if (this.match > 0) {
      this.saveMatchingCharacters()
      return true
    }
    return out
  }

  private readonly multiQuotedRules: QuotedRules = {
    atDelimiter: () => this.matchDelimiter(),
    appendToDelimiter: () => this.appendUntilMultiDelimiter(),
    afterClosingQuote: () => this.afterClosingQuoteMulti(),
  }

  protected override quotedRules(): QuotedRules {
    return this.multiQuotedRules
  }

  private afterClosingQuoteMulti(): void {
    if (this.ch === this.nl || !this.isWs(this.ch) || this.matchDelimiterAfterQuote()) return
    let spaces = ''
    do {
      spaces += String.fromCharCode(this.ch)
      this.ch = this.nextChar()
      if (this.ch === this.nl || this.matchDelimiterAfterQuote()) return
    } while (this.isWs(this.ch))
    if (this.cfg.quoteHandling !== 'RAISE_ERROR' && !this.matchDelimiterAfterQuote()) {
      this.buf += String.fromCharCode(this.quote) + spaces
      if (this.untilDelimiter || (this.ch !== this.quote && this.ch !== this.esc)) this.appendChar(this.ch)
      this.prev = this.ch
      // NOTE: the value goes on with the one-character rules here, as this tokenizer always has.
      this.parseQuotedValue(this.singleQuotedRules)
    }
  }
}
