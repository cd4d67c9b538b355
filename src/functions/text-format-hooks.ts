/**
 * The CSV and JSON file-format code that `from_csv`, `to_csv`, `schema_of_csv` and
 * `schema_of_json` reuse. It lives in connectors/file/formats (a higher layer), so the session's
 * wiring registers it here at start-up instead of this layer importing it — one parser, one
 * inferrer, one writer for files and functions alike.
 */
import { SluiceError } from '../errors.ts'
import type { DataType, StructType } from '../schema/data-type.ts'

/** Options as Spark's CSV/JSON data source options (`sep`, `timestampFormat`, `mode`, ...). */
export type TextOptions = Readonly<Record<string, string>>

export interface TextFormatHooks {
  /** The parser of one CSV record into the row of `schema` (PERMISSIVE: bad fields NULL). */
  csvParser(schema: StructType, options: TextOptions, timeZone: string): (text: string) => unknown[]
  /** The writer of one row of `schema` (flat: atomic fields only) as one CSV record. */
  csvWriter(schema: StructType, options: TextOptions, timeZone: string): (row: readonly unknown[]) => string
  /** The schema Spark's CSV inference gives one record (`_c0`, `_c1`, ...). */
  inferCsv(text: string, options: TextOptions, timeZone: string): StructType
  /** The type Spark's JSON inference gives one JSON value. */
  inferJson(text: string, options: TextOptions, timeZone: string): DataType
}

let registered: TextFormatHooks | undefined

/** Called once by the session's wiring. */
export function registerTextFormatHooks(hooks: TextFormatHooks): void {
  registered = hooks
}

/** The registered hooks; `fn` names the function asking, for the error when there are none. */
export function textFormatHooks(fn: string): TextFormatHooks {
  if (registered === undefined) {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      `\`${fn}\` needs the CSV/JSON formats, which a Sluice session wires in: create one with Sluice.local() first.`,
    )
  }
  return registered
}
