/**
 * The Kafka sink's options, as Spark's (`kafka.bootstrap.servers`, `topic`, `kafka.*` producer
 * settings) plus two of Sluice's own:
 *
 * - `deliveryGuarantee`: `at-least-once` (the default, Spark's behaviour: an idempotent producer; a
 *   batch replayed after a crash is written again) or `exactly-once` (each batch in one Kafka
 *   transaction with a marker of its id, so a replayed batch that committed is skipped).
 * - `transactionalIdPrefix` (exactly-once only, default `sluice`): the sink's `transactional.id` is
 *   `<prefix>-<query id>-0`, stable across restarts of the query (brokers with ACLs grant
 *   transactional ids by prefix).
 * - `createTopics` (default false): create each output topic that does not exist before the first
 *   write to it, with `topic.creation.partitions` and `topic.creation.replication.factor` (default:
 *   the broker's `num.partitions` and `default.replication.factor`) and any topic config as
 *   `topic.creation.<config>` (e.g. `topic.creation.cleanup.policy` = `compact`), as Kafka Connect's
 *   `topic.creation.default.*` settings. A topic that exists is used as it is.
 *
 * Producer keys after `kafka.` (the connection keys are kafka-client.ts's): `acks` (all, -1, 1, 0),
 * `enable.idempotence` (default true), `compression.type` (none, gzip, snappy, lz4, zstd),
 * `retries`, `retry.backoff.ms` (100), `retry.backoff.max.ms` (1000), `delivery.timeout.ms`
 * (120000: how long a send is retried), `transaction.timeout.ms` (60000), `max.request.size`
 * (1048576: requests are cut at this many bytes). `key.serializer`/`value.serializer` are refused as
 * in Spark, `transactional.id` because the sink derives it, and the batching knobs (`linger.ms`,
 * `batch.size`, `buffer.memory`) because a micro-batch is sent at once.
 */
import type { ProducerOptions } from '@platformatic/kafka'
import { SluiceError } from '../../errors.ts'
import { readOptions, WRITER_OPTIONS } from '../connector-options.ts'
import { PARTITION_COLUMNS_OPTION } from '../file/file-sink.ts'
import {
  badValue,
  checkKafkaKeys,
  type KafkaConnectionOptions,
  kafkaConnectionOptions,
  kafkaParamsOf,
  positiveMs,
} from './kafka-client.ts'
import type { KafkaTopicSpec } from './kafka-topic-admin.ts'

export type KafkaDeliveryGuarantee = 'at-least-once' | 'exactly-once'

export interface KafkaSinkConfig {
  /** The `topic` option (trimmed, as Spark); undefined: every row names its topic. */
  readonly topic: string | undefined
  readonly guarantee: KafkaDeliveryGuarantee
  readonly transactionalIdPrefix: string
  /** Where and how to connect (admin and consumer clients use these). */
  readonly connection: KafkaConnectionOptions
  /** The producer's settings on top of the connection (transactional id aside). */
  readonly producer: ProducerOptions<Buffer, Buffer, Buffer, Buffer>
  /** Most bytes of records in one send request. */
  readonly maxRequestSize: number
  /** With `createTopics`: how missing output topics are created; undefined: never. */
  readonly createTopics: TopicCreation | undefined
}

/** Partitions, replication and configs of the topics the sink creates (`createTopics`). */
export type TopicCreation = Omit<KafkaTopicSpec, 'name'>

const CREATION_PREFIX = 'topic.creation.'

const OWN_OPTIONS = ['topic', 'deliveryGuarantee', 'transactionalIdPrefix', 'createTopics']
const PRODUCER_KEYS = [
  'acks',
  'enable.idempotence',
  'compression.type',
  'retries',
  'retry.backoff.ms',
  'retry.backoff.max.ms',
  'delivery.timeout.ms',
  'transaction.timeout.ms',
  'max.request.size',
]
const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
const ACKS: Readonly<Record<string, number>> = { all: -1, '-1': -1, '1': 1, '0': 0 }

// Keys Kafka's producer knows that this sink refuses, and why.
const REFUSED: Readonly<Record<string, string>> = {
  'key.serializer': 'is not supported as keys are serialized with ByteArraySerializer.',
  'value.serializer': 'is not supported as value are serialized with ByteArraySerializer.',
  'transactional.id':
    "is set by the sink in exactly-once mode from the query id (<transactionalIdPrefix>-<query id>-0): use option('transactionalIdPrefix', ...) to choose its prefix.",
  'linger.ms': 'does not apply: the sink sends each micro-batch at once and waits for its acknowledgement.',
  'batch.size':
    'does not apply: the sink sends each micro-batch at once (kafka.max.request.size cuts requests).',
  'buffer.memory': 'does not apply: the sink sends each micro-batch at once.',
}

/**
 * Parses and checks the Kafka sink's options.
 *
 * @example
 * parseKafkaSinkOptions({ 'kafka.bootstrap.servers': 'h:9092', topic: 'out' }).guarantee // 'at-least-once'
 */
export function parseKafkaSinkOptions(options: Readonly<Record<string, string>>): KafkaSinkConfig {
  if (Object.keys(options).some((k) => k.toLowerCase() === PARTITION_COLUMNS_OPTION)) {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      "partitionBy is not supported by the Kafka sink: add an int column named 'partition' to choose each record's Kafka partition, or a 'key' column to partition by key.",
    )
  }
  const own = pick(options, (k) => !/^(kafka|topic\.creation)\./i.test(k))
  const o = readOptions('Kafka sink', own, [...OWN_OPTIONS, ...WRITER_OPTIONS])
  const params = kafkaParamsOf(options)
  for (const [key, why] of Object.entries(REFUSED)) {
    if (key in params) throw new SluiceError('INVALID_OPTION', `Kafka option '${key}' ${why}`)
  }
  checkKafkaKeys(params, PRODUCER_KEYS, 'Kafka sink')
  if ((params['bootstrap.servers'] ?? '').trim() === '') {
    throw new SluiceError(
      'INVALID_OPTION',
      "Option 'kafka.bootstrap.servers' must be specified for configuring the Kafka producer: give a comma-separated list of host:port, e.g. option('kafka.bootstrap.servers', 'broker1:9092').",
    )
  }
  const guarantee = deliveryGuarantee(o.get('deliveryGuarantee'))
  const prefix = o.get('transactionalIdPrefix')
  if (prefix !== undefined && guarantee !== 'exactly-once') {
    throw o.invalid(
      'transactionalIdPrefix',
      "it applies only with option('deliveryGuarantee', 'exactly-once')",
    )
  }
  if (prefix !== undefined && prefix.trim() === '')
    throw o.invalid('transactionalIdPrefix', 'it must not be empty')
  const connection = kafkaConnectionOptions(params, 'sluice-kafka-sink')
  return {
    topic: o.get('topic')?.trim(),
    guarantee,
    transactionalIdPrefix: prefix ?? 'sluice',
    connection,
    producer: { ...connection, ...producerSettings(params, guarantee) },
    maxRequestSize: maxRequestSize(params),
    createTopics: topicCreation(
      o.boolean('createTopics', false),
      pick(options, (k) => k.toLowerCase().startsWith(CREATION_PREFIX)),
    ),
  }
}

/** The `topic.creation.*` options: partitions, replication factor, and topic configs. */
function topicCreation(
  create: boolean,
  options: Readonly<Record<string, string>>,
): TopicCreation | undefined {
  const keys = Object.keys(options)
  if (!create) {
    if (keys.length === 0) return undefined
    throw new SluiceError(
      'INVALID_OPTION',
      `Kafka sink option '${keys[0]}' applies only with option('createTopics', 'true'), which creates missing output topics.`,
    )
  }
  const configs: Record<string, string> = {}
  const creation: { partitions?: number; replicationFactor?: number } = {}
  for (const [key, value] of Object.entries(options)) {
    const name = key.slice(CREATION_PREFIX.length)
    if (name.toLowerCase() === 'partitions') creation.partitions = atLeastOne(key, value)
    else if (name.toLowerCase() === 'replication.factor') creation.replicationFactor = atLeastOne(key, value)
    else configs[name] = value
  }
  return Object.freeze({ ...creation, configs: Object.freeze(configs) })
}

function atLeastOne(key: string, raw: string): number {
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN
  if (Number.isSafeInteger(n) && n >= 1 && n <= 2147483647) return n
  throw new SluiceError(
    'INVALID_OPTION',
    `Invalid value '${raw}' for option '${key}' of the Kafka sink: expected a whole number >= 1.`,
  )
}

function maxRequestSize(params: Readonly<Record<string, string>>): number {
  const raw = params['max.request.size']
  if (raw === undefined) return 1_048_576
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN
  if (!(Number.isSafeInteger(n) && n > 0))
    throw badValue('max.request.size', raw, 'a whole number of bytes > 0')
  return n
}

function deliveryGuarantee(raw: string | undefined): KafkaDeliveryGuarantee {
  const value = (raw ?? 'at-least-once').trim().toLowerCase()
  if (value === 'at-least-once' || value === 'exactly-once') return value
  throw new SluiceError(
    'INVALID_OPTION',
    `Invalid value '${raw}' for option 'deliveryGuarantee' of the Kafka sink: expected 'at-least-once' (the default, as Spark) or 'exactly-once' (one Kafka transaction per batch).`,
  )
}

/** Idempotence, acks, compression, retries and the broker-side timeout, from Kafka's producer keys. */
function producerSettings(
  params: Readonly<Record<string, string>>,
  guarantee: KafkaDeliveryGuarantee,
): Omit<ProducerOptions<Buffer, Buffer, Buffer, Buffer>, 'clientId' | 'bootstrapBrokers'> {
  const acksRaw = params.acks?.trim().toLowerCase()
  const acks = acksRaw === undefined ? -1 : ACKS[acksRaw]
  if (acks === undefined) throw badValue('acks', params.acks, 'all, -1, 1 or 0')
  const idempotenceRaw = params['enable.idempotence']?.trim().toLowerCase()
  if (idempotenceRaw !== undefined && idempotenceRaw !== 'true' && idempotenceRaw !== 'false')
    throw badValue('enable.idempotence', params['enable.idempotence'], 'true or false')
  if (guarantee === 'exactly-once' && (idempotenceRaw === 'false' || acks !== -1)) {
    throw new SluiceError(
      'INVALID_OPTION',
      "deliveryGuarantee 'exactly-once' needs the transactional producer, which is idempotent with acks=all: remove kafka.enable.idempotence=false and kafka.acks other than all.",
    )
  }
  if (idempotenceRaw === 'true' && acks !== -1) {
    throw new SluiceError(
      'INVALID_OPTION',
      'Must set kafka.acks to all in order to use the idempotent producer (kafka.enable.idempotence=true). Otherwise we cannot guarantee idempotence.',
    )
  }
  // As Kafka's producer: idempotence is on unless turned off, or unless acks other than all asks for less.
  const idempotent = idempotenceRaw !== 'false' && acks === -1
  const compression = params['compression.type']?.trim().toLowerCase() ?? 'none'
  if (!(COMPRESSIONS as readonly string[]).includes(compression))
    throw badValue('compression.type', params['compression.type'], COMPRESSIONS.join(', '))
  return {
    idempotent,
    acks,
    compression: compression as (typeof COMPRESSIONS)[number],
    // The broker-side timeout of requests; for a transactional producer also its transaction timeout.
    timeout:
      guarantee === 'exactly-once'
        ? (positiveMs(params, 'transaction.timeout.ms') ?? 60_000)
        : (positiveMs(params, 'request.timeout.ms') ?? 30_000),
    // Kafka's producer creates a missing topic where the broker allows it.
    autocreateTopics: true,
    // -1/-1 asks the coordinator for a fresh epoch of the transactional id, fencing older holders.
    producerId: -1n,
    producerEpoch: -1,
    ...retrySettings(params),
  }
}

/**
 * Kafka bounds a send by time (`delivery.timeout.ms`); the Node client counts retries. Backoff doubles
 * from `retry.backoff.ms` up to `retry.backoff.max.ms`, and the count is what fits in the timeout.
 */
function retrySettings(params: Readonly<Record<string, string>>): {
  retries: number
  retryDelay: (client: unknown, op: string, attempt: number) => number
} {
  const backoff = positiveMs(params, 'retry.backoff.ms') ?? 100
  const maxBackoff = Math.max(backoff, positiveMs(params, 'retry.backoff.max.ms') ?? 1_000)
  const deliveryTimeout = positiveMs(params, 'delivery.timeout.ms') ?? 120_000
  const retryDelay = (_client: unknown, _op: string, attempt: number) =>
    Math.min(maxBackoff, backoff * 2 ** Math.min(attempt - 1, 20))
  let fits = 0
  for (let spent = 0; spent < deliveryTimeout; fits++) spent += Math.max(1, retryDelay(null, '', fits + 1))
  const explicit = params.retries === undefined ? undefined : Number(params.retries)
  if (explicit !== undefined && !(Number.isSafeInteger(explicit) && explicit >= 0))
    throw badValue('retries', params.retries, 'a whole number >= 0')
  // The idempotent client turns retries <= 1 into "forever", so at least 2.
  return { retries: Math.max(2, Math.min(fits, explicit ?? fits)), retryDelay }
}

function pick(
  options: Readonly<Record<string, string>>,
  keep: (key: string) => boolean,
): Record<string, string> {
  return Object.fromEntries(Object.entries(options).filter(([k]) => keep(k)))
}
