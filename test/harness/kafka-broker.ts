/**
 * A real Apache Kafka broker for tests (scripts/kafka-broker.mjs runs it from Maven Central's jars), and
 * small admin/produce/consume helpers built on `@platformatic/kafka`.
 *
 * `kafkaBroker()` is one broker shared by every test file and kept running between runs (port 39092, state
 * under the OS temp dir); tests give each of their topics a `uniqueTopic()` name. Tests that stop or restart
 * a broker take a `dedicatedKafkaBroker()` so they never pull the shared one from under other test files.
 * Set SLUICE_KAFKA_BOOTSTRAP to test against an already running broker instead.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Admin, Consumer, type Message, ProduceAcks, Producer } from '@platformatic/kafka'

const SCRIPT = fileURLToPath(new URL('../../scripts/kafka-broker.mjs', import.meta.url))
const SHARED_PORT = 39092
const run = promisify(execFile)

export interface KafkaBroker {
  readonly bootstrap: string
  readonly dir: string
  readonly port: number
  readonly controllerPort: number
  /** True for the broker that `kafkaBroker()` shares between test files. */
  readonly shared: boolean
}

export interface DedicatedKafkaBroker extends KafkaBroker {
  /** Stops the broker and deletes its state dir. */
  close(): Promise<void>
}

/** Runs the broker script with the test's own Node; returns its stdout, or throws with its stderr. */
async function script(command: string, broker: Omit<KafkaBroker, 'bootstrap' | 'shared'>): Promise<string> {
  const args = [
    SCRIPT,
    command,
    '--port',
    String(broker.port),
    '--controller-port',
    String(broker.controllerPort),
  ]
  try {
    const { stdout } = await run(process.execPath, [...args, '--dir', broker.dir], { maxBuffer: 1 << 24 })
    return stdout.trim()
  } catch (e) {
    const err = e as { stderr?: string; message: string }
    throw new Error(`kafka-broker.mjs ${command} failed: ${err.stderr?.trim() || err.message}`)
  }
}

let shared: Promise<KafkaBroker> | undefined

/**
 * Starts (or reuses) the shared test broker; concurrent test files wait on the script's start lock.
 *
 * @example
 * const { bootstrap } = await kafkaBroker()
 */
export function kafkaBroker(): Promise<KafkaBroker> {
  shared ??= startShared().catch((e) => {
    shared = undefined
    throw e
  })
  return shared
}

async function startShared(): Promise<KafkaBroker> {
  const external = process.env.SLUICE_KAFKA_BOOTSTRAP
  if (external) return { bootstrap: external, dir: '', port: 0, controllerPort: 0, shared: true }
  const where = {
    dir: join(tmpdir(), 'sluice-kafka-test'),
    port: SHARED_PORT,
    controllerPort: SHARED_PORT + 1,
  }
  return { ...where, bootstrap: await script('start', where), shared: true }
}

/**
 * Starts a private broker on free ports with a fresh state dir, for tests that stop or restart it.
 *
 * @example
 * const broker = await dedicatedKafkaBroker()
 * try { await restartBroker(broker) } finally { await broker.close() }
 */
export async function dedicatedKafkaBroker(): Promise<DedicatedKafkaBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-kafka-dedicated-'))
  const [port, controllerPort] = await freePorts(2)
  const where = { dir, port, controllerPort }
  const close = async () => {
    await script('stop', where)
    await rm(dir, { recursive: true, force: true })
  }
  try {
    return { ...where, bootstrap: await script('start', where), shared: false, close }
  } catch (e) {
    await close().catch(() => {})
    throw e
  }
}

/**
 * Stops a dedicated broker and starts it again on the same state dir and ports. By default it stops
 * cleanly (SIGTERM); `{ kill: true }` kills the JVM with SIGKILL first, as a crash would.
 *
 * @example
 * await restartBroker(broker, { kill: true }) // acknowledged records are still there afterwards
 */
export async function restartBroker(broker: KafkaBroker, options: { kill?: boolean } = {}): Promise<void> {
  if (broker.shared)
    throw new Error(
      'restartBroker needs a dedicatedKafkaBroker(): the shared one serves other test files too',
    )
  if (options.kill) await killBroker(broker.dir)
  await script('stop', broker)
  await script('start', broker)
}

async function killBroker(dir: string): Promise<void> {
  const pid = Number.parseInt(await readFile(join(dir, 'broker.pid'), 'utf8'), 10)
  process.kill(pid, 'SIGKILL')
  for (;;) {
    try {
      process.kill(pid, 0)
    } catch {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function freePorts(count: number): Promise<number[]> {
  // All listeners stay open until every port is known, so the ports differ from one another.
  const servers: Server[] = []
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer()
      servers.push(server)
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(0, '127.0.0.1', resolve)
      })
    }
    return servers.map((s) => (s.address() as { port: number }).port)
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  }
}

let topicCounter = 0

/**
 * A topic name no other test (or earlier run against the long-lived shared broker) has used.
 *
 * @example
 * uniqueTopic('orders') // 'orders-4711-m3x9k2-1'
 */
export function uniqueTopic(prefix: string): string {
  const safe = prefix.replace(/[^a-zA-Z0-9._-]/g, '_')
  return `${safe}-${process.pid}-${Date.now().toString(36)}-${++topicCounter}`
}

async function withAdmin<T>(bootstrap: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ clientId: 'sluice-test-admin', bootstrapBrokers: [bootstrap] })
  try {
    return await fn(admin)
  } finally {
    await admin.close()
  }
}

/**
 * Creates a topic and waits until every partition has a leader, so producing right away works.
 *
 * @example
 * await createTopic(bootstrap, topic, 3, { 'retention.ms': '1000' })
 */
export async function createTopic(
  bootstrap: string,
  name: string,
  partitions = 1,
  configs: Record<string, string> = {},
): Promise<void> {
  await withAdmin(bootstrap, async (admin) => {
    const configList = Object.entries(configs).map(([key, value]) => ({ name: key, value }))
    await admin.createTopics({ topics: [name], partitions, replicas: 1, configs: configList })
    for (;;) {
      const meta = await admin.metadata({ topics: [name], forceUpdate: true }).catch(() => undefined)
      const parts = meta?.topics.get(name)?.partitions ?? []
      if (parts.length === partitions && parts.every((p) => p.leader >= 0)) return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })
}

/**
 * Deletes a topic and waits until the broker no longer lists it.
 *
 * @example
 * await deleteTopic(bootstrap, topic)
 */
export async function deleteTopic(bootstrap: string, name: string): Promise<void> {
  await withAdmin(bootstrap, async (admin) => {
    await admin.deleteTopics({ topics: [name] })
    while ((await admin.listTopics()).includes(name)) await new Promise((resolve) => setTimeout(resolve, 50))
  })
}

/**
 * The names of the broker's topics, internal ones left out.
 *
 * @example
 * assert.ok((await listTopics(bootstrap)).includes(topic))
 */
export async function listTopics(bootstrap: string): Promise<string[]> {
  return withAdmin(bootstrap, (admin) => admin.listTopics())
}

/** A record to produce; strings are written as UTF-8. Header keys may repeat, as Kafka allows. */
export interface ProduceRecord {
  readonly key?: string | Uint8Array | null
  readonly value: string | Uint8Array | null
  readonly partition?: number
  /** Epoch milliseconds; the producer's clock when absent. */
  readonly timestamp?: number
  readonly headers?: readonly (readonly [string, string | Uint8Array])[]
}

// An idempotent @platformatic/kafka producer retries forever unless told otherwise, so a missing topic would
// hang the test instead of failing it. 30 x 100 ms rides out a fresh broker's first InitProducerId failure.
const IDEMPOTENT_RETRIES = 30
const RETRY_DELAY_MS = 100

const bytes = (v: string | Uint8Array): Buffer => (typeof v === 'string' ? Buffer.from(v) : Buffer.from(v))

function toMessage(topic: string, r: ProduceRecord) {
  // Distinct Buffer objects as Map keys keep repeated header keys apart.
  const headers = new Map<Buffer, Buffer>((r.headers ?? []).map(([k, v]) => [bytes(k), bytes(v)]))
  return {
    topic,
    key: r.key == null ? undefined : bytes(r.key),
    value: r.value == null ? undefined : bytes(r.value),
    partition: r.partition,
    timestamp: r.timestamp === undefined ? undefined : BigInt(r.timestamp),
    headers,
  }
}

/**
 * Produces records with an idempotent producer (acks=all); resolves once the broker has them.
 *
 * @example
 * await produce(bootstrap, topic, [{ key: 'k', value: 'v', headers: [['h', '1']] }])
 */
export async function produce(
  bootstrap: string,
  topic: string,
  records: readonly ProduceRecord[],
): Promise<void> {
  const producer = new Producer({
    clientId: 'sluice-test-producer',
    bootstrapBrokers: [bootstrap],
    idempotent: true,
    retries: IDEMPOTENT_RETRIES,
    retryDelay: RETRY_DELAY_MS,
  })
  const before = await endOffsetTotal(bootstrap, topic).catch(() => 0)
  try {
    await producer.send({ messages: records.map((r) => toMessage(topic, r)), acks: ProduceAcks.ALL })
  } finally {
    await producer.close()
  }
  await waitForEndOffsets(bootstrap, topic, before + records.length)
}

// The records of partitions the broker reports for `topic`: the sum of their high watermarks (0 while the
// topic has no partitions yet).
async function endOffsetTotal(bootstrap: string, topic: string): Promise<number> {
  return withAdmin(bootstrap, async (admin) => {
    const meta = await admin.metadata({ topics: [topic], forceUpdate: true })
    const count = meta.topics.get(topic)?.partitionsCount ?? 0
    if (count === 0) return 0
    const partitions = Array.from({ length: count }, (_, partitionIndex) => ({
      partitionIndex,
      timestamp: -1n,
    }))
    const listed = await admin.listOffsets({ topics: [{ name: topic, partitions }], isolationLevel: 0 })
    let total = 0
    for (const t of listed) for (const p of t.partitions) total += Number(p.offset)
    return total
  })
}

// Read-your-writes for the tests: a send acknowledged with acks=all once returned before a fresh consumer's
// ListOffsets saw the records (CI, under load), so a test read an empty topic. Waiting here until the high
// watermarks count the records makes every later read see them.
async function waitForEndOffsets(bootstrap: string, topic: string, total: number): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const seen = await endOffsetTotal(bootstrap, topic).catch(() => -1)
    if (seen >= total) return
    if (Date.now() >= deadline)
      throw new Error(`produce(${topic}): the broker shows ${seen} of ${total} records`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * Produces records in one transaction, then commits or aborts it.
 *
 * @example
 * await produceTransaction(bootstrap, topic, [{ value: 'never seen by read_committed' }], 'abort')
 */
export async function produceTransaction(
  bootstrap: string,
  topic: string,
  records: readonly ProduceRecord[],
  outcome: 'commit' | 'abort',
): Promise<void> {
  const producer = new Producer({
    clientId: 'sluice-test-tx-producer',
    bootstrapBrokers: [bootstrap],
    transactionalId: uniqueTopic('sluice-test-tx'),
    idempotent: true,
    retries: IDEMPOTENT_RETRIES,
    retryDelay: RETRY_DELAY_MS,
  })
  try {
    const tx = await producer.beginTransaction()
    await tx.send({ messages: records.map((r) => toMessage(topic, r)), acks: ProduceAcks.ALL })
    await (outcome === 'commit' ? tx.commit() : tx.abort())
  } finally {
    await producer.close()
  }
  await waitForTransactions(bootstrap, topic)
}

/**
 * Waits until no transaction is open on `topic`: every partition's last stable offset has reached its
 * high watermark. Kafka answers a commit or abort before it writes the markers to the partitions, and only
 * the markers move the last stable offset, which bounds what read_committed readers see.
 *
 * @example
 * await waitForTransactions(bootstrap, topic) // read_committed readers now see the outcome
 */
export async function waitForTransactions(
  bootstrap: string,
  topic: string,
  timeoutMs = 30_000,
): Promise<void> {
  const consumer = new Consumer({
    clientId: 'sluice-test-offsets',
    groupId: uniqueTopic('sluice-test-offsets'),
    bootstrapBrokers: [bootstrap],
  })
  try {
    const { stable, high } = await settledOffsets(consumer, topic, timeoutMs)
    if (stable.some((offset, p) => offset !== high[p]))
      throw new Error(
        `a transaction stays open on ${topic}: stable offsets ${stable}, high watermarks ${high}`,
      )
  } finally {
    await consumer.close(true)
  }
}

/** Last stable offsets and high watermarks, once they agree or when `timeoutMs` has passed. */
async function settledOffsets(consumer: Consumer, topic: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const stable = (await consumer.listOffsets({ topics: [topic], isolationLevel: 1 })).get(topic) ?? []
    const high = (await consumer.listOffsets({ topics: [topic], isolationLevel: 0 })).get(topic) ?? []
    if (stable.every((offset, p) => offset === high[p]) || Date.now() >= deadline) return { stable, high }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** A consumed record; key, value and header values decoded as UTF-8, headers in order with repeats. */
export interface ConsumedRecord {
  readonly partition: number
  readonly offset: number
  readonly timestamp: number
  readonly key: string | null
  readonly value: string | null
  readonly headers: readonly (readonly [string, string])[]
}

export interface ConsumeAllOptions {
  /** Kafka's consumer default, read_uncommitted, when absent. */
  readonly isolationLevel?: 'read_committed' | 'read_uncommitted'
  /**
   * read_committed only: how long to let open transactions finish (their markers land just after the
   * commit returns) before reading up to the last stable offset as it then is. 5 s when absent.
   */
  readonly settleMs?: number
}

type Ends = Map<number, bigint>

/**
 * Reads every record of `topic` up to its end offsets, sorted by partition then offset. The end is the
 * high watermark as of the call, or for read_committed the last stable offset once open transactions have
 * finished (waiting up to `settleMs`; a transaction left open, e.g. by a killed producer, stays unread).
 *
 * @example
 * const records = await consumeAll(bootstrap, topic, { isolationLevel: 'read_committed' })
 */
export async function consumeAll(
  bootstrap: string,
  topic: string,
  options: ConsumeAllOptions = {},
): Promise<ConsumedRecord[]> {
  const isolationLevel = options.isolationLevel === 'read_committed' ? 1 : 0
  const consumer = new Consumer({
    clientId: 'sluice-test-consumer',
    groupId: uniqueTopic('sluice-test-reader'),
    bootstrapBrokers: [bootstrap],
    maxWaitTime: 100,
    isolationLevel,
  })
  try {
    const settleMs = isolationLevel === 1 ? (options.settleMs ?? 5_000) : 0
    const { stable, high } = await settledOffsets(consumer, topic, settleMs)
    const ends = isolationLevel === 1 ? stable : high
    const starts = (await consumer.listOffsets({ topics: [topic], timestamp: -2n })).get(topic) ?? []
    const pending: Ends = new Map()
    for (const [p, end] of ends.entries()) if (end > starts[p]) pending.set(p, end)
    const out = pending.size === 0 ? [] : await readUpTo(consumer, topic, isolationLevel, pending)
    return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset)
  } finally {
    await consumer.close(true)
  }
}

async function readUpTo(consumer: Consumer, topic: string, isolationLevel: number, pending: Ends) {
  const ends: Ends = new Map(pending)
  const stream = await consumer.consume({
    topics: [topic],
    mode: 'earliest',
    autocommit: false,
    isolationLevel,
  })
  const out = new Map<string, ConsumedRecord>()
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`consumeAll(${topic}) stuck; unread: ${[...pending]}`)),
        60_000,
      )
      // Keyed by position: a group rejoin rewinds the stream to the earliest offsets and delivers again.
      stream.on('data', (m) => {
        if (m.offset < (ends.get(m.partition) ?? 0n)) out.set(`${m.partition}:${m.offset}`, toConsumed(m))
      })
      // 'fetch' fires as the next fetch answers, after the previous answer's records were all pushed. The
      // position then counts control and aborted records too, which no message would reveal.
      stream.on('fetch', () => {
        for (const [p, end] of pending)
          if ((stream.offsetsToFetch.get(`${topic}:${p}`) ?? 0n) >= end) pending.delete(p)
        if (pending.size === 0) resolve(clearTimeout(timer))
      })
      stream.on('error', reject)
    })
  } finally {
    await stream.close()
  }
  return [...out.values()]
}

const text = (b: Buffer | undefined): string | null => (b === undefined ? null : b.toString('utf8'))

function toConsumed(m: Message): ConsumedRecord {
  return {
    partition: m.partition,
    offset: Number(m.offset),
    timestamp: Number(m.timestamp),
    key: text(m.key),
    value: text(m.value),
    headers: [...m.headers].map(([k, v]) => [k.toString('utf8'), v?.toString('utf8') ?? ''] as const),
  }
}
