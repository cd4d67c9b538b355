/**
 * Child process for the chained Kafka crash test, second stage: Kafka (read_committed) -> parse the
 * first stage's update records `{"k","n","s"}` -> json file sink (exactly-once through its
 * `_sluice_metadata` log), at most `maxOffsetsPerTrigger` offsets a batch.
 *
 * With `killAt`, the process SIGKILLs itself at that checkpoint point of batch N
 * (crash-checkpoint-hooks.ts): `offsets-written`, `commit-linking` (the file sink has committed
 * batch N's files, `commits/N` is not there yet) or `commit-linked`. Without it, it stops once a
 * trigger finds no new input.
 *
 * argv: <config as JSON>
 */
import { col, from_json, Sluice, t } from '../../src/index.ts'
import { installCheckpointHooks } from './crash-checkpoint-hooks.ts'
import type { CheckpointPoint } from './crash-protocol.ts'
import { EXECUTOR_TEST_CONF } from './executor-conf.ts'

export interface KafkaChainFileChildConfig {
  readonly checkpoint: string
  readonly bootstrap: string
  readonly topic: string
  readonly out: string
  readonly maxOffsetsPerTrigger: number
  readonly killAt?: { readonly point: CheckpointPoint; readonly batchId: number }
}

const config: KafkaChainFileChildConfig = JSON.parse(process.argv[2])
const kill = config.killAt
installCheckpointHooks(config.checkpoint, async (point, batchId) => {
  if (kill?.point === point && kill.batchId === batchId) process.kill(process.pid, 'SIGKILL')
})

const UPDATE = t.struct({ k: t.string(), n: t.long(), s: t.long() })
const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false, ...EXECUTOR_TEST_CONF })
const query = await sluice.readStream
  .format('kafka')
  .option('kafka.bootstrap.servers', config.bootstrap)
  .option('subscribe', config.topic)
  .option('startingOffsets', 'earliest')
  .option('kafka.isolation.level', 'read_committed')
  .option('maxOffsetsPerTrigger', config.maxOffsetsPerTrigger)
  .load()
  .select(from_json(col('value').cast('string'), UPDATE).alias('u'), col('partition'), col('offset'))
  .select('u.*', 'partition', 'offset')
  .writeStream.format('json')
  .option('path', config.out)
  .option('checkpointLocation', config.checkpoint)
  .start()
sluice.streams.addListener({
  onQueryIdle: () => void query.stop(),
})
await query.awaitTermination()
