/**
 * from_json, to_json and get_json_object, wired from util/json with a time codec built on the
 * session time zone (Spark's defaults: timestamps written as yyyy-MM-dd'T'HH:mm:ss.SSSXXX, read with
 * Spark's lenient cast grammar; dates as yyyy-MM-dd).
 */
import { SluiceError } from '../errors.ts'
import { parseSchemaDDL, parseType } from '../plan/sql/type-parser.ts'
import { type DataType, t } from '../schema/data-type.ts'
import { typeFromJson } from '../schema/schema-json.ts'
import {
  castStringToDate,
  castStringToTimestamp,
  compileFormatter,
  dateToString,
} from '../util/time/index.ts'
import type { BoundExpr } from './bound-expr.ts'
import { argTypeError, implicitCast, requireFoldable, scalar } from './define.ts'
import type { FunctionDef } from './function-def.ts'
import {
  compileFromJson,
  compileToJson,
  getJsonObject,
  type JsonTimeCodec,
  validateFromJsonMode,
} from './json/index.ts'

const JSON_TIMESTAMP = compileFormatter("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")

function timeCodec(zone: string): JsonTimeCodec {
  return {
    parseTimestamp: (text) => castStringToTimestamp(text, zone),
    parseDate: castStringToDate,
    formatTimestamp: (ms) => JSON_TIMESTAMP(ms, zone),
    formatDate: dateToString,
  }
}

/** A schema given as Spark schema JSON, a DDL string (`a INT, b STRING`) or a type (`array<int>`). */
export function schemaFromText(text: string): DataType {
  const s = text.trim()
  if (s.startsWith('{')) return typeFromJson(JSON.parse(s))
  try {
    return parseSchemaDDL(s)
  } catch (ddlError) {
    try {
      return parseType(s)
    } catch {
      throw ddlError
    }
  }
}

/** Options passed as a literal map (`map('mode', 'FAILFAST')`) or, from the API, a JS object. */
function optionsOf(arg: BoundExpr | undefined): Record<string, string> {
  if (arg === undefined) return {}
  const v = requireFoldable('from_json', 2, arg)
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), String(x)]))
  if (v !== null && typeof v === 'object') return v as Record<string, string>
  throw new SluiceError(
    'INVALID_ARGUMENT',
    'from_json: options must be a map of strings, e.g. { mode: "FAILFAST" }.',
  )
}

const KNOWN_OPTIONS = new Set([
  'mode',
  'columnNameOfCorruptRecord',
  'allowNumericLeadingZeros',
  'allowNonNumericNumbers',
  'allowSingleQuotes',
  'allowUnquotedControlChars',
])
const bool = (v: string | undefined) => (v === undefined ? undefined : v.toLowerCase() === 'true')

export const JSON_FUNCTIONS: readonly FunctionDef[] = [
  scalar('from_json', [2, 3], (args, ctx) => {
    const text = implicitCast('from_json', 0, args[0], t.string())
    const schemaArg = requireFoldable('from_json', 1, args[1])
    if (typeof schemaArg !== 'string') throw argTypeError('from_json', 1, args[1], 'a schema string')
    const type = schemaFromText(schemaArg)
    const opts = optionsOf(args[2])
    for (const k of Object.keys(opts)) {
      if (!KNOWN_OPTIONS.has(k))
        throw new SluiceError(
          'INVALID_ARGUMENT',
          `from_json: unknown option '${k}'. Known options: ${[...KNOWN_OPTIONS].join(', ')}.`,
        )
    }
    const parse = compileFromJson(type, {
      mode: validateFromJsonMode(opts.mode ?? 'PERMISSIVE'),
      columnNameOfCorruptRecord: opts.columnNameOfCorruptRecord,
      time: timeCodec(ctx.timeZone),
      allowNumericLeadingZeros: bool(opts.allowNumericLeadingZeros),
      allowNonNumericNumbers: bool(opts.allowNonNumericNumbers),
      allowSingleQuotes: bool(opts.allowSingleQuotes),
      allowUnquotedControlChars: bool(opts.allowUnquotedControlChars),
    })
    return { type, args: [text], nullable: true, impl: { kind: 'fn', fn: parse } }
  }),
  scalar('to_json', [1, 2], ([a], ctx) => {
    const fn = compileToJson(a.type, { time: timeCodec(ctx.timeZone) })
    return { type: t.string(), args: [a], nullable: a.nullable, impl: { kind: 'fn', fn } }
  }),
  scalar('get_json_object', [2, 2], ([json, path]) => ({
    type: t.string(),
    nullable: true,
    args: [
      implicitCast('get_json_object', 0, json, t.string()),
      implicitCast('get_json_object', 1, path, t.string()),
    ],
    impl: { kind: 'fn', fn: getJsonObject },
  })),
]
