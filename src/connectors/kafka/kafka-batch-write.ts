/**
 * `df.write.format('kafka')...save()`: a batch DataFrame written to Kafka with the sink's columns
 * and options (Spark's KafkaSourceProvider.createRelation). As in Spark, the save mode is
 * `append` or `errorifexists` (both append), and delivery is at-least-once: a batch write has no
 * checkpoint to make a retry a no-op, so `deliveryGuarantee` exactly-once is refused.
 */
import { SluiceError } from '../../errors.ts'
import type { StructType } from '../../schema/data-type.ts'
import { optionOf } from '../connector-options.ts'
import type { SinkContext } from '../spi.ts'
import { KafkaSink } from './kafka-sink.ts'

const APPENDING = new Set(['append', 'errorifexists', 'error', 'default'])

/**
 * Writes `rows` to Kafka once; resolves when every record is acknowledged.
 *
 * @example await writeKafkaBatch({ mode: 'append', options: { 'kafka.bootstrap.servers': 'localhost:9092', topic: 'out' }, partitionBy: [] }, schema, rows, renderCells, { now: () => clock.now() })
 */
export async function writeKafkaBatch(
  req: {
    readonly mode: string
    readonly options: Readonly<Record<string, string>>
    readonly partitionBy: readonly string[]
  },
  schema: StructType,
  rows: readonly (readonly unknown[])[],
  renderCells: SinkContext['renderCells'],
  session: Pick<SinkContext, 'now' | 'retryTimer'>,
): Promise<void> {
  if (!APPENDING.has(req.mode.toLowerCase())) {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      `Save mode ${req.mode} not allowed for Kafka. Allowed save modes are Append and ErrorIfExists (default).`,
    )
  }
  if (req.partitionBy.length > 0)
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      'partitionBy is not supported for Kafka: use a `partition` column.',
    )
  const guarantee = optionOf(req.options, 'deliveryGuarantee')
  if (guarantee?.toLowerCase() === 'exactly-once') {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      "deliveryGuarantee 'exactly-once' needs a streaming query (its checkpoint makes a rerun a no-op); a batch write to Kafka is at-least-once. Use writeStream with trigger({ availableNow: true }) over the data instead.",
    )
  }
  const ctx: SinkContext = {
    options: req.options,
    schema,
    renderCells,
    now: session.now,
    ...(session.retryTimer === undefined ? {} : { retryTimer: session.retryTimer }),
    // A Kafka sink registers no table and prints nothing.
    tables: { register: () => undefined },
    print: () => undefined,
  }
  const sink = new KafkaSink(ctx)
  try {
    await sink.addBatch({ batchId: 0, schema, rows, outputMode: 'append' })
  } finally {
    await sink.stop()
  }
}
