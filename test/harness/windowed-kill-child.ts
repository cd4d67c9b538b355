/**
 * Child process for the reliability kill loops and the soak (test/reliability/kill-loop.ts): JSON
 * files `{"k","v","ts"}` (one file per batch) -> `withWatermark('ts', '5 seconds')` -> count and sum
 * per 10-second window and key (append mode) -> the json file sink, or the exactly-once Kafka sink
 * (value `{"start","k","n","s"}`).
 *
 * With `killAt` it SIGKILLs itself at that point of batch N (kafka-kill-points.ts: the checkpoint's
 * points, and for Kafka the moment its transaction is sent). It sends `{type: 'progress', batchId,
 * rss, heapUsed}` after each batch (the parent may also SIGKILL it then, at whatever it is doing),
 * stops gracefully when a trigger finds no new input (`stopWhenIdle`, or from when told
 * `{cmd: 'stop-when-idle'}`) or when told `{cmd: 'stop'}`.
 *
 * argv: <config as JSON>
 */
import { col, count, Sluice, struct, sum, t, to_json, window } from '../../src/index.ts'
import { EXECUTOR_TEST_CONF } from './executor-conf.ts'
import { installKafkaKillPoints, type KafkaKillAt } from './kafka-kill-points.ts'

export interface WindowedKillChildConfig {
  readonly input: string
  readonly checkpoint: string
  /** The file sink's folder, or the Kafka topic. */
  readonly out: string
  readonly sink: 'file' | 'kafka'
  readonly bootstrap?: string
  readonly killAt?: KafkaKillAt
  readonly stopWhenIdle: boolean
  /** Session settings (e.g. a short maintenance interval for the soak). */
  readonly conf?: Readonly<Record<string, string | number>>
}

export const WINDOWED_INPUT = t.struct({ k: t.string(), v: t.long(), ts: t.timestamp() })

const config: WindowedKillChildConfig = JSON.parse(process.argv[2])
let stopWhenIdle = config.stopWhenIdle
installKafkaKillPoints(config.checkpoint, 'exactly-once', config.killAt)

const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false, ...EXECUTOR_TEST_CONF, ...config.conf })
const windowed = sluice.readStream
  .format('json')
  .schema(WINDOWED_INPUT)
  .option('maxFilesPerTrigger', 1)
  .load(config.input)
  .withWatermark('ts', '5 seconds')
  .groupBy(window(col('ts'), '10 seconds'), col('k'))
  .agg(count('*').alias('n'), sum('v').alias('s'))
  .select(col('window.start').alias('start'), col('k'), col('n'), col('s'))
const writer =
  config.sink === 'file'
    ? windowed.writeStream.format('json').option('path', config.out)
    : windowed
        .select(col('k').alias('key'), to_json(struct('start', 'k', 'n', 's')).alias('value'))
        .writeStream.format('kafka')
        .option('kafka.bootstrap.servers', config.bootstrap ?? '')
        .option('topic', config.out)
        .option('deliveryGuarantee', 'exactly-once')
const query = await writer.outputMode('append').option('checkpointLocation', config.checkpoint).start()
sluice.streams.addListener({
  onQueryProgress: ({ progress }) => {
    const m = process.memoryUsage()
    process.send?.({ type: 'progress', batchId: progress.batchId, rss: m.rss, heapUsed: m.heapUsed })
  },
  onQueryIdle: () => {
    if (stopWhenIdle) void query.stop()
  },
})
process.on('message', (m: { cmd?: string }) => {
  if (m.cmd === 'stop') void query.stop()
  if (m.cmd === 'stop-when-idle') stopWhenIdle = true
})
await query.awaitTermination()
process.disconnect?.()
