/**
 * The state watermarks of a stream-stream join (Spark's StreamingJoinHelper), solved from join
 * conditions bound by the real analyzer: which side a time-range bounds, by how much, and a
 * watermarked join key.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AnalyzedPlan } from '../../../src/analysis/analyzed-plan.ts'
import { Analyzer } from '../../../src/analysis/analyzer.ts'
import {
  type JoinSides,
  stateValueWatermarkOffset,
  streamingJoinKeys,
  watermarkKeyOrdinal,
} from '../../../src/analysis/join-watermark.ts'
import { expr } from '../../../src/api/functions.ts'
import { type DataFrame, ManualClock, Sluice, t } from '../../../src/index.ts'

const EVENT = t.struct({ k: t.int(), ts: t.timestamp(), v: t.string() })
type Join = Extract<AnalyzedPlan, { kind: 'join' }>

const analyze = (df: DataFrame): Join =>
  new Analyzer({ timeZone: 'UTC', runtime: { currentTimestamp: 0 } }).analyze(df.plan as never) as Join

function analyzedJoin(condition: string, watermarks: [boolean, boolean] = [true, true]): Join {
  const s = Sluice.local({ clock: new ManualClock(0), output: () => undefined })
  const side = (wm: boolean) => {
    const df = s.memoryStream(EVENT).toDF()
    return wm ? df.withWatermark('ts', '10 seconds') : df
  }
  const df = side(watermarks[0]).alias('l').join(side(watermarks[1]).alias('r'), expr(condition), 'inner')
  return analyze(df)
}

function offsets(condition: string, watermarks?: [boolean, boolean]) {
  const p = analyzedJoin(condition, watermarks)
  const sides: JoinSides = { attrs: [...p.left.output, ...p.right.output], leftWidth: p.left.output.length }
  return {
    left: stateValueWatermarkOffset(p.residual, sides, 'left'),
    right: stateValueWatermarkOffset(p.residual, sides, 'right'),
  }
}

const HOUR = 3_600_000

describe('stateValueWatermarkOffset', () => {
  it('bounds both sides of a two-sided range; a non-strict bound keeps rows 1 ms longer', () => {
    assert.deepEqual(offsets('l.k = r.k AND r.ts BETWEEN l.ts AND l.ts + INTERVAL 1 HOUR'), {
      left: -HOUR - 1,
      right: -1,
    })
    assert.deepEqual(offsets('l.k = r.k AND r.ts > l.ts AND r.ts < l.ts + INTERVAL 1 HOUR'), {
      left: -HOUR,
      right: 0,
    })
  })

  it('bounds only the side a one-sided range constrains', () => {
    assert.deepEqual(offsets('l.k = r.k AND l.ts < r.ts'), { left: undefined, right: 0 })
    assert.deepEqual(offsets('l.k = r.k AND r.ts - INTERVAL 5 MINUTES <= l.ts'), {
      left: -300_001,
      right: undefined,
    })
  })

  it('needs the watermark on the other side', () => {
    assert.deepEqual(offsets('l.k = r.k AND r.ts BETWEEN l.ts AND l.ts + INTERVAL 1 HOUR', [true, false]), {
      left: undefined,
      right: -1,
    })
  })

  it('ignores conditions that are not linear in one column per side', () => {
    assert.deepEqual(offsets('l.k = r.k AND l.ts < l.ts + INTERVAL 1 HOUR'), {
      left: undefined,
      right: undefined,
    })
    assert.deepEqual(offsets('l.k = r.k AND l.v < r.v'), { left: undefined, right: undefined })
  })
})

describe('streamingJoinKeys and watermarkKeyOrdinal', () => {
  it('takes equal windows from the residual as keys and finds the watermarked one', () => {
    const s = Sluice.local({ clock: new ManualClock(0), output: () => undefined })
    const side = () =>
      s
        .memoryStream(EVENT)
        .toDF()
        .withWatermark('ts', '10 seconds')
        .selectExpr('k', "window(ts, '10 seconds') AS w")
    const p = analyze(side().alias('l').join(side().alias('r'), expr('l.k = r.k AND l.w = r.w')))
    const keys = streamingJoinKeys(p.leftKeys, p.rightKeys, p.residual, p.left.output.length)
    assert.equal(keys.leftKeys.length, 2)
    assert.equal(keys.rest.length, 0)
    assert.equal(watermarkKeyOrdinal(keys.leftKeys, keys.rightKeys, p.left.output, p.right.output), 1)
  })
})
