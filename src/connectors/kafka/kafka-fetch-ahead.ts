/**
 * The range reader's Fetch requests (kafka-range-reader.ts), and where its cursors go after an
 * answer, known before the answer's rows are taken: what lets it send the next Fetch while it takes
 * the previous answer.
 */
import type { Consumer, fetchV17 } from '@platformatic/kafka'
import type { Cursor } from './kafka-range-reader.ts'
import { rawFetch } from './kafka-raw-fetch.ts'
import type { KafkaFetchSettings } from './kafka-source-settings.ts'

type FetchResponse = fetchV17.FetchResponse

/** One Fetch answer. */
export interface FetchAnswer {
  readonly response: FetchResponse
  /** A partition failed: only the errors are looked at, every partition is fetched again. */
  readonly partial: boolean
}

/** One partition of a Fetch request: the cursor and the offset asked for. */
export interface FetchPart {
  readonly c: Cursor
  readonly offset: number
}

/**
 * The parts to ask for next when every asked partition's answer is clean (no error, at least one
 * batch, ending past the offset asked for); null when any is not, as the answer must be taken first
 * (an empty answer, a gap, an error). Partitions that reach their range's end are left out.
 *
 * @example
 * nextOffsets(answer, [{ c, offset: 0 }], ids) // [{ c, offset: 512 }]: batches 0..511 came back
 */
export function nextOffsets(
  response: fetchV17.FetchResponse,
  asked: readonly FetchPart[],
  ids: ReadonlyMap<string, string>,
): FetchPart[] | null {
  const next = new Map<Cursor, number>()
  for (const t of response.responses) {
    const topic = ids.get(t.topicId)
    for (const p of t.partitions) {
      const part = asked.find((x) => x.c.topic === topic && x.c.partition === p.partitionIndex)
      const last = p.records?.at(-1)
      if (part === undefined || p.errorCode !== 0 || last === undefined) return null
      const end = Number(last.firstOffset) + last.lastOffsetDelta + 1
      if (end <= part.offset) return null
      next.set(part.c, Math.min(end, part.c.until))
    }
  }
  if (next.size !== asked.length) return null
  const out: FetchPart[] = []
  for (const { c } of asked) {
    const offset = next.get(c) as number
    if (offset < c.until) out.push({ c, offset })
  }
  return out
}

/**
 * One Fetch to `leader` for `parts`; a partition-level error comes back as a partial answer.
 *
 * @example
 * const { response, partial } = await sendFetch(consumer, settings, 1, [{ c, offset: 0 }], ids)
 */
export async function sendFetch(
  consumer: Consumer,
  f: KafkaFetchSettings,
  leader: number,
  parts: readonly FetchPart[],
  ids: ReadonlyMap<string, string>,
): Promise<FetchAnswer> {
  const topics = [...ids].map(([topicId, topic]) => ({
    topicId,
    partitions: parts
      .filter((p) => p.c.topic === topic)
      .map((p) => ({
        partition: p.c.partition,
        fetchOffset: BigInt(p.offset),
        currentLeaderEpoch: -1,
        lastFetchedEpoch: -1,
        partitionMaxBytes: f.partitionMaxBytes,
      })),
  }))
  try {
    const response = await rawFetch(consumer, {
      node: leader,
      topics: topics.filter((t) => t.partitions.length > 0),
      maxWaitTime: f.maxWaitMs,
      minBytes: f.minBytes,
      maxBytes: f.maxBytes,
      isolationLevel: f.isolationLevel,
    })
    return { response, partial: false }
  } catch (e) {
    // A partition-level error comes with the whole answer: the other partitions are fetched again.
    const answer = (e as { response?: FetchResponse }).response
    if (answer === undefined || !Array.isArray(answer.responses)) throw e
    return { response: answer, partial: true }
  }
}
