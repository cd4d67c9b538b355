/**
 * The CSV and JSON formats as the text functions need them (`from_csv`, `to_csv`,
 * `schema_of_csv`, `schema_of_json`): one record or value at a time, through the same reader,
 * writer and inference the file source and sink use. Registered into the functions layer by the
 * session's wiring (functions/text-format-hooks.ts).
 */

import type { TextFormatHooks, TextOptions } from '../../../functions/text-format-hooks.ts'
import type { StructType } from '../../../schema/data-type.ts'
import { csvFormat } from './csv.ts'
import { inferJsonTextType } from './json-infer.ts'
import { jsonOptions } from './json-options.ts'

const UTF8 = new TextEncoder()
const UTF8_DECODER = new TextDecoder()

function csvParser(schema: StructType, options: TextOptions, timeZone: string): (text: string) => unknown[] {
  const reader = csvFormat.reader(schema, { ...options, header: 'false' }, { timeZone })
  const empty = (): unknown[] => new Array(schema.fields.length).fill(null)
  return (text) => {
    const result = reader.decode(UTF8.encode(text), 'from_csv')
    if (result instanceof Promise) throw new Error('the CSV reader is synchronous')
    // PERMISSIVE keeps a bad record's partial row; a blank record gives no row (all NULL, as Spark).
    return result.rows[0] ?? empty()
  }
}

function csvWriter(
  schema: StructType,
  options: TextOptions,
  timeZone: string,
): (row: readonly unknown[]) => string {
  const writer = csvFormat.writer(schema, { ...options, header: 'false', lineSep: '\n' }, { timeZone })
  return (row) => UTF8_DECODER.decode(writer.encode([row as unknown[]])).replace(/\n$/, '')
}

function inferCsv(text: string, options: TextOptions, timeZone: string): StructType {
  const files = [{ bytes: UTF8.encode(text), file: 'schema_of_csv' }]
  return csvFormat.inferSchema(
    files,
    { ...options, header: 'false', inferSchema: 'true' },
    { timeZone },
  ) as StructType
}

export const TEXT_FORMAT_FUNCTIONS: TextFormatHooks = Object.freeze({
  csvParser,
  csvWriter,
  inferCsv,
  inferJson: (text: string, options: TextOptions, timeZone: string) =>
    inferJsonTextType(text, jsonOptions(options, 'read', { timeZone })),
})
