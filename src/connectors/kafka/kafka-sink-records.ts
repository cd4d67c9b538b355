/**
 * Rows to Kafka records, as Spark's KafkaWriter/KafkaWriteTask: columns are found by exact name —
 * `topic` (string; the `topic` option wins over it), `key` and `value` (string or binary, strings
 * written as UTF-8; `value` required), `headers` (array<struct<key:string,value:binary>>),
 * `partition` (int) and `timestamp` (timestamp, or double seconds, as Spark 4.x's newest writer);
 * other columns are ignored. A missing or mistyped column fails at start() with Spark's message.
 *
 * Partitions are Kafka's producer's: the `partition` column when set (it must exist, as Kafka's
 * producer checks), else murmur2 of the key (Kafka's default partitioner, so a key lands where a Java
 * producer puts it), else left to the client's round robin.
 */
import { murmur2 } from '@platformatic/kafka'
import { SluiceError } from '../../errors.ts'
import { type DataType, type StructType, sameType, simpleString, t } from '../../schema/data-type.ts'

/** One record to produce, in the client's shape (bytes as Buffers, timestamp as bigint epoch ms). */
export interface SinkRecord {
  readonly topic: string
  readonly key: Buffer | undefined
  readonly value: Buffer | undefined
  readonly headers: Map<Buffer, Buffer | undefined> | undefined
  partition: number | undefined
  readonly timestamp: bigint | undefined
}

/** Spark's `KafkaRecordToRowConverter.headersType`. */
export const HEADERS_TYPE: DataType = t.array(t.struct({ key: t.notNull(t.string()), value: t.binary() }))

const COLUMNS: readonly { name: string; types: readonly DataType[] }[] = [
  { name: 'topic', types: [t.string()] },
  { name: 'key', types: [t.string(), t.binary()] },
  { name: 'value', types: [t.string(), t.binary()] },
  { name: 'headers', types: [HEADERS_TYPE] },
  { name: 'partition', types: [t.int()] },
  { name: 'timestamp', types: [t.double(), t.timestamp()] },
]

/**
 * Checks the columns the sink reads (Spark's `KafkaWriter.validateQuery`), at start().
 *
 * @example
 * validateKafkaSinkSchema(t.struct({ value: t.long() }), 'out') // throws: value attribute unsupported type bigint
 */
export function validateKafkaSinkSchema(schema: StructType, topicOption: string | undefined): void {
  const byName = new Map(schema.fields.map((f) => [f.name, f.type]))
  if (topicOption === undefined && !byName.has('topic')) {
    throw new SluiceError(
      'COLUMN_NOT_FOUND',
      "topic option required when no 'topic' attribute is present. Use the topic option for setting a topic: option('topic', 'name'), or add a string column named topic.",
    )
  }
  if (!byName.has('value'))
    throw new SluiceError(
      'COLUMN_NOT_FOUND',
      "Required attribute 'value' not found: select a string or binary column as value.",
    )
  for (const { name, types } of COLUMNS) {
    const type = byName.get(name)
    if (type === undefined || (name === 'topic' && topicOption !== undefined)) continue
    if (!types.some((d) => sameType(d, type))) {
      throw new SluiceError(
        'DATATYPE_MISMATCH',
        `${name} attribute unsupported type ${simpleString(type)}. ${name} must be a(n) ${types.map(simpleString).join(' or ')}`,
      )
    }
  }
}

const bytesOf = (v: unknown): Buffer =>
  typeof v === 'string'
    ? Buffer.from(v, 'utf8')
    : Buffer.isBuffer(v)
      ? v
      : Buffer.from((v as Uint8Array).buffer, (v as Uint8Array).byteOffset, (v as Uint8Array).byteLength)

type Getter<T> = (row: readonly unknown[]) => T

function column(schema: StructType, name: string): number {
  return schema.fields.findIndex((f) => f.name === name)
}

function bytesGetter(i: number): Getter<Buffer | undefined> {
  if (i < 0) return () => undefined
  return (row) => {
    const v = row[i]
    return v === null || v === undefined ? undefined : bytesOf(v)
  }
}

function headersGetter(i: number): Getter<Map<Buffer, Buffer | undefined> | undefined> {
  if (i < 0) return () => undefined
  return (row) => {
    const list = row[i] as readonly ({ key: string | null; value: Uint8Array | null } | null)[] | null
    if (list === null || list === undefined) return undefined
    // Distinct Buffer objects as keys keep repeated header keys apart, as Kafka allows.
    const headers = new Map<Buffer, Buffer | undefined>()
    for (const h of list) {
      if (h === null || h.key === null)
        throw new SluiceError(
          'INVALID_ROW',
          'null header present in the data: a Kafka header needs a non-null key.',
        )
      headers.set(bytesOf(h.key), h.value === null ? undefined : bytesOf(h.value))
    }
    return headers
  }
}

function timestampGetter(schema: StructType, i: number): Getter<bigint | undefined> {
  if (i < 0) return () => undefined
  const seconds = schema.fields[i].type.kind === 'double' || schema.fields[i].type.kind === 'float'
  return (row) => {
    const v = row[i] as number | null
    if (v === null || v === undefined) return undefined
    if (!Number.isFinite(v))
      throw new SluiceError('INVALID_ROW', `Cannot write timestamp ${v} to Kafka: it is not a finite number.`)
    // A double is seconds (Spark casts it to a timestamp); a timestamp is epoch milliseconds here.
    return BigInt(seconds ? Math.trunc(Math.trunc(v * 1e6) / 1000) : Math.floor(v))
  }
}

/**
 * A function from a row to its record, for a schema that passed `validateKafkaSinkSchema`.
 *
 * @example
 * const toRecord = compileKafkaRecord(t.struct({ value: t.string() }), 'out')
 * toRecord(['hi']).value // <Buffer 68 69>
 */
export function compileKafkaRecord(
  schema: StructType,
  topicOption: string | undefined,
): (row: readonly unknown[]) => SinkRecord {
  const topicAt = column(schema, 'topic')
  const key = bytesGetter(column(schema, 'key'))
  const value = bytesGetter(column(schema, 'value'))
  const headers = headersGetter(column(schema, 'headers'))
  const partitionAt = column(schema, 'partition')
  const timestamp = timestampGetter(schema, column(schema, 'timestamp'))
  return (row) => {
    const topic = topicOption ?? (row[topicAt] as string | null)
    if (topic === null || topic === undefined) {
      throw new SluiceError(
        'INVALID_ROW',
        "null topic present in the data. Use the topic option for setting a default topic: option('topic', 'name').",
      )
    }
    const partition = partitionAt < 0 ? null : (row[partitionAt] as number | null)
    return {
      topic,
      key: key(row),
      value: value(row),
      headers: headers(row),
      partition: partition ?? undefined,
      timestamp: timestamp(row),
    }
  }
}

/**
 * Sets each record's partition as Kafka's producer would, given each topic's partition count: a
 * `partition` column value must be in range; a keyed record goes to murmur2(key) mod the count.
 *
 * @example
 * assignPartitions(records, new Map([['out', 3]]))
 */
export function assignPartitions(records: readonly SinkRecord[], counts: ReadonlyMap<string, number>): void {
  for (const r of records) {
    const count = counts.get(r.topic)
    if (count === undefined) throw new SluiceError('INTERNAL', `No partition count for topic ${r.topic}.`)
    if (r.partition !== undefined) {
      if (r.partition < 0 || r.partition >= count) {
        throw new SluiceError(
          'INVALID_ROW',
          `Invalid partition given with record: ${r.partition} is not in the range [0...${count}) of topic '${r.topic}'.`,
        )
      }
    } else if (r.key !== undefined) {
      r.partition = (murmur2(r.key) & 0x7fffffff) % count
    }
  }
}

/** The bytes a record takes in a request, roughly (its fields plus Kafka's per-record overhead). */
function sizeOf(r: SinkRecord): number {
  let size = 24 + (r.key?.length ?? 0) + (r.value?.length ?? 0)
  if (r.headers !== undefined) for (const [k, v] of r.headers) size += 8 + k.length + (v?.length ?? 0)
  return size
}

/**
 * Cuts records into runs of at most `maxBytes` (a record larger than that goes alone, and Kafka
 * decides whether it fits its limits).
 *
 * @example
 * chunkRecords(records, 1_048_576) // [[r0, r1, ...], ...]
 */
export function chunkRecords(records: readonly SinkRecord[], maxBytes: number): SinkRecord[][] {
  const chunks: SinkRecord[][] = []
  let current: SinkRecord[] = []
  let bytes = 0
  for (const r of records) {
    const size = sizeOf(r)
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current)
      current = []
      bytes = 0
    }
    current.push(r)
    bytes += size
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}
