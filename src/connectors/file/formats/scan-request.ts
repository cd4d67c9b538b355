/**
 * Scan requests (`connectors/spi.ts`) at the file format level: the positions are the reader
 * schema's, and Parquet judges its row groups by their min/max statistics here. The conditions
 * never remove rows from a block that is read: the filter above the scan still runs.
 */
import type { RowGroup } from 'hyparquet'
import type { ScanCondition } from '../../spi.ts'

export type { ScanCondition, ScanRequest } from '../../spi.ts'

type MinMax = number | bigint | string | boolean | Date | Uint8Array | undefined

const asNumber = (v: MinMax): number | null =>
  typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null

/**
 * Whether a Parquet row group may hold a row meeting every condition, judged by its column
 * statistics; true whenever it cannot tell (no statistics, a column it does not judge). `columnOf`
 * gives a condition column's top-level file column name, or undefined when the column is not one
 * whose statistics compare as the schema's values (only int and bigint columns are judged).
 *
 * @example
 * rowGroupMayMatch(group, [{ column: 0, op: '>', value: 10 }], () => 'a') // false when max(a) <= 10
 */
export function rowGroupMayMatch(
  group: RowGroup,
  predicate: readonly ScanCondition[],
  columnOf: (column: number) => string | undefined,
): boolean {
  for (const cond of predicate) {
    const name = columnOf(cond.column)
    if (name === undefined) continue
    const chunk = group.columns.find(
      (c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name,
    )
    const stats = chunk?.meta_data?.statistics
    if (stats === undefined) continue
    // Every comparison with null is unknown, so a group of nulls only holds no matching row.
    if (stats.null_count !== undefined && stats.null_count === group.num_rows) return false
    if (cond.op === 'isNotNull') continue
    const min = asNumber(stats.min_value)
    const max = asNumber(stats.max_value)
    if (min === null || max === null) continue
    if (!rangeMayHold(min, max, cond.op, cond.value)) return false
  }
  return true
}

function rangeMayHold(min: number, max: number, op: '=' | '<' | '<=' | '>' | '>=', v: number): boolean {
  switch (op) {
    case '=':
      return min <= v && v <= max
    case '<':
      return min < v
    case '<=':
      return min <= v
    case '>':
      return max > v
    case '>=':
      return max >= v
  }
}
