/**
 * The Kafka source's read-ahead (kafka-read-ahead.ts) on the shared broker: a batch takes the
 * buffered prefix of its range and fetches only the rest (shown by deleting the buffered records from
 * Kafka first: a plain read of the range fails, the read through the buffer does not); a range
 * shorter than the buffer hands out exactly its rows and keeps the rest; a batch starting elsewhere
 * drops the buffer; a read-ahead meeting lost data is dropped and the batch reports the loss; a rerun after a restart reads the same rows; a stop while a read-ahead is in
 * flight ends cleanly (no dangling fetch: the test process exits).
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import type { DataLossCounter } from '../../src/connectors/kafka/kafka-errors.ts'
import { KafkaRangeReader } from '../../src/connectors/kafka/kafka-range-reader.ts'
import { KafkaReadAhead } from '../../src/connectors/kafka/kafka-read-ahead.ts'
import { KafkaSource } from '../../src/connectors/kafka/kafka-source.ts'
import { parseKafkaSourceOptions } from '../../src/connectors/kafka/kafka-source-options.ts'
import { createTopic, kafkaBroker, produce, uniqueTopic } from '../harness/kafka-broker.ts'
import { deleteRecordsBefore, waitForLogStart } from './kafka-source-helpers.ts'

let bootstrap = ''
before(async () => {
  bootstrap = (await kafkaBroker()).bootstrap
})

const noLoss = (): DataLossCounter => ({ dataLoss: 0, offsetOutOfRange: 0 })
const values = (rows: readonly unknown[][]) => rows.map((r) => Buffer.from(r[1] as Uint8Array).toString())
const tags = (from: number, until: number, prefix = 'v') =>
  Array.from({ length: until - from }, (_, i) => `${prefix}${from + i}`)

/** A topic of `partitions` partitions with `perPartition` records `p<partition>-<n>` each, in batches of 10. */
async function topicWith(partitions: number, perPartition: number): Promise<string> {
  const topic = uniqueTopic('read-ahead')
  await createTopic(bootstrap, topic, partitions, { 'retention.ms': '-1' })
  for (let p = 0; p < partitions; p++)
    for (let n = 0; n < perPartition; n += 10)
      await produce(
        bootstrap,
        topic,
        tags(n, Math.min(n + 10, perPartition), `p${p}-`).map((value) => ({ value, partition: p })),
      )
  return topic
}

function readerOf(topic: string, extra: Record<string, string> = {}): KafkaRangeReader {
  const options = { 'kafka.bootstrap.servers': bootstrap, subscribe: topic, ...extra }
  return new KafkaRangeReader(parseKafkaSourceOptions(options, 'stream'))
}

describe('Kafka source read-ahead', () => {
  it('takes the buffered prefix of a range and fetches only the rest', async () => {
    const topic = await topicWith(1, 30)
    const tp = `${topic}:0`
    const reader = readerOf(topic)
    const ahead = new KafkaReadAhead(reader)
    try {
      ahead.start([{ tp, from: 0, until: 20 }])
      await ahead.settled()
      assert.equal(ahead.bufferedRows, 20)
      await deleteRecordsBefore(bootstrap, topic, 0, 20)
      await waitForLogStart(bootstrap, topic, 0, 20)
      // Read plainly, offsets 0-19 are gone now (failOnDataLoss): the buffered rows are what is used.
      await assert.rejects(reader.read([{ tp, from: 0, until: 25 }], noLoss()), /Could not read records/)
      const counter = noLoss()
      const rows = await ahead.read([{ tp, from: 0, until: 25 }], counter)
      assert.deepEqual(values(rows), tags(0, 25, 'p0-'))
      assert.deepEqual(
        rows.map((r) => r[4]),
        Array.from({ length: 25 }, (_, i) => i),
      )
      assert.deepEqual(counter, noLoss())
      assert.equal(ahead.bufferedRows, 0)
    } finally {
      await reader.close()
    }
  })

  it('hands out exactly a shorter range, keeps the rest, and drops the buffer for a range starting elsewhere', async () => {
    const topic = await topicWith(2, 30)
    const [t0, t1] = [`${topic}:0`, `${topic}:1`]
    const reader = readerOf(topic, { 'kafka.max.partition.fetch.bytes': '64' })
    const ahead = new KafkaReadAhead(reader)
    try {
      ahead.start([
        { tp: t0, from: 0, until: 30 },
        { tp: t1, from: 0, until: 12 },
      ])
      await ahead.settled()
      assert.equal(ahead.bufferedRows, 42)
      const first = await ahead.read(
        [
          { tp: t0, from: 0, until: 5 },
          { tp: t1, from: 0, until: 20 },
        ],
        noLoss(),
      )
      assert.deepEqual(values(first), [...tags(0, 5, 'p0-'), ...tags(0, 20, 'p1-')])
      assert.equal(ahead.bufferedRows, 25)
      // The next batch goes on from the buffer's start; reading ahead extends the buffer.
      ahead.start([{ tp: t0, from: 5, until: 30 }])
      await ahead.settled()
      const second = await ahead.read([{ tp: t0, from: 5, until: 12 }], noLoss())
      assert.deepEqual(values(second), tags(5, 12, 'p0-'))
      assert.equal(ahead.bufferedRows, 18)
      const elsewhere = await ahead.read([{ tp: t0, from: 3, until: 8 }], noLoss())
      assert.deepEqual(values(elsewhere), tags(3, 8, 'p0-'))
      assert.equal(ahead.bufferedRows, 0)
    } finally {
      await reader.close()
    }
  })

  it('drops a read-ahead that meets lost data, so the batch reads the range and reports the loss itself', async () => {
    const topic = await topicWith(1, 30)
    const tp = `${topic}:0`
    await deleteRecordsBefore(bootstrap, topic, 0, 10)
    await waitForLogStart(bootstrap, topic, 0, 10)
    for (const failOnDataLoss of ['true', 'false']) {
      const reader = readerOf(topic, { failOnDataLoss })
      const ahead = new KafkaReadAhead(reader)
      try {
        ahead.start([{ tp, from: 0, until: 20 }])
        await ahead.settled()
        assert.equal(ahead.bufferedRows, 0)
        const counter = noLoss()
        const batch = ahead.read([{ tp, from: 0, until: 20 }], counter)
        if (failOnDataLoss === 'true')
          await assert.rejects(batch, /Could not read records in offset \[0, 20\)/)
        else {
          assert.deepEqual(values(await batch), tags(10, 20, 'p0-'))
          assert.deepEqual(counter, { dataLoss: 1, offsetOutOfRange: 10 })
        }
      } finally {
        await reader.close()
      }
    }
  })

  it('reads the same rows for a batch rerun after a restart, and stops cleanly with a read-ahead in flight', async () => {
    const topic = await topicWith(2, 200)
    const options = {
      'kafka.bootstrap.servers': bootstrap,
      subscribe: topic,
      startingOffsets: 'earliest',
      maxOffsetsPerTrigger: '40',
      'kafka.max.partition.fetch.bytes': '128',
    }
    const sourceOf = () =>
      new KafkaSource(parseKafkaSourceOptions(options, 'stream'), { options, now: () => 0 })
    const limit = { kind: 'maxRows', maxRows: 40 } as const
    const first = sourceOf()
    const start = await first.initialOffset()
    const e1 = await first.latestOffset(start, limit)
    const batch1 = values(await first.getBatch(start, e1))
    const e2 = await first.latestOffset(e1, limit)
    const batch2 = values(await first.getBatch(e1, e2))
    // batch 3's read-ahead is in flight (a fetch of at most 128 bytes a partition at a time).
    await first.stop()
    assert.deepEqual(batch1, [...tags(0, 20, 'p0-'), ...tags(0, 20, 'p1-')])
    assert.deepEqual(batch2, [...tags(20, 40, 'p0-'), ...tags(20, 40, 'p1-')])
    const second = sourceOf()
    try {
      assert.deepEqual(values(await second.getBatch(e1, e2)), batch2)
    } finally {
      await second.stop()
    }
  })
})
