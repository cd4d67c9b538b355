/**
 * Child process for the Kafka sink kill test: a `rate-micro-batch` query (batch k holds values
 * k*rowsPerBatch .. (k+1)*rowsPerBatch-1) written to a Kafka topic (value = the number, key = value
 * mod 3) with the chosen delivery guarantee. With `killAt`, the process SIGKILLs itself at that point
 * of batch N (kafka-kill-points.ts says where each point is).
 *
 * Without `killAt` it stops gracefully once batch `stopAfter` is committed.
 *
 * argv: <config as JSON>
 */
import { Sluice } from '../../src/index.ts'
import { EXECUTOR_TEST_CONF } from './executor-conf.ts'
import { installKafkaKillPoints, type KafkaGuarantee, type KafkaKillAt } from './kafka-kill-points.ts'

export type { KafkaSinkKillPoint } from './kafka-kill-points.ts'

export interface KafkaSinkChildConfig {
  readonly checkpoint: string
  readonly bootstrap: string
  readonly topic: string
  readonly guarantee: KafkaGuarantee
  readonly rowsPerBatch: number
  readonly killAt?: KafkaKillAt
  readonly stopAfter: number
}

const config: KafkaSinkChildConfig = JSON.parse(process.argv[2])
const kill = config.killAt
installKafkaKillPoints(config.checkpoint, config.guarantee, kill)

const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false, ...EXECUTOR_TEST_CONF })
const query = await sluice.readStream
  .format('rate-micro-batch')
  .option('rowsPerBatch', config.rowsPerBatch)
  .load()
  .selectExpr('CAST(value % 3 AS STRING) AS key', 'CAST(value AS STRING) AS value')
  .writeStream.format('kafka')
  .option('kafka.bootstrap.servers', config.bootstrap)
  .option('topic', config.topic)
  .option('deliveryGuarantee', config.guarantee)
  .option('checkpointLocation', config.checkpoint)
  .start()
sluice.streams.addListener({
  onQueryProgress: ({ progress }) => {
    // A kill point that is never reached must not leave the test waiting: the child stops and the
    // test sees a clean exit where it expected SIGKILL.
    if (progress.batchId >= (kill === undefined ? config.stopAfter : kill.batchId + 3)) void query.stop()
  },
})
await query.awaitTermination()
