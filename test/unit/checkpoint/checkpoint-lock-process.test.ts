import assert from 'node:assert/strict'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { acquireCheckpointLock } from '../../../src/checkpoint/checkpoint-lock.ts'
import { lockFileCodec } from '../../../src/checkpoint/lock-file-codec.ts'
import { decodeVersionedFile, encodeVersionedFile } from '../../../src/checkpoint/versioned-file.ts'
import { ManualClock } from '../../../src/io/clock.ts'
import { nodeFileSystem } from '../../../src/io/fs.ts'
import { ManualScheduler } from '../../../src/io/scheduler.ts'
import { type HarnessChild, startChild } from '../../harness/child-process.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const NOW = 1_700_000_000_000
const LEASE = 60_000

async function lockChild(dir: string, runId: string, now: number): Promise<HarnessChild> {
  const child = startChild('checkpoint-lock-child.ts', [dir, runId, String(now), String(LEASE)])
  await child.next('ready')
  return child
}

async function stop(child: HarnessChild): Promise<void> {
  child.process.kill('SIGKILL')
  await child.exited
}

async function lockOwner(dir: string): Promise<string> {
  return decodeVersionedFile('lock', await readFile(join(dir, 'lock')), lockFileCodec).owner.runId
}

describe('checkpoint lock across processes', () => {
  it('refuses a second process while this one holds the lock', () =>
    withTempDir(async (dir) => {
      const clock = new ManualClock(NOW)
      const owner = { pid: process.pid, host: hostname(), runId: 'parent-run' }
      const lock = await acquireCheckpointLock(nodeFileSystem, dir, {
        clock,
        scheduler: new ManualScheduler(clock),
        owner,
      })
      const child = await lockChild(dir, 'child-run', NOW + 2000)
      child.send({ cmd: 'acquire' })
      const result = await child.next('result')
      await stop(child)
      assert.equal(result.ok, false)
      assert.equal(result.code, 'CHECKPOINT_LOCKED')
      for (const part of [dir, `pid ${process.pid}`, 'parent-run', '2.0 s ago']) {
        assert.ok(String(result.message).includes(part), `'${part}' not in ${result.message}`)
      }
      await lock.release()
    }))

  it('takes over the lock of a process killed while holding it', () =>
    withTempDir(async (dir) => {
      const first = await lockChild(dir, 'first', NOW)
      first.send({ cmd: 'acquire' })
      assert.equal((await first.next('result')).ok, true)
      await stop(first)
      const second = await lockChild(dir, 'second', NOW + LEASE + 1)
      second.send({ cmd: 'acquire' })
      const result = await second.next('result')
      assert.equal(result.ok, true, String(result.message))
      assert.equal(await lockOwner(dir), 'second')
      second.send({ cmd: 'release' })
      await second.next('released')
      await stop(second)
      await assert.rejects(readFile(join(dir, 'lock')), { code: 'ENOENT' })
    }))

  it('lets exactly one of several processes racing for a stale lock win', () =>
    withTempDir(async (dir) => {
      for (let round = 0; round < 4; round++) {
        await rm(dir, { recursive: true, force: true })
        await nodeFileSystem.mkdirp(dir)
        const stale = {
          owner: { pid: 1, host: 'gone', runId: `dead-${round}` },
          heartbeatMs: NOW - 2 * LEASE,
        }
        await writeFile(join(dir, 'lock'), encodeVersionedFile(lockFileCodec, stale))
        const racers = await Promise.all([0, 1, 2].map((i) => lockChild(dir, `racer-${round}-${i}`, NOW)))
        for (const r of racers) r.send({ cmd: 'acquire' })
        const results = await Promise.all(racers.map((r) => r.next('result')))
        await Promise.all(racers.map(stop))
        const winners = results.flatMap((r, i) => (r.ok ? [i] : []))
        assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results)}`)
        for (const r of results) if (!r.ok) assert.equal(r.code, 'CHECKPOINT_LOCKED', String(r.message))
        assert.equal(await lockOwner(dir), `racer-${round}-${winners[0]}`)
      }
    }))
})
