/**
 * The filters right above a file source (`ScanRequest.filters`), run on a worker thread after it
 * decodes a split, so that only the rows they keep come back to the main thread. The same filters
 * run again there on what comes back, so a row dropped here is one the main thread would drop
 * without evaluating anything more on it. Each filter is bound again from plain data and compiled
 * as on the main thread (exec/expr/portable-expr.ts); a filter that does not bind again, and every
 * filter above it, is left to the main thread. An evaluation error (an ANSI cast, an overflow)
 * keeps every row of the split: the main thread then evaluates them and raises the error exactly as
 * with one thread.
 */
import { compileExpr } from '../../exec/expr/compile-expr.ts'
import { type PortableExpr, rebind } from '../../exec/expr/portable-expr.ts'

/** A compiled filter: the row is kept when it answers `true`. */
export type RowFilter = (row: unknown[]) => unknown

/**
 * The filters of `portable` compiled, from the lowest up to the first that does not bind again.
 *
 * @example const filters = compileFilters(spec.scan?.filters ?? [], spec.timeZone)
 */
export function compileFilters(portable: readonly PortableExpr[], timeZone: string): readonly RowFilter[] {
  const out: RowFilter[] = []
  for (const p of portable) {
    const bound = rebind(p, timeZone)
    if (bound === null) break
    try {
      out.push(compileExpr(bound))
    } catch {
      break
    }
  }
  return out
}

/**
 * The rows every filter keeps, in order (each filter evaluated only on the rows the ones before it
 * kept, as the plan's filters are); `rows` itself when there is no filter or an evaluation throws.
 *
 * @example const kept = keptRows(rows, filters)
 */
export function keptRows(rows: unknown[][], filters: readonly RowFilter[]): unknown[][] {
  if (filters.length === 0) return rows
  const kept: unknown[][] = []
  try {
    for (const row of rows) if (passes(row, filters)) kept.push(row)
  } catch {
    return rows
  }
  return kept
}

function passes(row: unknown[], filters: readonly RowFilter[]): boolean {
  for (const f of filters) if (f(row) !== true) return false
  return true
}
