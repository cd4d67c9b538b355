/**
 * The worker side of a file read split over `sluice.executor.threads` (see `parallel-decode.ts`):
 * one task decodes one split (a whole file, or some row groups of a Parquet file) with the same
 * codec and `FileDecoder` the main thread would use, and answers its rows in file order, as
 * columns whose typed arrays move back without a copy (row-columns.ts: cheaper on both threads
 * than the msgpack rows and structured clone measured before by bench/executor-transfer.ts). When
 * the scan request carries the filters right above the source, only the rows they keep come back
 * (worker-filters.ts), with the count of rows decoded.
 */
import { failureOf, movedReply, type TaskFailure } from '../../io/worker-pool.ts'
import type { ScanRequest } from '../spi.ts'
import { FileDecoder, type FileRelation, formatContext } from './file-relation.ts'
import type { FileFormatName, MalformedRecord } from './formats/format.ts'
import { fileFormat } from './formats/index.ts'
import { buffersOf, columnsOf, type RowColumns } from './row-columns.ts'
import { compileFilters, keptRows, type RowFilter } from './worker-filters.ts'

/** What a worker needs to compile the source's decoder (plain data: it is cloned to the worker). */
export interface WorkerDecodeSpec {
  readonly format: FileFormatName
  readonly relation: FileRelation
  readonly options: Readonly<Record<string, string>>
  readonly timeZone: string
  readonly callerOptions: readonly string[]
  readonly ignoreCorruptFiles: boolean
  /** Over the relation's schema, as the source's own decoder gets it. */
  readonly scan?: ScanRequest
}

/** One split to decode. */
export interface DecodeTask {
  /** The spec's identity: a worker compiles one decoder per key. */
  readonly key: string
  readonly spec: WorkerDecodeSpec
  /** The file's bytes: moved (ArrayBuffer) or shared between a file's splits (SharedArrayBuffer). */
  readonly bytes: ArrayBuffer | SharedArrayBuffer
  readonly file: string
  readonly partitionValues: readonly unknown[]
  readonly rowGroups?: readonly number[]
}

/** A split's rows, as columns, and malformed records. */
export interface DecodeReply {
  readonly columns: RowColumns
  readonly malformed: MalformedRecord[]
  /** The rows decoded, before the scan's filters dropped some. */
  readonly inputRows: number
}

const MAX_DECODERS = 64
const decoders = new Map<string, { decoder: FileDecoder; filters: readonly RowFilter[] }>()

function decoderOf(
  key: string,
  spec: WorkerDecodeSpec,
): { decoder: FileDecoder; filters: readonly RowFilter[] } {
  const known = decoders.get(key)
  if (known !== undefined) return known
  if (decoders.size >= MAX_DECODERS) decoders.clear()
  const ctx = formatContext(spec.timeZone, spec.callerOptions)
  const reader = fileFormat(spec.format).reader(spec.relation.dataSchema, spec.options, ctx)
  const decoder = new FileDecoder(reader, spec.relation, spec.ignoreCorruptFiles, spec.scan)
  const compiled = { decoder, filters: compileFilters(spec.scan?.filters ?? [], spec.timeZone) }
  decoders.set(key, compiled)
  return compiled
}

/**
 * Decodes one split (the pool calls this default export in a worker).
 *
 * @example await executor.run(FILE_DECODE_WORKER, task, { label: task.file, transfer: [task.bytes] })
 */
export default async function decodeSplit(task: DecodeTask): Promise<DecodeReply | TaskFailure> {
  try {
    const { decoder, filters } = decoderOf(task.key, task.spec)
    const input = { bytes: new Uint8Array(task.bytes), file: task.file }
    const { rows, malformed } = await decoder.decodeAll([
      {
        input,
        partitionValues: task.partitionValues,
        ...(task.rowGroups === undefined ? {} : { rowGroups: task.rowGroups }),
      },
    ])
    const kept = keptRows(rows, filters)
    const columns = columnsOf(kept, task.spec.relation.schema.fields.length)
    return movedReply({ columns, malformed, inputRows: rows.length }, buffersOf(columns))
  } catch (e) {
    return failureOf(e)
  }
}
