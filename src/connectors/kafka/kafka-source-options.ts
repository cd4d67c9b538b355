/**
 * The Kafka source's options, validated as Spark's KafkaSourceProvider validates them (same checks,
 * same order, same messages), for a stream (`readStream`) or a batch read (`read`). Option names are
 * case-insensitive; `kafka.*` options go to the client (kafka-client.ts) and an unknown option of
 * either kind is an error.
 *
 * `minPartitions`, `maxRecordsPerPartition` and `groupIdPrefix` are accepted for compatibility and
 * change nothing: Sluice reads each partition's range in one reader and uses no consumer group.
 * `maxOffsetsPerTrigger`, `minOffsetsPerTrigger` and `maxTriggerDelay` are ignored by batch reads, as
 * Spark ignores them there.
 */
import { SluiceError } from '../../errors.ts'
import { type OptionReader, readOptions } from '../connector-options.ts'
import { timeStringAsMs } from '../file/file-source-options.ts'
import {
  checkKafkaKeys,
  type KafkaConnectionOptions,
  kafkaConnectionOptions,
  kafkaParamsOf,
} from './kafka-client.ts'
import {
  EARLIEST,
  LATEST,
  parsePartitionOffsets,
  parsePartitions,
  parsePartitionTimestamps,
  type TpKey,
  tpName,
  tpOf,
} from './kafka-json.ts'
import type { KafkaRetryPolicy } from './kafka-retry.ts'
import {
  checkUnsupportedKafkaKeys,
  type KafkaFetchSettings,
  kafkaFetchSettings,
  kafkaRetryPolicy,
  SOURCE_KAFKA_KEYS,
} from './kafka-source-settings.ts'

/** Which partitions the source reads: Spark's ConsumerStrategy. */
export type KafkaStrategy =
  | { readonly kind: 'assign'; readonly partitions: readonly TpKey[] }
  | { readonly kind: 'subscribe'; readonly topics: readonly string[] }
  | { readonly kind: 'subscribePattern'; readonly pattern: string; readonly regex: RegExp }

export type NoMatchStrategy = 'error' | 'latest'

/** Where reading starts or ends: Spark's KafkaOffsetRangeLimit. */
export type KafkaOffsetSpec =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'offsets'; readonly offsets: ReadonlyMap<TpKey, number> }
  | { readonly kind: 'timestamp'; readonly timestamp: number; readonly onNoMatch: NoMatchStrategy }
  | {
      readonly kind: 'timestamps'
      readonly timestamps: ReadonlyMap<TpKey, number>
      readonly onNoMatch: NoMatchStrategy
    }

export interface KafkaSourceOptions {
  readonly strategy: KafkaStrategy
  readonly startingOffsets: KafkaOffsetSpec
  /** Batch reads only (latest for a stream, which never ends). */
  readonly endingOffsets: KafkaOffsetSpec
  readonly failOnDataLoss: boolean
  readonly includeHeaders: boolean
  readonly maxOffsetsPerTrigger: number | undefined
  readonly minOffsetsPerTrigger: number | undefined
  readonly maxTriggerDelayMs: number
  /**
   * Offsets (all partitions together) read ahead past a batch's end while it is processed
   * (`readAheadOffsets`, Sluice's own; default `maxOffsetsPerTrigger`, else 100,000; 0: none).
   */
  readonly readAheadOffsets: number
  /** How long one partition's read may find nothing before it fails (`kafkaConsumer.pollTimeoutMs`). */
  readonly pollTimeoutMs: number
  readonly retry: KafkaRetryPolicy
  readonly connection: KafkaConnectionOptions
  readonly fetch: KafkaFetchSettings
}

const KNOWN = [
  'assign',
  'subscribe',
  'subscribePattern',
  'startingOffsets',
  'startingTimestamp',
  'startingOffsetsByTimestamp',
  'startingOffsetsByTimestampStrategy',
  'endingOffsets',
  'endingTimestamp',
  'endingOffsetsByTimestamp',
  'failOnDataLoss',
  'includeHeaders',
  'maxOffsetsPerTrigger',
  'minOffsetsPerTrigger',
  'maxTriggerDelay',
  'readAheadOffsets',
  'kafkaConsumer.pollTimeoutMs',
  'fetchOffset.numRetries',
  'fetchOffset.retryIntervalMs',
  'minPartitions',
  'maxRecordsPerPartition',
  'groupIdPrefix',
]
const STRATEGY_KEYS = ['subscribe', 'subscribepattern', 'assign']

const invalid = (message: string) => new SluiceError('INVALID_OPTION', message)

/**
 * Parses and validates the options of `readStream.format('kafka')` (`mode` 'stream') or
 * `read.format('kafka')` ('batch').
 *
 * @example
 * parseKafkaSourceOptions({ 'kafka.bootstrap.servers': 'h:9092', subscribe: 'a,b' }, 'stream').strategy
 * // { kind: 'subscribe', topics: ['a', 'b'] }
 */
export function parseKafkaSourceOptions(
  options: Readonly<Record<string, string>>,
  mode: 'stream' | 'batch',
): KafkaSourceOptions {
  const kafka = kafkaParamsOf(options)
  const plain = Object.fromEntries(
    Object.entries(options).filter(([k]) => !k.toLowerCase().startsWith('kafka.')),
  )
  const o = readOptions('Kafka source', plain, KNOWN)
  if (mode === 'stream') {
    if (o.get('endingOffsets') !== undefined) throw invalid('ending offset not valid in streaming queries')
    if (o.get('endingOffsetsByTimestamp') !== undefined || o.get('endingTimestamp') !== undefined)
      throw invalid('ending timestamp not valid in streaming queries')
  }
  const strategy = strategyOf(plain)
  if (o.int('minPartitions', 1) <= 0) throw invalid('minPartitions must be positive')
  if (o.long('maxRecordsPerPartition', 1) <= 0) throw invalid('maxRecordsPerPartition must be positive')
  checkUnsupportedKafkaKeys(kafka)
  checkKafkaKeys(kafka, SOURCE_KAFKA_KEYS, 'Kafka source')
  const connection = kafkaConnectionOptions(kafka, 'sluice-kafka-source')
  const { maxOffsets, minOffsets } = triggerLimits(o)
  const starting = offsetSpec(o.get, 'starting', mode === 'stream' ? 'latest' : 'earliest')
  const ending = mode === 'batch' ? offsetSpec(o.get, 'ending', 'latest') : ({ kind: 'latest' } as const)
  if (mode === 'batch') checkBatchSpecs(starting, ending)
  const { numRetries, retryIntervalMs, pollTimeoutMs } = retrySettings(o)
  return {
    strategy,
    startingOffsets: starting,
    endingOffsets: ending,
    failOnDataLoss: o.boolean('failOnDataLoss', true),
    includeHeaders: o.boolean('includeHeaders', false),
    maxOffsetsPerTrigger: maxOffsets,
    minOffsetsPerTrigger: minOffsets,
    maxTriggerDelayMs: timeStringAsMs('maxTriggerDelay', o.get('maxTriggerDelay') ?? '15m'),
    readAheadOffsets: readAheadOffsets(o, maxOffsets),
    pollTimeoutMs,
    retry: kafkaRetryPolicy(kafka, numRetries, retryIntervalMs),
    connection,
    fetch: kafkaFetchSettings(kafka),
  }
}

/** `maxOffsetsPerTrigger` and `minOffsetsPerTrigger`: positive, the minimum not above the maximum. */
function triggerLimits(o: OptionReader): { maxOffsets: number | undefined; minOffsets: number | undefined } {
  const positive = (name: string): number | undefined => {
    if (o.get(name) === undefined) return undefined
    const n = o.long(name, 0)
    if (n <= 0) throw o.invalid(name, 'it must be positive')
    return n
  }
  const maxOffsets = positive('maxOffsetsPerTrigger')
  const minOffsets = positive('minOffsetsPerTrigger')
  if (minOffsets !== undefined && maxOffsets !== undefined && minOffsets > maxOffsets)
    throw invalid(
      `The value of minOffsetPerTrigger(${minOffsets}) is higher than the maxOffsetsPerTrigger(${maxOffsets}).`,
    )
  return { maxOffsets, minOffsets }
}

/** `readAheadOffsets`: not negative; default one batch (`maxOffsetsPerTrigger`), else 100,000. */
function readAheadOffsets(o: OptionReader, maxOffsets: number | undefined): number {
  const n = o.long('readAheadOffsets', maxOffsets ?? 100_000)
  if (n < 0) throw o.invalid('readAheadOffsets', 'it must not be negative (0 turns read-ahead off)')
  return n
}

/** Spark's `fetchOffset.*` and `kafkaConsumer.pollTimeoutMs`. */
function retrySettings(o: OptionReader) {
  const numRetries = o.int('fetchOffset.numRetries', 3)
  const retryIntervalMs = o.long('fetchOffset.retryIntervalMs', 1000)
  const pollTimeoutMs = o.long('kafkaConsumer.pollTimeoutMs', 120_000)
  if (numRetries < 1) throw o.invalid('fetchOffset.numRetries', 'it must be at least 1')
  if (retryIntervalMs < 0) throw o.invalid('fetchOffset.retryIntervalMs', 'it must not be negative')
  if (pollTimeoutMs < 0) throw o.invalid('kafkaConsumer.pollTimeoutMs', 'it must not be negative')
  return { numRetries, retryIntervalMs, pollTimeoutMs }
}

function strategyOf(plain: Readonly<Record<string, string>>): KafkaStrategy {
  const given = Object.entries(plain).filter(([k]) => STRATEGY_KEYS.includes(k.toLowerCase()))
  if (given.length === 0)
    throw invalid(
      'One of the following options must be specified for Kafka source: subscribe, subscribepattern, assign. See the docs for more details.',
    )
  if (given.length > 1)
    throw invalid(
      'Only one of the following options can be specified for Kafka source: subscribe, subscribepattern, assign. See the docs for more details.',
    )
  const [key, value] = given[0]
  switch (key.toLowerCase()) {
    case 'assign': {
      if (!value.trim().startsWith('{'))
        throw invalid(`No topicpartitions to assign as specified value for option 'assign' is '${value}'`)
      return { kind: 'assign', partitions: parsePartitions(value) }
    }
    case 'subscribe': {
      const topics = value
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '')
      if (topics.length === 0)
        throw invalid(`No topics to subscribe to as specified value for option 'subscribe' is '${value}'`)
      return { kind: 'subscribe', topics }
    }
    default: {
      const pattern = value.trim()
      if (pattern === '')
        throw invalid(
          `Pattern to subscribe is empty as specified value for option 'subscribePattern' is '${value}'`,
        )
      return { kind: 'subscribePattern', pattern, regex: compilePattern(pattern) }
    }
  }
}

function compilePattern(pattern: string): RegExp {
  try {
    // Spark matches with Scala's findFirstIn: the pattern may match anywhere in the name.
    return new RegExp(pattern, 'u')
  } catch (e) {
    throw new SluiceError('INVALID_PATTERN', `Invalid subscribePattern '${pattern}': ${(e as Error).message}`)
  }
}

/** Spark's getKafkaOffsetRangeLimit: the global timestamp, then per-partition timestamps, then offsets. */
function offsetSpec(
  get: (name: string) => string | undefined,
  which: 'starting' | 'ending',
  dflt: 'earliest' | 'latest',
): KafkaOffsetSpec {
  const raw = get('startingOffsetsByTimestampStrategy')
  const strategy = raw === undefined ? 'error' : raw.toLowerCase()
  if (strategy !== 'error' && strategy !== 'latest')
    throw invalid(
      `Invalid value '${raw}' for option 'startingOffsetsByTimestampStrategy': expected 'error' or 'latest'.`,
    )
  const onNoMatch: NoMatchStrategy = strategy
  const ts = get(`${which}Timestamp`)
  if (ts !== undefined) {
    const s = ts.trim()
    if (!/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(Number(s)))
      throw invalid(`Expected a single long value, got ${s}`)
    return { kind: 'timestamp', timestamp: Number(s), onNoMatch }
  }
  const byTs = get(`${which}OffsetsByTimestamp`)
  if (byTs !== undefined)
    return { kind: 'timestamps', timestamps: parsePartitionTimestamps(byTs.trim()), onNoMatch }
  const offsets = get(`${which}Offsets`)?.trim()
  if (offsets === undefined) return { kind: dflt }
  if (offsets.toLowerCase() === 'latest') return { kind: 'latest' }
  if (offsets.toLowerCase() === 'earliest') return { kind: 'earliest' }
  return { kind: 'offsets', offsets: parsePartitionOffsets(offsets) }
}

/** Spark's validateBatchOptions and checkOffsetLimitValidity. */
function checkBatchSpecs(start: KafkaOffsetSpec, end: KafkaOffsetSpec): void {
  if (start.kind === 'latest') throw invalid("starting offset can't be latest for batch queries on Kafka")
  if (start.kind === 'offsets') {
    for (const [tp, off] of start.offsets)
      if (off === LATEST)
        throw invalid(`startingOffsets for ${tpName(tp)} can't be latest for batch queries on Kafka`)
  }
  if (end.kind === 'earliest') throw invalid("ending offset can't be earliest for batch queries on Kafka")
  if (end.kind === 'offsets') {
    for (const [tp, off] of end.offsets)
      if (off === EARLIEST)
        throw invalid(`ending offset for ${tpName(tp)} can't be earliest for batch queries on Kafka`)
  }
  const pairs =
    start.kind === 'offsets' && end.kind === 'offsets'
      ? { s: start.offsets, e: end.offsets, what: 'offset', field: 'offset' }
      : start.kind === 'timestamps' && end.kind === 'timestamps'
        ? { s: start.timestamps, e: end.timestamps, what: 'timestamp', field: 'timestamp' }
        : null
  if (pairs === null) return
  const sKeys = [...pairs.s.keys()].sort()
  const eKeys = [...pairs.e.keys()].sort()
  if (sKeys.join() !== eKeys.join())
    throw invalid(
      `The specified start offset and end offset should have the same topic-partitions. Topic-partitions for start offset: ${fmtSet(sKeys)}, topic-partitions for end offset: ${fmtSet(eKeys)}.`,
    )
  for (const [tp, s] of pairs.s) {
    const e = pairs.e.get(tp) as number
    // Earliest and latest (negative) resolve later and are not compared.
    if (s > e && s >= 0 && e >= 0) {
      const { topic, partition } = tpOf(tp)
      throw invalid(
        `The specified start ${pairs.field} ${s} is greater than the end ${pairs.field} ${e} for topic ${topic} partition ${partition}.`,
      )
    }
  }
}

const fmtSet = (keys: readonly TpKey[]) => `Set(${keys.map(tpName).join(', ')})`
