/**
 * Conversion between user rows (objects keyed by field name) and the engine's positional rows,
 * with validation: a value of the wrong type, a non-integral or unsafe long, or a null in a
 * non-nullable field is an INVALID_ROW error naming the row and the field. Decimal fields take
 * decimal text, numbers or bigints and hold the canonical text at the field's scale (HALF_UP).
 */
import { SluiceError } from '../errors.ts'
import type { DataType, StructField, StructType } from './data-type.ts'
import { simpleString } from './data-type.ts'
import { toDecimalValue } from './decimal-value.ts'

function checkValue(v: unknown, type: DataType, path: string): unknown {
  const bad = (): never => {
    throw new SluiceError(
      'INVALID_ROW',
      `Field \`${path}\` expects ${simpleString(type)}, got ${describe(v)}.`,
    )
  }
  switch (type.kind) {
    case 'string':
      return typeof v === 'string' ? v : bad()
    case 'boolean':
      return typeof v === 'boolean' ? v : bad()
    case 'byte':
      return Number.isInteger(v) && (v as number) >= -128 && (v as number) <= 127 ? v : bad()
    case 'short':
      return Number.isInteger(v) && (v as number) >= -32768 && (v as number) <= 32767 ? v : bad()
    case 'int':
      return Number.isInteger(v) && (v as number) >= -2147483648 && (v as number) <= 2147483647 ? v : bad()
    case 'float':
      return typeof v === 'number' ? Math.fround(v) : bad()
    case 'long':
    case 'date':
      if (typeof v === 'number' && !Number.isSafeInteger(v)) {
        throw new SluiceError(
          'INVALID_ROW',
          `Field \`${path}\` expects ${simpleString(type)}, got ${v}, which is not an integer exact in a JS number (|v| <= 2^53 - 1).`,
        )
      }
      return typeof v === 'number' ? v : bad()
    case 'timestamp':
      if (v instanceof Date) return v.getTime()
      return typeof v === 'number' && Number.isFinite(v) ? Math.floor(v) : bad()
    case 'double':
    case 'interval':
      return typeof v === 'number' ? v : bad()
    case 'binary':
      return v instanceof Uint8Array ? v : bad()
    case 'decimal':
      return toDecimalValue(v, type.precision, type.scale) ?? badDecimal(v, type, path)
    case 'null':
      return v === null ? v : bad()
    case 'array':
      if (!Array.isArray(v)) return bad()
      return v.map((x, i) =>
        x === null || x === undefined
          ? nullCheck(type.containsNull, `${path}[${i}]`)
          : checkValue(x, type.element, `${path}[${i}]`),
      )
    case 'map': {
      if (!(v instanceof Map)) return bad()
      const out = new Map()
      for (const [k, x] of v)
        out.set(
          checkValue(k, type.key, `${path} key`),
          x === null
            ? nullCheck(type.valueContainsNull, `${path}[${String(k)}]`)
            : checkValue(x, type.value, `${path}[${String(k)}]`),
        )
      return out
    }
    case 'struct': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return bad()
      const out: Record<string, unknown> = {}
      for (const f of type.fields) {
        const x = (v as Record<string, unknown>)[f.name]
        out[f.name] =
          x === null || x === undefined
            ? nullCheck(f.nullable, `${path}.${f.name}`)
            : checkValue(x, f.type, `${path}.${f.name}`)
      }
      return out
    }
  }
}

function badDecimal(v: unknown, type: DataType, path: string): never {
  const kind = typeof v
  throw new SluiceError(
    'INVALID_ROW',
    kind === 'string' || kind === 'number' || kind === 'bigint'
      ? `Field \`${path}\` expects ${simpleString(type)}, got ${describe(v)}, which is not a decimal or has more digits before the point than the type holds.`
      : `Field \`${path}\` expects ${simpleString(type)} (a decimal string such as '1.50', a number or a bigint), got ${describe(v)}.`,
  )
}

function nullCheck(nullable: boolean, path: string): null {
  if (!nullable)
    throw new SluiceError(
      'INVALID_ROW',
      `Field \`${path}\` is not nullable, but the row has no value for it.`,
    )
  return null
}

function describe(v: unknown): string {
  if (v instanceof Uint8Array) return 'a Uint8Array'
  if (Array.isArray(v)) return 'an array'
  if (v instanceof Map) return 'a Map'
  return typeof v === 'string'
    ? `the string ${JSON.stringify(v.length > 50 ? `${v.slice(0, 50)}...` : v)}`
    : `${typeof v} ${String(v)}`
}

/** Validates user rows and turns them into positional rows. Errors name the row index. */
export function encodeRows(rows: readonly object[], schema: StructType): unknown[][] {
  return compileRowEncoder(schema)(rows)
}

type Encoder = (rows: readonly object[]) => unknown[][]
const ENCODERS = new WeakMap<StructType, Encoder>()

/**
 * A generated encoder for one schema: atomic fields are checked inline (one tight loop, one
 * object shape); nested values, positional (array) rows and any failing row go through the
 * checked path below, which produces the precise error.
 */
export function compileRowEncoder(schema: StructType): Encoder {
  const known = ENCODERS.get(schema)
  if (known !== undefined) return known
  const lines: string[] = []
  const vars: string[] = []
  schema.fields.forEach((f, i) => {
    const v = `v${i}`
    vars.push(v)
    lines.push(`let ${v} = o[${JSON.stringify(f.name)}]`)
    lines.push(
      `if (${v} === undefined || ${v} === null) { ${f.nullable ? `${v} = null` : 'return slow(rows, i)'} }`,
    )
    lines.push(`else ${inlineCheck(f.type, v, i)}`)
  })
  const body = `
    const out = new Array(rows.length)
    for (let i = 0; i < rows.length; i++) {
      const o = rows[i]
      if (o === null || typeof o !== 'object' || Array.isArray(o)) { out[i] = slowRow(o, i); continue }
      ${lines.join('\n      ')}
      out[i] = [${vars.join(', ')}]
    }
    return out`
  const fields = schema.fields
  const slowRow = (row: unknown, r: number) => encodeRowChecked(row, fields, r)
  const slow = (rows: readonly object[], r: number) => {
    encodeRowChecked(rows[r], fields, r)
    throw new Error(`row ${r} failed the fast check but passed the checked path`)
  }
  const nested = fields.map((f) => (v: unknown) => checkValue(v, f.type, f.name))
  const encoder = new Function('slowRow', 'slow', 'nested', `return function (rows) {${body}\n}`)(
    slowRow,
    slow,
    nested,
  ) as Encoder
  ENCODERS.set(schema, encoder)
  return encoder
}

/** Inline validation of one non-null value; anything unusual takes the checked path. */
function inlineCheck(type: DataType, v: string, i: number): string {
  const bad = 'return slow(rows, i)'
  switch (type.kind) {
    case 'string':
      return `if (typeof ${v} !== 'string') ${bad}`
    case 'boolean':
      return `if (typeof ${v} !== 'boolean') ${bad}`
    case 'byte':
      return `if (typeof ${v} !== 'number' || ((${v} << 24) >> 24) !== ${v}) ${bad}`
    case 'short':
      return `if (typeof ${v} !== 'number' || ((${v} << 16) >> 16) !== ${v}) ${bad}`
    case 'int':
      return `if (typeof ${v} !== 'number' || (${v} | 0) !== ${v}) ${bad}`
    case 'float':
      return `if (typeof ${v} === 'number') ${v} = Math.fround(${v}); else ${bad}`
    case 'long':
    case 'date':
      return `if (!Number.isSafeInteger(${v})) ${bad}`
    case 'double':
    case 'interval':
      return `if (typeof ${v} !== 'number') ${bad}`
    case 'timestamp':
      return `if (typeof ${v} === 'number' && Number.isFinite(${v})) ${v} = Math.floor(${v}); else if (${v} instanceof Date) ${v} = ${v}.getTime(); else ${bad}`
    default:
      return `${v} = nested[${i}](${v})`
  }
}

function encodeRowChecked(row: unknown, fields: readonly StructField[], r: number): unknown[] {
  try {
    if (row === null || typeof row !== 'object')
      throw new SluiceError('INVALID_ROW', `expected an object, got ${describe(row)}.`)
    const isArray = Array.isArray(row)
    return fields.map((f, i) => {
      const v = isArray ? (row as unknown[])[i] : (row as Record<string, unknown>)[f.name]
      return v === null || v === undefined ? nullCheck(f.nullable, f.name) : checkValue(v, f.type, f.name)
    })
  } catch (e) {
    if (e instanceof SluiceError)
      throw new SluiceError('INVALID_ROW', `Row ${r}: ${e.message.replace(/^\[INVALID_ROW\] /, '')}`)
    throw e
  }
}

/** `(positional row) => object` for a schema (generated for speed: one object shape per schema). */
export function compileRowDecoder(schema: StructType): (row: readonly unknown[]) => Record<string, unknown> {
  const body = schema.fields.map((f, i) => `${JSON.stringify(f.name)}: r[${i}]`).join(', ')
  return new Function('r', `return { ${body} }`) as (row: readonly unknown[]) => Record<string, unknown>
}
