/** Spark's `show()` table format (also the console sink's). */

export interface ShowOptions {
  /** Rows to print (default 20). */
  readonly n?: number
  /** Truncate cells to 20 characters (true), to N characters, or not at all (false). */
  readonly truncate?: boolean | number
}

/** Formats rows (already rendered to strings, NULL as null) the way Spark's Dataset.show does. */
export function formatTable(
  names: readonly string[],
  cells: readonly (readonly (string | null)[])[],
  hasMore: boolean,
  opts: ShowOptions,
): string {
  const limit =
    opts.truncate === false ? 0 : opts.truncate === true || opts.truncate === undefined ? 20 : opts.truncate
  const cut = (s: string): string =>
    limit > 0 && s.length > limit ? (limit < 4 ? s.slice(0, limit) : `${s.slice(0, limit - 3)}...`) : s
  const header = names.map(cut)
  const body = cells.map((row) => row.map((v) => cut(v === null ? 'NULL' : v)))
  const widths = header.map((h, i) => Math.max(3, h.length, ...body.map((r) => r[i].length)))
  const pad = (s: string, w: number): string => (limit > 0 ? s.padStart(w) : s.padEnd(w))
  const line = `+${widths.map((w) => '-'.repeat(w)).join('+')}+`
  const fmt = (r: readonly string[]) => `|${r.map((s, i) => pad(s, widths[i])).join('|')}|`
  const out = [line, fmt(header), line, ...body.map(fmt), line]
  if (hasMore) out.push(`only showing top ${opts.n ?? 20} row${(opts.n ?? 20) === 1 ? '' : 's'}`)
  return `${out.join('\n')}\n`
}
