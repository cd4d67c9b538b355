/**
 * Parquet reading over hyparquet: the footer, the schema's columns by name (exact, then
 * case-insensitive as Spark), a scan request's column subset and row-group skipping, and rows
 * built straight from the decoded column chunks (no row objects in between).
 */
import { brotliDecompressSync, gunzipSync, zstdDecompressSync } from 'node:zlib'
import {
  type FileMetaData,
  parquetMetadata,
  parquetRead,
  parquetSchema,
  type RowGroup,
  type SchemaElement,
  type SchemaTree,
} from 'hyparquet'
import { SluiceError } from '../../../errors.ts'
import type { StructField, StructType } from '../../../schema/data-type.ts'
import type { DecodeResult, FormatReader } from './format.ts'
import { PARQUET_PARSERS, parquetReadConverter } from './parquet-values.ts'
import { type JudgedColumn, rowGroupMayMatch, type ScanCondition, type StatsKind } from './scan-request.ts'

const asBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
const DECOMPRESSORS = Object.freeze({
  GZIP: (input: Uint8Array) => asBytes(gunzipSync(input)),
  ZSTD: (input: Uint8Array) => asBytes(zstdDecompressSync(input)),
  BROTLI: (input: Uint8Array) => asBytes(brotliDecompressSync(input)),
})

function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  if (
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
  ) {
    return bytes.buffer
  }
  return bytes.slice().buffer as ArrayBuffer
}

// Statistics come out as the values are read (epoch ms, days), strings as their bytes: their
// bounds compare as UTF-8, and a truncated bound need not be valid UTF-8 (scan-request.ts).
const STATS_PARSERS = Object.freeze({ ...PARQUET_PARSERS, stringFromBytes: (bytes: Uint8Array) => bytes })

/**
 * The footer and schema tree of a file; FAILED_READ_FILE naming it when it is not Parquet.
 *
 * @example const { metadata } = readFooter(bytes, 'part-0.parquet')
 */
export function readFooter(bytes: Uint8Array, file: string) {
  const buffer = arrayBufferOf(bytes)
  try {
    const metadata = parquetMetadata(buffer, { parsers: STATS_PARSERS as never })
    const root = parquetSchema(metadata)
    return { buffer, metadata: withRawDecimals(metadata), root }
  } catch (e) {
    throw new SluiceError(
      'FAILED_READ_FILE',
      `Cannot read Parquet file ${file}: ${(e as Error).message}. The file is damaged or not Parquet; set option ignoreCorruptFiles to true to skip such files.`,
      { cause: e },
    )
  }
}

/**
 * The footer with DECIMAL annotations removed from the schema hyparquet decodes with, so decimal
 * columns arrive as their physical unscaled values (hyparquet would scale them into floats and
 * lose digits); the schema tree built before keeps the annotations for typing and conversion.
 */
function withRawDecimals(metadata: FileMetaData): FileMetaData {
  const isDecimal = (e: FileMetaData['schema'][number]) =>
    e.converted_type === 'DECIMAL' || e.logical_type?.type === 'DECIMAL'
  if (!metadata.schema.some(isDecimal)) return metadata
  const schema = metadata.schema.map((e) =>
    isDecimal(e) ? { ...e, converted_type: undefined, logical_type: undefined } : e,
  )
  return { ...metadata, schema }
}

/** The file column for a schema field: exact name first, then case-insensitively (Spark's default). */
function findColumn(root: SchemaTree, name: string): SchemaTree | undefined {
  const lower = name.toLowerCase()
  return (
    root.children.find((c) => c.element.name === name) ??
    root.children.find((c) => c.element.name.toLowerCase() === lower)
  )
}

/**
 * The reader of one schema.
 *
 * @example await compileParquetReader(S).decode(bytes, 'f.parquet', { columns: [0] })
 */
export function compileParquetReader(schema: StructType): FormatReader {
  const width = schema.fields.length
  return {
    async decode(bytes, file, scan): Promise<DecodeResult> {
      const { buffer, metadata, root } = readFooter(bytes, file)
      const keep = scan?.columns === undefined ? null : new Set(scan.columns)
      const nodes = schema.fields.map((f) => findColumn(root, f.name))
      const wanted = schema.fields
        .map((f, i) => ({ f, i, node: nodes[i] }))
        .filter((w) => w.node !== undefined && (keep === null || keep.has(w.i)))
      const convs = wanted.map((w) => parquetReadConverter(w.f.type, w.node as SchemaTree, file, w.f.name))
      const groups = scan?.rowGroups === undefined ? null : new Set(scan.rowGroups)
      const ranges = rowRanges(
        metadata.row_groups,
        scan?.predicate,
        (i) => judgedColumn(schema, nodes, i),
        groups,
      )
      const rows: unknown[][] = []
      for (const [start, end] of ranges) {
        const base = rows.length
        for (let r = start; r < end; r++) rows.push(new Array(width).fill(null))
        if (wanted.length === 0) continue
        const fill = (k: number, data: ArrayLike<unknown>, from: number) => {
          const at = wanted[k].i
          const conv = convs[k]
          // A chunk may hold rows outside the range asked for; only those inside are kept.
          const lo = Math.max(start - from, 0)
          const hi = Math.min(end - from, data.length)
          for (let j = lo; j < hi; j++) {
            const v = data[j]
            if (v !== null && v !== undefined) rows[base + from - start + j][at] = conv(v)
          }
        }
        await readRange(buffer, metadata, wanted, start, end, fill, file)
      }
      return { rows, malformed: [] }
    },
  }
}

type Wanted = { readonly f: StructField; readonly i: number; readonly node: SchemaTree | undefined }

/** Reads rows [start, end) of the wanted columns, handing each decoded column chunk to `fill`. */
async function readRange(
  buffer: ArrayBuffer,
  metadata: FileMetaData,
  wanted: readonly Wanted[],
  start: number,
  end: number,
  fill: (k: number, data: ArrayLike<unknown>, from: number) => void,
  file: string,
): Promise<void> {
  const names = wanted.map((w) => (w.node as SchemaTree).element.name)
  const slot = new Map(names.map((n, k) => [n, k]))
  let failed: unknown
  try {
    await parquetRead({
      file: buffer,
      metadata,
      columns: names,
      rowStart: start,
      rowEnd: end,
      utf8: false,
      parsers: PARQUET_PARSERS,
      compressors: DECOMPRESSORS,
      onChunk: (chunk) => {
        const k = slot.get(chunk.columnName)
        // hyparquet swallows what a chunk callback throws: keep the first error for below.
        try {
          if (k !== undefined && failed === undefined)
            fill(k, chunk.columnData as ArrayLike<unknown>, chunk.rowStart)
        } catch (e) {
          failed = e
        }
      },
    })
  } catch (e) {
    throw new SluiceError(
      'FAILED_READ_FILE',
      `Cannot read Parquet file ${file}: ${(e as Error).message}. The file is damaged; set option ignoreCorruptFiles to true to skip such files.`,
      { cause: e },
    )
  }
  if (failed !== undefined) throw failed
}

/** The row ranges of the row groups asked for (all when `only` is null) the predicate may match, adjacent groups merged. */
function rowRanges(
  groups: readonly RowGroup[],
  predicate: readonly ScanCondition[] | undefined,
  columnOf: (column: number) => JudgedColumn | undefined,
  only: ReadonlySet<number> | null,
): [number, number][] {
  const out: [number, number][] = []
  let at = 0
  for (const [k, g] of groups.entries()) {
    const n = Number(g.num_rows)
    const asked = only === null || only.has(k)
    if (n > 0 && asked && (predicate === undefined || rowGroupMayMatch(g, predicate, columnOf))) {
      const last = out[out.length - 1]
      if (last !== undefined && last[1] === at) last[1] = at + n
      else out.push([at, at + n])
    }
    at += n
  }
  return out
}

/** The file column of a field whose statistics compare as its values do (scan-request.ts), if any. */
function judgedColumn(
  schema: StructType,
  nodes: readonly (SchemaTree | undefined)[],
  i: number,
): JudgedColumn | undefined {
  const node = nodes[i]
  const kind =
    schema.fields[i] === undefined || node === undefined || node.children.length > 0
      ? undefined
      : statsKindOf(schema.fields[i].type.kind, node.element)
  return kind === undefined ? undefined : { name: (node as SchemaTree).element.name, kind }
}

const STRING_ANNOTATIONS = new Set([undefined, 'UTF8', 'ENUM', 'STRING'])

function statsKindOf(kind: string, el: SchemaElement): StatsKind | undefined {
  const logical = el.logical_type?.type
  switch (kind) {
    case 'int':
    case 'long': {
      if (el.type !== 'INT32' && el.type !== 'INT64') return undefined
      const signed = el.converted_type === undefined || /^INT_(8|16|32|64)$/.test(el.converted_type)
      const signedLogical =
        el.logical_type === undefined || (logical === 'INTEGER' && el.logical_type.isSigned)
      return signed && signedLogical ? 'number' : undefined
    }
    case 'double':
      return el.type === 'DOUBLE' ? 'float' : undefined
    case 'float':
      return el.type === 'FLOAT' ? 'float' : undefined
    case 'date':
      return el.type === 'INT32' && (el.converted_type === 'DATE' || logical === 'DATE')
        ? 'number'
        : undefined
    case 'timestamp': {
      const annotated = el.converted_type?.startsWith('TIMESTAMP_') === true || logical === 'TIMESTAMP'
      return el.type === 'INT64' && annotated ? 'number' : undefined
    }
    case 'string':
      return el.type === 'BYTE_ARRAY' &&
        STRING_ANNOTATIONS.has(el.converted_type) &&
        STRING_ANNOTATIONS.has(logical)
        ? 'string'
        : undefined
    case 'boolean':
      return el.type === 'BOOLEAN' ? 'boolean' : undefined
    default:
      return undefined
  }
}
