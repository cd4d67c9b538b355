/**
 * The contract between the file source/sink and the format codecs (JSON lines, CSV, text,
 * Parquet): bytes of one whole file in, positional rows out, and back. Codecs are pure (no file
 * system): a reader or writer is compiled once per schema and option set, then called per file.
 *
 * Rows are arrays in schema field order holding Sluice values (see `schema/data-type.ts`). Bad input
 * follows Spark's parse modes (`mode`): PERMISSIVE keeps a malformed record as a row of partial
 * values plus its raw text in the corrupt-record column (when the schema has one), DROPMALFORMED
 * drops it, FAILFAST throws MALFORMED_RECORD. Every malformed record is also listed in
 * `DecodeResult.malformed`, so the caller can route it to a dead-letter output.
 */
import { SluiceError, typeMismatch } from '../../../errors.ts'
import { type StructType, simpleString } from '../../../schema/data-type.ts'
import type { ScanRequest } from './scan-request.ts'

export type FileFormatName = 'json' | 'csv' | 'text' | 'parquet'
export type ParseMode = 'PERMISSIVE' | 'DROPMALFORMED' | 'FAILFAST'
export type OptionMode = 'read' | 'write'

/** One record that could not be read as the schema says. */
export interface MalformedRecord {
  readonly file: string
  /** 1-based line of the file where the record starts. */
  readonly line: number
  /** 1-based position of the CSV token (or column) that failed, when known. */
  readonly column?: number
  /** The field name (CSV) or field path (JSON, e.g. `a.b[2]`) that failed, when known. */
  readonly field?: string
  /** The record's text as Spark keeps it in the corrupt-record column. */
  readonly raw: string
  /** What is wrong, e.g. `cannot read "x" as int`. */
  readonly error: string
}

export interface DecodeResult {
  readonly rows: unknown[][]
  readonly malformed: MalformedRecord[]
}

/** What a codec needs from the session. */
export interface FormatContext {
  /** The session time zone (Spark's `spark.sql.session.timeZone`); the `timeZone` option wins. */
  readonly timeZone: string
  /** Option keys the caller owns (`path`, `maxFilesPerTrigger`...): accepted here and ignored. */
  readonly callerOptions?: readonly string[]
}

/** One whole file, for schema inference. */
export interface FileInput {
  readonly bytes: Uint8Array
  readonly file: string
}

export interface FormatReader {
  /**
   * Decodes one whole file; `file` names it in errors and malformed records. Parquet is async.
   * `scan` lets a reader read less (Parquet reads only its columns, and skips row groups its
   * predicate cannot match); readers that cannot use it read everything.
   */
  decode(bytes: Uint8Array, file: string, scan?: ScanRequest): DecodeResult | Promise<DecodeResult>
}

export interface FormatWriter {
  /** The file name ending Spark uses for this format and compression: `.csv`, `.json.gz`, `.snappy.parquet`. */
  readonly extension: string
  /** Encodes rows (in schema field order) as one whole file. */
  encode(rows: readonly (readonly unknown[])[]): Uint8Array
}

export interface FileFormat {
  readonly name: FileFormatName
  /** The option keys this format reads (Spark's spelling; keys are case-insensitive). */
  readonly readOptions: readonly string[]
  /** The option keys this format writes with. */
  readonly writeOptions: readonly string[]
  /** Throws INVALID_OPTION for an unknown key (with suggestions) or a malformed value. */
  validateOptions(options: Readonly<Record<string, string>>, mode: OptionMode, ctx?: FormatContext): void
  /** Compiles a reader for one schema; throws for types or options the format cannot read. */
  reader(schema: StructType, options: Readonly<Record<string, string>>, ctx: FormatContext): FormatReader
  /** Compiles a writer for one schema; throws for types the format cannot write. */
  writer(schema: StructType, options: Readonly<Record<string, string>>, ctx: FormatContext): FormatWriter
  /** The schema Spark would infer from these files (batch reads without `.schema(...)`). */
  inferSchema(
    files: readonly FileInput[],
    options: Readonly<Record<string, string>>,
    ctx: FormatContext,
  ): StructType
}

/**
 * Reads Spark's `mode` option (case-insensitive). Spark falls back to PERMISSIVE for an unknown
 * name; Sluice rejects it, as it does any malformed option.
 *
 * @example
 * parseModeOf('dropmalformed', 'csv') // 'DROPMALFORMED'
 */
export function parseModeOf(raw: string | undefined, format: string): ParseMode {
  if (raw === undefined) return 'PERMISSIVE'
  const upper = raw.toUpperCase()
  if (upper === 'PERMISSIVE' || upper === 'DROPMALFORMED' || upper === 'FAILFAST') return upper
  throw new SluiceError(
    'INVALID_OPTION',
    `Invalid value '${raw}' for option 'mode' of the ${format} format: expected PERMISSIVE, DROPMALFORMED or FAILFAST.`,
  )
}

/**
 * The position of the corrupt-record column in `schema`, or -1 when it has none. Spark requires
 * that column to be a (nullable) string.
 *
 * @example
 * corruptColumnIndex(t.struct({ a: t.int(), _corrupt_record: t.string() }), '_corrupt_record') // 1
 */
export function corruptColumnIndex(schema: StructType, name: string): number {
  const i = schema.fields.findIndex((f) => f.name === name)
  if (i >= 0 && schema.fields[i].type.kind !== 'string') {
    throw typeMismatch(
      `The column \`${name}\` for corrupt records must have the nullable STRING type, but got ${simpleString(schema.fields[i].type)}. Change its type to string, or name another column with the columnNameOfCorruptRecord option.`,
    )
  }
  return i
}

/**
 * The FAILFAST error for a malformed record, naming file, line and field.
 *
 * @example
 * throw malformedRecordError('csv', { file: 'a.csv', line: 3, column: 2, field: 'b', raw: '1,x', error: 'cannot read "x" as int' })
 */
export function malformedRecordError(format: string, r: MalformedRecord): SluiceError {
  const where = r.field !== undefined ? `, field \`${r.field}\`` : ''
  const col = r.column !== undefined ? `, column ${r.column}` : ''
  const raw = r.raw.length > 200 ? r.raw.slice(0, 200) + '...' : r.raw
  return new SluiceError(
    'MALFORMED_RECORD',
    `Malformed ${format} record in file ${r.file} at line ${r.line}${col}${where}: ${r.error}. Record: ${raw}. ` +
      'Parse mode FAILFAST stops at the first malformed record; fix the data, or set mode to PERMISSIVE (nulls plus the raw text in a corrupt-record column) or DROPMALFORMED (skip it).',
  )
}

/**
 * Collects the rows and malformed records of one file and applies the parse mode: FAILFAST
 * throws, DROPMALFORMED drops, PERMISSIVE keeps the partial row with the raw text in the
 * corrupt-record column.
 */
export class DecodeSink {
  readonly rows: unknown[][] = []
  readonly malformed: MalformedRecord[] = []
  /** Set by a text reader when the file held invalid UTF-8 (replaced by U+FFFD). */
  invalidUtf8 = false
  private readonly format: string
  private readonly mode: ParseMode
  private readonly corrupt: number

  constructor(format: string, mode: ParseMode, corrupt: number) {
    this.format = format
    this.mode = mode
    this.corrupt = corrupt
  }

  /** Records a malformed record; `partial` is the row of what did convert (nulls elsewhere). */
  bad(record: MalformedRecord, partial: unknown[]): void {
    if (this.mode === 'FAILFAST') throw malformedRecordError(this.format, record)
    this.malformed.push(record)
    if (this.mode === 'DROPMALFORMED') return
    if (this.corrupt >= 0) partial[this.corrupt] = record.raw
    this.rows.push(partial)
  }

  /** The rows and malformed records collected. */
  result(): DecodeResult {
    return { rows: this.rows, malformed: this.malformed }
  }

  /** A malformed record that stands for several rows (a JSON array of objects): each keeps the raw text. */
  badRows(record: MalformedRecord, partials: readonly unknown[][]): void {
    if (this.mode === 'FAILFAST') throw malformedRecordError(this.format, record)
    this.malformed.push(record)
    if (this.mode === 'DROPMALFORMED') return
    for (const row of partials) {
      if (this.corrupt >= 0) row[this.corrupt] = record.raw
      this.rows.push(row)
    }
  }
}

/**
 * The error for a column type a format cannot hold (Spark's UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE).
 *
 * @example
 * throw unsupportedType('CSV', 'tags', t.array(t.string()))
 */
export function unsupportedType(
  format: string,
  column: string,
  type: StructType['fields'][number]['type'],
): SluiceError {
  return new SluiceError(
    'UNSUPPORTED_OPERATION',
    `The ${format} format doesn't support the column \`${column}\` of the type ${simpleString(type).toUpperCase()}. ` +
      'Convert it first (e.g. to_json for nested values), or use the json or parquet format.',
  )
}
