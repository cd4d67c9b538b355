/**
 * Kafka on Spark through Sluice.remote, against the real local Spark Connect server (started with
 * Spark's Kafka connector) and the real test broker: a batch read of a topic gives the same rows
 * embedded and on Spark, a stream from Kafka on Spark sees every record, and Spark's batch Kafka
 * write delivers every row.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { col, count, sum } from '../../src/index.ts'
import { consumeAll, createTopic, kafkaBroker, produce, uniqueTopic } from '../harness/kafka-broker.ts'
import { bothWays, remoteSession, sorted, sparkConnect } from '../harness/spark-connect.ts'

let url = ''
let skip: string | undefined
let bootstrap = ''
before(async () => {
  const server = await sparkConnect()
  if ('skip' in server) skip = server.skip
  else url = server.url
  bootstrap = (await kafkaBroker()).bootstrap
})

const records = Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 3}`, value: String(i) }))

describe('Sluice.remote with Kafka', () => {
  it('reads a topic in batch with the same rows embedded and on Spark', async (tc) => {
    if (skip) return tc.skip(skip)
    const topic = uniqueTopic('remote-read')
    await createTopic(bootstrap, topic, 2)
    await produce(bootstrap, topic, records)
    const [embedded, remote] = await bothWays(url, async (s) =>
      (
        await s.read
          .format('kafka')
          .option('kafka.bootstrap.servers', bootstrap)
          .option('subscribe', topic)
          .load()
      )
        .select(col('key').cast('string').alias('k'), col('value').cast('string').cast('long').alias('v'))
        .groupBy('k')
        .agg(count('*').alias('n'), sum('v').alias('total')),
    )
    assert.deepEqual(sorted(remote), [
      { k: 'k0', n: 10, total: 135 },
      { k: 'k1', n: 10, total: 145 },
      { k: 'k2', n: 10, total: 155 },
    ])
    assert.deepEqual(sorted(remote), sorted(embedded))
  })

  it('streams a topic on Spark into the memory sink, every record once', async (tc) => {
    if (skip) return tc.skip(skip)
    const topic = uniqueTopic('remote-stream')
    await createTopic(bootstrap, topic, 1)
    await produce(bootstrap, topic, records.slice(0, 10))
    const spark = remoteSession(url)
    const name = `kafka_${process.pid}`
    const source = await spark.readStream
      .format('kafka')
      .option('kafka.bootstrap.servers', bootstrap)
      .option('subscribe', topic)
      .option('startingOffsets', 'earliest')
      .load()
    const q = await source
      .select(col('value').cast('string').alias('v'))
      .writeStream.format('memory')
      .queryName(name)
      .start()
    try {
      await q.processAllAvailable()
      await produce(bootstrap, topic, records.slice(10))
      await q.processAllAvailable()
      const rows = (await (await spark.table(name)).collect()) as { v: string }[]
      assert.deepEqual(
        rows.map((r) => Number(r.v)).sort((a, b) => a - b),
        records.map((_, i) => i),
      )
    } finally {
      await q.stop()
      spark.close()
    }
  })

  it("writes a DataFrame to a topic with Spark's batch Kafka sink", async (tc) => {
    if (skip) return tc.skip(skip)
    const topic = uniqueTopic('remote-write')
    await createTopic(bootstrap, topic, 1)
    const spark = remoteSession(url)
    try {
      await spark
        .range(5)
        .select(col('id').cast('string').alias('key'), col('id').multiply(10).cast('string').alias('value'))
        .write.format('kafka')
        .option('kafka.bootstrap.servers', bootstrap)
        .option('topic', topic)
        .save()
    } finally {
      spark.close()
    }
    const got = await consumeAll(bootstrap, topic)
    assert.deepEqual(
      got.map((r) => [String(r.key), String(r.value)]).sort(),
      [0, 1, 2, 3, 4].map((i) => [String(i), String(i * 10)]),
    )
  })
})
