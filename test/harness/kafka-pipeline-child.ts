/**
 * Child process for the Kafka pipeline kill test: Kafka -> from_json -> count and sum per key
 * (update mode) -> to_json -> Kafka, with the chosen delivery guarantee.
 *
 * Input records are JSON `{"k": <key>, "v": <long>}`, read from `inputTopic` from the earliest offsets,
 * at most `maxOffsetsPerTrigger` per batch. Each batch writes, for each key it saw, one record to
 * `outputTopic`: key = k, value = `{"k":…,"n":<count so far>,"s":<sum so far>}`.
 *
 * With `killAt`, the process SIGKILLs itself at that point of batch N (kafka-kill-points.ts). It stops
 * gracefully when a trigger finds no new input (all of it processed), so a kill point that is never
 * reached shows as a clean exit where the test expected SIGKILL.
 *
 * argv: <config as JSON>
 */
import { col, count, from_json, Sluice, struct, sum, t, to_json } from '../../src/index.ts'
import { EXECUTOR_TEST_CONF } from './executor-conf.ts'
import { installKafkaKillPoints, type KafkaGuarantee, type KafkaKillAt } from './kafka-kill-points.ts'

export interface KafkaPipelineChildConfig {
  readonly checkpoint: string
  readonly bootstrap: string
  readonly inputTopic: string
  readonly outputTopic: string
  readonly guarantee: KafkaGuarantee
  readonly maxOffsetsPerTrigger: number
  readonly killAt?: KafkaKillAt
}

const config: KafkaPipelineChildConfig = JSON.parse(process.argv[2])
installKafkaKillPoints(config.checkpoint, config.guarantee, config.killAt)

const INPUT = t.struct({ k: t.string(), v: t.long() })

const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false, ...EXECUTOR_TEST_CONF })
const query = await sluice.readStream
  .format('kafka')
  .option('kafka.bootstrap.servers', config.bootstrap)
  .option('subscribe', config.inputTopic)
  .option('startingOffsets', 'earliest')
  .option('maxOffsetsPerTrigger', config.maxOffsetsPerTrigger)
  .load()
  .select(from_json(col('value').cast('string'), INPUT).alias('r'))
  .select('r.*')
  .groupBy('k')
  .agg(count('*').alias('n'), sum('v').alias('s'))
  .select(col('k').alias('key'), to_json(struct('k', 'n', 's')).alias('value'))
  .writeStream.format('kafka')
  .outputMode('update')
  .option('kafka.bootstrap.servers', config.bootstrap)
  .option('topic', config.outputTopic)
  .option('deliveryGuarantee', config.guarantee)
  .option('checkpointLocation', config.checkpoint)
  .start()
sluice.streams.addListener({
  onQueryIdle: () => void query.stop(),
})
await query.awaitTermination()
