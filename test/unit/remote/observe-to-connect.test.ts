/**
 * observe() in a plan sent to Spark Connect: a named observe becomes Spark's CollectMetrics
 * relation (name, metric expressions, input); an Observation is refused by name (a remote session
 * does not hand metrics back to one).
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { count, max, Observation, Sluice, t } from '../../../src/index.ts'
import { loadArrow } from '../../../src/remote/arrow-rows.ts'
import { toConnectRelation } from '../../../src/remote/plan-to-connect.ts'

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
const df = sluice.createDataFrame([{ v: 1 }], t.struct({ v: t.long() }))

describe('observe() to Spark Connect', () => {
  before(loadArrow)

  it('sends a named observe as CollectMetrics over its input', () => {
    const rel = toConnectRelation(df.observe('m', count('*').alias('rows'), max('v')).plan, () => undefined)
    assert.equal(rel.relType.case, 'collectMetrics')
    const cm = rel.relType.case === 'collectMetrics' ? rel.relType.value : undefined
    assert.equal(cm?.name, 'm')
    assert.equal(cm?.metrics.length, 2)
    assert.equal(cm?.input?.relType.case, 'localRelation')
  })

  it('refuses an Observation, naming it', () => {
    assert.throws(
      () => toConnectRelation(df.observe(new Observation('stats'), count('*')).plan, () => undefined),
      (e: Error & { code?: string }) =>
        e.code === 'UNSUPPORTED_OPERATION' && e.message.includes("observe(new Observation('stats')"),
    )
  })
})
