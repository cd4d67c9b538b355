/**
 * `readStream.format('json' | 'csv' | 'text' | 'parquet').schema(S).load(pathOrGlob)`: the
 * streaming file source's provider. As Spark's DataSource.sourceSchema, `load()` resolves the
 * schema at once: the path must exist unless it is a glob; a schema is required (text has its
 * own) unless option `schemaInference` is true (Spark's session conf
 * `spark.sql.streaming.schemaInference`), which infers it from the files there now; partition
 * columns are discovered from the folders there now and appended after the data columns. Options
 * are `file-source-options.ts`'s, the common file options and the format's own.
 */
import { readFileSync } from 'node:fs'
import { SluiceError } from '../../errors.ts'
import { nodeFileSystem } from '../../io/fs.ts'
import { storageError } from '../../io/storage-error.ts'
import { type StructType, sameType } from '../../schema/data-type.ts'
import type { ConnectorContext, Source, SourceProvider } from '../spi.ts'
import { listFilesSync } from './file-listing.ts'
import { fileReadOptions, optionOf } from './file-read-options.ts'
import {
  asNullable,
  type FileRelation,
  fileRelation,
  formatContext,
  unableToInferSchema,
  userDataSchema,
} from './file-relation.ts'
import { FileStreamSource } from './file-source.ts'
import { FILE_SOURCE_OPTIONS, type FileSourceOptions, parseFileSourceOptions } from './file-source-options.ts'
import type { FileFormat, FileFormatName, FileInput } from './formats/format.ts'
import { fileFormat } from './formats/index.ts'
import { isGlobPath } from './glob.ts'
import { parallelReadOf } from './parallel-decode.ts'
import { readParquetFooterSync } from './parquet-footers.ts'
import { discoverPartitions, NO_PARTITIONS } from './partition-discovery.ts'
import { sourceCleaner } from './source-cleaner.ts'

/** The relation each resolved schema stands for: createSource gets the schema `schema()` returned. */
const RELATIONS = new WeakMap<StructType, FileRelation>()

/**
 * The zone of partition values (Spark's: the `timeZone` option, else the session's; before the
 * query starts the session's is not known here, so the process's, which is the session default).
 */
function zoneOf(options: Readonly<Record<string, string>>, ctx?: ConnectorContext): string {
  return optionOf(options, 'timeZone') ?? ctx?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone
}

function schemaRequired(): SluiceError {
  return new SluiceError(
    'INVALID_SCHEMA',
    'Schema must be specified when creating a streaming source DataFrame: give it with readStream.schema(...). If some files already exist in the directory, you may read them once with sluice.read.load(directory) to see the schema inferred from them, or set option schemaInference to true to infer it when the stream is loaded.',
  )
}

function inferNow(
  format: FileFormat,
  files: readonly { path: string }[],
  options: Readonly<Record<string, string>>,
  mergeSchema: boolean,
): StructType {
  const ctx = formatContext(zoneOf(options), FILE_SOURCE_OPTIONS)
  if (format.name === 'text') return asNullable(format.inferSchema([], options, ctx))
  if (files.length === 0) throw unableToInferSchema(format.name)
  // The Parquet codec infers from the first file unless mergeSchema is set: read no more.
  const sample = format.name === 'parquet' && !mergeSchema ? files.slice(0, 1) : files
  // Parquet's schema is in the footer: only the file's tail is read.
  const read = (path: string) => {
    try {
      return format.name === 'parquet'
        ? (readParquetFooterSync(path) ?? readFileSync(path))
        : readFileSync(path)
    } catch (e) {
      // A file listed a moment ago may be gone (moved or deleted while load() runs).
      throw storageError('read (to infer the stream schema)', path, e)
    }
  }
  const inputs: FileInput[] = sample.map((f) => ({ bytes: read(f.path), file: f.path }))
  return asNullable(format.inferSchema(inputs, options, ctx))
}

/**
 * The relation of a stream as `load()` resolves it (synchronously, from the files there now).
 *
 * @example streamRelation('json', { path: '/in' }, t.struct({ x: t.long() })).schema
 */
export function streamRelation(
  formatName: FileFormatName,
  options: Readonly<Record<string, string>>,
  userSchema: StructType | undefined,
): FileRelation {
  const format = fileFormat(formatName)
  const o = parseFileSourceOptions(options)
  const zone = zoneOf(options)
  const ro = fileReadOptions(options, zone)
  if (userSchema === undefined && format.name !== 'text' && !o.schemaInference) throw schemaRequired()
  // Spark checks a plain path at once; a glob may match only once data arrives.
  const listing = listFilesSync([o.path], { ...ro.listing, mustExist: !isGlobPath(o.path) })
  const { spec, files } = ro.recursiveFileLookup
    ? { spec: NO_PARTITIONS, files: listing.files }
    : discoverPartitions(listing.files, listing.basePaths, { timeZone: zone, userSchema })
  const dataSchema =
    userSchema !== undefined
      ? userDataSchema(userSchema, spec.schema)
      : inferNow(format, files, options, ro.mergeSchema)
  return fileRelation(dataSchema, spec.schema)
}

function createFileSource(
  formatName: FileFormatName,
  ctx: ConnectorContext,
  schema: StructType,
  options: FileSourceOptions,
): Source {
  if (ctx.checkpointDir === undefined) {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      'The file source needs a checkpoint folder for its log of files read: start the query with a checkpointLocation.',
    )
  }
  const relation = RELATIONS.get(schema) ?? streamRelation(formatName, ctx.options, schema)
  if (!sameType(relation.schema, schema)) {
    throw new SluiceError(
      'INVALID_SCHEMA',
      `The partition folders under ${options.path} changed since the stream was loaded; load it again to read the new layout.`,
    )
  }
  const timeZone = zoneOf(ctx.options, ctx)
  const format = fileFormat(formatName)
  const reader = format.reader(relation.dataSchema, ctx.options, formatContext(timeZone, FILE_SOURCE_OPTIONS))
  const read = fileReadOptions(ctx.options, timeZone)
  const parallel = parallelReadOf(ctx.executor, {
    format: format.name,
    relation,
    options: ctx.options,
    timeZone,
    callerOptions: FILE_SOURCE_OPTIONS,
    ignoreCorruptFiles: read.ignoreCorruptFiles,
    ...(ctx.scan === undefined ? {} : { scan: ctx.scan }),
  })
  return new FileStreamSource({
    options,
    read,
    parallel,
    relation,
    reader,
    ...(ctx.scan === undefined ? {} : { scan: ctx.scan }),
    timeZone,
    checkpointDir: ctx.checkpointDir,
    fs: ctx.fs ?? nodeFileSystem,
  })
}

/**
 * The streaming source provider of a file format.
 *
 * @example
 * const df = sluice.readStream.format('json').schema(t.struct({ user: t.string() })).load('/in')
 */
export function fileSourceProvider(formatName: FileFormatName): SourceProvider {
  return Object.freeze({
    name: formatName,
    schema(options: Readonly<Record<string, string>>, userSchema: StructType | undefined): StructType {
      const relation = streamRelation(formatName, options, userSchema)
      RELATIONS.set(relation.schema, relation)
      return relation.schema
    },
    validate(options: Readonly<Record<string, string>>): void {
      const o = parseFileSourceOptions(options)
      const zone = zoneOf(options)
      fileFormat(formatName).validateOptions(options, 'read', formatContext(zone, FILE_SOURCE_OPTIONS))
      fileReadOptions(options, zone)
      sourceCleaner(o.cleanSource, o.sourceArchiveDir, o.path)
    },
    createSource(ctx: ConnectorContext, schema: StructType): Source {
      return createFileSource(formatName, ctx, schema, parseFileSourceOptions(ctx.options))
    },
  } satisfies SourceProvider)
}
