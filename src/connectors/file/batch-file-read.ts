/**
 * `sluice.read.format(f).load(paths)`: a batch read of files, as Spark's DataSource.resolveRelation
 * over an InMemoryFileIndex (or a file sink's log). `load()` lists the files, discovers partition
 * folders and infers the data schema when none is given (JSON always; CSV from the header, typed
 * only with `inferSchema`; Parquet from the first file's footer, or from all files with
 * `mergeSchema`). The rows are read when an action runs (the returned `BatchScan`), only from the
 * partition folders the pushed-down filters accept. Parquet is decoded at the action too, told the
 * columns the query reads and the conditions of its filters (row groups they rule out are never
 * decoded): its decoder is asynchronous and actions are synchronous, so it runs on a worker thread
 * the action waits for (formats/parquet-sync-reader.ts). Malformed records follow the parse mode
 * (`mode`); under FAILFAST the first one fails the action, as in Spark (schema inference, which
 * reads the files at `load()`, fails there).
 */
import { readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { SluiceError } from '../../errors.ts'
import type { ScanRequest } from '../../exec/ops/batch-scan-exec.ts'
import { type FileSystem, nodeFileSystem } from '../../io/fs.ts'
import { storageError } from '../../io/storage-error.ts'
import type { StructType } from '../../schema/data-type.ts'
import type { BatchReadRequest, PreparedBatchRead } from '../spi.ts'
import type { ListedFile } from './file-listing.ts'
import { listFiles } from './file-listing.ts'
import { fileReadOptions, optionOf, READER_OPTIONS } from './file-read-options.ts'
import {
  asNullable,
  FileDecoder,
  type FileRelation,
  fileRelation,
  formatContext,
  readInputs,
  unableToInferSchema,
  userDataSchema,
} from './file-relation.ts'
import type { FileFormat, FileInput, FormatContext } from './formats/format.ts'
import { fileFormat } from './formats/index.ts'
import { syncParquetReader } from './formats/parquet-sync-reader.ts'
import { readParquetFooters } from './parquet-footers.ts'
import { discoverPartitions, NO_PARTITIONS } from './partition-discovery.ts'

export type { BatchReadRequest }

/** One file of the scan: where it is and its partition values. */
interface ScanFile {
  readonly file: ListedFile
  readonly values: readonly unknown[]
  /** The relation row of the partition values (data columns null), for the pushed filters. */
  readonly partitionRow: readonly unknown[]
}

function pathsOf(req: BatchReadRequest): readonly string[] {
  const option = optionOf(req.options, 'path')
  if (req.paths.length > 0 && option !== undefined) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      "There is a 'path' option set and load() is called with path parameters. Either remove the path option, or call load() without the parameter.",
    )
  }
  const paths = req.paths.length > 0 ? req.paths : option !== undefined ? [option] : []
  if (paths.length === 0)
    throw new SluiceError(
      'INVALID_ARGUMENT',
      "A file read needs a path: load('/data/events') or .json(path).",
    )
  return paths
}

function inferDataSchema(
  format: FileFormat,
  inputs: readonly FileInput[],
  req: BatchReadRequest,
  ctx: FormatContext,
): StructType {
  // Spark's text schema is fixed; every other format needs a file to infer from.
  if (inputs.length === 0 && format.name !== 'text') throw unableToInferSchema(format.name)
  return asNullable(format.inferSchema(inputs, req.options, ctx))
}

function partitionRowOf(relation: FileRelation, values: readonly unknown[]): unknown[] {
  const parts = relation.partitionSchema.fields.map((f) => f.name.toLowerCase())
  return relation.schema.fields.map((f) => {
    const i = parts.indexOf(f.name.toLowerCase())
    return i >= 0 ? values[i] : null
  })
}

function readBytesSync(path: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(path))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw storageError('read', path, e)
  }
}

function fileGone(path: string): SluiceError {
  return new SluiceError(
    'SOURCE_UNAVAILABLE',
    `The file ${path} was listed but is gone: it was deleted or moved before it was read. Keep input files until they are read, or set option ignoreMissingFiles to true to skip such files.`,
  )
}

interface ScanSetup {
  readonly format: string
  /** A decoder told the request's columns and conditions (Parquet), or undefined to use `decoder`. */
  readonly scanDecoder?: (request: ScanRequest) => FileDecoder
  readonly paths: readonly string[]
  readonly relation: FileRelation
  readonly decoder: FileDecoder
  readonly files: readonly ScanFile[]
  readonly ignoreMissingFiles: boolean
}

function readScan(setup: ScanSetup, request: ScanRequest): unknown[][] {
  const out: unknown[][] = []
  const decoder = setup.scanDecoder?.(request) ?? setup.decoder
  for (const f of setup.files) {
    if (request.filters.length > 0 && !request.matches(f.partitionRow)) continue
    const bytes = readBytesSync(f.file.path)
    if (bytes === undefined) {
      if (setup.ignoreMissingFiles) continue
      throw fileGone(f.file.path)
    }
    const { rows } = decoder.decodeSync({ bytes, file: f.file.path }, f.values)
    for (const r of rows) out.push(r as unknown[])
  }
  return out
}

function describeScan(setup: ScanSetup): string {
  const parts = setup.relation.partitionSchema.fields.map((f) => f.name)
  return `${setup.format} [${setup.paths.join(', ')}]${parts.length > 0 ? ` partitions [${parts.join(', ')}]` : ''} ${setup.files.length} files`
}

/** The scan's files with their partition values. */
function scanFilesOf(
  files: readonly ListedFile[],
  partitionValues: ReadonlyMap<string, readonly unknown[]>,
  relation: FileRelation,
): ScanFile[] {
  return files.map((file) => {
    const values = partitionValues.get(dirname(file.path)) ?? []
    return { file, values, partitionRow: partitionRowOf(relation, values) }
  })
}

/** A synchronous Parquet decoder reading only what `request` needs (positions in the relation). */
function parquetScanDecoder(
  dataSchema: StructType,
  relation: FileRelation,
  ignoreCorruptFiles: boolean,
  request: ScanRequest,
): FileDecoder {
  const scan = { columns: request.columns, predicate: request.predicate }
  return new FileDecoder(syncParquetReader(dataSchema), relation, ignoreCorruptFiles, scan)
}

/**
 * Prepares the batch read of some files: lists them and settles the schema; the returned scan reads
 * the rows.
 *
 * @example
 * const { schema, scan } = await prepareFileScan({ format: 'json', paths: ['/data/events'], options: {}, timeZone: 'UTC' })
 */
export async function prepareFileScan(
  req: BatchReadRequest,
  fs: FileSystem = nodeFileSystem,
): Promise<PreparedBatchRead> {
  const format = fileFormat(req.format)
  const ctx = formatContext(req.timeZone, READER_OPTIONS)
  format.validateOptions(req.options, 'read', ctx)
  const ro = fileReadOptions(req.options, req.timeZone)
  const listing = await listFiles(pathsOf(req), { ...ro.listing, mustExist: true }, fs)
  // Partition values are read in the `timeZone` option's zone, else the session's (as Spark).
  const zone = optionOf(req.options, 'timeZone') ?? req.timeZone
  const { spec, files } = ro.recursiveFileLookup
    ? { spec: NO_PARTITIONS, files: listing.files }
    : discoverPartitions(listing.files, listing.basePaths, { timeZone: zone, userSchema: req.userSchema })
  // Inference reads the files (text's schema is fixed; Parquet's is in the footers, read alone); the
  // lazy scan reads them again at the action.
  const inferring = req.userSchema === undefined && format.name !== 'text'
  const inputs = !inferring
    ? []
    : format.name === 'parquet'
      ? await readParquetFooters(files, fs, {
          merge: optionOf(req.options, 'mergeSchema')?.toLowerCase() === 'true',
          ignoreMissingFiles: ro.ignoreMissingFiles,
        })
      : await readInputs(files, fs, ro.ignoreMissingFiles)
  const dataSchema =
    req.userSchema !== undefined
      ? userDataSchema(req.userSchema, spec.schema)
      : inferDataSchema(format, inputs, req, ctx)
  const relation = fileRelation(dataSchema, spec.schema)
  const decoder = new FileDecoder(
    format.reader(dataSchema, req.options, ctx),
    relation,
    ro.ignoreCorruptFiles,
  )
  const scanFiles = scanFilesOf(files, spec.values, relation)
  const setup: ScanSetup = {
    format: format.name,
    ...(format.name === 'parquet'
      ? {
          scanDecoder: (r: ScanRequest) => parquetScanDecoder(dataSchema, relation, ro.ignoreCorruptFiles, r),
        }
      : {}),
    paths: pathsOf(req),
    relation,
    decoder,
    files: scanFiles,
    ignoreMissingFiles: ro.ignoreMissingFiles,
  }
  const partitionNames = new Set(relation.partitionSchema.fields.map((f) => f.name.toLowerCase()))
  const scan = Object.freeze({
    name: format.name,
    description: describeScan(setup),
    partitionColumns: relation.schema.fields.flatMap((f, i) =>
      partitionNames.has(f.name.toLowerCase()) ? [i] : [],
    ),
    read: (request: ScanRequest) => readScan(setup, request),
  })
  return { schema: relation.schema, scan }
}
