/**
 * The Kafka sink's `createTopics` option against the real broker (which has auto.create.topics.enable
 * off): missing output topics are created with the `topic.creation.*` partitions and configs before
 * the first write, in both delivery modes and across a restart.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Admin } from '@platformatic/kafka'
import { describeKafkaTopics } from '../../src/connectors/kafka/kafka-topic-admin.ts'
import { isSluiceError, Sluice, type StreamingQuery, t } from '../../src/index.ts'
import { consumeAll, kafkaBroker, uniqueTopic } from '../harness/kafka-broker.ts'
import { withTempDir } from '../harness/temp-dir.ts'

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC', 'sluice.streaming.stopOnSignal': false })
let bootstrap = ''
const running: StreamingQuery[] = []
before(async () => {
  bootstrap = (await kafkaBroker()).bootstrap
})
after(async () => {
  await Promise.allSettled(running.map((q) => q.stop()))
})

const Words = t.struct({ topic: t.string(), word: t.string() })

async function describe1(topic: string) {
  const admin = new Admin({ clientId: 'sluice-test-admin', bootstrapBrokers: [bootstrap] })
  try {
    const [d] = await describeKafkaTopics(admin, [topic])
    return { partitions: d.partitions.length, configs: d.configs }
  } finally {
    await admin.close()
  }
}

function startQuery(
  input: ReturnType<typeof sluice.memoryStream>,
  dir: string,
  options: Record<string, string>,
) {
  return input
    .toDF()
    .selectExpr('topic', 'word AS value')
    .writeStream.format('kafka')
    .options({
      'kafka.bootstrap.servers': bootstrap,
      checkpointLocation: dir,
      createTopics: 'true',
      ...options,
    })
    .start()
    .then((q) => {
      running.push(q)
      return q
    })
}

describe('Kafka sink: createTopics', () => {
  for (const guarantee of ['at-least-once', 'exactly-once']) {
    it(`creates each missing output topic with the given partitions and configs (${guarantee})`, () =>
      withTempDir(async (dir) => {
        const [a, b] = [uniqueTopic('created-a'), uniqueTopic('created-b')]
        const input = sluice.memoryStream(Words)
        const options = {
          deliveryGuarantee: guarantee,
          'topic.creation.partitions': '3',
          'topic.creation.replication.factor': '1',
          'topic.creation.retention.ms': '3600000',
        }
        let q = await startQuery(input, dir, options)
        input.addData({ topic: a, word: 'x' })
        await q.processAllAvailable()
        await q.stop()
        // After a restart the topic exists (left as it is) and a new one appears.
        q = await startQuery(input, dir, options)
        input.addData({ topic: a, word: 'y' }, { topic: b, word: 'z' })
        await q.processAllAvailable()
        await q.stop()
        for (const topic of [a, b])
          assert.deepEqual(await describe1(topic), { partitions: 3, configs: { 'retention.ms': '3600000' } })
        const read = async (topic: string) =>
          (await consumeAll(bootstrap, topic, { isolationLevel: 'read_committed' }))
            .map((r) => r.value)
            .sort()
        assert.deepEqual(await read(a), ['x', 'y'])
        assert.deepEqual(await read(b), ['z'])
      }))
  }

  it('fails the query with the Kafka refusal when a topic cannot be created', () =>
    withTempDir(async (dir) => {
      const input = sluice.memoryStream(Words)
      const q = await startQuery(input, dir, { 'topic.creation.replication.factor': '5' })
      input.addData({ topic: uniqueTopic('not-created'), word: 'x' })
      await assert.rejects(q.processAllAvailable(), (e) =>
        /replication factor 5 is below 1 or larger than the number of brokers/.test(String(e)),
      )
    }))

  it('refuses topic.creation.* without createTopics, and bad counts, at start', async () => {
    const df = sluice.memoryStream(Words).toDF().selectExpr('topic', 'word AS value')
    const start = (options: Record<string, string>) =>
      df.writeStream
        .format('kafka')
        .options({ 'kafka.bootstrap.servers': bootstrap, ...options })
        .start()
    await assert.rejects(
      start({ 'topic.creation.partitions': '3' }),
      (e) =>
        isSluiceError(e, 'INVALID_OPTION') &&
        /applies only with option\('createTopics', 'true'\)/.test(e.message),
    )
    await assert.rejects(
      start({ createTopics: 'true', 'topic.creation.partitions': '0' }),
      (e) =>
        isSluiceError(e, 'INVALID_OPTION') &&
        /'topic.creation.partitions'.*whole number >= 1/.test(e.message),
    )
    await assert.rejects(
      start({ createTopics: 'maybe' }),
      (e) => isSluiceError(e, 'INVALID_OPTION') && /createTopics/.test(e.message),
    )
  })
})
