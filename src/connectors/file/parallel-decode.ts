/**
 * A batch's files decoded on the session's worker threads (`sluice.executor.threads`): each file
 * is one split, and a Parquet file with several row groups is cut into up to `threads` splits of
 * whole row groups. The replies are put back in file (and row group) order, so the batch's rows are
 * exactly those the main thread would decode: the micro-batch protocol (offsets, commits, reruns)
 * does not see the threads. A batch smaller than `parallelReadMinBytes`, or with a single split,
 * stays on the main thread, where threads cost more than they give.
 */
import { rethrowFailure, type TaskExecutor } from '../../io/worker-pool.ts'
import type { DecodeReply, DecodeTask, WorkerDecodeSpec } from './file-decode-worker.ts'
import type { DecodedFiles, FileToDecode } from './file-relation.ts'
import type { FileFormatName } from './formats/format.ts'
import { readFooter } from './formats/parquet-reader.ts'
import { rowsInto } from './row-columns.ts'

/** The worker module: `.ts` when running from the sources (Node strips types), `.js` when built. */
const FILE_DECODE_WORKER = new URL(
  `./file-decode-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
)

/** A source's reads on the workers: the executor and what the workers compile their decoder from. */
export interface ParallelRead {
  readonly executor: TaskExecutor
  readonly spec: WorkerDecodeSpec
  /** The spec's identity, computed once. */
  readonly key: string
}

/**
 * The parallel read of a source, or null when its session keeps reads on the main thread.
 *
 * @example parallelReadOf(ctx.executor, spec)
 */
export function parallelReadOf(
  executor: TaskExecutor | undefined,
  spec: WorkerDecodeSpec,
): ParallelRead | null {
  if (executor === undefined || executor.threads < 2) return null
  // bigint literals in the scan's filters have no JSON form of their own.
  const key = JSON.stringify(spec, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))
  return Object.freeze({ executor, spec, key })
}

/** The row group count of a Parquet file, or 1 when its footer cannot be read (the worker reports it). */
function rowGroupCount(format: FileFormatName, f: FileToDecode): number {
  if (format !== 'parquet') return 1
  try {
    return readFooter(f.input.bytes, f.input.file).metadata.row_groups.length
  } catch {
    return 1
  }
}

/** A file's splits: up to `threads` runs of whole row groups, in order. */
function splitsOf(f: FileToDecode, groups: number, threads: number): FileToDecode[] {
  const parts = Math.min(groups, threads)
  if (parts < 2) return [f]
  const out: FileToDecode[] = []
  for (let p = 0; p < parts; p++) {
    const from = Math.floor((p * groups) / parts)
    const to = Math.floor(((p + 1) * groups) / parts)
    out.push({ ...f, rowGroups: Array.from({ length: to - from }, (_, i) => from + i) })
  }
  return out
}

/** The bytes a task carries: one file's splits share them; a whole file's are moved when they can be. */
function bufferOf(bytes: Uint8Array, shared: boolean): ArrayBuffer | SharedArrayBuffer {
  if (shared) {
    const sab = new SharedArrayBuffer(bytes.byteLength)
    new Uint8Array(sab).set(bytes)
    return sab
  }
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : (bytes.slice().buffer as ArrayBuffer)
}

function labelOf(f: FileToDecode): string {
  const groups = f.rowGroups
  if (groups === undefined) return f.input.file
  return `${f.input.file} (row groups ${groups[0]}-${groups[groups.length - 1]})`
}

/**
 * Decodes `files` on the workers, rows in file order; null when the batch is better decoded on the
 * main thread (too few bytes or a single split). The files' bytes are moved to the workers.
 *
 * @example const decoded = (await decodeOnWorkers(files, parallel)) ?? (await decoder.decodeAll(files))
 */
export async function decodeOnWorkers(
  files: readonly FileToDecode[],
  read: ParallelRead,
): Promise<DecodedFiles | null> {
  const { executor, spec, key } = read
  let bytes = 0
  for (const f of files) bytes += f.input.bytes.byteLength
  if (bytes < executor.parallelReadMinBytes || bytes === 0) return null
  const perFile = files.map((f) => splitsOf(f, rowGroupCount(spec.format, f), executor.threads))
  if (perFile.reduce((n, s) => n + s.length, 0) < 2) return null
  const replies = perFile.flatMap((splits) => {
    const buffer = bufferOf(splits[0].input.bytes, splits.length > 1)
    return splits.map((s) => {
      const task: DecodeTask = {
        key,
        spec,
        bytes: buffer,
        file: s.input.file,
        partitionValues: s.partitionValues,
        ...(s.rowGroups === undefined ? {} : { rowGroups: s.rowGroups }),
      }
      const transfer = buffer instanceof ArrayBuffer ? [buffer] : []
      return executor.run<DecodeReply>(FILE_DECODE_WORKER, task, { label: labelOf(s), transfer })
    })
  })
  return gather(await Promise.all(replies))
}

/** The replies' rows and malformed records, in order. */
function gather(replies: readonly DecodeReply[]): DecodedFiles {
  const parts = replies.map((r) => rethrowFailure(r))
  let n = 0
  for (const p of parts) n += p.columns.rows
  const rows: unknown[][] = new Array(n)
  const malformed: DecodedFiles['malformed'] = []
  let at = 0
  let inputRows = 0
  for (const p of parts) {
    at = rowsInto(p.columns, rows, at)
    inputRows += p.inputRows
    for (const m of p.malformed) malformed.push(m)
  }
  return { rows, malformed, inputRows }
}
