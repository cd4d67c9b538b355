/**
 * Taking over a stale lock so that exactly one of any number of racers wins.
 *
 * A stale lock is identified by its exact bytes (owner and heartbeat), hashed into a token.
 * 1. Claim: create `C/lock.takeover-<token>` exclusively. One racer per stale lock succeeds; the
 *    others fail with CHECKPOINT_LOCKED (taking over in progress).
 * 2. Move `C/lock` aside to `C/lock.stale-<token>` and compare what moved with the bytes judged stale.
 *    Equal: the stale lock is gone. Different (its owner refreshed it after all): put it back.
 * 3. Back in the acquire loop, create `C/lock` exclusively. A fresh starter may win that race
 *    instead; either way one process holds the lock.
 *
 * Claims stay while the winner holds the lock, so a racer that read the stale lock late still finds
 * the claim taken; the winner deletes its claim on release, and whoever next acquires the lock deletes
 * claims older than the lease timeout (from crashed takeovers) and stale locks moved aside whose claim
 * is gone.
 */
import { createHash } from 'node:crypto'
import { isSluiceError, type SluiceError } from '../errors.ts'
import type { Clock } from '../io/clock.ts'
import type { FileSystem } from '../io/fs.ts'
import { lockPath, STALE_PREFIX, staleLockPath, TAKEOVER_PREFIX, takeoverClaimPath } from './layout.ts'
import { lockLostError, takeoverInProgress } from './lock-errors.ts'
import { type LockFileContent, type LockOwner, lockFileCodec } from './lock-file-codec.ts'
import { decodeVersionedFile, encodeVersionedFile } from './versioned-file.ts'

export interface LockContext {
  readonly fs: FileSystem
  readonly checkpoint: string
  readonly clock: Clock
  readonly owner: LockOwner
  readonly lease: number
}

export interface ReadLock {
  readonly bytes: Uint8Array
  readonly content: LockFileContent
}

/** True when both byte arrays hold the same bytes. @example sameBytes(a, a) // true */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * Reads a lock-format file; undefined when it does not exist.
 *
 * @example
 * await readLock(ctx, lockPath('/ckpt')) // { bytes, content: { owner, heartbeatMs } }
 */
export async function readLock(ctx: LockContext, path: string): Promise<ReadLock | undefined> {
  const bytes = await ctx.fs.readFile(path)
  if (bytes === undefined) return undefined
  const remedy = `Delete ${path} after checking that no process uses checkpoint ${ctx.checkpoint}.`
  return { bytes, content: decodeVersionedFile(path, bytes, lockFileCodec, { remedy }) }
}

function tokenOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 24)
}

/**
 * Tries to remove the stale lock `held`; returns the claim path when this process made the attempt,
 * undefined when the claim vanished (try again). Throws CHECKPOINT_LOCKED when another process
 * holds the claim.
 *
 * @example
 * const claim = await takeOverStaleLock(ctx, held) // then create C/lock exclusively
 */
export async function takeOverStaleLock(ctx: LockContext, held: ReadLock): Promise<string | undefined> {
  const token = tokenOf(held.bytes)
  const claimPath = takeoverClaimPath(ctx.checkpoint, token)
  const claim = encodeVersionedFile(lockFileCodec, { owner: ctx.owner, heartbeatMs: ctx.clock.now() })
  if (!(await ctx.fs.createExclusive(claimPath, claim))) {
    const other = await readLock(ctx, claimPath)
    if (other === undefined) return undefined
    const age = ctx.clock.now() - other.content.heartbeatMs
    throw takeoverInProgress(ctx.checkpoint, held.content, other.content, age, ctx.lease, claimPath)
  }
  const lock = lockPath(ctx.checkpoint)
  const aside = staleLockPath(ctx.checkpoint, token)
  if (!(await ctx.fs.rename(lock, aside))) return claimPath
  const moved = await ctx.fs.readFile(aside)
  if (moved !== undefined && !sameBytes(moved, held.bytes)) {
    // NOTE: the lock changed after it was judged stale, so its owner is alive: put it back. If a
    // fresh starter took the empty slot meanwhile, that owner finds out at its next heartbeat.
    await ctx.fs.createExclusive(lock, moved)
  }
  await ctx.fs.delete(aside)
  return claimPath
}

async function isExpired(ctx: LockContext, path: string): Promise<boolean> {
  try {
    const claim = await readLock(ctx, path)
    return claim !== undefined && ctx.clock.now() - claim.content.heartbeatMs > ctx.lease
  } catch (e) {
    if (isSluiceError(e, 'CHECKPOINT_CORRUPT')) return false
    throw e
  }
}

/**
 * Deletes leftovers of crashed takeovers: claims older than the lease timeout (except `ownClaim`),
 * and stale locks moved aside whose claim is gone. Runs after acquiring the lock.
 *
 * @example
 * await cleanUpTakeovers(ctx, undefined)
 */
export async function cleanUpTakeovers(ctx: LockContext, ownClaim: string | undefined): Promise<void> {
  const names = await ctx.fs.list(ctx.checkpoint)
  const claims = new Set<string>()
  for (const name of names) {
    if (!name.startsWith(TAKEOVER_PREFIX)) continue
    const token = name.slice(TAKEOVER_PREFIX.length)
    const path = takeoverClaimPath(ctx.checkpoint, token)
    if (path !== ownClaim && (await isExpired(ctx, path))) await ctx.fs.delete(path)
    else claims.add(token)
  }
  for (const name of names) {
    const token = name.slice(STALE_PREFIX.length)
    if (name.startsWith(STALE_PREFIX) && !claims.has(token))
      await ctx.fs.delete(staleLockPath(ctx.checkpoint, token))
  }
}

/**
 * The error for a holder whose lock file is gone, replaced, or could not be refreshed.
 *
 * @example
 * lock.markLost(await lockLost(ctx, undefined))
 */
export async function lockLost(
  ctx: LockContext,
  onDisk: Uint8Array | undefined,
  cause?: unknown,
): Promise<SluiceError> {
  if (cause !== undefined) {
    const message = cause instanceof Error ? cause.message : String(cause)
    return lockLostError(ctx.checkpoint, ctx.owner, `refreshing its heartbeat failed (${message})`, cause)
  }
  if (onDisk === undefined) return lockLostError(ctx.checkpoint, ctx.owner, 'the lock file was deleted')
  try {
    const now = decodeVersionedFile(lockPath(ctx.checkpoint), onDisk, lockFileCodec)
    const { pid, host, runId } = now.owner
    const whose =
      runId === ctx.owner.runId
        ? 'this run, from an older heartbeat'
        : `pid ${pid} on host '${host}' (run id ${runId})`
    return lockLostError(ctx.checkpoint, ctx.owner, `the lock file now belongs to ${whose}`)
  } catch (e) {
    return lockLostError(ctx.checkpoint, ctx.owner, 'the lock file was replaced by an unreadable one', e)
  }
}
