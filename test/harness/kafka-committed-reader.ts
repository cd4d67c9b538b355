/**
 * A read_committed reader for tests that trust nothing but Kafka itself: Kafka's own Java
 * KafkaConsumer with isolation.level=read_committed (java-kafka-reader.ts), so sink tests check their
 * output with a reader that shares no code with Sluice's Kafka source.
 *
 * (It used @platformatic/kafka's fetch before; that client filters read_committed answers itself,
 * and its filter deletes committed batches when an ABORT marker has no aborted range listed —
 * kafka-raw-fetch.ts has the story.)
 */
import { type JavaRecord, javaKafkaRead } from './java-kafka-reader.ts'

export type CommittedRecord = JavaRecord

/**
 * Every committed record of `topic`, sorted by partition then offset.
 *
 * @example
 * const records = await readCommitted(bootstrap, topic)
 */
export function readCommitted(bootstrap: string, topic: string): Promise<CommittedRecord[]> {
  return javaKafkaRead(bootstrap, topic, 'read_committed')
}
