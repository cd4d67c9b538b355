/**
 * A batch's rows as columns, for the trip from a worker thread back to the main thread (the
 * `columns` row wire of parallel-decode.ts). Each column is sent in the cheapest form its values
 * allow, found by looking at them (never by trusting a schema): all null; numbers in a Float64Array
 * (every int, long, date, timestamp, float and double value is one; -0 and NaN are kept); booleans
 * in a Uint8Array; anything else (strings, binary, nested values, a mix) as a plain array, which
 * structured clone copies exactly. The typed arrays move to the main thread without a copy, and
 * rebuilding rows there is one tight loop per column, where msgpack decoded every value.
 *
 * Measured against msgpack rows (their wire before) on one 100,000-bid Parquet file read as q0
 * reads it, CPU on one thread, medians of 10, load 5.7: the worker's side (decode of two splits
 * and encode) 55 ms against 65-74 ms, the main thread's side 7.5-8 ms against 11-12 ms (decoding
 * the file on the main thread: 45-50 ms).
 */

/** One column of a batch on the wire; `nulls[i]` is 1 where row i's value is null. */
export type ColumnWire =
  | { readonly kind: 'null' }
  | { readonly kind: 'number'; readonly values: Float64Array; readonly nulls: Uint8Array | null }
  | { readonly kind: 'boolean'; readonly values: Uint8Array; readonly nulls: Uint8Array | null }
  | { readonly kind: 'any'; readonly values: unknown[] }

/** A batch's rows, column by column. */
export interface RowColumns {
  readonly rows: number
  readonly columns: readonly ColumnWire[]
}

const NULL_COLUMN: ColumnWire = Object.freeze({ kind: 'null' })

/** What column `k` of `rows` holds: 'null', 'number', 'boolean' or 'any', and whether nulls. */
function kindOf(rows: readonly unknown[][], k: number): { kind: ColumnWire['kind']; nulls: boolean } {
  let kind: ColumnWire['kind'] = 'null'
  let nulls = false
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i][k]
    if (v === null) {
      nulls = true
      continue
    }
    const t = typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'any'
    if (kind === 'null') kind = t
    else if (kind !== t) return { kind: 'any', nulls }
    if (t === 'any') return { kind: 'any', nulls }
  }
  return { kind, nulls }
}

function columnOf(rows: readonly unknown[][], k: number): ColumnWire {
  const { kind, nulls } = kindOf(rows, k)
  const n = rows.length
  if (kind === 'null') return NULL_COLUMN
  if (kind === 'any') {
    const values = new Array(n)
    for (let i = 0; i < n; i++) values[i] = rows[i][k]
    return { kind, values }
  }
  const mask = nulls ? new Uint8Array(n) : null
  if (kind === 'number') {
    const values = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const v = rows[i][k] as number | null
      if (v === null) mask![i] = 1
      else values[i] = v
    }
    return { kind, values, nulls: mask }
  }
  const values = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const v = rows[i][k] as boolean | null
    if (v === null) mask![i] = 1
    else values[i] = v ? 1 : 0
  }
  return { kind, values, nulls: mask }
}

/**
 * Rows of `width` values as columns (a worker, before it replies).
 *
 * @example columnsOf([[1, 'a'], [2, null]], 2).columns[0] // { kind: 'number', values: Float64Array [1, 2], nulls: null }
 */
export function columnsOf(rows: readonly unknown[][], width: number): RowColumns {
  const columns: ColumnWire[] = []
  for (let k = 0; k < width; k++) columns.push(columnOf(rows, k))
  return { rows: rows.length, columns }
}

/**
 * The buffers of `c` that may move to another thread instead of being copied.
 *
 * @example executorReply(c, buffersOf(c))
 */
export function buffersOf(c: RowColumns): ArrayBuffer[] {
  const out: ArrayBuffer[] = []
  for (const col of c.columns) {
    if (col.kind !== 'number' && col.kind !== 'boolean') continue
    out.push(col.values.buffer as ArrayBuffer)
    if (col.nulls !== null) out.push(col.nulls.buffer as ArrayBuffer)
  }
  return out
}

/** Sets column `k` of rows `at` .. `at + n - 1` of `out` (every row starts all null). */
function fillColumn(out: unknown[][], at: number, n: number, k: number, col: ColumnWire): void {
  if (col.kind === 'null') return
  if (col.kind === 'any') {
    const values = col.values
    for (let i = 0; i < n; i++) out[at + i][k] = values[i]
    return
  }
  const { values, nulls } = col
  const bool = col.kind === 'boolean'
  for (let i = 0; i < n; i++) {
    if (nulls !== null && nulls[i] === 1) continue
    out[at + i][k] = bool ? values[i] === 1 : values[i]
  }
}

/**
 * Writes the rows of `c` into `out` from index `at`, in order (the main thread, from a worker's
 * reply); returns the index after the last.
 *
 * @example const rows = new Array(c.rows); rowsInto(c, rows, 0) // rows deep-equal the worker's
 */
export function rowsInto(c: RowColumns, out: unknown[][], at: number): number {
  const width = c.columns.length
  for (let i = 0; i < c.rows; i++) out[at + i] = new Array(width).fill(null)
  for (let k = 0; k < width; k++) fillColumn(out, at, c.rows, k, c.columns[k])
  return at + c.rows
}
