/**
 * The Parquet format over hyparquet (read) and hyparquet-writer (write). A write is one file of one
 * row group (or groups of `rowGroupSize` rows), compressed with `compression`: snappy (Spark's
 * default), uncompressed/none, gzip, zstd or brotli (the last three through `node:zlib`; lz4 and lzo
 * are not available). A read takes the schema's columns by name (case-insensitively, as Spark does,
 * an exact match first), leaves the others unread, gives nulls for a column the file lacks, and
 * fails with DATATYPE_MISMATCH naming file and column when the file's type cannot be read as the
 * schema's. Parquet has no parse modes: a file is readable or it is not.
 */
import { brotliCompressSync, gzipSync, zstdCompressSync } from 'node:zlib'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { SluiceError } from '../../../errors.ts'
import {
  type DataType,
  type StructField,
  type StructType,
  sameType,
  simpleString,
  structOf,
} from '../../../schema/data-type.ts'
import type { FileFormat, FileInput, FormatContext, FormatWriter } from './format.ts'
import { type FormatOptions, readFormatOptions } from './format-options.ts'
import { compileParquetReader, readFooter } from './parquet-reader.ts'
import { parquetSchemaOf, sluiceSchemaOf } from './parquet-schema.ts'
import { parquetWriteConverter } from './parquet-values.ts'

export const PARQUET_READ_OPTIONS: readonly string[] = Object.freeze([
  'mergeSchema',
  'datetimeRebaseMode',
  'int96RebaseMode',
])
export const PARQUET_WRITE_OPTIONS: readonly string[] = Object.freeze([
  'compression',
  'codec',
  'rowGroupSize',
])

type Codec = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'ZSTD' | 'BROTLI'

const CODECS: Readonly<Record<string, { codec: Codec; extension: string }>> = Object.freeze({
  none: { codec: 'UNCOMPRESSED', extension: '.parquet' },
  uncompressed: { codec: 'UNCOMPRESSED', extension: '.parquet' },
  snappy: { codec: 'SNAPPY', extension: '.snappy.parquet' },
  gzip: { codec: 'GZIP', extension: '.gz.parquet' },
  zstd: { codec: 'ZSTD', extension: '.zstd.parquet' },
  brotli: { codec: 'BROTLI', extension: '.br.parquet' },
})

const asBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
const COMPRESSORS = Object.freeze({
  GZIP: (input: Uint8Array) => asBytes(gzipSync(input)),
  ZSTD: (input: Uint8Array) => asBytes(zstdCompressSync(input)),
  BROTLI: (input: Uint8Array) => asBytes(brotliCompressSync(input)),
})

const NO_CONTEXT: FormatContext = Object.freeze({ timeZone: 'UTC' })

function options(
  o: Readonly<Record<string, string>>,
  mode: 'read' | 'write',
  ctx: FormatContext,
): FormatOptions {
  const r = readFormatOptions(
    'parquet',
    o,
    mode === 'read' ? PARQUET_READ_OPTIONS : PARQUET_WRITE_OPTIONS,
    ctx,
  )
  if (mode === 'read') {
    r.boolean('mergeSchema', false)
    for (const name of ['datetimeRebaseMode', 'int96RebaseMode']) {
      const v = r.get(name)
      // Sluice reads dates and timestamps in the proleptic Gregorian calendar, Spark's CORRECTED.
      if (v !== undefined && v.toUpperCase() !== 'CORRECTED')
        throw r.invalid(name, 'Sluice supports only CORRECTED')
    }
  } else {
    codecOf(r)
    if (r.int('rowGroupSize', 1) < 1) throw r.invalid('rowGroupSize', 'expected a positive number of rows')
  }
  return r
}

function codecOf(o: FormatOptions): { codec: Codec; extension: string } {
  const raw = o.get('compression') ?? o.get('codec') ?? 'snappy'
  const c = CODECS[raw.toLowerCase()]
  if (c === undefined)
    throw o.invalid(
      o.get('compression') !== undefined ? 'compression' : 'codec',
      'expected one of none, uncompressed, snappy, gzip, zstd, brotli (lz4 and lzo are not available)',
    )
  return c
}

/**
 * Spark's Parquet format.
 *
 * @example
 * const bytes = parquetFormat.writer(S, {}, ctx).encode(rows)
 * await parquetFormat.reader(S, {}, ctx).decode(bytes, 'part-0.snappy.parquet') // { rows, malformed: [] }
 */
export const parquetFormat: FileFormat = Object.freeze({
  name: 'parquet',
  readOptions: PARQUET_READ_OPTIONS,
  writeOptions: PARQUET_WRITE_OPTIONS,
  validateOptions(o, mode, ctx = NO_CONTEXT) {
    options(o, mode, ctx)
  },
  reader(schema, o, ctx) {
    options(o, 'read', ctx)
    return compileParquetReader(schema)
  },
  writer(schema, o, ctx) {
    return compileParquetWriter(schema, options(o, 'write', ctx))
  },
  inferSchema(files, o, ctx) {
    return inferParquetSchema(files, options(o, 'read', ctx).boolean('mergeSchema', false))
  },
} satisfies FileFormat)

function compileParquetWriter(schema: StructType, o: FormatOptions): FormatWriter {
  const elements = parquetSchemaOf(schema)
  const convs = schema.fields.map((f) => parquetWriteConverter(f.type))
  // NOTE: hyparquet-writer's dictionary keys values with SameValueZero, so 0 and -0 would share
  // an entry and one would read back as the other; columns holding doubles are written PLAIN.
  const plain = schema.fields.map((f) => holdsDouble(f.type))
  const { codec, extension } = codecOf(o)
  const groupSize = o.get('rowGroupSize') === undefined ? null : o.int('rowGroupSize', 1)
  return {
    extension,
    encode(rows) {
      const columnData = schema.fields.map((f, i) => {
        const conv = convs[i]
        const data = new Array<unknown>(rows.length)
        for (let r = 0; r < rows.length; r++) {
          const v = rows[r][i]
          data[r] = v === null || v === undefined ? null : conv === null ? v : conv(v)
        }
        return plain[i] ? { name: f.name, data, encoding: 'PLAIN' as const } : { name: f.name, data }
      })
      const buffer = parquetWriteBuffer({
        columnData,
        schema: elements,
        codec,
        compressors: COMPRESSORS,
        rowGroupSize: groupSize ?? Math.max(rows.length, 1),
        createdBy: 'sluice (hyparquet-writer)',
      })
      return new Uint8Array(buffer)
    },
  }
}

function holdsDouble(type: DataType): boolean {
  switch (type.kind) {
    case 'double':
    case 'float':
      return true
    case 'array':
      return holdsDouble(type.element)
    case 'map':
      return holdsDouble(type.key) || holdsDouble(type.value)
    case 'struct':
      return type.fields.some((f) => holdsDouble(f.type))
    default:
      return false
  }
}

/** The schema of the first file, or with `mergeSchema` of all of them merged by column name. */
function inferParquetSchema(files: readonly FileInput[], merge: boolean): StructType {
  let out: StructType | null = null
  for (const { bytes, file } of files) {
    const schema = sluiceSchemaOf(readFooter(bytes, file).root, file)
    if (out === null) out = schema
    else out = mergeSchemas(out, schema, file)
    if (!merge) break
  }
  return out ?? structOf([])
}

function mergeSchemas(a: StructType, b: StructType, file: string): StructType {
  const fields: StructField[] = [...a.fields]
  for (const f of b.fields) {
    const existing = fields.find((x) => x.name === f.name)
    if (existing === undefined) fields.push(f)
    else if (!sameType(existing.type, f.type)) {
      throw new SluiceError(
        'DATATYPE_MISMATCH',
        `Cannot merge the Parquet schemas: column \`${f.name}\` is ${simpleString(existing.type)} in one file and ${simpleString(f.type)} in ${file}. Read the files separately, or give a schema.`,
      )
    }
  }
  return structOf(fields)
}
