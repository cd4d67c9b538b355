/**
 * Child process that tries to take a checkpoint lock when told to, so tests can race real processes.
 *
 * argv: <checkpoint> <runId> <nowMs> <leaseTimeoutMs>
 * Receives {cmd: 'acquire' | 'release' | 'exit'}; sends {type: 'ready'}, then {type: 'result', ok,
 * code?, message?} after 'acquire' and {type: 'released'} after 'release'. Its clock stands still at
 * nowMs and its scheduler is never advanced, so it never heartbeats.
 */
import { acquireCheckpointLock, type CheckpointLock } from '../../src/checkpoint/checkpoint-lock.ts'
import { isSluiceError } from '../../src/errors.ts'
import { ManualClock } from '../../src/io/clock.ts'
import { nodeFileSystem } from '../../src/io/fs.ts'
import { processIdentity } from '../../src/io/process-identity.ts'
import { ManualScheduler } from '../../src/io/scheduler.ts'

const [checkpoint, runId, nowMs, leaseTimeoutMs] = process.argv.slice(2)
const clock = new ManualClock(Number(nowMs))
let lock: CheckpointLock | undefined

async function acquire(): Promise<void> {
  try {
    lock = await acquireCheckpointLock(nodeFileSystem, checkpoint, {
      clock,
      scheduler: new ManualScheduler(clock),
      owner: { ...processIdentity(), runId },
      heartbeatIntervalMs: Number(leaseTimeoutMs) / 6,
      leaseTimeoutMs: Number(leaseTimeoutMs),
    })
    process.send?.({ type: 'result', ok: true })
  } catch (e) {
    const code = isSluiceError(e) ? e.code : 'UNEXPECTED'
    process.send?.({ type: 'result', ok: false, code, message: e instanceof Error ? e.message : String(e) })
  }
}

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'acquire') void acquire()
  else if (m.cmd === 'release') void lock?.release().then(() => process.send?.({ type: 'released' }))
  else if (m.cmd === 'exit') process.exit(0)
})
process.send?.({ type: 'ready' })
