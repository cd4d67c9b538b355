import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../src/errors.ts'
import { ManualClock } from '../../../src/io/clock.ts'
import { ManualScheduler, systemScheduler } from '../../../src/io/scheduler.ts'

describe('ManualScheduler', () => {
  it('runs each task at its due times, in time order, with the clock at that time', async () => {
    const clock = new ManualClock(1000)
    const scheduler = new ManualScheduler(clock)
    const runs: string[] = []
    scheduler.every(10, () => void runs.push(`a@${clock.now()}`))
    scheduler.every(25, () => void runs.push(`b@${clock.now()}`))
    await scheduler.advance(30)
    assert.deepEqual(runs, ['a@1010', 'a@1020', 'b@1025', 'a@1030'])
    assert.equal(clock.now(), 1030)
  })

  it('awaits async tasks one after another', async () => {
    const clock = new ManualClock(0)
    const scheduler = new ManualScheduler(clock)
    const log: string[] = []
    scheduler.every(5, async () => {
      log.push(`start ${clock.now()}`)
      await Promise.resolve()
      log.push(`end ${clock.now()}`)
    })
    await scheduler.advance(10)
    assert.deepEqual(log, ['start 5', 'end 5', 'start 10', 'end 10'])
  })

  it('stops running a cancelled task, even one cancelled by an earlier task in the same advance', async () => {
    const clock = new ManualClock(0)
    const scheduler = new ManualScheduler(clock)
    let b = 0
    const second = scheduler.every(10, () => void b++)
    scheduler.every(5, () => second.cancel())
    await scheduler.advance(100)
    assert.equal(b, 0)
    assert.equal(scheduler.pending, 1)
  })

  it('rejects a non-positive interval', () => {
    const scheduler = new ManualScheduler(new ManualClock(0))
    assert.throws(
      () => scheduler.every(0, () => {}),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
  })
})

describe('systemScheduler', () => {
  it('runs a task repeatedly until cancelled', async () => {
    let runs = 0
    let scheduled: { cancel(): void } | undefined
    await new Promise<void>((resolve) => {
      scheduled = systemScheduler.every(1, () => {
        if (++runs === 3) resolve()
      })
    })
    scheduled?.cancel()
    assert.equal(runs, 3)
  })
})
