/**
 * `--nexmark-source kafka`: the Nexmark queries read their events from Kafka instead of the
 * generator. A broker of its own (scripts/kafka-broker.mjs on port 39194, state in
 * `$TMPDIR/sluice-kafka-nexmark`) is started unless already running; the generated events (every
 * event, Flink's JSON wire form `{event_type, person, auction, bid}`) are produced once, untimed,
 * with `generateNexmark(..., { format: 'kafka' })` into a one-partition topic, so that
 * `maxOffsetsPerTrigger` = the batch size cuts the same micro-batches as the generator source (the
 * windowed queries' output depends on the cuts). A second topic holds the warm-up's events. With
 * `--kafka-isolation both` both topics are written by the exactly-once sink, one transaction per
 * batch (commit markers take offsets, as downstream of any exactly-once writer), so read_committed
 * and read_uncommitted can be compared on the same records.
 */
import { performance } from 'node:perf_hooks'
import { generateNexmark } from '../src/cli/nexmark-generate.ts'
import { Sluice } from '../src/index.ts'
import { createTopic, deleteTopic } from '../test/harness/kafka-broker.ts'
import { type Broker, startBroker } from './kafka.ts'
import type { NexmarkInput } from './nexmark-bench.ts'

/** The Nexmark-from-Kafka broker's port (the Kafka benchmark's is 39192; the controller takes +1). */
export const NEXMARK_KAFKA_PORT = 39194

export interface NexmarkKafkaTopics {
  readonly input: Extract<NexmarkInput, { kind: 'kafka' }>
  /** Time to produce both topics (not part of any measurement). */
  readonly produceMs: number
  /** Deletes the topics and stops the broker if this run started it. */
  close(): Promise<void>
}

async function produce(
  bootstrap: string,
  topic: string,
  events: number,
  transactional: boolean,
): Promise<number> {
  await createTopic(bootstrap, topic, 1)
  const sluice = Sluice.local({
    'sluice.sql.session.timeZone': 'UTC',
    'sluice.streaming.stopOnSignal': false,
    output: () => undefined,
  })
  return generateNexmark(sluice, {
    events,
    view: undefined,
    format: 'kafka',
    options: {
      'kafka.bootstrap.servers': bootstrap,
      topic,
      ...(transactional ? { deliveryGuarantee: 'exactly-once' } : {}),
    },
  })
}

/**
 * Starts the broker and produces `events` events (and a tenth of them for the warm-up); the reason
 * as a string when no broker can start.
 * @example const topics = await nexmarkKafkaTopics(200_000); ...; await topics.close()
 */
export async function nexmarkKafkaTopics(
  events: number,
  transactional = false,
): Promise<NexmarkKafkaTopics | string> {
  const broker: Broker | string = await startBroker(NEXMARK_KAFKA_PORT, 'sluice-kafka-nexmark')
  if (typeof broker === 'string') return broker
  const stamp = `${process.pid}-${Date.now().toString(36)}`
  const topic = `nexmark-events-${stamp}`
  const warmupTopic = `nexmark-warmup-${stamp}`
  const close = async () => {
    for (const t of [topic, warmupTopic]) await deleteTopic(broker.bootstrap, t).catch(() => undefined)
    await broker.stop()
  }
  try {
    process.stderr.write(
      `nexmark: producing ${events.toLocaleString('en-US')} events to ${broker.bootstrap}...\n`,
    )
    const t0 = performance.now()
    const n = await produce(broker.bootstrap, topic, events, transactional)
    await produce(broker.bootstrap, warmupTopic, Math.max(1, Math.floor(events / 10)), transactional)
    if (n !== events) throw new Error(`nexmark: produced ${n} events to ${topic}, expected ${events}.`)
    const input = {
      kind: 'kafka',
      bootstrap: broker.bootstrap,
      topic,
      warmupTopic,
      compareReadCommitted: transactional,
    } as const
    return { input, produceMs: performance.now() - t0, close }
  } catch (e) {
    await close()
    throw e
  }
}
