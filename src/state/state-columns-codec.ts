/**
 * The body of a state file from format v3 on (state-codec.ts): the entries stored by column. Keys
 * and values of one store mostly share a shape (`[{start, end}, k] -> [count]`), so the writer
 * infers one shape for all keys and one for all values, and writes each numeric leaf as a column
 * of float64s — a typed-array copy instead of a tagged value per entry — and everything else
 * (strings, maps, sets, binary, mixed shapes) as one msgpack array per leaf.
 *
 * ```
 * u32 n                         entries
 * u8[n] kinds                   1 put, 0 remove (a remove has a key and no value)
 * u32 + utf-8 JSON              the key shape; then the value shape (over the puts)
 * columns, in shape-leaf order, depth first, keys first:
 *   num:  u8[m] nulls (1: null), f64[m] values (little-endian)
 *   any:  u32 byte length, msgpack array of the m leaf values (records on, defined inline)
 * ```
 *
 * A shape is `"num"` (numbers and nulls), `"any"`, `["arr", [shapes]]` (arrays of one length) or
 * `["obj", [names], [shapes]]` (plain objects with these fields in this order). E.g. the delta of
 * counting keys `[{start: 0, end: 10}, 7]` and `[{start: 0, end: 10}, 8]` once each has kinds
 * `01 01`, key shape `["arr",[["obj",["start","end"],["num","num"]],"num"]]`, value shape
 * `["arr",["num"]]`, then columns start `[0,0]`, end `[10,10]`, k `[7,8]`, count `[1,1]`.
 *
 * Invariant: a body decodes to entries equal to those written (-0, NaN and field order kept);
 * equal structs of adjacent keys decode as one shared object (keys are never changed once stored).
 * A malformed body throws a plain Error; state-codec.ts names the file.
 */
import { Packr, Unpackr } from 'msgpackr'
import type { StateKey } from './spi.ts'
import { arrayMaker, cachedObjectMaker, fieldColumn } from './state-columns-accessors.ts'

/** An entry of a state file: a put (`value` set) or a remove. */
export interface ColumnEntry {
  readonly key: StateKey
  readonly value?: unknown
}

type Shape =
  | 'num'
  | 'any'
  | readonly ['arr', readonly Shape[]]
  | readonly ['obj', readonly string[], readonly Shape[]]

const unpackr = new Unpackr({ mapsAsObjects: false, sequential: true, moreTypes: true })

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  )
}

// NOTE: an array wider than this is one msgpack column, not a column per element: a value that is
// a long list (rows buffered under one key, as Nexmark q7's window) would otherwise cost two typed
// arrays per element for a handful of rows (q7 ran 4x slower). Key and aggregate-buffer tuples are
// far narrower.
const MAX_COLUMNAR_ARRAY = 64

function shapeOf(v: unknown): Shape {
  if (typeof v === 'number' || v === null) return 'num'
  if (Array.isArray(v)) return v.length <= MAX_COLUMNAR_ARRAY ? ['arr', v.map(shapeOf)] : 'any'
  if (isPlainObject(v)) {
    const names = Object.keys(v)
    return ['obj', names, names.map((n) => shapeOf(v[n]))]
  }
  return 'any'
}

/** Whether `o`'s own enumerable fields are exactly `names`, in order (no array allocated). */
function hasFields(o: Record<string, unknown>, names: readonly string[]): boolean {
  let i = 0
  for (const k in o) if (k !== names[i++]) return false
  return i === names.length
}

function u32(n: number): Uint8Array {
  const b = Buffer.allocUnsafe(4)
  b.writeUInt32LE(n, 0)
  return b
}

/** Whether every row fits `shape` at its top level (an array of its length, an object of its fields). */
function fitsTop(shape: Shape, rows: readonly unknown[]): boolean {
  if (shape === 'any') return true
  if (shape === 'num') return allNumbers(rows)
  if (shape[0] === 'arr') return allArrays(rows, shape[1].length)
  return allObjects(rows, shape[1])
}

function allNumbers(rows: readonly unknown[]): boolean {
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]
    if (typeof v !== 'number' && v !== null) return false
  }
  return true
}

function allArrays(rows: readonly unknown[], len: number): boolean {
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]
    if (!Array.isArray(v) || v.length !== len) return false
  }
  return true
}

function allObjects(rows: readonly unknown[], names: readonly string[]): boolean {
  let last: unknown
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]
    // Adjacent keys often share one struct object (a window): checked once.
    if (v === last) continue
    if (!isPlainObject(v) || !hasFields(v, names)) return false
    last = v
  }
  return true
}

/** A numeric leaf's column: a null flag per row, then the float64s. */
function writeNumbers(rows: readonly unknown[], out: Uint8Array[]): void {
  const n = rows.length
  const nulls = new Uint8Array(n)
  const nums = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const v = rows[i]
    if (v === null) nulls[i] = 1
    else nums[i] = v as number
  }
  out.push(nulls, new Uint8Array(nums.buffer))
}

function elementColumn(rows: readonly (readonly unknown[])[], j: number): unknown[] {
  const col: unknown[] = new Array(rows.length)
  for (let i = 0; i < rows.length; i++) col[i] = rows[i][j]
  return col
}

/**
 * Writes the columns of `rows` for `guess` (the first row's shape), falling back to `any` where a
 * row does not fit; returns the shape written.
 */
function writeColumns(guess: Shape, rows: readonly unknown[], out: Uint8Array[]): Shape {
  const shape = fitsTop(guess, rows) ? guess : 'any'
  if (shape === 'num') {
    writeNumbers(rows, out)
    return shape
  }
  if (shape === 'any') {
    // A fresh Packr per column: records are defined inline, so the column decodes on its own.
    const packr = new Packr({ useRecords: true, sequential: true, mapsAsObjects: false, moreTypes: true })
    const bytes = packr.pack(rows)
    out.push(u32(bytes.length), bytes)
    return shape
  }
  const isArr = shape[0] === 'arr'
  const kids = isArr ? shape[1] : shape[2]
  const names = isArr ? [] : shape[1]
  const written: Shape[] = []
  for (let j = 0; j < kids.length; j++) {
    const col = isArr ? elementColumn(rows as readonly unknown[][], j) : fieldColumn(names[j])(rows)
    written.push(writeColumns(kids[j], col, out))
  }
  return isArr ? ['arr', written] : ['obj', names, written]
}

/**
 * The columnar body of `entries`.
 *
 * @example encodeColumns([{ key: ['a'], value: [1] }, { key: ['b'] }])
 */
export function encodeColumns(entries: readonly ColumnEntry[]): Uint8Array {
  const n = entries.length
  const kinds = new Uint8Array(n)
  const keys: unknown[] = new Array(n)
  const values: unknown[] = []
  for (let i = 0; i < n; i++) {
    const e = entries[i]
    keys[i] = e.key
    if (e.value !== undefined) {
      kinds[i] = 1
      values.push(e.value)
    }
  }
  const keyCols: Uint8Array[] = []
  const keyShape = writeColumns(n === 0 ? 'any' : shapeOf(keys[0]), keys, keyCols)
  const valueCols: Uint8Array[] = []
  const valueShape = writeColumns(values.length === 0 ? 'any' : shapeOf(values[0]), values, valueCols)
  const head = Buffer.from(JSON.stringify(keyShape))
  const valueHead = Buffer.from(JSON.stringify(valueShape))
  const out = [
    u32(n),
    kinds,
    u32(head.length),
    head,
    u32(valueHead.length),
    valueHead,
    ...keyCols,
    ...valueCols,
  ]
  return Buffer.concat(out)
}

/** Reads a body front to back; every read checks the bytes are there. */
class Cursor {
  readonly #buf: Buffer
  #pos = 0

  constructor(bytes: Uint8Array) {
    this.#buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  get done(): boolean {
    return this.#pos === this.#buf.length
  }

  take(n: number): Buffer {
    if (n > this.#buf.length - this.#pos) throw new Error(`it ends early, at byte ${this.#pos}`)
    this.#pos += n
    return this.#buf.subarray(this.#pos - n, this.#pos)
  }

  u32(): number {
    return this.take(4).readUInt32LE(0)
  }
}

function parseShape(text: string): Shape {
  const s = JSON.parse(text) as unknown
  checkShape(s)
  return s as Shape
}

function checkShape(s: unknown): void {
  if (s === 'num' || s === 'any') return
  const ok =
    Array.isArray(s) &&
    ((s[0] === 'arr' && s.length === 2 && Array.isArray(s[1])) ||
      (s[0] === 'obj' &&
        s.length === 3 &&
        Array.isArray(s[1]) &&
        Array.isArray(s[2]) &&
        s[1].length === s[2].length &&
        s[1].every((n: unknown) => typeof n === 'string')))
  if (!ok) throw new Error(`a column shape is not valid: ${JSON.stringify(s).slice(0, 80)}`)
  for (const kid of s[0] === 'arr' ? s[1] : s[2]) checkShape(kid)
}

/** The `m` values of a shape's columns, rebuilt; `intern` shares equal adjacent structs. */
function readColumns(shape: Shape, m: number, c: Cursor, intern: boolean): unknown[] {
  if (shape === 'num') {
    const nulls = c.take(m)
    return readNumbers(nulls, c.take(8 * m))
  }
  if (shape === 'any') {
    const rows = unpackr.unpack(c.take(c.u32())) as unknown
    if (!Array.isArray(rows) || rows.length !== m) throw new Error(`a column should hold ${m} values`)
    return rows
  }
  const kids = shape[0] === 'arr' ? shape[1] : shape[2]
  const cols = kids.map((kid) => readColumns(kid, m, c, intern))
  const out: unknown[] = new Array(m)
  if (shape[0] === 'arr') {
    const make = arrayMaker(kids.length)
    for (let i = 0; i < m; i++) out[i] = make(cols, i)
    return out
  }
  const make = cachedObjectMaker(shape[1])
  const atomic = kids.every((k) => k === 'num')
  for (let i = 0; i < m; i++) {
    out[i] = intern && atomic && i > 0 && sameRow(cols, i) ? out[i - 1] : make(cols, i)
  }
  return out
}

function readNumbers(nulls: Uint8Array, bytes: Uint8Array): unknown[] {
  // Copied into an aligned buffer (the column may start at any byte of the file).
  const aligned = new Uint8Array(bytes.length)
  aligned.set(bytes)
  const nums = new Float64Array(aligned.buffer)
  const out: unknown[] = new Array(nulls.length)
  for (let i = 0; i < nulls.length; i++) out[i] = nulls[i] === 0 ? nums[i] : null
  return out
}

/** Whether every column holds at row i what it holds at row i-1 (-0 is not 0; NaN never equal). */
function sameRow(cols: readonly unknown[][], i: number): boolean {
  for (const col of cols) {
    const a = col[i]
    const b = col[i - 1]
    if (a !== b || (a === 0 && 1 / (a as number) !== 1 / (b as number))) return false
  }
  return true
}

/**
 * The entries of a columnar body, in order; throws a plain Error on a malformed body.
 *
 * @example decodeColumns(encodeColumns([{ key: ['a'], value: [1] }])) // [{ key: ['a'], value: [1] }]
 */
export function decodeColumns(bytes: Uint8Array): ColumnEntry[] {
  const c = new Cursor(bytes)
  const n = c.u32()
  const kinds = c.take(n)
  const keyShape = parseShape(c.take(c.u32()).toString())
  const valueShape = parseShape(c.take(c.u32()).toString())
  let puts = 0
  for (let i = 0; i < n; i++) puts += kinds[i]
  const keys = readColumns(keyShape, n, c, true)
  const values = readColumns(valueShape, puts, c, false)
  if (!c.done) throw new Error('it has bytes after its last column')
  const out: ColumnEntry[] = new Array(n)
  let p = 0
  for (let i = 0; i < n; i++) {
    const key = keys[i]
    if (!Array.isArray(key)) throw new Error(`entry ${i} has a key that is not an array`)
    if (kinds[i] === 1) out[i] = { key, value: values[p++] }
    else if (kinds[i] === 0) out[i] = { key }
    else throw new Error(`entry ${i} has kind ${kinds[i]} (1: put, 0: remove)`)
  }
  return out
}
