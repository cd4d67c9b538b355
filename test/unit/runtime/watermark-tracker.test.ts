import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { WatermarkTracker } from '../../../src/runtime/watermark-tracker.ts'

const stats = (max: number) => ({ max, min: max, sum: max, count: 1 })
const none = { max: Number.NEGATIVE_INFINITY, min: Number.POSITIVE_INFINITY, sum: 0, count: 0 }

describe('WatermarkTracker', () => {
  it('takes the minimum of the inputs by default, each its largest event time minus its delay', () => {
    const w = new WatermarkTracker(
      [
        { delayMs: 1000, idleTimeoutMs: undefined },
        { delayMs: 0, idleTimeoutMs: undefined },
      ],
      'min',
      0,
    )
    assert.equal(w.defined, true)
    w.observe([stats(10_000), none], 0)
    assert.equal(w.advance(0), 0, 'an input that saw no row counts as 0')
    w.observe([none, stats(5000)], 0)
    assert.equal(w.advance(0), 5000)
    w.observe([stats(2000), stats(4000)], 0)
    assert.equal(w.advance(0), 5000, 'neither an input nor the global watermark moves back')
  })

  it('takes the maximum under the max policy and restores a logged watermark', () => {
    const w = new WatermarkTracker(
      [
        { delayMs: 0, idleTimeoutMs: undefined },
        { delayMs: 0, idleTimeoutMs: undefined },
      ],
      'max',
      0,
    )
    w.restore(7000)
    assert.equal(w.currentMs, 7000)
    w.observe([stats(9000), stats(3000)], 0)
    assert.equal(w.advance(0), 9000)
  })

  it('leaves out an input idle for its idleTimeout, and keeps the watermark when all are idle', () => {
    const w = new WatermarkTracker(
      [
        { delayMs: 0, idleTimeoutMs: 1000 },
        { delayMs: 0, idleTimeoutMs: undefined },
      ],
      'min',
      0,
    )
    w.observe([none, stats(8000)], 500)
    assert.equal(w.candidateMs(500), 0, 'the first input is not idle yet')
    assert.equal(w.advance(1000), 8000, 'idle since the start for 1 s: left out')
    const all = new WatermarkTracker([{ delayMs: 0, idleTimeoutMs: 10 }], 'min', 0)
    all.restore(42)
    assert.equal(all.advance(100), 42)
  })
})
