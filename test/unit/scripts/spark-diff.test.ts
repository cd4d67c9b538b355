/**
 * The pure parts of `npm run spark-diff`: a seed names one scenario, and the shrinker reduces a
 * disagreement to the smallest scenario that still shows it (the engines are run by the script).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateScenario, type Scenario } from '../../../scripts/spark-diff/scenario.ts'
import { shrink, smallerScenarios } from '../../../scripts/spark-diff/shrink.ts'

describe('spark-diff scenarios', () => {
  it('a seed always gives the same scenario, and seeds differ', () => {
    assert.deepEqual(generateScenario(42), generateScenario(42))
    const shapes = new Set(Array.from({ length: 60 }, (_, i) => generateScenario(i).shape.kind))
    assert.deepEqual([...shapes].sort(), ['chain', 'dedup', 'dedupWithin', 'key', 'session', 'window'])
  })

  it('draws ANSI expressions and unions with an unwatermarked input after the older fields', () => {
    const some = Array.from({ length: 200 }, (_, i) => generateScenario(i))
    assert.ok(some.some((s) => s.x?.startsWith('CAST(concat')))
    assert.ok(some.some((s) => s.union && s.unwatermarked2 === true))
    // Seed 10 kept its query and rows when the new fields were added; it now adds x.
    assert.deepEqual(generateScenario(10).shape, { kind: 'chain', size: 5, outer: 20 })
    assert.equal(generateScenario(10).x, '10 DIV (v + 1)')
  })

  it('every scenario uses an output mode its shape allows in Spark', () => {
    for (let seed = 0; seed < 200; seed++) {
      const s = generateScenario(seed)
      if (s.shape.kind === 'session') assert.notEqual(s.mode, 'update')
      if (s.shape.kind.startsWith('dedup') || s.shape.kind === 'chain') assert.equal(s.mode, 'append')
    }
  })

  it('shrinks to the one row that still shows a disagreement', async () => {
    const s: Scenario = { ...generateScenario(3), restarts: true, filterAbove: 0 }
    const marked = s.steps.flat()[0]
    // A disagreement that needs exactly the first row of the first step.
    const differs = async (x: Scenario) => x.steps.flat().includes(marked)
    const small = await shrink(s, differs, 500)
    assert.deepEqual(small.steps, [[marked]])
    assert.equal(small.restarts, false)
    assert.equal(small.filterAbove, null)
    // Nothing smaller is left to try.
    assert.deepEqual(smallerScenarios(small), [])
  })
})
