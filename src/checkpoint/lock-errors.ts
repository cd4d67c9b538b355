/**
 * The lock's errors (CHECKPOINT_LOCKED): each names the checkpoint, the owner and how old its
 * heartbeat is, and says what to do.
 */
import { SluiceError } from '../errors.ts'
import { lockPath } from './layout.ts'
import type { LockFileContent, LockOwner } from './lock-file-codec.ts'

function who(owner: LockOwner): string {
  return `pid ${owner.pid} on host '${owner.host}' (run id ${owner.runId})`
}

/**
 * How long ago a heartbeat was, for messages.
 *
 * @example
 * formatAge(12_345) // '12.3 s ago'
 */
export function formatAge(ageMs: number): string {
  if (ageMs < 0) return `${-ageMs} ms in the future (the two processes' clocks differ)`
  return `${(ageMs / 1000).toFixed(1)} s ago`
}

/**
 * The checkpoint is held by a live query run (or, with no holder, too contended to take).
 *
 * @example
 * throw checkpointLocked('/ckpt', { owner, heartbeatMs: 1000 }, 2000, 60_000)
 */
export function checkpointLocked(
  checkpoint: string,
  held: LockFileContent | undefined,
  ageMs: number,
  leaseMs: number,
): SluiceError {
  const holder =
    held === undefined
      ? 'its lock changed hands too often to take'
      : `it is locked by ${who(held.owner)}, whose last heartbeat was ${formatAge(ageMs)}`
  return new SluiceError(
    'CHECKPOINT_LOCKED',
    `Checkpoint ${checkpoint} is in use by another query run: ${holder}. Only one running query may use ` +
      `a checkpoint. Stop the other query first. If it crashed, its lock expires once its heartbeat is ` +
      `older than the lease timeout (${leaseMs / 1000} s); or delete ${lockPath(checkpoint)} after ` +
      'checking that no process uses the checkpoint.',
  )
}

/**
 * Another process is already taking over the same stale lock.
 *
 * @example
 * throw takeoverInProgress('/ckpt', stale, claim, 500, 60_000, '/ckpt/lock.takeover-ab12')
 */
export function takeoverInProgress(
  checkpoint: string,
  stale: LockFileContent,
  claim: LockFileContent,
  claimAgeMs: number,
  leaseMs: number,
  claimPath: string,
): SluiceError {
  const base =
    `Checkpoint ${checkpoint} is in use by another query run: the stale lock of ${who(stale.owner)} ` +
    `is being taken over by ${who(claim.owner)}, which claimed it ${formatAge(claimAgeMs)}.`
  const remedy =
    claimAgeMs <= leaseMs
      ? ' Only one running query may use a checkpoint: stop one of them.'
      : ' That takeover never finished (the process probably crashed). After checking that no process ' +
        `uses the checkpoint, delete ${lockPath(checkpoint)} and ${claimPath}, then start the query again.`
  return new SluiceError('CHECKPOINT_LOCKED', base + remedy)
}

/**
 * The holder found its lock gone or replaced, or could not refresh it.
 *
 * @example
 * lockLostError('/ckpt', owner, 'the lock file was deleted')
 */
export function lockLostError(
  checkpoint: string,
  owner: LockOwner,
  reason: string,
  cause?: unknown,
): SluiceError {
  return new SluiceError(
    'CHECKPOINT_LOCKED',
    `Query run ${who(owner)} lost its lock on checkpoint ${checkpoint}: ${reason}. This run no longer ` +
      'owns the checkpoint and must stop; restart the query once no other run uses the checkpoint.',
    cause === undefined ? undefined : { cause },
  )
}
