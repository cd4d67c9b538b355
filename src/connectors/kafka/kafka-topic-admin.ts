/**
 * Kafka topic administration over `@platformatic/kafka`'s Admin client: create, list, describe and
 * delete topics (the `sluice kafka topics` command), and the Kafka sink's `createTopics` option.
 * Kafka's refusals become SluiceErrors naming the topic and what to do: an existing topic
 * (TOPIC_ALREADY_EXISTS), a missing one (TOPIC_NOT_FOUND), a partition count or replication factor
 * the cluster cannot have, or a topic config it does not know (INVALID_ARGUMENT).
 */
import { Admin } from '@platformatic/kafka'
import { SluiceError, suggest } from '../../errors.ts'
import { type RetryTimer, systemRetryTimer } from '../../io/clock.ts'
import type { KafkaConnectionOptions } from './kafka-client.ts'
import { describeKafkaError, leafErrors } from './kafka-retry.ts'

/** A topic to create; absent partitions or replication factor take the broker's defaults. */
export interface KafkaTopicSpec {
  readonly name: string
  readonly partitions?: number
  readonly replicationFactor?: number
  /** Topic configs (Kafka's names, e.g. `cleanup.policy`, `retention.ms`). */
  readonly configs?: Readonly<Record<string, string>>
}

/** One partition of a described topic. */
export interface KafkaPartitionDescription {
  readonly partition: number
  readonly leader: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
}

/** What `describeKafkaTopics` tells about a topic. */
export interface KafkaTopicDescription {
  readonly name: string
  readonly id: string
  readonly partitions: readonly KafkaPartitionDescription[]
  readonly replicationFactor: number
  /** The configs set on the topic itself (not the broker's defaults). */
  readonly configs: Readonly<Record<string, string>>
}

// Kafka 4's topic-level configs (TopicConfig), used only to name the unknown ones in an error.
const TOPIC_CONFIGS: readonly string[] = Object.freeze(
  [
    'cleanup.policy compression.type compression.gzip.level compression.lz4.level compression.zstd.level',
    'delete.retention.ms file.delete.delay.ms flush.messages flush.ms index.interval.bytes',
    'follower.replication.throttled.replicas leader.replication.throttled.replicas',
    'local.retention.bytes local.retention.ms max.compaction.lag.ms max.message.bytes',
    'message.timestamp.after.max.ms message.timestamp.before.max.ms message.timestamp.type',
    'min.cleanable.dirty.ratio min.compaction.lag.ms min.insync.replicas preallocate',
    'remote.log.copy.disable remote.log.delete.on.disable remote.storage.enable retention.bytes',
    'retention.ms segment.bytes segment.index.bytes segment.jitter.ms segment.ms',
    'unclean.leader.election.enable',
  ]
    .join(' ')
    .split(' '),
)

const TOPIC_RESOURCE = 2 // DescribeConfigs resource type of a topic
const DYNAMIC_TOPIC_CONFIG = 1 // config source: set on the topic itself

function apiIdOf(e: unknown): string | undefined {
  for (const l of leafErrors(e)) {
    const id = (l as { apiId?: unknown }).apiId
    if (typeof id === 'string') return id
  }
  return undefined
}

function checkCount(topic: string, what: string, n: number | undefined): void {
  if (n === undefined || (Number.isSafeInteger(n) && n >= 1 && n <= 2147483647)) return
  throw new SluiceError(
    'INVALID_ARGUMENT',
    `Cannot create Kafka topic '${topic}': ${what} must be a whole number >= 1, not ${n}.`,
  )
}

/** The SluiceError for Kafka's refusal to create `spec`. */
function createFailed(spec: KafkaTopicSpec, e: unknown): SluiceError {
  const topic = spec.name
  const cannot = `Cannot create Kafka topic '${topic}'`
  switch (apiIdOf(e)) {
    case 'TOPIC_ALREADY_EXISTS':
      return new SluiceError(
        'TOPIC_ALREADY_EXISTS',
        `${cannot}: it already exists. Use it as it is, delete it first (sluice kafka topics delete ${topic}), or pass --if-not-exists.`,
      )
    case 'INVALID_PARTITIONS':
      return new SluiceError(
        'INVALID_ARGUMENT',
        `${cannot}: the brokers refused ${spec.partitions} partitions (${describeKafkaError(e)}). Give a partition count >= 1.`,
      )
    case 'INVALID_REPLICATION_FACTOR':
      return new SluiceError(
        'INVALID_ARGUMENT',
        `${cannot}: replication factor ${spec.replicationFactor} is below 1 or larger than the number of brokers. Give at most as many replicas as the cluster has brokers.`,
      )
    case 'INVALID_CONFIG':
      return invalidConfig(cannot, spec.configs ?? {})
    case 'INVALID_TOPIC_EXCEPTION':
      return new SluiceError(
        'INVALID_ARGUMENT',
        `${cannot}: the name is not a legal Kafka topic name (ASCII letters, digits, '.', '_' and '-', at most 249 characters).`,
      )
    default:
      return new SluiceError('SOURCE_UNAVAILABLE', `${cannot}: ${describeKafkaError(e)}`, { cause: e })
  }
}

function invalidConfig(cannot: string, configs: Readonly<Record<string, string>>): SluiceError {
  const unknown = Object.keys(configs).filter((k) => !TOPIC_CONFIGS.includes(k))
  if (unknown.length > 0) {
    const close = suggest(unknown[0], TOPIC_CONFIGS)
    const hint = close.length > 0 ? ` Did you mean '${close[0]}'?` : ''
    return new SluiceError(
      'INVALID_ARGUMENT',
      `${cannot}: unknown topic config '${unknown[0]}'.${hint} Topic configs are Kafka's, e.g. cleanup.policy, retention.ms, min.insync.replicas.`,
    )
  }
  const given = Object.entries(configs)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')
  return new SluiceError(
    'INVALID_ARGUMENT',
    `${cannot}: the brokers refused its configs (${given}); check each value against Kafka's topic config documentation.`,
  )
}

/**
 * Creates each topic; with `ifNotExists`, an existing topic is left as it is. Returns the names
 * created, once the cluster's metadata lists each of them with a leader for every partition (Kafka's
 * CreateTopics answers when the controller has accepted a topic, before the brokers serve it), so a
 * `list` or a produce right after sees it. Gives up waiting after `waitMs` (10 s) and returns anyway.
 *
 * @example
 * await createKafkaTopics(admin, [{ name: 'bids', partitions: 3, configs: { 'retention.ms': '86400000' } }])
 */
export async function createKafkaTopics(
  admin: Admin,
  specs: readonly KafkaTopicSpec[],
  options: { readonly ifNotExists?: boolean; readonly timer?: RetryTimer; readonly waitMs?: number } = {},
): Promise<string[]> {
  const created = await createEach(admin, specs, options.ifNotExists ?? false)
  const timer = options.timer ?? systemRetryTimer
  const until = timer.elapsedMs() + (options.waitMs ?? 10_000)
  while (!(await allServed(admin, created)) && timer.elapsedMs() < until) await timer.sleep(50)
  return created
}

async function allServed(admin: Admin, names: readonly string[]): Promise<boolean> {
  if (names.length === 0) return true
  const meta = await admin.metadata({ topics: [...names], forceUpdate: true }).catch(() => undefined)
  if (meta === undefined) return false
  const listed = new Set(await admin.listTopics().catch(() => []))
  return names.every((n) => {
    const parts = meta.topics.get(n)?.partitions ?? []
    return listed.has(n) && parts.length > 0 && parts.every((p) => p.leader >= 0)
  })
}

async function createEach(admin: Admin, specs: readonly KafkaTopicSpec[], ifNotExists: boolean) {
  const created: string[] = []
  // One request per topic: its answer names that topic's error only.
  for (const spec of specs) {
    checkCount(spec.name, 'the partition count', spec.partitions)
    checkCount(spec.name, 'the replication factor', spec.replicationFactor)
    try {
      await admin.createTopics({
        topics: [spec.name],
        partitions: spec.partitions ?? -1,
        replicas: spec.replicationFactor ?? -1,
        configs: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
      })
      created.push(spec.name)
    } catch (e) {
      const error = createFailed(spec, e)
      if (!(ifNotExists && error.code === 'TOPIC_ALREADY_EXISTS')) throw error
    }
  }
  return created
}

/**
 * The topic names on the cluster, sorted; internal topics (`__consumer_offsets`, ...) only when asked.
 *
 * @example
 * await listKafkaTopics(admin) // ['bids', 'people']
 */
export async function listKafkaTopics(
  admin: Admin,
  options: { readonly includeInternal?: boolean } = {},
): Promise<string[]> {
  const names = await admin.listTopics({ includeInternals: options.includeInternal ?? false })
  return names.filter((n) => options.includeInternal || !n.startsWith('__')).sort()
}

function notFound(topic: string, what: string): SluiceError {
  return new SluiceError(
    'TOPIC_NOT_FOUND',
    `Cannot ${what} Kafka topic '${topic}': it does not exist. List the topics with sluice kafka topics list.`,
  )
}

/**
 * Partitions, leaders, replicas and the topic's own configs for each topic.
 *
 * @example
 * const [d] = await describeKafkaTopics(admin, ['bids'])
 * d.partitions.length // 3
 */
export async function describeKafkaTopics(
  admin: Admin,
  topics: readonly string[],
): Promise<KafkaTopicDescription[]> {
  const out: KafkaTopicDescription[] = []
  for (const name of topics) {
    const meta = await admin.metadata({ topics: [name] }).catch((e: unknown) => {
      if (leafErrors(e).some((l) => String(l.message).startsWith('Unknown topic')))
        throw notFound(name, 'describe')
      throw e
    })
    const topic = meta.topics.get(name)
    if (topic === undefined) throw notFound(name, 'describe')
    const [described] = await admin.describeConfigs({
      resources: [{ resourceType: TOPIC_RESOURCE, resourceName: name, configurationKeys: [] }],
    })
    const configs: Record<string, string> = {}
    for (const c of described?.configs ?? [])
      if (c.configSource === DYNAMIC_TOPIC_CONFIG && typeof c.value === 'string') configs[c.name] = c.value
    const partitions = topic.partitions.map((p, partition) => ({
      partition,
      leader: p.leader,
      replicas: [...p.replicas],
      isr: [...p.isr],
    }))
    out.push({
      name,
      id: topic.id,
      partitions,
      replicationFactor: partitions[0]?.replicas.length ?? 0,
      configs,
    })
  }
  return out
}

/**
 * Deletes each topic; with `ifExists`, a missing topic is skipped. Returns the names deleted.
 *
 * @example
 * await deleteKafkaTopics(admin, ['bids'])
 */
export async function deleteKafkaTopics(
  admin: Admin,
  topics: readonly string[],
  options: { readonly ifExists?: boolean } = {},
): Promise<string[]> {
  const deleted: string[] = []
  for (const name of topics) {
    try {
      await admin.deleteTopics({ topics: [name] })
      deleted.push(name)
    } catch (e) {
      if (apiIdOf(e) !== 'UNKNOWN_TOPIC_OR_PARTITION')
        throw new SluiceError(
          'SOURCE_UNAVAILABLE',
          `Cannot delete Kafka topic '${name}': ${describeKafkaError(e)}`,
          {
            cause: e,
          },
        )
      if (!options.ifExists) throw notFound(name, 'delete')
    }
  }
  return deleted
}

/**
 * Creates the Kafka sink's missing output topics (its `createTopics` option), each once per sink:
 * a topic that exists, or that another writer creates first, is used as it is.
 *
 * @example
 * const creator = new KafkaTopicCreator(connection, { partitions: 3, configs: {} })
 * await creator.ensure(['out'])
 */
export class KafkaTopicCreator {
  private readonly connection: KafkaConnectionOptions
  private readonly creation: Omit<KafkaTopicSpec, 'name'>
  private readonly ready = new Set<string>()

  constructor(connection: KafkaConnectionOptions, creation: Omit<KafkaTopicSpec, 'name'>) {
    this.connection = connection
    this.creation = creation
  }

  /** Creates those of `topics` not yet ensured that do not exist. */
  async ensure(topics: Iterable<string>): Promise<void> {
    const missing = [...new Set(topics)].filter((t) => !this.ready.has(t))
    if (missing.length === 0) return
    const admin = new Admin({ ...this.connection, retries: 3 })
    try {
      const specs = missing.map((name) => ({ ...this.creation, name }))
      await createKafkaTopics(admin, specs, { ifNotExists: true })
    } finally {
      await admin.close()
    }
    for (const t of missing) this.ready.add(t)
  }
}
