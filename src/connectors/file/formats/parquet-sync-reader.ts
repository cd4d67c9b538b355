/**
 * A Parquet reader that answers synchronously, for a batch scan run inside a synchronous action
 * (`df.collect()`): hyparquet decodes asynchronously, so the decode runs on a worker thread while
 * this thread waits on a shared flag (`Atomics.wait`), then takes the rows off a message port
 * (`receiveMessageOnPort`). That lets `read.parquet(...)` decode at the action, told the columns
 * and conditions of the query, instead of decoding every column of every row group at `load()`.
 * One worker serves the process; it is unref'd, so it never keeps the process alive.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads'
import { SluiceError } from '../../../errors.ts'
import type { StructType } from '../../../schema/data-type.ts'
import type { DecodeResult, FormatReader } from './format.ts'
import type { ScanRequest } from './scan-request.ts'

/** What the worker is asked (parquet-decode-worker.ts). */
export interface SyncDecodeJob {
  readonly done: Int32Array
  readonly schema: StructType
  readonly bytes: Uint8Array
  readonly file: string
  readonly scan: ScanRequest | undefined
}

/** What the worker answers: the decoded file, or the error that stopped it. */
export type SyncDecodeReply =
  | { readonly result: DecodeResult }
  | { readonly error: { readonly code: string; readonly message: string } }

let worker: Worker | undefined

function workerOf(): Worker {
  if (worker !== undefined) return worker
  // The built package runs the compiled .js beside this file; the sources run the .ts.
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js'
  const w = new Worker(new URL(`./parquet-decode-worker.${ext}`, import.meta.url))
  w.unref()
  w.on('error', () => {
    worker = undefined
  })
  worker = w
  return w
}

/**
 * The synchronous Parquet reader of `schema`.
 *
 * @example syncParquetReader(S).decode(bytes, 'part-0.parquet', { columns: [0], predicate: [] }) // { rows, malformed }
 */
export function syncParquetReader(schema: StructType): FormatReader {
  return {
    decode(bytes: Uint8Array, file: string, scan?: ScanRequest): DecodeResult {
      const done = new Int32Array(new SharedArrayBuffer(4))
      const { port1, port2 } = new MessageChannel()
      const job: SyncDecodeJob = { done, schema, bytes, file, scan }
      workerOf().postMessage({ job, port: port2 }, [port2])
      // NOTE: the worker always sets the flag, also when it fails (parquet-decode-worker.ts).
      Atomics.wait(done, 0, 0)
      const message = receiveMessageOnPort(port1)
      port1.close()
      const reply = message?.message as SyncDecodeReply | undefined
      if (reply === undefined)
        throw new SluiceError(
          'INTERNAL',
          `The Parquet decoder of ${file} gave no answer. This is a bug in Sluice; please report it.`,
        )
      if ('error' in reply) {
        const { code, message } = reply.error
        // A SluiceError's message starts with its code, which the constructor adds again.
        throw new SluiceError(
          code as never,
          message.startsWith(`[${code}] `) ? message.slice(code.length + 3) : message,
        )
      }
      return reply.result
    },
  }
}
