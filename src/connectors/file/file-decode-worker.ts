/**
 * The worker side of a file read split over `sluice.executor.threads` (see `parallel-decode.ts`):
 * one task decodes one split (a whole file, or some row groups of a Parquet file) with the same
 * codec and `FileDecoder` the main thread would use, and answers its rows in file order. Rows go
 * back msgpack-encoded in a transferred buffer when the schema's columns are all integers, strings,
 * booleans, dates or timestamps, else by structured clone (doubles keep -0, binary stays a
 * Uint8Array). bench/executor-transfer.ts measured the main thread's share per 100,000 bid rows:
 * msgpack unpack 10 ms against 16-22 ms of structured clone's deserialize (load 1), 30 against 41
 * ms at load 14; the worker's side is cheaper too.
 */
import { Packr } from 'msgpackr'
import { failureOf, type TaskFailure } from '../../io/worker-pool.ts'
import type { ScanRequest } from '../spi.ts'
import { FileDecoder, type FileRelation, formatContext } from './file-relation.ts'
import type { FileFormatName, MalformedRecord } from './formats/format.ts'
import { fileFormat } from './formats/index.ts'

/** How rows travel back to the main thread. */
export type RowWire = 'msgpack' | 'clone'

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
  readonly wire: RowWire
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

/** A split's rows (or their msgpack bytes) and malformed records. */
export interface DecodeReply {
  readonly rows?: unknown[][]
  readonly packed?: ArrayBuffer
  readonly malformed: MalformedRecord[]
}

const MAX_DECODERS = 64
const decoders = new Map<string, FileDecoder>()
const packr = new Packr({ useRecords: false })

function decoderOf(key: string, spec: WorkerDecodeSpec): FileDecoder {
  const known = decoders.get(key)
  if (known !== undefined) return known
  if (decoders.size >= MAX_DECODERS) decoders.clear()
  const ctx = formatContext(spec.timeZone, spec.callerOptions)
  const reader = fileFormat(spec.format).reader(spec.relation.dataSchema, spec.options, ctx)
  const decoder = new FileDecoder(reader, spec.relation, spec.ignoreCorruptFiles, spec.scan)
  decoders.set(key, decoder)
  return decoder
}

/**
 * Decodes one split (the pool calls this default export in a worker).
 *
 * @example await executor.run(FILE_DECODE_WORKER, task, { label: task.file, transfer: [task.bytes] })
 */
export default async function decodeSplit(task: DecodeTask): Promise<DecodeReply | TaskFailure> {
  try {
    const decoder = decoderOf(task.key, task.spec)
    const input = { bytes: new Uint8Array(task.bytes), file: task.file }
    const { rows, malformed } = await decoder.decodeAll([
      {
        input,
        partitionValues: task.partitionValues,
        ...(task.rowGroups === undefined ? {} : { rowGroups: task.rowGroups }),
      },
    ])
    if (task.spec.wire === 'clone') return { rows, malformed }
    const packed = packr.pack(rows)
    // NOTE: pack() answers a view of the packer's reused buffer; the copy is what may move.
    const own = packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.byteLength) as ArrayBuffer
    return { packed: own, malformed }
  } catch (e) {
    return failureOf(e)
  }
}
