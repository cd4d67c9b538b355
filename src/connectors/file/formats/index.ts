/**
 * The file format codecs of the file source and sink, by name: `json` (JSON lines), `csv`, `text`
 * and `parquet`. Each is pure (bytes in, bytes out); see `format.ts` for the contract.
 */
import { SluiceError, suggest } from '../../../errors.ts'
import { csvFormat } from './csv.ts'
import type { FileFormat, FileFormatName } from './format.ts'
import { jsonFormat } from './json.ts'
import { parquetFormat } from './parquet.ts'
import { textFormat } from './text.ts'

export { csvFormat } from './csv.ts'
export type {
  DecodeResult,
  FileFormat,
  FileFormatName,
  FileInput,
  FormatContext,
  FormatReader,
  FormatWriter,
  MalformedRecord,
  OptionMode,
  ParseMode,
} from './format.ts'
export { jsonFormat } from './json.ts'
export { parquetFormat } from './parquet.ts'
export { rowGroupMayMatch, type ScanCondition, type ScanRequest } from './scan-request.ts'
export { textFormat } from './text.ts'

const FORMATS: ReadonlyMap<string, FileFormat> = new Map<string, FileFormat>([
  ['json', jsonFormat],
  ['csv', csvFormat],
  ['text', textFormat],
  ['parquet', parquetFormat],
])

/** The names `fileFormat` knows. */
export const FILE_FORMAT_NAMES: readonly FileFormatName[] = Object.freeze(['json', 'csv', 'text', 'parquet'])

/**
 * The codec of a file format, by Spark's (case-insensitive) name.
 *
 * @example
 * fileFormat('CSV').name // 'csv'
 */
export function fileFormat(name: string): FileFormat {
  const f = FORMATS.get(name.toLowerCase())
  if (f !== undefined) return f
  const close = suggest(name, [...FORMATS.keys()])
  throw new SluiceError(
    'INVALID_ARGUMENT',
    `Unknown file format '${name}'.${close.length > 0 ? ` Did you mean '${close[0]}'?` : ''} Sluice reads and writes ${[...FORMATS.keys()].join(', ')}.`,
  )
}
