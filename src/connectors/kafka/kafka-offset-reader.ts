/**
 * Spark's KafkaOffsetReaderAdmin: which partitions the strategy covers right now (new partitions and
 * new topics matching a pattern show up here), and their earliest, latest or by-timestamp offsets,
 * through Kafka's admin API. Every call retries per the policy (kafka-retry.ts), dropping cached
 * metadata before each retry, so leaders that moved and brokers that restarted are found again.
 *
 * A subscribed topic that does not exist has no partitions (a stream waits for it); a deleted topic's
 * partitions disappear, which the source then reports as data loss.
 */
import { Admin } from '@platformatic/kafka'
import { SluiceError } from '../../errors.ts'
import { systemRetryTimer } from '../../io/clock.ts'
import type { KafkaConnectionOptions } from './kafka-client.ts'
import {
  EARLIEST,
  LATEST,
  type PartitionOffsets,
  sortTps,
  type TpKey,
  tpKey,
  tpName,
  tpOf,
  tpSet,
} from './kafka-json.ts'
import { type KafkaRetryPolicy, withKafkaRetry } from './kafka-retry.ts'
import type { KafkaOffsetSpec, KafkaStrategy } from './kafka-source-options.ts'

/** Spark's ConsumerStrategy.toString. @example strategyDescription({ kind: 'subscribe', topics: ['a'] }) // 'Subscribe[a]' */
export function strategyDescription(s: KafkaStrategy): string {
  if (s.kind === 'subscribe') return `Subscribe[${s.topics.join(', ')}]`
  if (s.kind === 'subscribePattern') return `SubscribePattern[${s.pattern}]`
  return `Assign[${s.partitions.map(tpName).join(', ')}]`
}

export class KafkaOffsetReader {
  readonly description: string
  private readonly strategy: KafkaStrategy
  private readonly retry: KafkaRetryPolicy
  private readonly isolationLevel: 0 | 1
  private readonly admin: Admin
  private readonly signal: AbortSignal | undefined

  constructor(
    strategy: KafkaStrategy,
    connection: KafkaConnectionOptions,
    isolationLevel: 0 | 1,
    retry: KafkaRetryPolicy,
    signal?: AbortSignal,
  ) {
    this.strategy = strategy
    this.description = strategyDescription(strategy)
    this.retry = retry
    this.isolationLevel = isolationLevel
    this.signal = signal
    this.admin = new Admin({ ...connection, clientId: `${connection.clientId}-offsets` })
  }

  async close(): Promise<void> {
    await this.admin.close().catch(() => undefined)
  }

  private attempt<T>(what: string, op: () => Promise<T>): Promise<T> {
    return withKafkaRetry(`${what} for ${this.description}`, this.retry, op, {
      beforeRetry: () => this.admin.clearMetadata(),
      ...(this.signal === undefined ? {} : { signal: this.signal }),
    })
  }

  /** The partitions the strategy covers now, sorted. */
  partitions(): Promise<TpKey[]> {
    return this.attempt('listing partitions', () => this.discover())
  }

  private async discover(): Promise<TpKey[]> {
    const s = this.strategy
    // Subscribed topics are asked for by name; listing every topic is needed only when one is missing.
    const named = s.kind === 'subscribe' ? await this.partitionsOf(s.topics).catch(unlessUnknownTopic) : null
    if (named !== null) return named
    const existing = await this.admin.listTopics()
    const wanted =
      s.kind === 'subscribe'
        ? existing.filter((t) => s.topics.includes(t))
        : s.kind === 'subscribePattern'
          ? existing.filter((t) => s.regex.test(t))
          : existing.filter((t) => s.partitions.some((tp) => tpOf(tp).topic === t))
    const all = await this.partitionsOf(wanted)
    if (s.kind !== 'assign') return all
    const assigned = new Set(s.partitions)
    return all.filter((tp) => assigned.has(tp))
  }

  /** Every partition of `topics` (which must exist), sorted. */
  private async partitionsOf(topics: readonly string[]): Promise<TpKey[]> {
    if (topics.length === 0) return []
    const md = await this.admin.metadata({ topics: [...topics], forceUpdate: true })
    const out: TpKey[] = []
    for (const topic of topics) {
      const count = md.topics.get(topic)?.partitionsCount ?? 0
      for (let p = 0; p < count; p++) out.push(tpKey(topic, p))
    }
    return sortTps(out)
  }

  /** Offsets for a timestamp per partition (-2 earliest, -1 latest); -1 in the answer when none matches. */
  private async list(tps: readonly TpKey[], timestampOf: (tp: TpKey) => number): Promise<Map<TpKey, number>> {
    const byTopic = new Map<string, { partitionIndex: number; timestamp: bigint }[]>()
    for (const tp of tps) {
      const { topic, partition } = tpOf(tp)
      let parts = byTopic.get(topic)
      if (parts === undefined) byTopic.set(topic, (parts = []))
      parts.push({ partitionIndex: partition, timestamp: BigInt(timestampOf(tp)) })
    }
    const out = new Map<TpKey, number>()
    if (byTopic.size === 0) return out
    const topics = [...byTopic].map(([name, partitions]) => ({ name, partitions }))
    const answer = await this.admin.listOffsets({ topics, isolationLevel: this.isolationLevel })
    for (const t of answer)
      for (const p of t.partitions) out.set(tpKey(t.name, p.partitionIndex), Number(p.offset))
    return out
  }

  /** Earliest offsets of all partitions now, or of `only` those (the ones still there). */
  fetchEarliest(only?: readonly TpKey[]): Promise<Map<TpKey, number>> {
    if (only !== undefined && only.length === 0) return Promise.resolve(new Map())
    return this.attempt('fetching earliest offsets', async () => {
      const now = await this.discover()
      const tps = only === undefined ? now : only.filter((tp) => now.includes(tp))
      return this.list(tps, () => EARLIEST)
    })
  }

  /**
   * Latest offsets of all partitions now. When a partition's answer is below the `known` offset
   * (a stale answer, KAFKA-7703), asks again, `fetchOffset.numRetries` times at most, as Spark.
   */
  fetchLatest(known?: PartitionOffsets): Promise<Map<TpKey, number>> {
    return this.attempt('fetching latest offsets', async () => {
      for (let attempt = 1; ; attempt++) {
        const latest = await this.list(await this.discover(), () => LATEST)
        const wrong = known !== undefined && [...latest].some(([tp, o]) => o < (known.get(tp) ?? o))
        if (!wrong || attempt >= this.retry.attempts) return latest
        await (this.retry.timer ?? systemRetryTimer).sleep(this.retry.attemptIntervalMs, this.signal)
      }
    })
  }

  /** Resolves a starting (or, for batch reads, ending) spec to offsets of the partitions there now. */
  resolve(spec: KafkaOffsetSpec, position: 'starting' | 'ending'): Promise<Map<TpKey, number>> {
    return this.attempt(`fetching ${position} offsets`, async () => {
      const tps = await this.discover()
      if (spec.kind === 'earliest' || spec.kind === 'latest')
        return this.list(tps, () => (spec.kind === 'earliest' ? EARLIEST : LATEST))
      if (spec.kind === 'offsets') {
        checkAssigned(spec.offsets, tps, position)
        const ends = [...spec.offsets].filter(([, o]) => o === EARLIEST || o === LATEST).map(([tp]) => tp)
        const resolved = await this.list(ends, (tp) => spec.offsets.get(tp) as number)
        return new Map(tps.map((tp) => [tp, resolved.get(tp) ?? (spec.offsets.get(tp) as number)]))
      }
      const tsOf = (tp: TpKey) =>
        spec.kind === 'timestamp' ? spec.timestamp : (spec.timestamps.get(tp) as number)
      if (spec.kind === 'timestamps') checkAssigned(spec.timestamps, tps, position, true)
      const found = await this.list(tps, tsOf)
      const unmatched = tps.filter((tp) => (found.get(tp) ?? -1) < 0)
      if (unmatched.length > 0 && position === 'starting' && spec.onNoMatch === 'error') {
        const tp = unmatched[0]
        throw new SluiceError(
          'INVALID_OPTION',
          `No offset matched from request of topic-partition ${tpName(tp)} and timestamp ${tsOf(tp)}. Set option startingOffsetsByTimestampStrategy to 'latest' to start such partitions at their latest offset instead.`,
        )
      }
      const latest = await this.list(unmatched, () => LATEST)
      return new Map(tps.map((tp) => [tp, latest.get(tp) ?? (found.get(tp) as number)]))
    })
  }
}

/** null for the client's "Unknown topic" answer (a topic that does not exist); any other error is thrown. */
function unlessUnknownTopic(e: Error): null {
  if (/^Unknown topic /.test(e.message)) return null
  throw e
}

function checkAssigned(
  given: ReadonlyMap<TpKey, number>,
  assigned: readonly TpKey[],
  position: 'starting' | 'ending',
  byTimestamp = false,
): void {
  const same = given.size === assigned.length && assigned.every((tp) => given.has(tp))
  if (same) return
  const tail = `Specified: ${tpSet(given.keys())} Assigned: ${tpSet(assigned)}`
  throw new SluiceError(
    'INVALID_OPTION',
    byTimestamp
      ? `Partitions specified for Kafka timestamp based ${position} offsets don't match what are assigned. Maybe topic partitions are created or deleted while the query is running, or you didn't specify all the partitions. ${tail}`
      : `Partitions specified for Kafka ${position === 'starting' ? 'start' : 'end'} offsets don't match what are assigned. Maybe topic partitions are created or deleted while the query is running. Use -1 for latest, -2 for earliest. ${tail}`,
  )
}
