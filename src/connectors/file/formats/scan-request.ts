/**
 * Scan requests (`connectors/spi.ts`) at the file format level: the positions are the reader
 * schema's, and Parquet judges its row groups by their column statistics here. The conditions
 * never remove rows from a block that is read: the filter above the scan still runs.
 *
 * The statistics rules (Parquet's format spec, as parquet-mr and Spark read them):
 * - `min_value`/`max_value` are bounds in the type's order: signed for integers, dates and
 *   timestamps, numeric for floats, unsigned bytes (code point order, the engine's string order)
 *   for strings. A writer may truncate string bounds (`is_min/max_value_exact` false); a truncated
 *   min is still at most every value and a truncated max at least, so bounds are all we rely on.
 * - The legacy `min`/`max` fields were written in signed order for every type: for strings that
 *   order is wrong (PARQUET-251, PARQUET-686), so strings use only `min_value`/`max_value`; the
 *   other kinds fall back to the legacy fields when the new ones are absent.
 * - Floats: NaN sorts above every number in Spark and Sluice. Some writers leave NaN out of the
 *   bounds (hyparquet-writer, Arrow), so `>`/`>=` can match a NaN the bounds do not show: only `=`,
 *   `<`, `<=` and IN are judged. parquet-mr (Spark) writes a NaN max when a NaN is present: it
 *   bounds nothing; a NaN min judges nothing.
 * - `null_count`: 0 rules out IS NULL; equal to the row count, every other condition.
 */
import type { RowGroup, Statistics } from 'hyparquet'
import type { ScanCondition, ScanValue } from '../../spi.ts'

export type { ScanCondition, ScanRequest } from '../../spi.ts'

/** How a judged column's statistics compare with a condition's constants. */
export type StatsKind = 'number' | 'float' | 'string' | 'boolean'

/** A top-level file column whose statistics compare as the schema's values do. */
export interface JudgedColumn {
  readonly name: string
  readonly kind: StatsKind
}

type Bound = NonNullable<Statistics['min_value']>

const utf8 = new TextEncoder()

/**
 * Whether a Parquet row group may hold a row meeting every condition, judged by its column
 * statistics; true whenever it cannot tell (no statistics, a column it does not judge). `columnOf`
 * gives a condition column's file column, or undefined when its statistics do not compare as the
 * schema's values.
 *
 * @example
 * rowGroupMayMatch(group, [{ column: 0, op: '>', value: 10 }], () => ({ name: 'a', kind: 'number' })) // false when max(a) <= 10
 */
export function rowGroupMayMatch(
  group: RowGroup,
  predicate: readonly ScanCondition[],
  columnOf: (column: number) => JudgedColumn | undefined,
): boolean {
  for (const cond of predicate) {
    const col = columnOf(cond.column)
    if (col === undefined) continue
    const chunk = group.columns.find(
      (c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === col.name,
    )
    const stats = chunk?.meta_data?.statistics
    if (stats !== undefined && !statsMayHold(stats, Number(group.num_rows), cond, col.kind)) return false
  }
  return true
}

function statsMayHold(stats: Statistics, rows: number, cond: ScanCondition, kind: StatsKind): boolean {
  const nulls = stats.null_count === undefined ? undefined : Number(stats.null_count)
  if (cond.op === 'isNull') return nulls !== 0
  // Every comparison with null is unknown, so a group of nulls only holds no matching row.
  if (nulls === rows) return false
  if (cond.op === 'isNotNull') return true
  const legacy = kind !== 'string'
  const lo = boundOf(stats.min_value ?? (legacy ? stats.min : undefined), kind)
  let hi = boundOf(stats.max_value ?? (legacy ? stats.max : undefined), kind)
  if (lo === undefined || hi === undefined) return true
  if (kind === 'float') {
    if (Number.isNaN(lo) || cond.op === '>' || cond.op === '>=') return true
    // parquet-mr orders NaN above every number, as Spark does: a NaN max bounds nothing.
    if (Number.isNaN(hi)) hi = Number.POSITIVE_INFINITY
  }
  if (cond.op === 'in') return cond.values.some((v) => rangeMayHold(lo, hi, '=', v, kind))
  return rangeMayHold(lo, hi, cond.op, cond.value, kind)
}

/** A bound as compared: numbers as numbers, strings as their UTF-8 bytes, booleans as 0/1. */
function boundOf(v: Bound | undefined, kind: StatsKind): number | Uint8Array | undefined {
  if (kind === 'string') return v instanceof Uint8Array ? v : undefined
  if (kind === 'boolean') return typeof v === 'boolean' ? Number(v) : undefined
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined
}

/** The condition's constant as compared, or undefined when it is not of the column's kind. */
function constantOf(v: ScanValue, kind: StatsKind): number | Uint8Array | undefined {
  if (kind === 'string') return typeof v === 'string' ? utf8.encode(v) : undefined
  if (kind === 'boolean') return typeof v === 'boolean' ? Number(v) : undefined
  return typeof v === 'number' ? v : undefined
}

function compare(a: number | Uint8Array, b: number | Uint8Array): number {
  if (typeof a === 'number') return a - (b as number)
  const y = b as Uint8Array
  const n = Math.min(a.length, y.length)
  for (let i = 0; i < n; i++) if (a[i] !== y[i]) return a[i] - y[i]
  return a.length - y.length
}

function rangeMayHold(
  lo: number | Uint8Array,
  hi: number | Uint8Array,
  op: '=' | '<' | '<=' | '>' | '>=',
  value: ScanValue,
  kind: StatsKind,
): boolean {
  const v = constantOf(value, kind)
  if (v === undefined) return true
  switch (op) {
    case '=':
      return compare(lo, v) <= 0 && compare(v, hi) <= 0
    case '<':
      return compare(lo, v) < 0
    case '<=':
      return compare(lo, v) <= 0
    case '>':
      return compare(hi, v) > 0
    case '>=':
      return compare(hi, v) >= 0
  }
}
