/**
 * The next batch of a streaming file source, decoded on the worker threads while the main thread
 * runs the current one (`sluice.executor.threads` >= 2). When the source already knows which files
 * its next trigger will take (the files captured by `Trigger.availableNow`, or the unread files a
 * `maxFilesPerTrigger` backlog keeps), `getBatch` reads those files' bytes and hands them to the
 * workers before it returns, so their decode overlaps the plan, the sink and the commit of the
 * batch it returned. The next `getBatch` takes the decoded rows only when its log entries name
 * exactly the guessed files (path, size, modification time, in order); anything else drops them
 * and reads as without a prefetch.
 *
 * NOTE (exactly-once): a prefetch decides nothing. The batch's files are still the ones its log
 * entry names, logged by `latestOffset` before the offsets (write-ahead), and the rows taken are
 * those the files decode to, read at most one trigger earlier than without a prefetch (input files
 * are immutable once listed, as in Spark). A failed prefetch (a worker killed, a file gone) is
 * dropped and the batch reads again, so it fails or succeeds as it would have without one. A
 * stopped or failed query drops its prefetch; a restarted one starts without any.
 */
import type { DecodedFiles, FileToDecode } from './file-relation.ts'
import type { SourceFileEntry } from './file-source-log.ts'
import { decodeOnWorkers, type ParallelRead } from './parallel-decode.ts'

/** A file as the guess and the log both name it. */
interface FileIdentity {
  readonly path: string
  readonly size: number
  readonly mtimeMs: number
}

const keyOf = (files: readonly FileIdentity[]): string =>
  files.map((f) => `${f.size}:${f.mtimeMs}:${f.path}`).join('\n')

/** A log entry's files as identities. */
export const identitiesOf = (entries: readonly SourceFileEntry[]): FileIdentity[] =>
  entries.map((e) => ({ path: e.path, size: e.size, mtimeMs: e.timestamp }))

/**
 * One source's pending prefetch: at most one, for the batch after the last one read.
 *
 * @example
 * const decoded = (await prefetch.take(identitiesOf(entries), decodeHere)) ?? (await decodeNow(entries))
 * await prefetch.start(nextFiles, readFiles, parallel)
 */
export class FilePrefetch {
  /** `decoded`: the rows, or the files read but left to the main thread (a single split), or null. */
  private pending: {
    readonly key: string
    readonly decoded: Promise<DecodedFiles | readonly FileToDecode[] | null>
  } | null = null

  /**
   * Reads `files` (through `read`: bytes and partition values) and starts their decode on the
   * workers; resolves once the tasks are handed out, not when they are done. Nothing starts when
   * the files are fewer bytes than the executor splits; files read but too few splits for the
   * workers are kept for the main thread to decode, so they are not read twice.
   */
  async start(
    files: readonly FileIdentity[],
    read: (files: readonly FileIdentity[]) => Promise<FileToDecode[]>,
    parallel: ParallelRead,
  ): Promise<void> {
    this.drop()
    let bytes = 0
    for (const f of files) bytes += f.size
    if (files.length === 0 || bytes === 0 || bytes < parallel.executor.parallelReadMinBytes) return
    let inputs: FileToDecode[]
    try {
      inputs = await read(files)
    } catch {
      return // the batch's own read reports it
    }
    // A file gone (ignoreMissingFiles) would make the guess differ from what the batch reads.
    if (inputs.length !== files.length) return
    const decoded = decodeOnWorkers(inputs, parallel).then(
      (d) => d ?? inputs,
      () => null,
    )
    this.pending = { key: keyOf(files), decoded }
  }

  /**
   * The decoded rows of exactly `files` (decoded by `decodeHere` when the workers left them to the
   * main thread), or null (no prefetch, another guess, or it failed).
   */
  async take(
    files: readonly FileIdentity[],
    decodeHere: (inputs: readonly FileToDecode[]) => Promise<DecodedFiles>,
  ): Promise<DecodedFiles | null> {
    const pending = this.pending
    this.pending = null
    if (pending === null || pending.key !== keyOf(files)) return null
    const decoded = await pending.decoded
    return Array.isArray(decoded) ? decodeHere(decoded) : (decoded as DecodedFiles | null)
  }

  /** Forgets the pending prefetch; its workers finish their tasks and the rows are dropped. */
  drop(): void {
    this.pending = null
  }
}
