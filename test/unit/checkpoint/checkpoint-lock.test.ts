import assert from 'node:assert/strict'
import { readdir, readFile, unlink, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { acquireCheckpointLock, type CheckpointLockOptions } from '../../../src/checkpoint/checkpoint-lock.ts'
import { lockFileCodec } from '../../../src/checkpoint/lock-file-codec.ts'
import { decodeVersionedFile, encodeVersionedFile } from '../../../src/checkpoint/versioned-file.ts'
import { isSluiceError, type SluiceError } from '../../../src/errors.ts'
import { ManualClock } from '../../../src/io/clock.ts'
import { type FileSystem, nodeFileSystem } from '../../../src/io/fs.ts'
import { ManualScheduler } from '../../../src/io/scheduler.ts'
import { hookedFileSystem } from '../../harness/hooked-file-system.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const NOW = 1_700_000_000_000
const LEASE = 60_000

/** A query run with its own clock and scheduler (a process of its own, as far as the lock can tell). */
function run(dir: string, runId: string, at: number, fs: FileSystem = nodeFileSystem) {
  const clock = new ManualClock(at)
  const scheduler = new ManualScheduler(clock)
  const lost: SluiceError[] = []
  const options: CheckpointLockOptions = {
    clock,
    scheduler,
    owner: { pid: process.pid, host: hostname(), runId },
    onLost: (e) => lost.push(e),
  }
  return { clock, scheduler, lost, acquire: () => acquireCheckpointLock(fs, dir, options) }
}

async function lockOnDisk(dir: string) {
  return decodeVersionedFile('lock', await readFile(join(dir, 'lock')), lockFileCodec)
}

async function writeStaleLock(dir: string, runId: string, heartbeatMs = NOW - 2 * LEASE) {
  const text = encodeVersionedFile(lockFileCodec, { owner: { pid: 1, host: 'gone', runId }, heartbeatMs })
  await writeFile(join(dir, 'lock'), text)
}

function lockedError(...parts: string[]) {
  return (e: unknown) => {
    assert.ok(isSluiceError(e, 'CHECKPOINT_LOCKED'), String(e))
    for (const part of parts) assert.ok(e.message.includes(part), `'${part}' not in: ${e.message}`)
    return true
  }
}

describe('checkpoint lock', () => {
  it('creates C/lock holding the owner and heartbeat', () =>
    withTempDir(async (dir) => {
      await run(dir, 'run-a', NOW).acquire()
      assert.deepEqual(await lockOnDisk(dir), {
        owner: { pid: process.pid, host: hostname(), runId: 'run-a' },
        heartbeatMs: NOW,
      })
    }))

  it('refuses a second run while the lock is fresh, naming the path, the owner and the heartbeat age', () =>
    withTempDir(async (dir) => {
      await run(dir, 'run-a', NOW).acquire()
      await assert.rejects(
        run(dir, 'run-b', NOW + 5000).acquire(),
        lockedError(
          dir,
          `pid ${process.pid}`,
          hostname(),
          'run-a',
          '5.0 s ago',
          '(60 s)',
          join(dir, 'lock'),
          'Stop the other query',
        ),
      )
      assert.equal((await lockOnDisk(dir)).owner.runId, 'run-a')
    }))

  it('refreshes the heartbeat on the scheduler, so a live holder never goes stale', () =>
    withTempDir(async (dir) => {
      const a = run(dir, 'run-a', NOW)
      await a.acquire()
      await a.scheduler.advance(65_000)
      assert.equal((await lockOnDisk(dir)).heartbeatMs, NOW + 60_000)
      await assert.rejects(run(dir, 'run-b', a.clock.now()).acquire(), lockedError('5.0 s ago'))
    }))

  it('takes over a lock whose heartbeat is older than the lease timeout, not one just at it', () =>
    withTempDir(async (dir) => {
      await run(dir, 'run-a', NOW).acquire()
      await assert.rejects(run(dir, 'run-b', NOW + LEASE).acquire(), lockedError('run-a'))
      await run(dir, 'run-b', NOW + LEASE + 1).acquire()
      assert.equal((await lockOnDisk(dir)).owner.runId, 'run-b')
      assert.deepEqual(
        (await readdir(dir)).filter((n) => n.startsWith('lock.stale-')),
        [],
      )
    }))

  it('tells the old holder at its next heartbeat that it lost the lock, and keeps the new one', () =>
    withTempDir(async (dir) => {
      const a = run(dir, 'run-a', NOW)
      const lockA = await a.acquire()
      await run(dir, 'run-b', NOW + LEASE + 1).acquire()
      await a.scheduler.advance(10_000)
      assert.equal(a.lost.length, 1)
      assert.ok(lockedError('run-a', 'lost its lock', 'run-b', 'must stop')(a.lost[0]))
      assert.equal(lockA.isHeld, false)
      assert.equal(a.scheduler.pending, 0)
      await lockA.release()
      assert.equal((await lockOnDisk(dir)).owner.runId, 'run-b')
    }))

  it('notices a deleted lock file at the next heartbeat', () =>
    withTempDir(async (dir) => {
      const a = run(dir, 'run-a', NOW)
      const lock = await a.acquire()
      await unlink(join(dir, 'lock'))
      await lock.heartbeat()
      assert.ok(lockedError('the lock file was deleted')(lock.lost))
    }))

  it('release deletes the lock file and stops the heartbeat, so another run can start', () =>
    withTempDir(async (dir) => {
      const a = run(dir, 'run-a', NOW)
      const lock = await a.acquire()
      await lock.release()
      await lock.release()
      assert.deepEqual(await readdir(dir), [])
      assert.equal(a.scheduler.pending, 0)
      assert.equal(lock.lost, undefined)
      await run(dir, 'run-b', NOW + 1).acquire()
      assert.equal((await lockOnDisk(dir)).owner.runId, 'run-b')
    }))

  it('lets exactly one of many racers take over a stale lock', () =>
    withTempDir(async (dir) => {
      for (let round = 0; round < 20; round++) {
        for (const name of await readdir(dir)) await unlink(join(dir, name))
        await writeStaleLock(dir, `dead-${round}`)
        const racers = Array.from({ length: 6 }, (_, i) => run(dir, `racer-${round}-${i}`, NOW))
        const results = await Promise.allSettled(racers.map((r) => r.acquire()))
        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []))
        assert.equal(winners.length, 1, `round ${round}: winners ${winners}`)
        for (const r of results) if (r.status === 'rejected') assert.ok(lockedError()(r.reason))
        assert.equal((await lockOnDisk(dir)).owner.runId, `racer-${round}-${winners[0]}`)
        assert.deepEqual(
          (await readdir(dir)).filter((n) => n.startsWith('lock.stale-')),
          [],
        )
      }
    }))

  it('puts back a lock its owner refreshed while another run was taking it over', () =>
    withTempDir(async (dir) => {
      const a = run(dir, 'run-a', NOW)
      const lockA = await a.acquire()
      let refreshed = false
      const fs = hookedFileSystem(nodeFileSystem, async (op, args) => {
        if (op === 'rename' && args[0] === join(dir, 'lock') && !refreshed) {
          refreshed = true
          a.clock.set(NOW + LEASE + 1)
          await lockA.heartbeat()
        }
      })
      await assert.rejects(
        run(dir, 'run-b', NOW + LEASE + 1, fs).acquire(),
        lockedError('run-a', '0.0 s ago'),
      )
      assert.ok(refreshed)
      assert.equal((await lockOnDisk(dir)).heartbeatMs, NOW + LEASE + 1)
      await lockA.heartbeat()
      assert.equal(lockA.isHeld, true)
    }))

  it('reports a takeover in progress, and one that never finished with what to delete', () =>
    withTempDir(async (dir) => {
      await writeStaleLock(dir, 'dead')
      const crashing = hookedFileSystem(nodeFileSystem, (op) => {
        if (op === 'rename') throw new Error('simulated crash')
      })
      await assert.rejects(run(dir, 'run-b', NOW, crashing).acquire(), /simulated crash/)
      await assert.rejects(
        run(dir, 'run-c', NOW + 1000).acquire(),
        lockedError('being taken over by', 'run-b', '1.0 s ago'),
      )
      const [claim] = (await readdir(dir)).filter((n) => n.startsWith('lock.takeover-'))
      await assert.rejects(
        run(dir, 'run-d', NOW + LEASE + 1).acquire(),
        lockedError('never finished', join(dir, 'lock'), join(dir, claim)),
      )
      await unlink(join(dir, 'lock'))
      await unlink(join(dir, claim))
      await run(dir, 'run-e', NOW + LEASE + 2).acquire()
      assert.equal((await lockOnDisk(dir)).owner.runId, 'run-e')
    }))

  it('clears expired takeover leftovers once it holds the lock, and leaves live claims', () =>
    withTempDir(async (dir) => {
      const claim = (heartbeatMs: number) =>
        encodeVersionedFile(lockFileCodec, { owner: { pid: 1, host: 'h', runId: 'x' }, heartbeatMs })
      await writeFile(join(dir, 'lock.takeover-old'), claim(NOW - LEASE - 1))
      await writeFile(join(dir, 'lock.stale-old'), claim(NOW - 3 * LEASE))
      await writeFile(join(dir, 'lock.takeover-live'), claim(NOW - 1000))
      await writeFile(join(dir, 'lock.stale-live'), claim(NOW - 3 * LEASE))
      await run(dir, 'run-a', NOW).acquire()
      assert.deepEqual((await readdir(dir)).sort(), ['lock', 'lock.stale-live', 'lock.takeover-live'])
    }))

  it('refuses a corrupt lock file and says to delete it', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, 'lock'), 'v1\n{"owner":')
      await assert.rejects(
        run(dir, 'run-a', NOW).acquire(),
        (e) => isSluiceError(e, 'CHECKPOINT_CORRUPT') && e.message.includes(`Delete ${join(dir, 'lock')}`),
      )
      assert.equal(await readFile(join(dir, 'lock'), 'utf8'), 'v1\n{"owner":')
    }))

  it('rejects a lease timeout no longer than the heartbeat interval', () =>
    withTempDir(async (dir) => {
      const clock = new ManualClock(NOW)
      const options = {
        clock,
        scheduler: new ManualScheduler(clock),
        owner: { pid: 1, host: 'h', runId: 'r' },
      }
      await assert.rejects(
        acquireCheckpointLock(nodeFileSystem, dir, {
          ...options,
          heartbeatIntervalMs: 10_000,
          leaseTimeoutMs: 10_000,
        }),
        (e) => isSluiceError(e, 'INVALID_ARGUMENT') && /heartbeatIntervalMs < leaseTimeoutMs/.test(e.message),
      )
    }))
})
