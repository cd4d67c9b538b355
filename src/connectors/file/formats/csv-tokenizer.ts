/**
 * Splits one CSV record into tokens exactly as Spark's CSV reader does. Spark tokenizes with the
 * univocity parser, whose handling of quotes is idiosyncratic (an unescaped quote inside a quoted
 * value makes the raw text up to the next delimiter the value, whitespace after a closing quote is
 * dropped, an escape before a non-quote is kept...), so this is a port of univocity's
 * `CsvParser` state machine (single-character delimiter; see `csv-multi-tokenizer.ts` for longer
 * ones), checked against Spark 4.3 on generated input in the tests.
 *
 * Tokens are strings: an empty unquoted value is `nullValue`, an empty quoted one `emptyValue`,
 * so the caller's `token === nullValue` test gives Spark's nulls. Record boundaries are the
 * caller's in line mode; in multi-line mode (`multiLine`) newlines outside quotes end a record.
 */
import { CsvCharInput, CsvTokenizeError } from './csv-char-input.ts'

export {
  CsvTokenizeError,
  type CsvTokenizerSettings,
  csvLimitError,
  END_OF_INPUT,
  type UnescapedQuoteHandling,
} from './csv-char-input.ts'

export class CsvTokenizer extends CsvCharInput {
  protected override parseRecord(): void {
    const d = this.delim
    if (this.cfg.ignoreLeading && this.isWs(this.ch)) this.ch = this.skipWhitespace(this.ch, d, this.quote)
    while (this.ch !== this.nl) {
      if (this.cfg.ignoreLeading && this.isWs(this.ch)) this.ch = this.skipWhitespace(this.ch, d, this.quote)
      if (this.ch === d || this.ch === this.nl) {
        this.emptyParsed()
      } else {
        this.unescaped = false
        this.prev = 0
        if (this.ch === this.quote && this.quote !== 0) {
          const fast = this.buf.length === 0 ? this.quotedFast() : null
          if (fast !== null) {
            this.push(fast === '' ? this.cfg.emptyValue : fast)
            if (this.afterQuotedFast()) return
            continue
          }
          this.trim = false
          this.quoted = true
          this.parseQuotedValue()
          this.valueParsed()
        } else {
          this.parseUnquotedValue()
        }
      }
      if (this.ch !== this.nl) {
        this.ch = this.nextChar()
        if (this.ch === this.nl) this.emptyParsed()
      }
    }
  }

  /**
   * univocity's `getQuotedString`: a quoted value without escapes whose closing quote is followed
   * by the delimiter (or a line break) within the input; null sends it to the slow path, which
   * reads some inputs differently (e.g. `""` at the end of a line with the escape off is `"`).
   */
  private quotedFast(): string | null {
    const { s, end, quote, esc } = this
    let i = this.pos
    for (; ; i++) {
      if (i >= end) return null
      const c = s.charCodeAt(i)
      if (c === quote) {
        if (s.charCodeAt(i - 1) === esc) return null
        const next = i + 1 < end ? s.charCodeAt(i + 1) : -1
        if (next >= 0 && (next === this.delim || next === this.nl)) break
        return null
      }
      if (c === esc && i + 1 < end) {
        const next = s.charCodeAt(i + 1)
        if (next === quote || next === this.escEsc) return null
      } else if (this.nl >= 0 && (c === 10 || c === 13)) {
        // Line breaks inside quotes are normalized by the slow path.
        return null
      }
    }
    const value = s.slice(this.pos, i)
    this.pos = i + 1
    return value
  }

  /** Steps past the delimiter after a fast quoted value; true when the input ended. */
  private afterQuotedFast(): boolean {
    if (this.pos >= this.end) return true
    this.ch = this.nextChar()
    if (this.ch !== this.delim) return false
    if (this.pos >= this.end) {
      this.emptyParsed()
      return true
    }
    this.ch = this.nextChar()
    if (this.ch === this.nl) this.emptyParsed()
    return false
  }

  /** An unquoted value is taken as it is up to the delimiter (Spark does not unescape it). */
  protected parseUnquotedValue(): void {
    this.trim = this.cfg.ignoreTrailing
    // Fast path: a plain value ended by the delimiter within the record (the common case).
    if (this.buf.length === 0 && this.nl < 0) {
      const start = this.pos - 1
      const at = this.s.indexOf(this.cfg.delimiter, start)
      if (at >= 0 && at < this.end) {
        this.buf = this.s.slice(start, at)
        this.pos = at + 1
        this.ch = this.delim
        this.valueParsed()
        return
      }
      // The last value: the rest of the line, as the slow path reads it up to the end of input
      // (without its exception); `nl` as the current char ends the record.
      this.buf = this.s.slice(start, this.end)
      this.pos = this.end
      this.ch = this.nl
      this.valueParsed()
      return
    }
    this.ch = this.appendUntil(this.ch, this.delim, this.nl)
    this.valueParsed()
  }

  /** How a quoted value meets a one-character delimiter (the multi-delimiter tokenizer has its own). */
  protected readonly singleQuotedRules: QuotedRules = {
    atDelimiter: () => this.ch === this.delim,
    appendToDelimiter: () => {
      this.ch = this.appendUntil(this.ch, this.delim, this.nl)
    },
    afterClosingQuote: () => this.afterClosingQuote(),
  }

  /** The rules quoted values are read with. */
  protected quotedRules(): QuotedRules {
    return this.singleQuotedRules
  }

  /** Port of univocity's `parseQuotedValue`, for one- and multi-character delimiters (`rules`). */
  protected parseQuotedValue(rules: QuotedRules = this.quotedRules()): void {
    if (this.prev !== 0 && this.untilDelimiter) {
      if (this.cfg.quoteHandling === 'SKIP_VALUE') {
        this.skipValue()
        return
      }
      this.buf = String.fromCharCode(this.quote) + this.buf
      this.ch = this.nextChar()
      this.trim = this.cfg.ignoreTrailing
      rules.appendToDelimiter()
      return
    }
    this.ch = this.nextChar()
    for (;;) {
      if (this.prev === this.quote) {
        if (this.isWs(this.ch) || this.ch === this.nl) break
        // Only a delimiter right after a (closing) quote ends the value; inside quotes it is text.
        if (rules.atDelimiter()) return
      }
      if (this.ch !== this.quote && this.ch !== this.esc) {
        if (this.prev === this.quote) {
          // An unescaped quote: what follows depends on unescapedQuoteHandling.
          this.handleUnescapedQuote()
          return
        }
        if (this.prev === this.esc && this.esc !== 0) this.appendChar(this.esc)
        this.ch = this.appendUntil(this.ch, this.quote, this.esc, this.escEsc)
        this.prev = this.ch
        this.ch = this.nextChar()
      } else {
        this.processQuoteEscape()
        this.prev = this.ch
        this.ch = this.nextChar()
        if (this.unescaped && (this.ch === this.nl || rules.atDelimiter())) return
      }
    }
    rules.afterClosingQuote()
  }

  /** Whitespace after a closing quote is dropped; anything else after it joins the value. */
  private afterClosingQuote(): void {
    if (this.ch !== this.delim && this.ch !== this.nl && this.isWs(this.ch)) {
      let spaces = ''
      do {
        spaces += String.fromCharCode(this.ch)
        this.ch = this.nextChar()
        if (this.ch === this.nl) return
      } while (this.isWs(this.ch) && this.ch !== this.delim)
      if (this.ch !== this.delim && this.cfg.quoteHandling !== 'RAISE_ERROR') {
        this.buf += String.fromCharCode(this.quote) + spaces
        if (this.untilDelimiter || (this.ch !== this.quote && this.ch !== this.esc)) this.appendChar(this.ch)
        this.prev = this.ch
        this.parseQuotedValue(this.singleQuotedRules)
      }
    }
    if (this.ch !== this.delim && this.ch !== this.nl) {
      throw new CsvTokenizeError(
        `unexpected character '${String.fromCharCode(this.ch)}' after a quoted value`,
      )
    }
  }

  protected handleUnescapedQuote(): void {
    this.unescaped = true
    switch (this.cfg.quoteHandling) {
      case 'STOP_AT_CLOSING_QUOTE':
      case 'STOP_AT_DELIMITER':
        this.appendChar(this.quote)
        this.appendChar(this.ch)
        this.prev = this.ch
        this.parseQuotedValue()
        return
      default:
        this.handleValueSkipping(true)
    }
  }

  private handleValueSkipping(quoted: boolean): void {
    if (this.cfg.quoteHandling === 'SKIP_VALUE') {
      this.skipValue()
      return
    }
    throw new CsvTokenizeError(
      `unescaped quote character inside ${quoted ? 'a quoted' : 'a'} value (unescapedQuoteHandling RAISE_ERROR)`,
    )
  }

  protected skipValue(): void {
    this.buf = ''
    this.ws = 0
    let c = this.ch
    while (c !== this.delim && c !== this.nl) c = this.nextChar()
    this.ch = c
  }

  protected processQuoteEscape(): void {
    const { ch, prev, quote, esc, escEsc } = this
    if (ch === esc && prev === escEsc && escEsc !== 0) {
      this.appendChar(esc)
      this.ch = 0
    } else if (prev === esc) {
      // NOTE: no test for esc !== 0, as in univocity: with the escape off, a quote right after the
      // opening quote is read as escaped (Spark reads `""` as `"` then).
      if (ch === quote) {
        this.appendChar(quote)
        this.ch = 0
      } else {
        this.appendChar(prev)
      }
    } else if (ch === quote && prev === quote) {
      this.appendChar(quote)
    } else if (prev === quote) {
      this.handleUnescapedQuoteInValue()
    }
  }

  private handleUnescapedQuoteInValue(): void {
    if (
      this.cfg.quoteHandling === 'STOP_AT_DELIMITER' ||
      this.cfg.quoteHandling === 'STOP_AT_CLOSING_QUOTE'
    ) {
      this.appendChar(this.quote)
      this.prev = this.ch
      this.parseValueProcessingEscape()
      return
    }
    this.handleValueSkipping(false)
  }

  private parseValueProcessingEscape(): void {
    while (this.ch !== this.delim && this.ch !== this.nl) {
      if (this.ch !== this.quote && this.ch !== this.esc) {
        if (this.prev === this.quote) {
          this.handleUnescapedQuoteInValue()
          return
        }
        this.appendChar(this.ch)
      } else {
        this.processQuoteEscape()
      }
      this.prev = this.ch
      this.ch = this.nextChar()
    }
  }
}

/** Where a quoted value ends: the delimiter rules of one tokenizer. */
export interface QuotedRules {
  /** Whether the input is at a delimiter (a multi-character one is matched, consuming it). */
  atDelimiter(): boolean
  /** Appends the rest of the value up to the delimiter (after an unescaped quote). */
  appendToDelimiter(): void
  /** Reads what follows a closing quote. */
  afterClosingQuote(): void
}
