/**
 * The raw @platformatic/kafka side of the Kafka benchmark (bench/kafka.ts): the same transformation
 * as the Sluice query (`JSON.parse`, `price > 100000`, four fields, `JSON.stringify`) with the client
 * alone, in two ways of reading:
 *
 * - `rawFetchPipeline`: Fetch requests to the partitions' leader at explicit offsets, as Sluice's
 *   source reads (no consumer group), the next fetch in flight while a batch is transformed and sent.
 *   The ceiling.
 * - `rawStreamPipeline`: the client's consumer stream (`consume`, mode earliest), one Message object
 *   per record, as most applications read.
 *
 * Both produce with an idempotent acks=all producer, in requests of at most 1 MiB sent one after
 * another, as Sluice's sink cuts and sends them.
 */
import {
  Consumer,
  type fetchV17,
  type Message,
  MessagesStreamModes,
  ProduceAcks,
  Producer,
} from '@platformatic/kafka'
import type { StepProgress } from './deadline.ts'

export const PRICE_THRESHOLD = 100_000
// The sink's default kafka.max.request.size, and its estimate of a record's size in a request.
const MAX_REQUEST_BYTES = 1_048_576
const RECORD_OVERHEAD = 24
// Sluice's source's fetch settings (Kafka's consumer defaults).
const FETCH = { maxWaitTime: 500, minBytes: 1, maxBytes: 52_428_800, partitionMaxBytes: 1_048_576 }

/** Next offset to read per partition -> the input's end offset. */
export type EndOffsets = ReadonlyMap<number, bigint>

/** How a benchmark run stops a pipeline that overran its time limit, and sees how far it got. */
export interface PipelineControl {
  readonly signal?: AbortSignal
  /** `done` counts the input records read. */
  readonly progress?: StepProgress
}

/** Closes the clients when `signal` fires, so a stalled fetch or send rejects instead of hanging. */
function closeOnAbort(signal: AbortSignal | undefined, ...close: (() => unknown)[]): void {
  signal?.addEventListener('abort', () => {
    for (const c of close)
      Promise.resolve()
        .then(c)
        .catch(() => undefined)
  })
}

/**
 * The output JSON of one input bid, or null when the filter drops it; what both sides write.
 *
 * @example
 * transformBid('{"auction":1,"bidder":2,"price":5,"dateTime":"..."}') // null (price <= 100000)
 */
export function transformBid(json: string): string | null {
  const b = JSON.parse(json)
  if (!(b.price > PRICE_THRESHOLD)) return null
  return JSON.stringify({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime })
}

/** Collects output records into requests of at most 1 MiB and sends each when the next would overflow. */
class Batcher {
  private readonly producer: Producer
  private readonly topic: string
  private chunk: { topic: string; value: Buffer }[] = []
  private bytes = 0

  constructor(bootstrap: string, topic: string) {
    this.topic = topic
    this.producer = new Producer({
      clientId: 'sluice-bench-raw',
      bootstrapBrokers: [bootstrap],
      idempotent: true,
      acks: ProduceAcks.ALL,
    })
  }

  /** Adds one record; resolves at once unless a full request had to be sent first. */
  add(json: string): Promise<unknown> | undefined {
    const value = Buffer.from(json)
    const size = RECORD_OVERHEAD + value.length
    let sent: Promise<unknown> | undefined
    if (this.chunk.length > 0 && this.bytes + size > MAX_REQUEST_BYTES) sent = this.flush()
    this.chunk.push({ topic: this.topic, value })
    this.bytes += size
    return sent
  }

  flush(): Promise<unknown> {
    const messages = this.chunk
    this.chunk = []
    this.bytes = 0
    return messages.length === 0 ? Promise.resolve() : this.producer.send({ messages })
  }

  close(): Promise<void> {
    return this.producer.close()
  }
}

const consumerOf = (bootstrap: string, group: string) =>
  new Consumer({
    clientId: 'sluice-bench-raw',
    groupId: group,
    bootstrapBrokers: [bootstrap],
    maxWaitTime: FETCH.maxWaitTime,
    maxBytes: FETCH.maxBytes,
    maxBytesPerPartition: FETCH.partitionMaxBytes,
    isolationLevel: 0,
  })

/**
 * Reads `input` from offset 0 to `ends` with Fetch requests, transforms, produces to `output`.
 *
 * @example
 * await rawFetchPipeline('127.0.0.1:39192', { input: 'bids', output: 'out' }, new Map([[0, 1000n]]))
 */
export async function rawFetchPipeline(
  bootstrap: string,
  topics: { readonly input: string; readonly output: string },
  ends: EndOffsets,
  control: PipelineControl = {},
): Promise<void> {
  const { input, output } = topics
  const consumer = consumerOf(bootstrap, `sluice-bench-raw-${output}`)
  const out = new Batcher(bootstrap, output)
  closeOnAbort(
    control.signal,
    () => consumer.close(true),
    () => out.close(),
  )
  try {
    const topic = (await consumer.metadata({ topics: [input] })).topics.get(input)
    if (topic === undefined) throw new Error(`Kafka bench: topic ${input} has no metadata`)
    const next = new Map([...ends.keys()].map((p) => [p, 0n]))
    const fetchRound = (): Promise<fetchV17.FetchResponse> | null => {
      const parts = [...next].filter(([p, offset]) => offset < (ends.get(p) ?? 0n))
      if (parts.length === 0) return null
      // One broker here; with several, this would be one request per leader.
      const partitions = parts.map(([partition, offset]) => ({
        partition,
        fetchOffset: offset,
        currentLeaderEpoch: -1,
        lastFetchedEpoch: -1,
        partitionMaxBytes: FETCH.partitionMaxBytes,
      }))
      const node = topic.partitions[parts[0][0]].leader
      return consumer.fetch({
        ...FETCH,
        node,
        topics: [{ topicId: topic.id, partitions }],
        isolationLevel: 0,
      })
    }
    for (let pending = fetchRound(); pending !== null; ) {
      const answer = await pending
      control.signal?.throwIfAborted()
      for (const p of answer.responses[0]?.partitions ?? []) {
        // An error answer carries no records: refetching would spin forever.
        if (p.errorCode !== 0)
          throw new Error(
            `Kafka bench: fetch of ${input}[${p.partitionIndex}] failed with error code ${p.errorCode}`,
          )
        const last = p.records?.at(-1)
        if (last !== undefined)
          next.set(p.partitionIndex, last.firstOffset + BigInt(last.lastOffsetDelta) + 1n)
      }
      pending = fetchRound()
      for (const p of answer.responses[0]?.partitions ?? [])
        for (const batch of p.records ?? [])
          for (const r of batch.records) {
            if (control.progress !== undefined) control.progress.done++
            const json = transformBid((r.value as Buffer).toString())
            const sent = json === null ? undefined : out.add(json)
            if (sent !== undefined) await sent
          }
    }
    await out.flush()
  } finally {
    await consumer.close(true)
    await out.close()
  }
}

/**
 * Reads `input` with the client's consumer stream from the earliest offsets up to `ends`,
 * transforms, produces to `output`; returns how many records the stream delivered twice.
 *
 * @example
 * await rawStreamPipeline('127.0.0.1:39192', { input: 'bids', output: 'out' }, new Map([[0, 1000n]]))
 */
export async function rawStreamPipeline(
  bootstrap: string,
  topics: { readonly input: string; readonly output: string },
  ends: EndOffsets,
  control: PipelineControl = {},
): Promise<number> {
  const { input, output } = topics
  const consumer = consumerOf(bootstrap, `sluice-bench-raw-${output}`)
  const out = new Batcher(bootstrap, output)
  closeOnAbort(
    control.signal,
    () => consumer.close(true),
    () => out.close(),
  )
  const left = new Map([...ends].filter(([, end]) => end > 0n))
  // The stream rewinds to the earliest offsets when the consumer (re)joins its group, which its first
  // join can do after the first fetch: records before a partition's next offset were seen already.
  const next = new Map([...ends.keys()].map((p) => [p, 0n]))
  let redelivered = 0
  const stream = await consumer.consume({
    topics: [input],
    mode: MessagesStreamModes.EARLIEST,
    autocommit: false,
  })
  closeOnAbort(control.signal, () => stream.close())
  try {
    for await (const m of stream as AsyncIterable<Message>) {
      if (m.offset < (next.get(m.partition) ?? 0n)) {
        redelivered++
        continue
      }
      next.set(m.partition, m.offset + 1n)
      if (control.progress !== undefined) control.progress.done++
      const json = transformBid(m.value.toString())
      const sent = json === null ? undefined : out.add(json)
      if (sent !== undefined) await sent
      if (m.offset + 1n >= (left.get(m.partition) ?? 0n) && left.delete(m.partition) && left.size === 0) break
    }
    // The stream can also end (closed on abort) before every partition reached its end.
    control.signal?.throwIfAborted()
    if (left.size > 0) throw new Error(`Kafka bench: the consumer stream of ${input} ended early`)
    await out.flush()
  } finally {
    await stream.close().catch(() => undefined)
    await consumer.close(true)
    await out.close()
  }
  return redelivered
}

/**
 * Produces `values` round-robin over `partitions` partitions (untimed); returns their bytes.
 *
 * @example
 * await produceInput('127.0.0.1:39192', 'bids', ['{"price":1}'], 4) // 11
 */
export async function produceInput(
  bootstrap: string,
  topic: string,
  values: readonly string[],
  partitions: number,
): Promise<number> {
  // Idempotent: a plain producer's retry on a fresh broker wrote one partition's records twice.
  const producer = new Producer({
    clientId: 'sluice-bench-input',
    bootstrapBrokers: [bootstrap],
    idempotent: true,
    retries: 30,
    retryDelay: 100,
  })
  let bytes = 0
  try {
    for (let i = 0; i < values.length; i += 5_000) {
      const messages = values.slice(i, i + 5_000).map((v, j) => {
        const value = Buffer.from(v)
        bytes += value.length
        return { topic, value, partition: (i + j) % partitions }
      })
      await producer.send({ messages, acks: ProduceAcks.ALL })
    }
  } finally {
    await producer.close()
  }
  return bytes
}

/**
 * The topic's end offsets, checked to hold `count` records in all (a short or duplicated input would
 * make every variant's answer wrong alike).
 *
 * @example
 * await inputEnds('127.0.0.1:39192', 'bids', 1000) // Map { 0 => 250n, 1 => 250n, ... }
 */
export async function inputEnds(bootstrap: string, topic: string, count: number): Promise<EndOffsets> {
  const consumer = consumerOf(bootstrap, 'sluice-bench-offsets')
  try {
    const ends = (await consumer.listOffsets({ topics: [topic] })).get(topic) ?? []
    const total = ends.reduce((a, b) => a + b, 0n)
    if (total !== BigInt(count))
      throw new Error(`Kafka bench: topic ${topic} holds ${total} records, expected ${count}.`)
    return new Map(ends.map((end, p) => [p, end]))
  } finally {
    await consumer.close()
  }
}
