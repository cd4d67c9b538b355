/**
 * A file read's columns and how a file's bytes become its rows, shared by the batch reader and the
 * streaming file source. The output columns follow Spark's `mergeDataAndPartitionSchema`: the data
 * columns in their order, a data column named like a partition column taking the partition's type
 * and value (the folder wins), then the other partition columns. Data columns are nullable
 * whatever the schema says, as Spark makes a file source's schema nullable.
 */
import { isSluiceError, SluiceError } from '../../errors.ts'
import type { FileSystem } from '../../io/fs.ts'
import { type DataType, field, type StructField, type StructType, structOf } from '../../schema/data-type.ts'
import type { ScanRequest } from '../spi.ts'
import type { ListedFile } from './file-listing.ts'
import type {
  DecodeResult,
  FileInput,
  FormatContext,
  FormatReader,
  MalformedRecord,
} from './formats/format.ts'

/** The columns of a file read. */
export interface FileRelation {
  /** What the codec decodes each file to. */
  readonly dataSchema: StructType
  /** Columns from `key=value` folders. */
  readonly partitionSchema: StructType
  /** What the read returns. */
  readonly schema: StructType
}

/**
 * `type` with every level nullable (Spark's `asNullable`).
 *
 * @example asNullable(t.struct({ a: t.notNull(t.int()) })) // struct with a nullable
 */
export function asNullable(type: StructType): StructType
export function asNullable(type: DataType): DataType
export function asNullable(type: DataType): DataType {
  switch (type.kind) {
    case 'struct':
      return structOf(type.fields.map((f) => field(f.name, asNullable(f.type), true)))
    case 'array':
      return Object.freeze({ ...type, element: asNullable(type.element), containsNull: true })
    case 'map':
      return Object.freeze({ ...type, value: asNullable(type.value), valueContainsNull: true })
    default:
      return type
  }
}

const lower = (f: StructField) => f.name.toLowerCase()

/**
 * The data columns a user schema gives: its columns that are not partition columns, nullable.
 *
 * @example userDataSchema(t.struct({ year: t.int(), x: t.long() }), t.struct({ year: t.int() })) // struct<x:bigint>
 */
export function userDataSchema(user: StructType, partitionSchema: StructType): StructType {
  const parts = new Set(partitionSchema.fields.map(lower))
  return asNullable(structOf(user.fields.filter((f) => !parts.has(lower(f)))))
}

/**
 * The relation of a data schema and a partition schema.
 *
 * @example fileRelation(t.struct({ x: t.long() }), t.struct({ year: t.int() })).schema // struct<x:bigint,year:int>
 */
export function fileRelation(dataSchema: StructType, partitionSchema: StructType): FileRelation {
  const parts = new Map(partitionSchema.fields.map((f) => [lower(f), f] as const))
  const overlapping = new Set<string>()
  const fields = dataSchema.fields.map((f) => {
    const p = parts.get(lower(f))
    if (p === undefined) return f
    overlapping.add(lower(f))
    return p
  })
  for (const p of partitionSchema.fields) if (!overlapping.has(lower(p))) fields.push(p)
  return { dataSchema, partitionSchema, schema: structOf(fields) }
}

/**
 * Spark's UNABLE_TO_INFER_SCHEMA (a read with no files to infer from and no schema).
 *
 * @example throw unableToInferSchema('json')
 */
export function unableToInferSchema(format: string): SluiceError {
  return new SluiceError(
    'INVALID_SCHEMA',
    `[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for ${format.toUpperCase()}. It must be specified manually: there are no files to infer it from. Give the schema with .schema(...), or add files first.`,
  )
}

/** Where each output column comes from: >= 0 a data column, < 0 partition column -(i + 1). */
function slotsOf(rel: FileRelation): Int32Array | null {
  const { dataSchema, partitionSchema, schema } = rel
  if (partitionSchema.fields.length === 0) return null
  const dataIndex = new Map(dataSchema.fields.map((f, i) => [lower(f), i] as const))
  const partIndex = new Map(partitionSchema.fields.map((f, i) => [lower(f), i] as const))
  const slots = new Int32Array(schema.fields.length)
  schema.fields.forEach((f, i) => {
    const p = partIndex.get(lower(f))
    slots[i] = p !== undefined ? -(p + 1) : dataIndex.get(lower(f))!
  })
  return slots
}

/** A relation-level scan request over the data columns (partition columns need no reading). */
function dataScan(scan: ScanRequest, slots: Int32Array | null): ScanRequest {
  const data = (i: number) => (slots === null ? i : (slots[i] ?? -1))
  const columns = scan.columns?.map(data).filter((i) => i >= 0)
  const predicate = scan.predicate
    ?.map((c) => ({ ...c, column: data(c.column) }))
    .filter((c) => c.column >= 0)
  return Object.freeze({
    ...(columns === undefined ? {} : { columns }),
    ...(predicate === undefined ? {} : { predicate }),
  })
}

/** The rows and malformed records of some files. */
export interface DecodedFiles {
  readonly rows: unknown[][]
  readonly malformed: MalformedRecord[]
  /** The rows decoded when the workers dropped some by the scan's filters; `rows.length` when absent. */
  readonly inputRows?: number
}

/** A file's bytes with its partition folder's values. */
export interface FileToDecode {
  readonly input: FileInput
  readonly partitionValues: readonly unknown[]
  /** Parquet: only these row groups (one split of a file read on several threads); all when absent. */
  readonly rowGroups?: readonly number[]
}

/**
 * The bytes of each file, in order. A file deleted since it was listed is skipped with
 * `ignoreMissingFiles`, else an error.
 *
 * @example const inputs = await readInputs(listing.files, nodeFileSystem, false)
 */
export async function readInputs(
  files: readonly ListedFile[],
  fs: FileSystem,
  ignoreMissingFiles: boolean,
): Promise<FileInput[]> {
  const out: FileInput[] = []
  for (const file of files) {
    const bytes = await fs.readFile(file.path)
    if (bytes !== undefined) out.push({ bytes, file: file.path })
    else if (!ignoreMissingFiles) {
      throw new SluiceError(
        'SOURCE_UNAVAILABLE',
        `The file ${file.path} was listed but is gone: it was deleted or moved before it was read. Keep input files until they are read, or set option ignoreMissingFiles to true to skip such files.`,
      )
    }
  }
  return out
}

/**
 * Decodes the files of one relation: the codec's reader is compiled once; each file's rows get
 * its partition values. With `ignoreCorruptFiles`, a file the codec cannot read at all is skipped.
 *
 * @example
 * const d = new FileDecoder(jsonFormat.reader(rel.dataSchema, opts, ctx), rel, false)
 * const { rows } = await d.decodeAll([{ input, partitionValues: [2024] }])
 */
export class FileDecoder {
  private readonly reader: FormatReader
  private readonly slots: Int32Array | null
  private readonly ignoreCorruptFiles: boolean

  private readonly scan: ScanRequest | undefined

  /** `scan` is over the relation's schema; the reader gets it over the data schema. */
  constructor(reader: FormatReader, relation: FileRelation, ignoreCorruptFiles: boolean, scan?: ScanRequest) {
    this.reader = reader
    this.slots = slotsOf(relation)
    this.ignoreCorruptFiles = ignoreCorruptFiles
    this.scan = scan === undefined ? undefined : dataScan(scan, this.slots)
  }

  /** Decodes every file, in order: the rows of all files together. */
  async decodeAll(files: readonly FileToDecode[]): Promise<DecodedFiles> {
    const rows: unknown[][] = []
    const malformed: MalformedRecord[] = []
    for (const { input, partitionValues, rowGroups } of files) {
      const decoded = await this.decodeBytes(input, rowGroups)
      if (decoded === null) continue
      this.append(decoded.rows, partitionValues, rows)
      for (const m of decoded.malformed) malformed.push(m)
    }
    return { rows, malformed }
  }

  /**
   * `decodeAll` for one file whose codec decodes synchronously (every format but Parquet), for a
   * batch scan run inside a synchronous action; INTERNAL when the codec answers with a promise.
   */
  decodeSync(input: FileInput, partitionValues: readonly unknown[]): DecodedFiles {
    let decoded: DecodeResult | Promise<DecodeResult>
    try {
      decoded = this.reader.decode(input.bytes, input.file, this.scan)
    } catch (e) {
      if (!this.ignoreCorruptFiles || isSluiceError(e, 'MALFORMED_RECORD')) throw e
      return { rows: [], malformed: [] }
    }
    if (decoded instanceof Promise) {
      throw new SluiceError(
        'INTERNAL',
        `The reader of ${input.file} is asynchronous; it cannot be read lazily.`,
      )
    }
    const rows: unknown[][] = []
    this.append(decoded.rows, partitionValues, rows)
    return { rows, malformed: decoded.malformed }
  }

  private async decodeBytes(input: FileInput, rowGroups?: readonly number[]): Promise<DecodedFiles | null> {
    const scan = rowGroups === undefined ? this.scan : { ...this.scan, rowGroups }
    try {
      return await this.reader.decode(input.bytes, input.file, scan)
    } catch (e) {
      // A malformed record under FAILFAST is the user's choice to stop, never a corrupt file.
      if (!this.ignoreCorruptFiles || isSluiceError(e, 'MALFORMED_RECORD')) throw e
      return null
    }
  }

  private append(decoded: unknown[][], values: readonly unknown[], out: unknown[][]): void {
    const slots = this.slots
    if (slots === null) {
      for (const r of decoded) out.push(r)
      return
    }
    const n = slots.length
    for (const r of decoded) {
      const row = new Array(n)
      for (let i = 0; i < n; i++) {
        const s = slots[i]
        row[i] = s >= 0 ? r[s] : values[-s - 1]
      }
      out.push(row)
    }
  }
}

/**
 * The codec context of a read: the session zone and the option keys the file source owns.
 *
 * @example formatContext('UTC', READER_OPTIONS)
 */
export function formatContext(timeZone: string, callerOptions: readonly string[]): FormatContext {
  return Object.freeze({ timeZone, callerOptions })
}
