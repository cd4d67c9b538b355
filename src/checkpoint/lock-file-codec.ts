/**
 * `C/lock`: which process runs the query on this checkpoint, and when it last said it was alive.
 * (Spark has no such file; it relies on a second writer failing to add an existing batch file.)
 *
 * Format, version 2 (the lines below, then the `crc32:` checksum line):
 * ```
 * v2
 * {"owner":{"pid":4242,"host":"build-7","runId":"0d5b..."},"heartbeatMs":1700000000000}
 * ```
 * The same format is used for `C/lock.takeover-<token>` (the claim of a process taking over a stale
 * lock; `heartbeatMs` is when it claimed) and `C/lock.stale-<token>` (a stale lock moved aside).
 *
 * Invariant: created exclusively, refreshed only by its owner (atomic replace), deleted only by its
 * owner or, once its heartbeat is older than the lease timeout, by the one process that took it over.
 *
 * Versions: v1 (Sluice 0.1), the first, still read; v2 (Sluice 0.2): v1 plus a `crc32:` checksum line (versioned-file.ts); a changed byte is CHECKPOINT_CORRUPT.
 */
import { invalidArgument } from '../errors.ts'
import {
  expectLineCount,
  type FileCodec,
  parseJsonLine,
  requireInteger,
  requireObject,
  requireString,
} from './versioned-file.ts'

/** Who holds (or held) a lock. */
export interface LockOwner {
  readonly pid: number
  readonly host: string
  /** The run's id; a restart of the same query is a new run. */
  readonly runId: string
}

export interface LockFileContent {
  readonly owner: LockOwner
  readonly heartbeatMs: number
}

/**
 * A validated, frozen lock owner.
 *
 * @example
 * lockOwner({ ...processIdentity(), runId: crypto.randomUUID() })
 */
export function lockOwner(fields: LockOwner): LockOwner {
  if (!Number.isSafeInteger(fields.pid)) throw invalidArgument(`A lock owner's pid must be an integer.`)
  if (typeof fields.host !== 'string' || fields.host === '') {
    throw invalidArgument(`A lock owner's host must be a non-empty string.`)
  }
  if (typeof fields.runId !== 'string' || fields.runId === '') {
    throw invalidArgument(`A lock owner's runId must be a non-empty string.`)
  }
  return Object.freeze({ pid: fields.pid, host: fields.host, runId: fields.runId })
}

/**
 * Reads and writes lock files (format in this file's header).
 *
 * @example
 * encodeVersionedFile(lockFileCodec, { owner, heartbeatMs: clock.now() })
 */
export const lockFileCodec: FileCodec<LockFileContent> = Object.freeze({
  version: 2,
  encode(c: LockFileContent): readonly string[] {
    const { pid, host, runId } = c.owner
    return [JSON.stringify({ owner: { pid, host, runId }, heartbeatMs: c.heartbeatMs })]
  },
  decode(lines: readonly string[]): LockFileContent {
    const what = 'the lock'
    expectLineCount(lines, 1, what)
    const obj = requireObject(parseJsonLine(lines, 0, what), what)
    const owner = requireObject(obj.owner, `${what} field 'owner'`)
    return Object.freeze({
      owner: Object.freeze({
        pid: requireInteger(owner, 'pid', 'the lock owner'),
        host: requireString(owner, 'host', 'the lock owner'),
        runId: requireString(owner, 'runId', 'the lock owner'),
      }),
      heartbeatMs: requireInteger(obj, 'heartbeatMs', what),
    })
  },
})
