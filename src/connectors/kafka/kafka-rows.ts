/**
 * Kafka records as rows of Spark's Kafka schema (KafkaRecordToRowConverter): `key` binary, `value`
 * binary, `topic` string, `partition` int, `offset` long, `timestamp` timestamp, `timestampType` int
 * (0 CreateTime, 1 LogAppendTime), and with `includeHeaders` `headers` array<struct<key string,
 * value binary>> (null when a record has none, as Spark's).
 */
import type { fetchV17, KafkaRecord, RecordsBatch } from '@platformatic/kafka'

type AbortedTransaction = fetchV17.FetchResponsePartitionAbortedTransaction

import { type StructType, t } from '../../schema/data-type.ts'

const FIELDS = {
  key: t.binary(),
  value: t.binary(),
  topic: t.string(),
  partition: t.int(),
  offset: t.long(),
  timestamp: t.timestamp(),
  timestampType: t.int(),
}
const SCHEMA = t.struct(FIELDS)
const SCHEMA_WITH_HEADERS = t.struct({
  ...FIELDS,
  headers: t.array(t.struct({ key: t.string(), value: t.binary() })),
})

/**
 * The Kafka source's schema.
 *
 * @example
 * kafkaSchema(true).fields.map((f) => f.name) // ['key', 'value', 'topic', 'partition', 'offset', 'timestamp', 'timestampType', 'headers']
 */
export function kafkaSchema(includeHeaders: boolean): StructType {
  return includeHeaders ? SCHEMA_WITH_HEADERS : SCHEMA
}

// Bit 3 of a batch's attributes: the broker stamped the batch (LogAppendTime) with its maxTimestamp.
const LOG_APPEND_TIME = 1 << 3
const IS_TRANSACTIONAL = 1 << 4
const IS_CONTROL = 1 << 5

/** A view of the fetched bytes as a plain Uint8Array (no copy), or null. */
function bytes(b: Buffer | null | undefined): Uint8Array | null {
  return b == null ? null : new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}

/**
 * One record as a row, in the schema's column order.
 *
 * @example
 * recordRow('orders', 0, 42, batch, record, false) // [key, value, 'orders', 0, 42, 1718000000000, 0]
 */
export function recordRow(
  topic: string,
  partition: number,
  offset: number,
  batch: RecordsBatch,
  record: KafkaRecord,
  includeHeaders: boolean,
): unknown[] {
  const logAppend = (batch.attributes & LOG_APPEND_TIME) !== 0
  // Two Numbers, not a BigInt sum: no heap BigInt per record, and both parts (hence the sum) are
  // exact below 2^53 ms.
  const timestamp = logAppend
    ? Number(batch.maxTimestamp)
    : Number(batch.firstTimestamp) + Number(record.timestampDelta)
  const row: unknown[] = [
    bytes(record.key),
    bytes(record.value),
    topic,
    partition,
    offset,
    timestamp,
    logAppend ? 1 : 0,
  ]
  if (includeHeaders) {
    const h = record.headers
    row.push(
      h.length === 0
        ? null
        : h.map(([k, v]) => ({ key: k === null ? null : k.toString('utf8'), value: bytes(v) })),
    )
  }
  return row
}

/**
 * Kafka's read_committed filter over one fetch answer (the Java consumer's abortedProducerIds): a
 * transactional batch is skipped while its producer has an aborted transaction open, from the
 * transaction's first offset to its ABORT marker.
 */
export class AbortedTransactions {
  private readonly queue: { producerId: bigint; firstOffset: bigint }[]
  private readonly open = new Set<bigint>()

  private constructor(aborted: readonly AbortedTransaction[]) {
    this.queue = [...aborted].sort((a, b) =>
      a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0,
    )
  }

  /** @example AbortedTransactions.of(answer.abortedTransactions)?.skips(batch) */
  static of(aborted: readonly AbortedTransaction[]): AbortedTransactions | null {
    return aborted.length === 0 ? null : new AbortedTransactions(aborted)
  }

  /** True when `batch` belongs to an aborted transaction (its marker batch included). */
  skips(batch: RecordsBatch): boolean {
    if (batch.producerId < 0n) return false
    const last = batch.firstOffset + BigInt(batch.lastOffsetDelta)
    while (this.queue.length > 0 && this.queue[0].firstOffset <= last)
      this.open.add((this.queue.shift() as { producerId: bigint }).producerId)
    if ((batch.attributes & IS_CONTROL) !== 0) {
      // A control record's key is (version int16, type int16); type 0 is ABORT.
      const key = batch.records[0]?.key
      if (key != null && key.length >= 4 && key.readInt16BE(2) === 0) this.open.delete(batch.producerId)
      return true
    }
    return (batch.attributes & IS_TRANSACTIONAL) !== 0 && this.open.has(batch.producerId)
  }
}
