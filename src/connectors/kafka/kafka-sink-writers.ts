/**
 * How the Kafka sink gets a batch's records to the brokers, in its two delivery modes.
 *
 * At-least-once (Spark's behaviour): an idempotent producer sends the records and the batch is done
 * once every record is acknowledged. A batch replayed after a crash is sent again, so a batch whose
 * records were acknowledged before the crash but whose `commits/N` was not written appears twice.
 *
 * Exactly-once (beyond Spark): batch N's records and its marker (kafka-sink-marker.ts) are written in
 * one Kafka transaction of the producer whose `transactional.id` derives from the query id.
 *
 * NOTE: why a batch is never committed twice. Before writing, the writer initialises its
 * transactional id (InitProducerId with no producer id: a new epoch), which fences any older
 * producer of the same query (a zombie from a killed process can no longer send or commit) and makes
 * the coordinator finish that producer's open transaction first (abort, or complete a commit already
 * decided). Only then does it read the last committed marker. A batch at or below it committed
 * before: it is skipped. Any failure (fenced, timed out, aborted, a commit whose outcome is unknown)
 * drops the producer and the known marker; the retry initialises again and re-reads the marker, so
 * the batch is rewritten only if its transaction did not commit.
 */
import { Admin, Consumer, type MessageToProduce, Producer } from '@platformatic/kafka'
import { SluiceError } from '../../errors.ts'
import { describeKafkaError, isTransientKafkaError, leafErrors } from './kafka-retry.ts'
import {
  ensureMarkerTopic,
  markerRecord,
  markerTopicOf,
  readLastCommittedBatch,
  transactionalIdOf,
} from './kafka-sink-marker.ts'
import type { KafkaSinkConfig } from './kafka-sink-options.ts'
import { assignPartitions, chunkRecords, type SinkRecord } from './kafka-sink-records.ts'
import { KafkaTopicCreator } from './kafka-topic-admin.ts'

/** Writes one batch's records; `'skipped'` when an exactly-once writer finds the batch committed. */
export interface BatchWriter {
  write(batchId: number, records: SinkRecord[]): Promise<'written' | 'skipped'>
  close(): Promise<void>
}

// A SinkRecord is the client's message; its null header values are written as Kafka's null.
type Send = (messages: MessageToProduce[]) => Promise<unknown>

/** Sets partitions from the topics' metadata, then sends the records in requests of bounded size. */
async function sendAll(producer: Producer, config: KafkaSinkConfig, records: SinkRecord[], send: Send) {
  const counts = new Map<string, number>()
  for (const r of records)
    if (!counts.has(r.topic)) counts.set(r.topic, await partitionCount(producer, r.topic))
  assignPartitions(records, counts)
  for (const chunk of chunkRecords(records, config.maxRequestSize)) await send(chunk as MessageToProduce[])
}

/** The topic's partition count (from the client's cached metadata); a clear error when it does not exist. */
async function partitionCount(producer: Producer, topic: string): Promise<number> {
  // One topic per call: the client's unknown-topic error may name another topic of a multi-topic request.
  const meta = await producer.metadata({ topics: [topic], autocreateTopics: true }).catch((e: unknown) => {
    if (!leafErrors(e).some((l) => String(l.message).startsWith('Unknown topic'))) throw e
    return undefined
  })
  const count = meta?.topics.get(topic)?.partitionsCount
  if (count === undefined || count <= 0) {
    throw new SluiceError(
      'INVALID_OPTION',
      `Kafka topic '${topic}' does not exist on the brokers: create it first (a broker creates topics on first write only with auto.create.topics.enable).`,
    )
  }
  return count
}

/** The sink's topic creator (option createTopics), or undefined. */
function topicCreatorOf(config: KafkaSinkConfig): KafkaTopicCreator | undefined {
  return config.createTopics && new KafkaTopicCreator(config.connection, config.createTopics)
}

function topicsOf(records: readonly SinkRecord[]): Set<string> {
  const topics = new Set<string>()
  for (const r of records) topics.add(r.topic)
  return topics
}

function writeFailed(batchId: number, e: unknown, what: string): SluiceError {
  if (e instanceof SluiceError) return e
  return new SluiceError(
    'STREAMING_QUERY_FAILED',
    `Kafka sink: writing batch ${batchId} failed ${what}: ${describeKafkaError(e)}`,
    { cause: e },
  )
}

/** The at-least-once writer: an idempotent (unless turned off) producer, acks=all by default. */
export class AtLeastOnceWriter implements BatchWriter {
  private readonly config: KafkaSinkConfig
  private readonly topicCreator: KafkaTopicCreator | undefined
  private producer: Producer | undefined

  constructor(config: KafkaSinkConfig) {
    this.config = config
    this.topicCreator = topicCreatorOf(config)
  }

  async write(batchId: number, records: SinkRecord[]): Promise<'written'> {
    if (records.length === 0) return 'written'
    await this.topicCreator?.ensure(topicsOf(records))
    const producer = (this.producer ??= new Producer({ ...this.config.producer }))
    try {
      await sendAll(producer, this.config, records, (messages) => producer.send({ messages }))
    } catch (e) {
      // A fresh producer next time: the failed one's sequence numbers may be out of step.
      this.producer = undefined
      await producer.close().catch(() => undefined)
      throw writeFailed(batchId, e, '(its records may be partly written; the batch is sent again on restart)')
    }
    return 'written'
  }

  async close(): Promise<void> {
    await this.producer?.close()
    this.producer = undefined
  }
}

/** How many times a batch's transaction is tried (re-initialising the producer in between). */
const TRANSACTION_ATTEMPTS = 3

/** The exactly-once writer: one transaction per batch, with the batch's marker. */
export class TransactionalWriter implements BatchWriter {
  private readonly config: KafkaSinkConfig
  private readonly transactionalId: string
  private readonly markerTopic: string
  private readonly topicCreator: KafkaTopicCreator | undefined
  private producer: Producer | undefined
  /** The last batch id committed to Kafka; undefined until read after the producer's initialisation. */
  private lastCommitted: number | undefined
  private markerTopicReady = false

  constructor(config: KafkaSinkConfig, queryId: string) {
    this.config = config
    this.transactionalId = transactionalIdOf(config.transactionalIdPrefix, queryId)
    this.markerTopic = markerTopicOf(queryId)
    this.topicCreator = topicCreatorOf(config)
  }

  async write(batchId: number, records: SinkRecord[]): Promise<'written' | 'skipped'> {
    // A batch whose output is empty has nothing to make visible, the same on every replay.
    if (records.length === 0) return 'written'
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tryWrite(batchId, records)
      } catch (e) {
        const last = e instanceof SluiceError || attempt >= TRANSACTION_ATTEMPTS
        // A next attempt's initialisation aborts the open transaction anyway; after the last one, abort it
        // now unless the brokers are unreachable (it would only wait out the retries).
        await this.reset(last && !isTransientKafkaError(e))
        if (last)
          throw writeFailed(
            batchId,
            e,
            `in its Kafka transaction (${attempt} attempt(s); it is retried on restart)`,
          )
      }
    }
  }

  private async tryWrite(batchId: number, records: SinkRecord[]): Promise<'written' | 'skipped'> {
    if (!this.markerTopicReady) await this.createMarkerTopic()
    await this.topicCreator?.ensure(topicsOf(records))
    const producer = (this.producer ??= new Producer({
      ...this.config.producer,
      transactionalId: this.transactionalId,
    }))
    // The first transaction of a producer initialises its transactional id: zombies are fenced here.
    const tx = await producer.beginTransaction()
    this.lastCommitted ??= await this.readMarker()
    if (batchId <= this.lastCommitted) {
      await tx.cancel()
      return 'skipped'
    }
    // The marker goes last, in the same transaction: it commits exactly when the records do.
    const all = [...records, markerRecord(this.markerTopic, batchId)]
    await sendAll(producer, this.config, all, (messages) => tx.send({ messages }))
    await tx.commit()
    this.lastCommitted = batchId
    return 'written'
  }

  private async createMarkerTopic(): Promise<void> {
    const admin = new Admin({ ...this.config.connection, retries: this.config.producer.retries })
    try {
      await ensureMarkerTopic(admin, this.markerTopic)
      this.markerTopicReady = true
    } finally {
      await admin.close()
    }
  }

  private async readMarker(): Promise<number> {
    const consumer = new Consumer({
      ...this.config.connection,
      retries: this.config.producer.retries,
      retryDelay: this.config.producer.retryDelay,
      groupId: `${this.transactionalId}-marker-reader`,
    })
    try {
      return await readLastCommittedBatch(consumer, this.markerTopic)
    } finally {
      await consumer.close()
    }
  }

  /** Forgets the producer and the marker: the next attempt initialises (fencing) and reads again. */
  private async reset(abort: boolean): Promise<void> {
    const producer = this.producer
    this.producer = undefined
    this.lastCommitted = undefined
    if (producer === undefined) return
    if (abort && producer.transaction !== undefined) await producer.transaction.abort().catch(() => undefined)
    await producer.close().catch(() => undefined)
  }

  async close(): Promise<void> {
    await this.reset(false)
  }
}
