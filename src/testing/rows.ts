/**
 * Row comparison for `testStream` checks, with SQL value equality as Spark's QueryTest uses it:
 * NaN equals NaN, -0.0 equals 0.0, binary compares by bytes, maps compare as sets of entries,
 * structs by field name. Values are reduced to canonical strings so that an unordered comparison
 * is a multiset comparison.
 */
import type { StructType } from '../schema/data-type.ts'
import type { ExpectedRow } from './actions.ts'

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')

/**
 * A string that is equal for two values exactly when they are equal as SQL values.
 * @example canonicalValue(Number.NaN) === canonicalValue(0 / 0); canonicalValue(-0) === canonicalValue(0)
 */
export function canonicalValue(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  switch (typeof v) {
    case 'number':
      return Number.isNaN(v) ? 'NaN' : v === 0 ? '0' : String(v)
    case 'string':
      return JSON.stringify(v)
    case 'boolean':
      return String(v)
    case 'bigint':
      return String(v)
  }
  if (v instanceof Date) return String(v.getTime())
  if (v instanceof Uint8Array) return `X'${hex(v)}'`
  if (Array.isArray(v)) return `[${v.map(canonicalValue).join(',')}]`
  if (v instanceof Map) {
    const entries = [...v].map(([k, x]) => `${canonicalValue(k)}->${canonicalValue(x)}`).sort()
    return `map(${entries.join(',')})`
  }
  const fields = Object.keys(v as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalValue((v as Record<string, unknown>)[k])}`)
  return `{${fields.join(',')}}`
}

/**
 * SQL value equality (NaN = NaN, -0 = 0, bytes, map entries in any order).
 * @example valuesEqual(new Map([[1, 'a'], [2, 'b']]), new Map([[2, 'b'], [1, 'a']])) // true
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  return canonicalValue(a) === canonicalValue(b)
}

/** A value as a person reads it in a failure report. @example formatValue(-0) // '-0.0' */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'number') return Object.is(v, -0) ? '-0.0' : String(v)
  if (typeof v === 'string') return JSON.stringify(v)
  if (typeof v !== 'object') return String(v)
  if (v instanceof Date) return v.toISOString()
  if (v instanceof Uint8Array) return `X'${hex(v).toUpperCase()}'`
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`
  if (v instanceof Map)
    return `map(${[...v].map(([k, x]) => `${formatValue(k)} -> ${formatValue(x)}`).join(', ')})`
  const fields = Object.entries(v as object).map(([k, x]) => `${k}: ${formatValue(x)}`)
  return `{${fields.join(', ')}}`
}

/** A row (object or values) as a person reads it. @example formatRow({ n: 1 }) // '{n: 1}' */
export function formatRow(row: object): string {
  return formatValue(row)
}

/**
 * Rows of the sink as objects keyed by column name (values in column order when names repeat).
 * @example rowsAsObjects(t.struct({ n: t.long() }), [[1]]) // [{ n: 1 }]
 */
export function rowsAsObjects(schema: StructType, rows: readonly (readonly unknown[])[]): object[] {
  const names = schema.fields.map((f) => f.name)
  if (new Set(names).size !== names.length) return rows.map((r) => [...r])
  return rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])))
}

/**
 * An expected row as values in the schema's column order, or an error text naming the column that
 * is missing or unknown.
 */
function expectedValues(row: ExpectedRow, schema: StructType): unknown[] | string {
  const names = schema.fields.map((f) => f.name)
  if (Array.isArray(row)) {
    if (row.length === names.length) return [...row]
    return `expected row ${formatRow(row)} has ${row.length} values; the query outputs ${names.length} columns (${names.join(', ')})`
  }
  const r = row as Readonly<Record<string, unknown>>
  const unknown = Object.keys(r).find((k) => !names.includes(k))
  if (unknown !== undefined)
    return `expected row ${formatRow(r)} has column \`${unknown}\`, which the query does not output (columns: ${names.join(', ')})`
  const missing = names.find((n) => !(n in r))
  if (missing !== undefined)
    return `expected row ${formatRow(r)} has no value for column \`${missing}\` (give null for a null)`
  return names.map((n) => r[n])
}

const rowKey = (values: readonly unknown[]): string => `(${values.map(canonicalValue).join(',')})`

/**
 * Compares expected rows with the sink's rows; returns null when they match, else a report
 * listing both sides and the rows missing or not expected.
 * @example compareRows([{ n: 1 }], [[1]], schema, false) // null
 */
export function compareRows(
  expected: readonly ExpectedRow[],
  actual: readonly (readonly unknown[])[],
  schema: StructType,
  ordered: boolean,
): string | null {
  const values: unknown[][] = []
  for (const row of expected) {
    const v = expectedValues(row, schema)
    if (typeof v === 'string') return `Bad expected row: ${v}.`
    values.push(v)
  }
  const want = values.map(rowKey)
  const got = actual.map(rowKey)
  if (ordered ? want.join('\n') === got.join('\n') : sameMultiset(want, got)) return null
  return answerReport(values, actual, schema, ordered)
}

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  const x = [...a].sort()
  const y = [...b].sort()
  return x.every((k, i) => k === y[i])
}

/** Keys of `a` not matched one-for-one by keys of `b`, as indexes into `a`. */
function unmatched(a: readonly string[], b: readonly string[]): number[] {
  const left = new Map<string, number>()
  for (const k of b) left.set(k, (left.get(k) ?? 0) + 1)
  const out: number[] = []
  a.forEach((k, i) => {
    const n = left.get(k) ?? 0
    if (n > 0) left.set(k, n - 1)
    else out.push(i)
  })
  return out
}

function answerReport(
  expected: readonly (readonly unknown[])[],
  actual: readonly (readonly unknown[])[],
  schema: StructType,
  ordered: boolean,
): string {
  const show = (rows: readonly (readonly unknown[])[]): string[] =>
    rowsAsObjects(schema, rows).map((r) => `  ${formatRow(r)}`)
  const want = expected.map(rowKey)
  const got = actual.map(rowKey)
  const plural = (n: number): string => `${n} row${n === 1 ? '' : 's'}`
  const lines = [
    `Results do not match (compared ${ordered ? 'in order' : 'unordered'}):`,
    `== Expected: ${plural(expected.length)} ==`,
    ...show(expected),
    `== Sink: ${plural(actual.length)} ==`,
    ...show(actual),
  ]
  const missing = unmatched(want, got).map((i) => expected[i])
  const extra = unmatched(got, want).map((i) => actual[i])
  if (missing.length > 0) lines.push('== Missing from the sink ==', ...show(missing))
  if (extra.length > 0) lines.push('== In the sink but not expected ==', ...show(extra))
  if (ordered && missing.length === 0 && extra.length === 0) lines.push('(same rows, different order)')
  return lines.join('\n')
}
