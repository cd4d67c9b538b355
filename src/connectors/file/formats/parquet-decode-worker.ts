/**
 * The worker behind `syncParquetReader` (parquet-sync-reader.ts): decodes one Parquet file per
 * message, posts the rows (or the error) on the job's port, then sets the job's flag and wakes the
 * waiting thread. It always sets the flag: the caller waits for nothing else.
 */
import { type MessagePort, parentPort } from 'node:worker_threads'
import { compileParquetReader } from './parquet-reader.ts'
import type { SyncDecodeJob, SyncDecodeReply } from './parquet-sync-reader.ts'

async function run(job: SyncDecodeJob): Promise<SyncDecodeReply> {
  try {
    return { result: await compileParquetReader(job.schema).decode(job.bytes, job.file, job.scan) }
  } catch (e) {
    const code = (e as { code?: unknown }).code
    return { error: { code: typeof code === 'string' ? code : 'INTERNAL', message: (e as Error).message } }
  }
}

parentPort?.on('message', async ({ job, port }: { job: SyncDecodeJob; port: MessagePort }) => {
  let reply = await run(job)
  try {
    port.postMessage(reply)
  } catch (e) {
    reply = {
      error: {
        code: 'INTERNAL',
        message: `The decoded rows of ${job.file} could not be sent back: ${(e as Error).message}`,
      },
    }
    port.postMessage(reply)
  }
  port.close()
  Atomics.store(job.done, 0, 1)
  Atomics.notify(job.done, 0)
})
