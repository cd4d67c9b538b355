/**
 * Spark SQL type names (for CAST, `::` and schema DDL strings) to Sluice data types.
 *
 * Sluice has fewer types than Spark, so some names map to the nearest one: char(n)/varchar(n) ->
 * string. `decimal`, `dec` and `numeric` are DECIMAL(p, s), default (10, 0) and (p, 0), as Spark.
 */
import {
  type DataType,
  field,
  type StructField,
  type StructType,
  structOf,
  t,
} from '../../schema/data-type.ts'
import { TokenStream } from './token-stream.ts'

const SIMPLE_TYPES: Record<string, () => DataType> = {
  string: t.string,
  boolean: t.boolean,
  tinyint: t.byte,
  byte: t.byte,
  smallint: t.short,
  short: t.short,
  int: t.int,
  integer: t.int,
  bigint: t.long,
  long: t.long,
  float: t.float,
  real: t.float,
  double: t.double,
  timestamp: t.timestamp,
  timestamp_ltz: t.timestamp,
  date: t.date,
  binary: t.binary,
  void: t.null,
}

const DAY_TIME_UNITS = new Set(['DAY', 'HOUR', 'MINUTE', 'SECOND'])

/**
 * Parses one data type at the stream's position (used by CAST, `::` and DDL parsing).
 *
 * @example
 * parseDataTypeFrom(new TokenStream('map<string, array<int>>'))
 */
export function parseDataTypeFrom(s: TokenStream): DataType {
  const tok = s.peek()
  if (tok.kind !== 'ident') throw s.syntaxError('expected a data type')
  const name = tok.value.toLowerCase()
  const simple = SIMPLE_TYPES[name]
  if (simple) {
    s.next()
    return simple()
  }
  switch (name) {
    case 'char':
    case 'varchar':
      s.next()
      s.expectOp('(')
      expectInteger(s)
      s.expectOp(')')
      return t.string()
    case 'decimal':
    case 'dec':
    case 'numeric':
      return parseDecimalType(s)
    case 'interval':
      return parseIntervalType(s)
    case 'array':
      return parseArrayType(s)
    case 'map':
      return parseMapType(s)
    case 'struct':
      return parseStructType(s)
    case 'timestamp_ntz':
      throw s.errorAt('TIMESTAMP_NTZ is not supported: Sluice timestamps are UTC instants; use TIMESTAMP')
    default:
      throw s.errorAt(`Unsupported data type "${tok.value.toUpperCase()}"`)
  }
}

function parseDecimalType(s: TokenStream): DataType {
  const tok = s.next()
  if (!s.acceptOp('(')) return t.decimal()
  const precision = expectInteger(s)
  const scale = s.acceptOp(',') ? expectInteger(s) : 0
  s.expectOp(')')
  if (precision < 1 || precision > 38 || scale > precision) {
    throw s.errorAt(
      `DECIMAL(${precision}, ${scale}) is not a decimal type: the precision must be 1 to 38 and the scale 0 to the precision`,
      tok,
    )
  }
  return t.decimal(precision, scale)
}

function expectInteger(s: TokenStream): number {
  const tok = s.peek()
  if (tok.kind !== 'number' || !/^\d+$/.test(tok.value)) throw s.syntaxError('expected an integer')
  s.next()
  return Number(tok.value)
}

function parseArrayType(s: TokenStream): DataType {
  s.next()
  s.expectOp('<')
  const element = parseDataTypeFrom(s)
  s.expectCloseAngle()
  return t.array(element)
}

function parseMapType(s: TokenStream): DataType {
  s.next()
  s.expectOp('<')
  const key = parseDataTypeFrom(s)
  s.expectOp(',')
  const value = parseDataTypeFrom(s)
  s.expectCloseAngle()
  return t.map(key, value)
}

function parseStructType(s: TokenStream): StructType {
  s.next()
  // `struct<>` (the empty struct) lexes `<>` as one token.
  if (s.acceptOp('<>')) return structOf([])
  s.expectOp('<')
  const fields: StructField[] = []
  if (!s.acceptOp('>')) {
    do fields.push(parseField(s, 'a struct field name'))
    while (s.acceptOp(','))
    s.expectCloseAngle()
  }
  return structOf(fields)
}

/** `name [:] type [NOT NULL] [COMMENT '...']`: a struct field or a DDL column. */
function parseField(s: TokenStream, what: string): StructField {
  const name = s.expectIdentifier(what)
  s.acceptOp(':')
  const type = parseDataTypeFrom(s)
  let nullable = true
  if (s.acceptKeyword('NOT')) {
    s.expectKeyword('NULL')
    nullable = false
  }
  if (s.acceptKeyword('COMMENT')) {
    if (s.peek().kind !== 'string') throw s.syntaxError('expected a quoted comment')
    s.next()
  }
  return field(name, type, nullable)
}

/** `interval`, `interval day to second`, `interval hour`: all day-time, held in milliseconds. */
function parseIntervalType(s: TokenStream): DataType {
  s.next()
  const from = s.peek()
  if (from.kind !== 'ident') return t.interval()
  const unit = from.value.toUpperCase()
  if (unit === 'YEAR' || unit === 'MONTH') {
    throw s.errorAt('Year-month intervals are not supported: Sluice intervals are day-time only')
  }
  if (!DAY_TIME_UNITS.has(unit)) return t.interval()
  s.next()
  if (s.acceptKeyword('TO')) {
    const to = s.peek()
    if (to.kind !== 'ident' || !DAY_TIME_UNITS.has(to.value.toUpperCase())) {
      throw s.syntaxError('expected DAY, HOUR, MINUTE or SECOND')
    }
    s.next()
  }
  return t.interval()
}

/**
 * Parses a Spark type name, case-insensitively.
 *
 * @example
 * parseType('array<bigint>') // t.array(t.long())
 * parseType('struct<a: int, b string>') // t.struct({ a: t.int(), b: t.string() })
 */
export function parseType(text: string): DataType {
  const s = new TokenStream(text)
  const type = parseDataTypeFrom(s)
  s.expectEnd()
  return type
}

/**
 * Parses a Spark DDL schema string: `name type [NOT NULL] [COMMENT '...']` columns separated by
 * commas. Like PySpark, also accepts `name: type` and a whole `struct<...>` type.
 *
 * @example
 * parseSchemaDDL('a INT, b STRING NOT NULL, c ARRAY<STRING>')
 */
export function parseSchemaDDL(text: string): StructType {
  const s = new TokenStream(text)
  if (s.atEnd()) throw s.errorAt('The schema DDL string is empty: write columns like "a INT, b STRING"')
  if (s.isKeyword('STRUCT') && s.isOp('<', 1)) {
    const type = parseDataTypeFrom(s) as StructType
    s.expectEnd()
    return type
  }
  const fields: StructField[] = []
  do fields.push(parseField(s, 'a column name'))
  while (s.acceptOp(','))
  s.expectEnd()
  return structOf(fields)
}
