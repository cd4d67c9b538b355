/**
 * Parent side of the crash tests: starts crash-child.ts processes and makes sure none outlives its
 * test file (call `killAll` from an `after` hook).
 */
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { type ChildMessage, type HarnessChild, startChild } from './child-process.ts'
import type { CrashChildConfig } from './crash-protocol.ts'
import { withTempDir } from './temp-dir.ts'

export class CrashChildren {
  private readonly live = new Set<HarnessChild>()

  /**
   * Forks a child running the crash query; it is forgotten once it exits.
   *
   * @example
   * const child = children.start({ checkpoint, outDir, rowsPerBatch: 5 }); await child.next('started')
   */
  start(config: CrashChildConfig): HarnessChild {
    const child = startChild('crash-child.ts', [JSON.stringify(config)])
    this.live.add(child)
    void child.exited.then(() => this.live.delete(child))
    return child
  }

  /** SIGKILLs `child` and waits until it is gone. @example await children.kill(child) */
  async kill(child: HarnessChild): Promise<void> {
    child.process.kill('SIGKILL')
    const { signal } = await child.exited
    if (signal !== 'SIGKILL') throw new Error(`child ${child.process.pid} ended by ${signal} instead`)
  }

  /**
   * Runs `fn` with a fresh temp folder; afterwards kills every child still running before the folder
   * is deleted (a failed assertion may leave one writing into it).
   *
   * @example
   * it('...', () => children.withTempDir(async (dir) => { ... }))
   */
  withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
    return withTempDir(async (dir) => {
      try {
        return await fn(dir)
      } finally {
        await this.killAll()
      }
    })
  }

  /** Kills every child still running. @example after(() => children.killAll()) */
  async killAll(): Promise<void> {
    await Promise.all(
      [...this.live].map(async (child) => {
        child.process.kill('SIGKILL')
        await child.exited
      }),
    )
  }
}

/**
 * Deletes the lock a killed child left in `checkpoint` — the remedy the CHECKPOINT_LOCKED message
 * gives — after checking that the lock is that child's. Until its lease times out (60 s) the lock
 * of a killed process keeps a restart out.
 *
 * @example
 * await children.kill(child); await removeLockOfDeadChild(checkpoint, child.process.pid!)
 */
export async function removeLockOfDeadChild(checkpoint: string, pid: number): Promise<void> {
  const path = join(checkpoint, 'lock')
  const [, json] = (await readFile(path, 'utf8')).split('\n')
  const owner = JSON.parse(json).owner.pid
  if (owner !== pid) throw new Error(`${path} belongs to pid ${owner}, not to the killed child ${pid}`)
  await rm(path)
}

/**
 * The next message of `type`; rejects with the child's reason when its query fails to start.
 *
 * @example
 * const paused = await untilMessage(child, 'paused')
 */
export async function untilMessage(child: HarnessChild, type: string): Promise<ChildMessage> {
  const failed = child.next('start-failed')
  const wanted = child.next(type)
  failed.catch(() => undefined)
  wanted.catch(() => undefined)
  const first = await Promise.race([wanted, failed])
  if (first.type === 'start-failed')
    throw new Error(`the child's start() failed: ${first.code}: ${first.message}`)
  return first
}

/**
 * Stops a child paused inside a batch the way a user stops a query: query.stop() first, then the
 * batch goes on, commits, and the query ends; the child must then exit with code 0 by itself.
 *
 * @example
 * await untilMessage(child, 'paused'); await stopPausedChild(child)
 */
export async function stopPausedChild(child: HarnessChild): Promise<void> {
  child.send({ cmd: 'stop' })
  child.send({ cmd: 'continue' })
  await child.next('stopped')
  const { code, signal } = await child.exited
  if (code !== 0 || signal !== null) throw new Error(`the stopped child exited with ${code ?? signal}`)
}
