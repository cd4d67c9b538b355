/**
 * The Kafka source with `kafka.isolation.level=read_committed` on topics written by transactional
 * producers, checked record for record against Kafka's own Java KafkaConsumer (kafka-clients) on the
 * same topic: aborted and committed transactions interleaved on one partition, several producers
 * with transactions open at once, a transactional id whose successor fences it (aborting its open
 * transaction) and then commits, aborts spanning several fetch answers, control records, and
 * non-transactional records between them, compaction gaps. Each topic is read by Sluice's batch
 * reader (with large and with tiny fetches), by its streaming source in small batches and again
 * after a restart, and with read_uncommitted as well, where every record, aborted ones included,
 * must come through.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { ProduceAcks, Producer } from '@platformatic/kafka'
import { Sluice } from '../../src/index.ts'
import { checkNewAnswer, execute, startStream, stopStream, testStream } from '../../src/testing/index.ts'
import { javaKafkaRead } from '../harness/java-kafka-reader.ts'
import {
  createTopic,
  kafkaBroker,
  produce,
  uniqueTopic,
  waitForTransactions,
} from '../harness/kafka-broker.ts'
import { streamSession } from '../stream/session.ts'
import { kafkaStream } from './kafka-source-helpers.ts'

let bootstrap = ''
before(async () => {
  bootstrap = (await kafkaBroker()).bootstrap
})

const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false })
const KEEP = { 'retention.ms': '-1' }

/** A transactional producer; a second one with the same id fences the first (InitProducerId, a new epoch). */
function txProducer(transactionalId: string): Producer {
  return new Producer({
    clientId: 'sluice-test-read-committed',
    bootstrapBrokers: [bootstrap],
    transactionalId,
    idempotent: true,
    producerId: -1n,
    producerEpoch: -1,
    retries: 30,
    retryDelay: 100,
  } as ConstructorParameters<typeof Producer>[0]) as Producer
}

type Transaction = Awaited<ReturnType<Producer['beginTransaction']>>

let counter = 0
/** Sends `sends` batches of `size` records `<tag>-<n>` to `partition` in `tx`. */
async function sendIn(
  tx: Transaction,
  topic: string,
  tag: string,
  o: { partition?: number; sends?: number; size?: number; pad?: number } = {},
) {
  for (let s = 0; s < (o.sends ?? 2); s++) {
    const messages = Array.from({ length: o.size ?? 3 }, () => ({
      topic,
      partition: o.partition ?? 0,
      value: Buffer.from(`${tag}-${++counter}${'.'.repeat(o.pad ?? 0)}`),
    }))
    await tx.send({ messages, acks: ProduceAcks.ALL })
  }
}

/** Sluice's rows of `topic` as `partition:offset=value`, read as a batch. */
async function sluiceBatch(topic: string, options: Record<string, string> = {}): Promise<string[]> {
  const df = await sluice.read
    .format('kafka')
    .option('kafka.bootstrap.servers', bootstrap)
    .option('subscribe', topic)
    .options(options)
    .load()
  const rows = (await df.selectExpr('partition', '`offset`', 'CAST(value AS STRING) AS v').collect()) as {
    partition: number
    offset: number
    v: string
  }[]
  return rows.map((r) => `${r.partition}:${r.offset}=${r.v}`).sort()
}

async function javaRecords(topic: string, isolation: 'read_committed' | 'read_uncommitted') {
  return (await javaKafkaRead(bootstrap, topic, isolation))
    .map((r) => `${r.partition}:${r.offset}=${r.value}`)
    .sort()
}

const COMMITTED = { 'kafka.isolation.level': 'read_committed' }

/**
 * Every Sluice batch read of `topic` equals the Java consumer's, for both isolation levels; with
 * `expectAborted`, the topic holds aborted records (or holds none).
 */
async function checkBatchReads(topic: string, expectAborted?: boolean): Promise<string[]> {
  await waitForTransactions(bootstrap, topic)
  const committed = await javaRecords(topic, 'read_committed')
  const all = await javaRecords(topic, 'read_uncommitted')
  if (expectAborted !== undefined)
    assert.equal(all.length > committed.length, expectAborted, 'the topic holds aborted records')
  assert.deepEqual(await sluiceBatch(topic, COMMITTED), committed, 'read_committed, default fetch size')
  assert.deepEqual(
    await sluiceBatch(topic, { ...COMMITTED, 'kafka.max.partition.fetch.bytes': '600' }),
    committed,
    'read_committed, an answer of a batch or two per fetch',
  )
  assert.deepEqual(await sluiceBatch(topic), all, 'read_uncommitted')
  await checkStreamRead(topic, committed)
  return committed
}

/**
 * The streaming source reads the same committed records in small batches (4 offsets each, so
 * batch ends fall inside transactions), and a restart on the same checkpoint reads none again.
 */
async function checkStreamRead(topic: string, committed: readonly string[]): Promise<void> {
  const stream = kafkaStream(
    streamSession(),
    bootstrap,
    { subscribe: topic, startingOffsets: 'earliest', maxOffsetsPerTrigger: '4', ...COMMITTED },
    ['partition', '`offset`', 'CAST(value AS STRING) AS v'],
  )
  const rows = committed.map((r) => {
    const [at, v] = [r.slice(0, r.indexOf('=')), r.slice(r.indexOf('=') + 1)]
    const [partition, offset] = at.split(':').map(Number)
    return { partition, offset, v }
  })
  await testStream(
    stream,
    {},
    startStream({ trigger: { availableNow: true } }),
    execute(async (q) => {
      await q?.awaitTermination()
    }),
    checkNewAnswer(...rows),
    stopStream(),
    startStream({ trigger: { availableNow: true } }),
    execute(async (q) => {
      await q?.awaitTermination()
    }),
    checkNewAnswer(),
  )
}

describe('Kafka source: read_committed against Kafka’s Java consumer', () => {
  it('one producer aborting and committing in turn, several batches per transaction, beside plain records', async () => {
    const topic = uniqueTopic('rc-turns')
    await createTopic(bootstrap, topic, 2, KEEP)
    const p = txProducer(uniqueTopic('tx'))
    try {
      for (const outcome of ['commit', 'abort', 'commit', 'abort', 'abort', 'commit', 'abort', 'commit']) {
        const tx = await p.beginTransaction()
        await sendIn(tx, topic, outcome, { partition: 0 })
        await sendIn(tx, topic, outcome, { partition: 1, sends: 1 })
        await (outcome === 'commit' ? tx.commit() : tx.abort())
        await produce(bootstrap, topic, [{ value: `plain-${++counter}`, partition: 0 }])
      }
    } finally {
      await p.close()
    }
    await checkBatchReads(topic, true)
  })

  it('several producers with transactions open at once, aborted and committed out of order', async () => {
    const topic = uniqueTopic('rc-interleaved')
    await createTopic(bootstrap, topic, 1, KEEP)
    const [a, b, c] = [
      txProducer(uniqueTopic('txa')),
      txProducer(uniqueTopic('txb')),
      txProducer(uniqueTopic('txc')),
    ]
    try {
      for (let round = 0; round < 4; round++) {
        const ta = await a.beginTransaction()
        const tb = await b.beginTransaction()
        await sendIn(ta, topic, `a${round}`)
        const tc = await c.beginTransaction()
        await sendIn(tb, topic, `b${round}`)
        await sendIn(tc, topic, `c${round}`, { sends: 1 })
        await sendIn(ta, topic, `a${round}`)
        await produce(bootstrap, topic, [{ value: `plain-${++counter}` }])
        // b ends first, then a, then c; who aborts changes every round.
        await (round % 2 === 0 ? tb.abort() : tb.commit())
        await sendIn(tc, topic, `c${round}`, { sends: 1 })
        await (round % 3 === 0 ? ta.commit() : ta.abort())
        await (round === 2 ? tc.abort() : tc.commit())
      }
    } finally {
      await Promise.all([a.close(), b.close(), c.close()])
    }
    await checkBatchReads(topic, true)
  })

  it('a producer fenced by its successor: the open transaction is aborted, the same producer id then commits', async () => {
    const topic = uniqueTopic('rc-fenced')
    await createTopic(bootstrap, topic, 2, KEEP)
    const id = uniqueTopic('tx-fenced')
    const zombies: Producer[] = []
    try {
      for (let life = 0; life < 5; life++) {
        // Each life commits one or two transactions, then dies with one open (as a killed process).
        const p = txProducer(id)
        zombies.push(p)
        for (let t = 0; t <= life % 2; t++) {
          const tx = await p.beginTransaction()
          await sendIn(tx, topic, `life${life}`, { partition: t % 2 })
          await tx.commit()
        }
        const open = await p.beginTransaction()
        await sendIn(open, topic, `zombie${life}`, { partition: 0 })
        await sendIn(open, topic, `zombie${life}`, { partition: 1 })
      }
      const last = txProducer(id)
      zombies.push(last)
      const tx = await last.beginTransaction()
      await sendIn(tx, topic, 'last', { partition: 1 })
      await tx.commit()
    } finally {
      for (const z of zombies) await z.close().catch(() => undefined)
    }
    const committed = await checkBatchReads(topic, true)
    assert.ok(!committed.some((r) => r.includes('zombie')), 'no record of a fenced transaction is committed')
  })

  it('an aborted transaction that wrote nothing to a partition still holding that partition’s ABORT marker', async () => {
    // A send the broker refuses (here: a record over the topic's max.message.bytes) has already
    // added the partition to the transaction, so aborting it writes an ABORT marker to a partition
    // where the transaction wrote nothing, and the broker lists no aborted range for it.
    const topic = uniqueTopic('rc-empty-abort')
    await createTopic(bootstrap, topic, 1, { ...KEEP, 'max.message.bytes': '2000' })
    const p = txProducer(uniqueTopic('tx-empty'))
    try {
      for (const step of ['abort', 'commit', 'commit', 'refused', 'commit', 'abort', 'commit', 'refused']) {
        const tx = await p.beginTransaction()
        if (step === 'refused') {
          await assert.rejects(sendIn(tx, topic, 'too-large', { sends: 1, size: 1, pad: 5000 }))
          await tx.abort()
          continue
        }
        await sendIn(tx, topic, step)
        await (step === 'commit' ? tx.commit() : tx.abort())
      }
    } finally {
      await p.close()
    }
    const committed = await checkBatchReads(topic, true)
    assert.equal(committed.filter((r) => r.includes('commit-')).length, 4 * 6)
  })

  it('aborted transactions larger than a fetch answer', async () => {
    const topic = uniqueTopic('rc-large')
    await createTopic(bootstrap, topic, 1, KEEP)
    const p = txProducer(uniqueTopic('tx-large'))
    try {
      for (const outcome of ['abort', 'commit', 'abort', 'abort', 'commit', 'commit', 'abort', 'commit']) {
        const tx = await p.beginTransaction()
        await sendIn(tx, topic, outcome, { sends: 6, size: 4, pad: 200 })
        await (outcome === 'commit' ? tx.commit() : tx.abort())
      }
    } finally {
      await p.close()
    }
    await checkBatchReads(topic, true)
  })

  it('a compacted topic: gaps left by the cleaner among committed, aborted and control records', async () => {
    const topic = uniqueTopic('rc-compacted')
    await createTopic(bootstrap, topic, 1, {
      'cleanup.policy': 'compact',
      'segment.ms': '100',
      'min.cleanable.dirty.ratio': '0.01',
      'min.compaction.lag.ms': '0',
      'delete.retention.ms': '0',
    })
    const p = txProducer(uniqueTopic('tx-compacted'))
    const keyed = (tx: Transaction, round: number) =>
      tx.send({
        messages: Array.from({ length: 5 }, (_, k) => ({
          topic,
          partition: 0,
          key: Buffer.from(`k${k}`),
          value: Buffer.from(`r${round}-k${k}-${++counter}`),
        })),
        acks: ProduceAcks.ALL,
      })
    try {
      for (let round = 0; round < 6; round++) {
        const tx = await p.beginTransaction()
        await keyed(tx, round)
        await (round % 3 === 1 ? tx.abort() : tx.commit())
      }
    } finally {
      await p.close()
    }
    await waitForTransactions(bootstrap, topic)
    // The cleaner works on closed segments only: keep writing until it has removed records.
    const written = (await javaRecords(topic, 'read_uncommitted')).length
    for (let i = 0; (await javaRecords(topic, 'read_uncommitted')).length >= written; i++) {
      assert.ok(i < 60, 'the log cleaner compacted the topic')
      await produce(bootstrap, topic, [{ key: `tick${i % 2}`, value: `tick-${i}` }])
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    // Whether the cleaner has removed the aborted records yet depends on its timing.
    await checkBatchReads(topic)
  })

  it('the streaming source reads the committed records across a restart, with aborts before and after it', async () => {
    const topic = uniqueTopic('rc-stream')
    await createTopic(bootstrap, topic, 2, KEEP)
    const id = uniqueTopic('tx-stream')
    const write = async (p: Producer, tag: string, outcome: 'commit' | 'abort') => {
      const tx = await p.beginTransaction()
      await sendIn(tx, topic, tag, { partition: counter % 2 })
      await (outcome === 'commit' ? tx.commit() : tx.abort())
    }
    const first = txProducer(id)
    const second = txProducer(uniqueTopic('tx-stream-2'))
    const checkpointLocation = await mkdtemp(join(tmpdir(), 'sluice-rc-stream-'))
    const committedValues = async () => {
      await waitForTransactions(bootstrap, topic)
      return (await javaRecords(topic, 'read_committed')).map((r) => ({ v: r.slice(r.indexOf('=') + 1) }))
    }
    const run = async (expected: { v: string }[]) => {
      const stream = kafkaStream(streamSession(), bootstrap, {
        subscribe: topic,
        startingOffsets: 'earliest',
        maxOffsetsPerTrigger: '5',
        ...COMMITTED,
      })
      await testStream(
        stream,
        { checkpointLocation },
        startStream({ trigger: { availableNow: true } }),
        execute(async (q) => {
          await q?.awaitTermination()
        }),
        checkNewAnswer(...expected),
        stopStream(),
      )
    }
    try {
      for (const o of ['commit', 'abort', 'commit', 'abort'] as const) await write(first, o, o)
      const before = await committedValues()
      await run(before)
      // While stopped: a transaction of the first producer stays open while another producer commits,
      // then it aborts and commits again, and a successor fences it and commits.
      const open = await first.beginTransaction()
      await sendIn(open, topic, 'open-then-aborted', { partition: 0 })
      await write(second, 'other', 'commit')
      await open.abort()
      await write(first, 'after', 'commit')
      const successor = txProducer(id)
      await write(successor, 'successor', 'commit')
      await successor.close()
      const all = await committedValues()
      const seen = new Set(before.map((r) => r.v))
      const added = all.filter((r) => !seen.has(r.v))
      assert.ok(added.some((r) => r.v.startsWith('successor')) && added.some((r) => r.v.startsWith('other')))
      assert.ok(!all.some((r) => r.v.startsWith('abort') || r.v.startsWith('open-then-aborted')))
      await run(added)
    } finally {
      await Promise.all([first.close().catch(() => undefined), second.close()])
      await rm(checkpointLocation, { recursive: true, force: true })
    }
  })
})
