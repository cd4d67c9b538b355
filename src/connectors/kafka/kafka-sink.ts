/**
 * `writeStream.format('kafka')`: Spark's Kafka sink. Each row becomes a record (columns `topic`, `key`,
 * `value`, `headers`, `partition`, `timestamp`: kafka-sink-records.ts; options: kafka-sink-options.ts).
 * All output modes are allowed, as in Spark (update and complete modes append each batch's rows).
 *
 * Delivery (option `deliveryGuarantee`):
 * - `at-least-once` (default, Spark's behaviour): a batch is done once all its records are
 *   acknowledged; a batch replayed after a crash between that and `commits/N` is written again, so
 *   consumers may see its records twice.
 * - `exactly-once` (beyond Spark): one Kafka transaction per batch, with a marker of the batch id in
 *   the internal topic `__sluice_sink_<query id>`; a replayed batch that committed is skipped, and a
 *   read_committed consumer sees every record once (kafka-sink-writers.ts says why). Consumers that
 *   read uncommitted also see the records of aborted attempts.
 */
import { SluiceError } from '../../errors.ts'
import type {
  DeliveryGuarantee,
  QueryBoundSink,
  QueryIdentity,
  Sink,
  SinkBatch,
  SinkContext,
  SinkProvider,
  TransientSink,
} from '../spi.ts'
import { isTransientKafkaError } from './kafka-retry.ts'
import { type KafkaSinkConfig, parseKafkaSinkOptions } from './kafka-sink-options.ts'
import { compileKafkaRecord, type SinkRecord, validateKafkaSinkSchema } from './kafka-sink-records.ts'
import { AtLeastOnceWriter, type BatchWriter, TransactionalWriter } from './kafka-sink-writers.ts'

/**
 * The Kafka sink of one query; made by `kafkaSinkProvider` at start().
 *
 * @example
 * df.writeStream.format('kafka').option('kafka.bootstrap.servers', 'localhost:9092').option('topic', 'out')
 *   .option('deliveryGuarantee', 'exactly-once').option('checkpointLocation', '/ckpt/q').start()
 */
export class KafkaSink implements QueryBoundSink, TransientSink {
  readonly description: string
  readonly guarantee: DeliveryGuarantee
  private readonly config: KafkaSinkConfig
  private readonly toRecord: (row: readonly unknown[]) => SinkRecord
  private writer: BatchWriter | undefined
  private queryId: string | undefined

  constructor(ctx: SinkContext) {
    this.config = parseKafkaSinkOptions(ctx.options)
    validateKafkaSinkSchema(ctx.schema, this.config.topic)
    this.toRecord = compileKafkaRecord(ctx.schema, this.config.topic)
    this.guarantee = this.config.guarantee
    const target = this.config.topic === undefined ? 'topic column' : `topic=${this.config.topic}`
    this.description = `KafkaSink[${target}, ${this.config.guarantee}]`
  }

  /** Takes the query id the exactly-once mode derives its transactional id and marker topic from. */
  bindQuery(query: QueryIdentity): void {
    this.queryId = query.queryId
  }

  /** A write that failed because the brokers were unreachable or Kafka said retry (sink retries). */
  isTransient(e: unknown): boolean {
    for (let err = e, depth = 0; err instanceof Error && depth < 8; depth++) {
      if (isTransientKafkaError(err)) return true
      err = err.cause
    }
    return false
  }

  async addBatch(batch: SinkBatch): Promise<void> {
    const records = new Array<SinkRecord>(batch.rows.length)
    for (let i = 0; i < records.length; i++) records[i] = this.toRecord(batch.rows[i])
    await this.writerOf().write(batch.batchId, records)
  }

  private writerOf(): BatchWriter {
    if (this.writer !== undefined) return this.writer
    if (this.config.guarantee === 'at-least-once') return (this.writer = new AtLeastOnceWriter(this.config))
    if (this.queryId === undefined)
      throw new SluiceError(
        'INTERNAL',
        'The exactly-once Kafka sink was not given its query id before a batch.',
      )
    return (this.writer = new TransactionalWriter(this.config, this.queryId))
  }

  async stop(): Promise<void> {
    await this.writer?.close()
    this.writer = undefined
  }
}

/**
 * The `kafka` sink provider.
 *
 * @example
 * kafkaSinkProvider.validate({ 'kafka.bootstrap.servers': 'localhost:9092', topic: 'out' })
 */
export const kafkaSinkProvider: SinkProvider = Object.freeze({
  name: 'kafka',
  validate(options: Readonly<Record<string, string>>): void {
    parseKafkaSinkOptions(options)
  },
  createSink: (ctx: SinkContext): Sink => new KafkaSink(ctx),
} satisfies SinkProvider)
