/**
 * The session's pool of worker threads (`sluice.executor.threads`): a source hands it tasks (decode
 * these files, these Parquet row groups) and gets their replies back as promises. The pool is
 * created on the first task, so a session that never splits work starts no thread, and it is closed
 * with the session (`sluice.stop()`).
 *
 * Built on piscina (the Node.js worker pool kept by Node core contributors): it queues tasks,
 * replaces a worker that crashes or is killed (failing only the task it was running), moves
 * transferable buffers without copying, and `unref`s idle workers so an open session never holds
 * the process alive. Raw `node:worker_threads` would need all of that hand-written. Each task names
 * its worker module (an ES module whose default export answers the task); workers run the same
 * sources as the main thread (Node strips the types of `.ts` modules, the build emits `.js`).
 */
import type { Worker } from 'node:worker_threads'
import { Piscina } from 'piscina'
import { isSluiceError, SluiceError } from '../errors.ts'

/** Where tasks run. `threads` is 1 when work stays on the calling thread. */
export interface TaskExecutor {
  /** The threads tasks may run on (`sluice.executor.threads`); 1 runs nothing in workers. */
  readonly threads: number
  /**
   * The fewest input bytes a read must hold to be split over the workers
   * (`sluice.executor.parallelReadMinBytes`): below it, threads cost more than they give.
   */
  readonly parallelReadMinBytes: number
  /**
   * Runs `task` in a worker: the default export of `module` called with it. `label` names the
   * work in errors (e.g. the file); `transfer` lists buffers moved to the worker, not copied.
   */
  run<T>(module: URL, task: unknown, opts: { label: string; transfer?: readonly ArrayBuffer[] }): Promise<T>
}

/**
 * The `sluice.executor.threads` default and check: 1, or an integer from 1 to 256.
 *
 * NOTE: the default is 1 thread, not the machine's cores, because two threads have not yet been
 * measured faster than one on this 2-core machine. Idle (commit 249162e, npm run bench -- --only
 * nexmark --threads 1,2, load 0.2-0.9) two threads gave 0.80x the throughput of one on Nexmark
 * q0-q2 over Parquet. Since then the next batch decodes while the current one runs
 * (file-prefetch.ts) and rows come back as moved columns (row-columns.ts): at load 6-7 two threads
 * went from 0.43-0.72x to 0.47-0.99x of one, still using 1.3-1.6x the CPU, and one thread alone
 * already keeps ~1.3 cores busy (GC and compiler threads), so 2 cores leave little to gain. Raise
 * the default when two threads win on an idle machine (issue 21).
 *
 * @example executorThreadsOf(undefined) // 1
 */
export function executorThreadsOf(conf: number | undefined): number {
  const threads = conf ?? 1
  if (!Number.isSafeInteger(threads) || threads < 1 || threads > 256) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `'sluice.executor.threads' must be an integer from 1 to 256 (the worker threads a query's sources decode on; 1 keeps everything on the main thread), but is ${threads}.`,
    )
  }
  return threads
}

/**
 * The default of `sluice.executor.parallelReadMinBytes`. bench/executor-threshold.ts times a
 * batch's decode on the main thread against the workers by size: a task costs ~1-12 ms of
 * dispatch and transfer, so batches of some hundred KiB gain nothing (JSON lines decode at ~60
 * MB/s, Parquet at ~11 MB/s). Its crossing point could not be measured on the shared 2-core
 * machine (load 20: no spare core, workers never won); 1 MiB (~17 ms of JSON, ~90 ms of Parquet
 * decode) is a conservative pick until it is measured on a quiet one.
 */
export const DEFAULT_PARALLEL_READ_MIN_BYTES = 1 << 20

/**
 * The `sluice.executor.parallelReadMinBytes` check: a whole number of bytes >= 0.
 *
 * @example parallelReadMinBytesOf(0) // 0: every read with two or more splits goes to the workers
 */
export function parallelReadMinBytesOf(conf: number | undefined): number {
  const n = conf ?? DEFAULT_PARALLEL_READ_MIN_BYTES
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `'sluice.executor.parallelReadMinBytes' must be a whole number of bytes >= 0, but is ${n}.`,
    )
  }
  return n
}

/** The error of a task whose worker died (killed, out of memory, process.exit). */
function workerFailed(label: string, cause: unknown): SluiceError {
  return new SluiceError(
    'EXECUTOR_WORKER_FAILED',
    `The worker thread reading ${label} failed: ${(cause as Error)?.message ?? String(cause)}. The batch was not committed; restart the query to rerun it, or set 'sluice.executor.threads' to 1 to read on the main thread.`,
    { cause },
  )
}

/**
 * A worker's reply when its task threw: the error as data, since structured clone keeps an
 * error's message but not its `code`.
 */
export interface TaskFailure {
  readonly failed: { readonly code: string; readonly message: string }
}

/**
 * The reply a worker sends for an error its task threw (see `rethrowFailure`).
 *
 * @example try { return decode(task) } catch (e) { return failureOf(e) }
 */
export function failureOf(e: unknown): TaskFailure {
  if (isSluiceError(e)) return { failed: { code: e.code, message: e.message.replace(/^\[[^\]]+\] /, '') } }
  return { failed: { code: 'INTERNAL', message: (e as Error)?.stack ?? String(e) } }
}

/**
 * Throws the worker's error again on the calling thread, as the SluiceError it was.
 *
 * @example const reply = rethrowFailure(await executor.run(url, task, { label: file }))
 */
export function rethrowFailure<T>(reply: T | TaskFailure): T {
  const failed = (reply as Partial<TaskFailure> | null)?.failed
  if (failed === undefined) return reply as T
  throw new SluiceError(failed.code as SluiceError['code'], failed.message)
}

/**
 * A worker's reply whose `buffers` move to the calling thread instead of being copied (they are
 * unusable in the worker afterwards).
 *
 * @example return movedReply({ values }, [values.buffer])
 */
export function movedReply<T extends object>(value: T, buffers: readonly ArrayBuffer[]): T {
  if (buffers.length === 0) return value
  const movable = { [Piscina.transferableSymbol]: [...buffers], [Piscina.valueSymbol]: value }
  return Piscina.move(movable as never) as unknown as T
}

/**
 * @example
 * const pool = new WorkerPool(2)
 * const reply = await pool.run(new URL('./decode-worker.ts', import.meta.url), task, { label: 'a.parquet' })
 * await pool.close()
 */
export class WorkerPool implements TaskExecutor {
  readonly threads: number
  readonly parallelReadMinBytes: number
  private pool: Piscina | null = null
  private closed = false

  constructor(threads: number, parallelReadMinBytes = DEFAULT_PARALLEL_READ_MIN_BYTES) {
    this.threads = threads
    this.parallelReadMinBytes = parallelReadMinBytes
  }

  async run<T>(
    module: URL,
    task: unknown,
    opts: { label: string; transfer?: readonly ArrayBuffer[] },
  ): Promise<T> {
    if (this.closed) {
      throw new SluiceError(
        'UNSUPPORTED_OPERATION',
        `Cannot read ${opts.label}: the session was stopped (sluice.stop()) and its worker threads are closed. Create a new session.`,
      )
    }
    this.pool ??= new Piscina({ maxThreads: this.threads, minThreads: 0, idleTimeout: 30_000 })
    try {
      return (await this.pool.run(task, {
        filename: module.href,
        ...(opts.transfer === undefined ? {} : { transferList: [...opts.transfer] }),
      })) as T
    } catch (e) {
      throw workerFailed(opts.label, e)
    }
  }

  /** The live worker threads, none before the first task (diagnostics and tests: a test kills one). */
  get workers(): readonly Worker[] {
    return this.pool?.threads ?? []
  }

  /** Ends every worker; a later `run` fails. Idempotent. */
  async close(): Promise<void> {
    this.closed = true
    const pool = this.pool
    this.pool = null
    if (pool !== null) await pool.destroy()
  }
}
