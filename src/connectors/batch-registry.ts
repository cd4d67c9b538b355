/**
 * `sluice.read.format(name)` and `df.write.format(name)` -> connector: one line per batch reader
 * and writer, beside the streaming registry (connectors/registry.ts). Names are case-insensitive.
 */
import type { ScanRequest } from '../exec/ops/batch-scan-exec.ts'
import type { StructType } from '../schema/data-type.ts'
import { prepareFileScan } from './file/batch-file-read.ts'
import { prepareFileWrite } from './file/batch-file-write.ts'
import { readKafkaBatch } from './kafka/kafka-batch-read.ts'
import { writeKafkaBatch } from './kafka/kafka-batch-write.ts'
import type { BatchReaderProvider, BatchWriterProvider, PreparedBatchRead } from './spi.ts'
import { readStateMetadataBatch, readStateStoreBatch } from './state/state-batch-read.ts'

/**
 * A scan over rows read at `load()` (Kafka and checkpoint state are read then): it hands them all
 * out, whatever it is asked (the filter above it still runs).
 *
 * @example materializedScan('kafka', 'kafka [events]', schema, rows)
 */
export function materializedScan(
  name: string,
  description: string,
  schema: StructType,
  rows: readonly unknown[][],
): PreparedBatchRead {
  const scan = Object.freeze({
    name,
    description: `${description} ${rows.length} rows`,
    partitionColumns: Object.freeze([]),
    read: (_request: ScanRequest) => rows as unknown[][],
  })
  return { schema, scan }
}

const fileReader = (format: string): BatchReaderProvider => ({
  name: format,
  prepare: (req, ctx) => prepareFileScan(req, ctx.fs),
})

const fileWriter = (format: string): BatchWriterProvider => ({
  name: format,
  prepare: (req, ctx) => {
    const write = prepareFileWrite(req, {
      schema: ctx.schema,
      timeZone: ctx.timeZone ?? 'UTC',
      renderCells: ctx.renderCells,
    })
    return (rows) => write(ctx.fs!, rows)
  },
})

const READERS: ReadonlyMap<string, BatchReaderProvider> = new Map([
  ['csv', fileReader('csv')],
  ['json', fileReader('json')],
  ['parquet', fileReader('parquet')],
  ['text', fileReader('text')],
  [
    'kafka',
    {
      name: 'kafka',
      prepare: async (req, ctx) => {
        const { schema, rows } = await readKafkaBatch(req.options, req.userSchema, req.paths, ctx.retryTimer)
        return materializedScan('kafka', 'kafka', schema, rows)
      },
    },
  ],
  [
    'statestore',
    {
      name: 'statestore',
      prepare: async (req, ctx) => {
        const { schema, rows } = await readStateStoreBatch(req.options, req.paths, ctx.fs)
        return materializedScan('statestore', `statestore [${req.paths.join(', ')}]`, schema, rows)
      },
    },
  ],
  [
    'state-metadata',
    {
      name: 'state-metadata',
      prepare: async (req, ctx) => {
        const { schema, rows } = await readStateMetadataBatch(req.options, req.paths, ctx.fs)
        return materializedScan('state-metadata', `state-metadata [${req.paths.join(', ')}]`, schema, rows)
      },
    },
  ],
])

const WRITERS: ReadonlyMap<string, BatchWriterProvider> = new Map([
  ['csv', fileWriter('csv')],
  ['json', fileWriter('json')],
  ['parquet', fileWriter('parquet')],
  ['text', fileWriter('text')],
  [
    'kafka',
    {
      name: 'kafka',
      prepare: (req, ctx) => (rows) => writeKafkaBatch(req, ctx.schema, rows, ctx.renderCells, ctx),
    },
  ],
])

/**
 * The batch reader for `sluice.read.format(name)`; unknown names fall to the file reader, which
 * names the formats it reads (Spark's default source is parquet).
 *
 * @example await batchReader('json').prepare({ format: 'json', paths: ['/data'], options: {}, timeZone: 'UTC' }, ctx)
 */
export function batchReader(name: string): BatchReaderProvider {
  return READERS.get(name.toLowerCase()) ?? fileReader(name)
}

/**
 * The batch writer for `df.write.format(name)`; unknown names fall to the file writer, which
 * refuses them naming the formats it writes.
 *
 * @example batchWriter('parquet').prepare(request, ctx)
 */
export function batchWriter(name: string): BatchWriterProvider {
  return WRITERS.get(name.toLowerCase()) ?? fileWriter(name)
}
