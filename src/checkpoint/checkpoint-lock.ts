/**
 * One running query per checkpoint: a lease held in `C/lock` (format in lock-file-codec.ts).
 *
 * - Acquire creates `C/lock` exclusively. When it exists and its heartbeat is within the lease
 *   timeout, acquiring fails with CHECKPOINT_LOCKED naming the owner.
 * - The holder refreshes the heartbeat every `heartbeatIntervalMs` on the injected scheduler, first
 *   checking that the file on disk is still the one it wrote; if not, the lock is lost (`onLost`).
 * - A lock whose heartbeat is older than the lease timeout is stale and is taken over (lock-takeover.ts):
 *   exactly one of any number of racers wins it.
 * - Release deletes `C/lock` if it is still ours.
 *
 * NOTE: a lease cannot fence a holder that stalls longer than the lease timeout and then writes. The
 * fence is the logs themselves: `add` never overwrites, so two runs can never both write batch N;
 * and the stalled holder learns it lost the lock at its next heartbeat.
 */
import { invalidArgument, type SluiceError } from '../errors.ts'
import type { Clock } from '../io/clock.ts'
import type { FileSystem } from '../io/fs.ts'
import { isProcessAlive, processIdentity } from '../io/process-identity.ts'
import type { Scheduled, Scheduler } from '../io/scheduler.ts'
import { lockPath } from './layout.ts'
import { checkpointLocked } from './lock-errors.ts'
import { type LockOwner, lockFileCodec, lockOwner } from './lock-file-codec.ts'
import {
  cleanUpTakeovers,
  type LockContext,
  lockLost,
  readLock,
  sameBytes,
  takeOverStaleLock,
} from './lock-takeover.ts'
import { encodeVersionedFile } from './versioned-file.ts'

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000
export const DEFAULT_LEASE_TIMEOUT_MS = 60_000
const MAX_ATTEMPTS = 5

export interface CheckpointLockOptions {
  readonly clock: Clock
  readonly scheduler: Scheduler
  readonly owner: LockOwner
  /** How often the holder refreshes its heartbeat (default 10 s). */
  readonly heartbeatIntervalMs?: number
  /** How old a heartbeat may get before the lock counts as abandoned (default 60 s). */
  readonly leaseTimeoutMs?: number
  /** Called once when the lock is lost: taken over, deleted, or impossible to refresh. */
  readonly onLost?: (error: SluiceError) => void
}

function resolveTimes(options: CheckpointLockOptions): { interval: number; lease: number } {
  const interval = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS
  const lease = options.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS
  if (!(Number.isFinite(interval) && interval > 0 && Number.isFinite(lease) && lease > interval)) {
    throw invalidArgument(
      `The checkpoint lock needs 0 < heartbeatIntervalMs < leaseTimeoutMs, got ${interval} and ${lease}: ` +
        'a lease shorter than the heartbeat interval would expire while its holder is alive.',
    )
  }
  return { interval, lease }
}

/**
 * Takes the lock on `checkpoint` or throws CHECKPOINT_LOCKED naming the process that holds it.
 *
 * @example
 * const lock = await acquireCheckpointLock(nodeFileSystem, '/ckpt', {
 *   clock: systemClock, scheduler: systemScheduler, owner: { ...processIdentity(), runId },
 * })
 * // ... run batches ...
 * await lock.release()
 */
export async function acquireCheckpointLock(
  fs: FileSystem,
  checkpoint: string,
  options: CheckpointLockOptions,
): Promise<CheckpointLock> {
  const { interval, lease } = resolveTimes(options)
  const ctx: LockContext = { fs, checkpoint, clock: options.clock, owner: lockOwner(options.owner), lease }
  const path = lockPath(checkpoint)
  let claim: string | undefined
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const mine = encodeVersionedFile(lockFileCodec, { owner: ctx.owner, heartbeatMs: ctx.clock.now() })
    if (await fs.createExclusive(path, mine)) {
      await cleanUpTakeovers(ctx, claim)
      return new CheckpointLock(ctx, { bytes: new TextEncoder().encode(mine), claim, interval, options })
    }
    const held = await readLock(ctx, path)
    if (held === undefined) continue
    const age = ctx.clock.now() - held.content.heartbeatMs
    if (age <= lease && !isDeadLocalOwner(held.content.owner))
      throw checkpointLocked(checkpoint, held.content, age, lease)
    claim = (await takeOverStaleLock(ctx, held)) ?? claim
  }
  throw checkpointLocked(checkpoint, undefined, 0, lease)
}

/**
 * A lock held by a process on this host that no longer exists is stale at once, so a restart after
 * a crash need not wait out the lease. (A reused pid only makes us wait for the lease, the safe way.)
 */
function isDeadLocalOwner(owner: { readonly pid: number; readonly host: string }): boolean {
  const me = processIdentity()
  return owner.host === me.host && owner.pid !== me.pid && !isProcessAlive(owner.pid)
}

interface HeldLock {
  readonly bytes: Uint8Array
  readonly claim: string | undefined
  readonly interval: number
  readonly options: CheckpointLockOptions
}

/** A held checkpoint lock: refreshes itself on the scheduler until released or lost. */
export class CheckpointLock {
  readonly checkpoint: string
  readonly owner: LockOwner
  private readonly ctx: LockContext
  private readonly claim: string | undefined
  private readonly onLost: ((error: SluiceError) => void) | undefined
  private readonly beat: Scheduled
  private bytes: Uint8Array
  private lostError: SluiceError | undefined
  private released = false
  // Heartbeats and release run one at a time, so a refresh can never recreate a released lock.
  private queue: Promise<void> = Promise.resolve()

  constructor(ctx: LockContext, held: HeldLock) {
    this.ctx = ctx
    this.checkpoint = ctx.checkpoint
    this.owner = ctx.owner
    this.bytes = held.bytes
    this.claim = held.claim
    this.onLost = held.options.onLost
    this.beat = held.options.scheduler.every(held.interval, () => this.heartbeat())
  }

  /** Why the lock was lost, or undefined while it is held (or after a clean release). */
  get lost(): SluiceError | undefined {
    return this.lostError
  }

  /** True while this run owns the checkpoint. */
  get isHeld(): boolean {
    return !this.released && this.lostError === undefined
  }

  /** Refreshes the heartbeat now (the scheduler calls this every interval). */
  heartbeat(): Promise<void> {
    return this.enqueue(async () => {
      if (!this.isHeld) return
      const path = lockPath(this.checkpoint)
      try {
        const onDisk = await this.ctx.fs.readFile(path)
        if (onDisk === undefined || !sameBytes(onDisk, this.bytes)) {
          this.markLost(await lockLost(this.ctx, onDisk))
          return
        }
        const next = encodeVersionedFile(lockFileCodec, {
          owner: this.owner,
          heartbeatMs: this.ctx.clock.now(),
        })
        await this.ctx.fs.writeAtomic(path, next)
        this.bytes = new TextEncoder().encode(next)
      } catch (e) {
        this.markLost(await lockLost(this.ctx, undefined, e))
      }
    })
  }

  /** Stops the heartbeat and deletes the lock file if it is still this run's. Idempotent. */
  release(): Promise<void> {
    return this.enqueue(async () => {
      if (this.released) return
      this.released = true
      this.beat.cancel()
      const path = lockPath(this.checkpoint)
      const onDisk = await this.ctx.fs.readFile(path)
      if (this.lostError === undefined && onDisk !== undefined && sameBytes(onDisk, this.bytes)) {
        await this.ctx.fs.delete(path)
      }
      if (this.claim !== undefined) await this.ctx.fs.delete(this.claim)
    })
  }

  private markLost(error: SluiceError): void {
    this.lostError = error
    this.beat.cancel()
    this.onLost?.(error)
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const run = this.queue.then(op)
    this.queue = run.catch(() => {})
    return run
  }
}
