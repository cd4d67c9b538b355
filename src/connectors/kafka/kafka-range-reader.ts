/**
 * Reads exactly the records with offsets in [from, until) of each partition, by explicit partition
 * and offset (Kafka Fetch requests to each partition's leader, no consumer group), so the same
 * ranges always give the same rows. As Spark's KafkaDataConsumer: gaps inside the log (compaction,
 * transaction markers, aborted transactions under read_committed) are skipped silently; offsets that
 * are no longer in Kafka (retention, deleteRecords, a deleted topic) are data loss — an error with
 * `failOnDataLoss`, else skipped and counted.
 */
import { Consumer, type fetchV17, type KafkaRecord, type RecordsBatch } from '@platformatic/kafka'
import { SluiceError } from '../../errors.ts'
import { systemRetryTimer } from '../../io/clock.ts'
import type { KafkaConnectionOptions } from './kafka-client.ts'
import { type DataLossCounter, reportDataLoss } from './kafka-errors.ts'
import { type FetchAnswer, type FetchPart, nextOffsets, sendFetch } from './kafka-fetch-ahead.ts'
import { type TpKey, tpName, tpOf } from './kafka-json.ts'
import { type KafkaRetryPolicy, withKafkaRetry } from './kafka-retry.ts'
import { AbortedTransactions, recordRow } from './kafka-rows.ts'
import type { KafkaFetchSettings } from './kafka-source-settings.ts'

/** Offsets [from, until) of one partition. */
export interface OffsetRange {
  readonly tp: TpKey
  readonly from: number
  readonly until: number
}

export interface RangeReaderSettings {
  readonly connection: KafkaConnectionOptions
  readonly fetch: KafkaFetchSettings
  readonly retry: KafkaRetryPolicy
  readonly pollTimeoutMs: number
  readonly failOnDataLoss: boolean
  readonly includeHeaders: boolean
  readonly signal?: AbortSignal
}

export interface Cursor {
  readonly tp: TpKey
  readonly topic: string
  readonly partition: number
  next: number
  readonly until: number
  readonly rows: unknown[][]
  lastProgressMs: number
}

type PartitionAnswer = fetchV17.FetchResponsePartition

const OFFSET_OUT_OF_RANGE = 1
const retriable = (message: string) => Object.assign(new Error(message), { canRetry: true })

export class KafkaRangeReader {
  private readonly s: RangeReaderSettings
  private readonly consumer: Consumer
  private freshMetadata = true

  constructor(settings: RangeReaderSettings) {
    this.s = settings
    const c = settings.connection
    this.consumer = new Consumer({
      ...c,
      clientId: `${c.clientId}-reader`,
      groupId: `${c.clientId}-no-group`,
    })
  }

  async close(): Promise<void> {
    await this.consumer.close().catch(() => undefined)
  }

  /**
   * The rows of `ranges`, partition after partition in the order given, each in offset order.
   *
   * @example
   * const rows = await reader.read([{ tp: 'orders:0', from: 5, until: 10 }], { dataLoss: 0, offsetOutOfRange: 0 })
   */
  /** The retry timer's time: a partition's poll timeout is real time, as its retries are. */
  private elapsedMs(): number {
    return (this.s.retry.timer ?? systemRetryTimer).elapsedMs()
  }

  async read(ranges: readonly OffsetRange[], counter: DataLossCounter): Promise<unknown[][]> {
    const each = await this.readEach(ranges, counter)
    return each.length === 1 ? each[0] : each.flat()
  }

  /**
   * The rows of each of `ranges`, one list per range in the order given, each in offset order;
   * failures are retried per `retry` (the reader's policy unless given).
   *
   * @example
   * const [a, b] = await reader.readEach([{ tp: 'orders:0', from: 5, until: 10 }, { tp: 'orders:1', from: 0, until: 3 }], counter)
   */
  async readEach(
    ranges: readonly OffsetRange[],
    counter: DataLossCounter,
    retry: KafkaRetryPolicy = this.s.retry,
  ): Promise<unknown[][][]> {
    const now = this.elapsedMs()
    const cursors: Cursor[] = ranges.map((r) => ({
      ...tpOf(r.tp),
      tp: r.tp,
      next: r.from,
      until: r.until,
      rows: [],
      lastProgressMs: now,
    }))
    let pending = cursors.filter((c) => c.next < c.until)
    while (pending.length > 0) {
      this.s.signal?.throwIfAborted()
      await withKafkaRetry('reading records', retry, () => this.round(pending, counter), {
        beforeRetry: () => {
          this.freshMetadata = true
          this.consumer.clearMetadata()
        },
        ...(this.s.signal === undefined ? {} : { signal: this.s.signal }),
      })
      pending = pending.filter((c) => c.next < c.until)
    }
    return cursors.map((c) => c.rows)
  }

  /** One fetch per leader for every pending partition; moves each cursor on. */
  private async round(pending: readonly Cursor[], counter: DataLossCounter): Promise<void> {
    const live = await this.dropDeletedTopics(pending, counter)
    const byLeader = new Map<number, Cursor[]>()
    const ids = new Map<string, string>()
    const md = this.consumer.currentMetadata
    for (const c of live) {
      const topic = md?.topics.get(c.topic)
      const leader = topic?.partitions[c.partition]?.leader ?? -1
      if (topic === undefined || leader < 0) throw retriable(`No leader for ${tpName(c.tp)} yet`)
      ids.set(topic.id, c.topic)
      let list = byLeader.get(leader)
      if (list === undefined) byLeader.set(leader, (list = []))
      list.push(c)
    }
    await Promise.all([...byLeader].map(([leader, cs]) => this.fetchFrom(leader, cs, ids, counter)))
  }

  /** Refreshes metadata; the ranges of a topic that is gone (or a partition it lost) are data loss. */
  private async dropDeletedTopics(pending: readonly Cursor[], counter: DataLossCounter): Promise<Cursor[]> {
    const topics = [...new Set(pending.map((c) => c.topic))]
    let counts = await this.partitionCounts(topics, this.freshMetadata)
    const missing = (c: Cursor) => c.partition >= (counts.get(c.topic) ?? 0)
    // Cached metadata may predate a partition: only an up-to-date answer proves it is gone.
    if (!this.freshMetadata && pending.some(missing)) counts = await this.partitionCounts(topics, true)
    this.freshMetadata = false
    const live: Cursor[] = []
    for (const c of pending) {
      if (missing(c)) this.lost(c, c.until, counter)
      else live.push(c)
    }
    return live
  }

  /** Partitions per topic (0 for a topic that does not exist). */
  private async partitionCounts(topics: readonly string[], force: boolean): Promise<Map<string, number>> {
    const counts = await Promise.all(
      topics.map((t) =>
        this.consumer.metadata({ topics: [t], forceUpdate: force }).then(
          (md) => md.topics.get(t)?.partitionsCount ?? 0,
          (e: Error) => {
            if (/^Unknown topic /.test(e.message)) return 0
            throw e
          },
        ),
      ),
    )
    return new Map(topics.map((t, i) => [t, counts[i]]))
  }

  /** Offsets [next, to) of `c` cannot be read: data loss (Spark's message names [next, shownEnd)). */
  private lost(c: Cursor, to: number, counter: DataLossCounter, shownEnd = c.until): void {
    reportDataLoss(
      this.s.failOnDataLoss,
      counter,
      'COULD_NOT_READ_OFFSET_RANGE',
      `Could not read records in offset [${c.next}, ${shownEnd}) for topic partition ${tpName(c.tp)}.`,
      to - c.next,
    )
    c.next = to
    c.lastProgressMs = this.elapsedMs()
  }

  /**
   * Fetches from one leader until its cursors are done or an answer is not clean. NOTE: pipelining.
   * When every partition of an answer is clean (no error, records up to some offset), where each
   * cursor goes next is known before its rows are taken, so the next request is sent first and the
   * broker works while the answer is taken. The request is only used if taking the answer moved every
   * cursor exactly there; otherwise it is dropped and the next round asks again.
   */
  private async fetchFrom(
    leader: number,
    cursors: readonly Cursor[],
    ids: ReadonlyMap<string, string>,
    counter: DataLossCounter,
  ): Promise<void> {
    let asked: readonly FetchPart[] = cursors.map((c) => ({ c, offset: c.next }))
    let inFlight: Promise<FetchAnswer> | null = sendFetch(this.consumer, this.s.fetch, leader, asked, ids)
    while (inFlight !== null) {
      const answer: FetchAnswer = await inFlight
      this.s.signal?.throwIfAborted()
      const ahead = answer.partial ? null : nextOffsets(answer.response, asked, ids)
      inFlight = null
      if (ahead !== null && ahead.length > 0)
        inFlight = sendFetch(this.consumer, this.s.fetch, leader, ahead, ids)
      try {
        await this.takeAnswer(answer, asked, ids, counter)
      } catch (e) {
        inFlight?.catch(() => undefined)
        throw e
      }
      if (inFlight !== null && !(ahead ?? []).every((a) => a.c.next === a.offset)) {
        inFlight.catch(() => undefined)
        return
      }
      asked = ahead ?? []
    }
  }

  private async takeAnswer(
    answer: FetchAnswer,
    asked: readonly FetchPart[],
    ids: ReadonlyMap<string, string>,
    counter: DataLossCounter,
  ): Promise<void> {
    for (const t of answer.response.responses) {
      const topic = ids.get(t.topicId)
      for (const p of t.partitions) {
        const c = asked.find((x) => x.c.topic === topic && x.c.partition === p.partitionIndex)?.c
        if (c === undefined) continue
        if (p.errorCode === OFFSET_OUT_OF_RANGE) await this.outOfRange(c, counter)
        else if (p.errorCode !== 0)
          throw retriable(`Fetching ${tpName(c.tp)} failed with Kafka error ${p.errorCode}`)
        else if (!answer.partial) this.take(c, p, counter)
      }
    }
  }

  /** Spark's getEarliestAvailableOffsetBetween: where reading may go on after an out-of-range offset. */
  private async outOfRange(c: Cursor, counter: DataLossCounter): Promise<void> {
    const part = { [c.topic]: [c.partition] }
    const range = async (timestamp: bigint) =>
      Number(
        (await this.consumer.listOffsets({ topics: [c.topic], partitions: part, timestamp })).get(c.topic)?.[
          c.partition
        ] ?? 0n,
      )
    const earliest = await range(-2n)
    const latest = await range(-1n)
    if (c.next >= latest || earliest >= c.until) this.lost(c, c.until, counter)
    else if (c.next < earliest) this.lost(c, earliest, counter)
    // Else the offset is back in range (a topic recreated and refilled): fetch it again.
  }

  /** Takes the records of one partition's answer. */
  private take(c: Cursor, p: PartitionAnswer, counter: DataLossCounter): void {
    const batches = p.records ?? []
    if (batches.length === 0) {
      this.nothingAt(c, p, counter)
      return
    }
    const first = Number(batches[0].firstOffset)
    // A first batch past the cursor is a gap: compaction or markers when the log still starts before
    // the cursor, else records removed under us.
    if (first > c.next && Number(p.logStartOffset) > c.next)
      this.lost(c, Math.min(Number(p.logStartOffset), c.until), counter, first)
    const aborted = this.s.fetch.isolationLevel === 1 ? AbortedTransactions.of(p.abortedTransactions) : null
    for (const batch of batches) {
      if (c.next >= c.until) break
      const last = Number(batch.firstOffset) + batch.lastOffsetDelta
      if (last < c.next) continue
      if (!(aborted?.skips(batch) ?? false) && !isControl(batch)) this.takeBatch(c, batch)
      c.next = Math.min(last + 1, c.until)
    }
    c.lastProgressMs = this.elapsedMs()
  }

  private takeBatch(c: Cursor, batch: RecordsBatch): void {
    const base = Number(batch.firstOffset)
    const records: KafkaRecord[] = batch.records
    for (let i = 0; i < records.length; i++) {
      const offset = base + records[i].offsetDelta
      if (offset < c.next) continue
      if (offset >= c.until) break
      c.rows.push(recordRow(c.topic, c.partition, offset, batch, records[i], this.s.includeHeaders))
    }
  }

  /** No records at the cursor: the range is gone (data loss), or the broker is slow (wait, up to the poll timeout). */
  private nothingAt(c: Cursor, p: PartitionAnswer, counter: DataLossCounter): void {
    const visibleEnd = Number(this.s.fetch.isolationLevel === 1 ? p.lastStableOffset : p.highWatermark)
    if (visibleEnd <= c.next) {
      this.lost(c, c.until, counter)
      return
    }
    if (this.elapsedMs() - c.lastProgressMs > this.s.pollTimeoutMs) {
      throw new SluiceError(
        'SOURCE_UNAVAILABLE',
        `Kafka: Cannot fetch record for offset ${c.next} in ${this.s.pollTimeoutMs} milliseconds (topic partition ${tpName(c.tp)}; option kafkaConsumer.pollTimeoutMs).`,
      )
    }
  }
}

const IS_CONTROL = 1 << 5

function isControl(batch: RecordsBatch): boolean {
  return (batch.attributes & IS_CONTROL) !== 0
}
