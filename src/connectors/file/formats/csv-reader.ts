/**
 * Reads whole CSV files into rows, as Spark's CSV source does. Line mode (the default) splits the
 * file into lines first (`\n`, `\r\n`, `\r` or `lineSep`), skips blank lines (Java `trim` empty)
 * and comment lines, drops each file's first line when `header` is set, and tokenizes each line on
 * its own, so a quoted value cannot span lines; `multiLine` tokenizes the whole file instead.
 *
 * A record is malformed when it has more or fewer values than the schema has columns (the corrupt
 * column aside) or when a value does not convert; Spark still converts every other value, so a
 * PERMISSIVE row keeps them, with nulls for the missing and failed ones.
 */
import { SluiceError } from '../../../errors.ts'
import type { DataType, StructType } from '../../../schema/data-type.ts'
import { decompressByName } from './compression.ts'
import { CsvMultiDelimiterTokenizer } from './csv-multi-tokenizer.ts'
import type { CsvReadSettings } from './csv-options.ts'
import { CsvTokenizeError, CsvTokenizer, csvLimitError } from './csv-tokenizer.ts'
import { CSV_BAD, csvFailureReason, csvTokenConverter, isCsvType, type TokenConverter } from './csv-values.ts'
import { corruptColumnIndex, DecodeSink, type FormatReader, unsupportedType } from './format.ts'
import { decodeText, splitLines } from './text-bytes.ts'

/** A tokenizer for these settings (the multi-character delimiter has its own). */
export function csvTokenizer(s: CsvReadSettings): CsvTokenizer {
  return s.tokenizer.delimiter.length > 1
    ? new CsvMultiDelimiterTokenizer(s.tokenizer)
    : new CsvTokenizer(s.tokenizer)
}

/** True for a line Spark skips: empty after Java's `trim`. */
export function isBlankLine(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) > 32) return false
  return true
}

/**
 * Visits each record of one file's text: `(tokens, raw, line)`, blank and comment lines skipped,
 * the header (the first record) passed to `onHeader` when `header` is set.
 */
export function forEachCsvRecord(
  text: string,
  file: string,
  s: CsvReadSettings,
  visit: (tokens: string[], raw: string, line: number) => void,
  onHeader?: (tokens: string[], line: number) => void,
): void {
  const tk = csvTokenizer(s)
  let header = s.header
  const emit = (tokens: string[], raw: string, line: number): void => {
    if (header) {
      header = false
      onHeader?.(tokens, line)
    } else {
      visit(tokens, raw, line)
    }
  }
  let line = 0
  try {
    if (s.multiLine) {
      tk.startText(text)
      for (let tokens = tk.nextRecord(s.comment); tokens !== null; tokens = tk.nextRecord(s.comment)) {
        line = tk.recordLine
        emit(tokens, tk.recordText(), line)
      }
      return
    }
    const lines = splitLines(text, s.lineSep)
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]
      if (isBlankLine(raw) || (s.comment !== 0 && raw.charCodeAt(0) === s.comment)) continue
      line = i + 1
      emit(tk.tokenizeLine(raw, 0, raw.length), raw, line)
    }
  } catch (e) {
    if (e instanceof CsvTokenizeError) throw csvLimitError(file, line, e)
    throw e
  }
}

/**
 * Compiles the reader of one schema: converters per column, computed once.
 *
 * @example
 * compileCsvReader(t.struct({ a: t.int() }), csvOptions({}, 'read', ctx)).decode(bytes, 'a.csv')
 */
export function compileCsvReader(schema: StructType, s: CsvReadSettings): FormatReader {
  const corrupt = corruptColumnIndex(schema, s.corruptName)
  const cols = schema.fields.map((f, i) => ({ f, i })).filter(({ i }) => i !== corrupt)
  for (const { f } of cols) if (!isCsvType(f.type)) throw unsupportedType('CSV', f.name, f.type)
  const names = cols.map((c) => c.f.name)
  const types: DataType[] = cols.map((c) => c.f.type)
  const target = Int32Array.from(cols.map((c) => c.i))
  const convs: TokenConverter[] = cols.map((c) => csvTokenConverter(c.f.type, s))
  const width = cols.length
  const template: unknown[] = new Array(schema.fields.length).fill(null)
  const nullValue = s.tokenizer.nullValue

  const convert = (tokens: string[], raw: string, line: number, file: string, sink: DecodeSink): void => {
    const row = template.slice()
    let error: string | null = null
    let column: number | undefined
    // NOTE: the file held invalid UTF-8 (decoded as U+FFFD); a record showing U+FFFD is taken to
    // hold those bytes (a file with both invalid bytes and a literal U+FFFD reports that record too).
    if (sink.invalidUtf8 && raw.includes('\uFFFD')) error = 'the record is not valid UTF-8'
    else if (tokens.length !== width) {
      error = `the record has ${tokens.length} value${tokens.length === 1 ? '' : 's'} but the schema has ${width} column${width === 1 ? '' : 's'}`
    }
    const n = Math.min(tokens.length, width)
    for (let k = 0; k < n; k++) {
      const tok = tokens[k]
      if (tok === nullValue) continue
      const v = convs[k](tok)
      if (v !== CSV_BAD) {
        row[target[k]] = v
      } else if (error === null) {
        error = csvFailureReason(types[k], tok)
        column = k + 1
      }
    }
    if (error === null) sink.rows.push(row)
    else
      sink.bad(
        { file, line, column, field: column === undefined ? undefined : names[column - 1], raw, error },
        row,
      )
  }

  const checkHeader = (tokens: string[], line: number, file: string): void => {
    if (s.enforceSchema) return
    const ok = tokens.length === width && tokens.every((h, i) => h.toLowerCase() === names[i].toLowerCase())
    if (ok) return
    throw new SluiceError(
      'INVALID_SCHEMA',
      `The CSV header of ${file} (line ${line}) does not conform to the schema: header ${tokens.join(', ')}; schema ${names.join(', ')}. ` +
        'Fix the schema or the file, or set enforceSchema to true to ignore header names.',
    )
  }

  return {
    decode(bytes, file) {
      const sink = new DecodeSink('CSV', s.mode, corrupt)
      const { text, valid } = decodeText(decompressByName(bytes, file), s.encoding, true)
      sink.invalidUtf8 = !valid
      forEachCsvRecord(
        text,
        file,
        s,
        (tokens, raw, line) => convert(tokens, raw, line, file, sink),
        (tokens, line) => checkHeader(tokens, line, file),
      )
      return sink.result()
    },
  }
}
