/**
 * A remote query's progress is Spark's own progress JSON, parsed into Sluice's
 * StreamingQueryProgress: observedMetrics (Spark's CollectMetrics rows) keep Spark's shape, name ->
 * column -> value, and a progress without observe() has an empty map, as Sluice's own.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import type { StreamingQueryProgress } from '../../../src/index.ts'
import { parseProgress } from '../../../src/remote/remote-streaming-query.ts'

const spark = JSON.parse(
  readFileSync(new URL('../../stream/spark/observe.json', import.meta.url), 'utf8'),
) as { progressJson: string; stateless: Record<string, Record<string, unknown>>[] }

describe('remote progress', () => {
  it('parses observedMetrics from Spark 4.3’s progress JSON into the same type as local progress', () => {
    const p: StreamingQueryProgress = parseProgress(spark.progressJson)
    assert.equal(p.batchId, 2)
    assert.deepEqual(p.observedMetrics, spark.stateless[2])
    assert.equal(p.observedMetrics.input['max(v)'], 7)
    assert.equal(p.observedMetrics.kept.rows, 2)
  })

  it('parses Spark Connect’s rows, written as values beside their schema, into the same shape', () => {
    const connect = JSON.parse(spark.progressJson)
    connect.observedMetrics = {
      input: {
        values: [2, 3, 'bob'],
        schema: {
          type: 'struct',
          fields: [
            { name: 'rows', type: 'long', nullable: false, metadata: {} },
            { name: 'total', type: 'long', nullable: true, metadata: {} },
            { name: 'max(user)', type: 'string', nullable: true, metadata: {} },
          ],
        },
      },
    }
    assert.deepEqual(parseProgress(JSON.stringify(connect)).observedMetrics, {
      input: { rows: 2, total: 3, 'max(user)': 'bob' },
    })
  })

  it('gives an empty observedMetrics when Spark’s JSON leaves it out', () => {
    const { observedMetrics: _, ...rest } = JSON.parse(spark.progressJson)
    assert.deepEqual(parseProgress(JSON.stringify(rest)).observedMetrics, {})
  })
})
