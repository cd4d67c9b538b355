/**
 * `sluice.read.format('kafka')...load()`: a batch read of Kafka (Spark's KafkaRelation/KafkaBatch).
 * The range is `startingOffsets` (default earliest; latest is refused) to `endingOffsets` (default
 * latest; earliest is refused), or the by-timestamp forms, resolved against the partitions there now;
 * each partition's records in that range are read once, in partition then offset order.
 */
import { SluiceError } from '../../errors.ts'
import type { RetryTimer } from '../../io/clock.ts'
import type { StructType } from '../../schema/data-type.ts'
import type { DataLossCounter } from './kafka-errors.ts'
import { sortTps, type TpKey, tpName, tpOf } from './kafka-json.ts'
import { KafkaOffsetReader } from './kafka-offset-reader.ts'
import { KafkaRangeReader, type OffsetRange } from './kafka-range-reader.ts'
import { kafkaSchema } from './kafka-rows.ts'
import { parseKafkaSourceOptions } from './kafka-source-options.ts'

export interface KafkaBatchResult {
  readonly schema: StructType
  readonly rows: unknown[][]
}

/**
 * Reads the records the options name.
 *
 * @example
 * const { rows } = await readKafkaBatch({ 'kafka.bootstrap.servers': 'localhost:9092', subscribe: 'events' })
 */
export async function readKafkaBatch(
  options: Readonly<Record<string, string>>,
  userSchema?: StructType,
  paths: readonly string[] = [],
  retryTimer?: RetryTimer,
): Promise<KafkaBatchResult> {
  const opts = parseKafkaSourceOptions(options, 'batch')
  if (userSchema !== undefined)
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      'Kafka source has a fixed schema and cannot be set with a custom one: remove .schema(...) and parse the value column instead.',
    )
  if (paths.length > 0)
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `The kafka format reads no path (got ${paths.join(', ')}): call load() with no argument.`,
    )
  const { connection, fetch } = opts
  const retry = retryTimer === undefined ? opts.retry : { ...opts.retry, timer: retryTimer }
  const offsets = new KafkaOffsetReader(opts.strategy, connection, fetch.isolationLevel, retry)
  const reader = new KafkaRangeReader({ ...opts, retry })
  try {
    const from = await offsets.resolve(opts.startingOffsets, 'starting')
    const until = await offsets.resolve(opts.endingOffsets, 'ending')
    const counter: DataLossCounter = { dataLoss: 0, offsetOutOfRange: 0 }
    const rows = await reader.read(rangesOf(from, until), counter)
    return { schema: kafkaSchema(opts.includeHeaders), rows }
  } finally {
    await Promise.all([offsets.close(), reader.close()])
  }
}

function rangesOf(from: ReadonlyMap<TpKey, number>, until: ReadonlyMap<TpKey, number>): OffsetRange[] {
  const a = sortTps(from.keys())
  const b = sortTps(until.keys())
  if (a.join() !== b.join()) {
    // Partitions were added or removed between the two look-ups: Spark's IllegalStateException.
    throw new SluiceError(
      'SOURCE_UNAVAILABLE',
      `different topic partitions for starting offsets topics[${a.map(tpName).join(',')}] and ending offsets topics[${b.map(tpName).join(',')}]`,
    )
  }
  return b.map((tp) => {
    const f = from.get(tp) as number
    const u = until.get(tp) as number
    if (f > u) {
      const { topic, partition } = tpOf(tp)
      throw new SluiceError(
        'INVALID_OPTION',
        `The resolved start offset ${f} is greater than the resolved end offset ${u} for topic ${topic} partition ${partition}. There may be multiple reasons: 1. Start offset is set to too big a value that after resolution, end offset is smaller than it (a start timestamp with an end offset, a start offset with an end timestamp, or a start offset with the end at latest). 2. The Kafka topic partition is broken.`,
      )
    }
    return { tp, from: f, until: u }
  })
}
