/**
 * Kafka lag in the Prometheus metrics, against the real broker: the gauge follows the source's
 * maxOffsetsBehindLatest batch by batch, as progress reports it.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import type { Gauge } from 'prom-client'
import { createTopic, kafkaBroker, produce, uniqueTopic } from '../harness/kafka-broker.ts'
import { withTempDir } from '../harness/temp-dir.ts'
import { streamSession } from '../stream/session.ts'

let bootstrap = ''
before(async () => {
  bootstrap = (await kafkaBroker()).bootstrap
})

const LAG = 'sluice_streaming_kafka_offsets_behind_latest'

describe('Kafka metrics', () => {
  it('reports offsets behind latest per source, as each batch’s progress does', async () => {
    const topic = uniqueTopic('lag-metrics')
    await createTopic(bootstrap, topic, 3)
    const counts = [90, 9, 1]
    await produce(
      bootstrap,
      topic,
      counts.flatMap((n, p) => Array.from({ length: n }, (_, i) => ({ value: `${p}-${i}`, partition: p }))),
    )
    const { sluice } = streamSession()
    const gauge = sluice.metrics.registry.getSingleMetric(LAG) as Gauge
    // The metrics' own listener was added first, so when ours runs the gauge holds this batch.
    const seen: Promise<{ progress: string | undefined; gauge: number | undefined }>[] = []
    sluice.streams.addListener({
      onQueryProgress: ({ progress }) => {
        const snapshot = gauge.get()
        seen.push(
          snapshot.then((g) => ({
            progress: progress.sources[0].metrics.maxOffsetsBehindLatest,
            gauge: g.values[0]?.value,
          })),
        )
      },
    })
    await withTempDir(async (dir) => {
      const q = await sluice.readStream
        .format('kafka')
        .option('kafka.bootstrap.servers', bootstrap)
        .option('subscribe', topic)
        .option('startingOffsets', 'earliest')
        .option('maxOffsetsPerTrigger', '10')
        .load()
        .writeStream.format('noop')
        .queryName('lagging')
        .trigger({ availableNow: true })
        .option('checkpointLocation', dir)
        .start()
      await q.awaitTermination()
      const pairs = await Promise.all(seen)
      assert.ok(pairs.length >= 10, `${pairs.length} batches of at most 10 records`)
      assert.equal(pairs[0].progress, '81', 'Spark’s rate limit leaves partition 0 at 81 behind')
      for (const p of pairs) assert.equal(p.gauge, Number(p.progress))
      const families = parsePrometheusTextFormat(await sluice.metrics.registry.metrics()) as {
        name: string
        metrics: { labels: Record<string, string>; value: string }[]
      }[]
      const lag = families.find((f) => f.name === LAG)?.metrics ?? []
      assert.equal(lag.length, 1)
      assert.equal(lag[0].labels.query_name, 'lagging')
      assert.equal(lag[0].labels.source, q.lastProgress?.sources[0].description)
      assert.equal(lag[0].value, q.lastProgress?.sources[0].metrics.maxOffsetsBehindLatest)
    })
  })
})
