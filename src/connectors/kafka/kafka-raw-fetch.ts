/**
 * One Kafka Fetch request, answered exactly as the broker sent it.
 *
 * NOTE: why not `Consumer.fetch`. With `isolationLevel` READ_COMMITTED, @platformatic/kafka (1.35)
 * filters the answer before returning it: it keeps ONE aborted range per producer id — the first
 * offset of the producer's last aborted transaction in the answer up to the producer's last ABORT
 * marker in the answer — and deletes every batch of that producer inside it. Kafka's consumer keeps
 * a set of producers with an open aborted transaction instead (CompletedFetch.nextFetchedRecord).
 * The two disagree whenever a producer has more than one aborted transaction in an answer, so the
 * client's filter can delete committed batches before Sluice's own filter (AbortedTransactions in
 * kafka-rows.ts, Java's algorithm) sees them: silent loss of committed records. The read goes
 * through the client's connection and negotiated API version, without that filter; the broker still
 * bounds the answer by the last stable offset and lists the aborted transactions.
 */
import {
  type Callback,
  type Connection,
  type Consumer,
  type fetchV17,
  kGetApi,
  kGetConnection,
} from '@platformatic/kafka'

type FetchResponse = fetchV17.FetchResponse

export interface RawFetchRequest {
  readonly node: number
  readonly topics: readonly {
    readonly topicId: string
    readonly partitions: readonly {
      readonly partition: number
      readonly fetchOffset: bigint
      readonly currentLeaderEpoch: number
      readonly lastFetchedEpoch: number
      readonly partitionMaxBytes: number
    }[]
  }[]
  readonly maxWaitTime: number
  readonly minBytes: number
  readonly maxBytes: number
  readonly isolationLevel: 0 | 1
}

type FetchApi = (connection: Connection, ...args: unknown[]) => void

interface ClientInternals {
  [kGetConnection](broker: { host: string; port: number }, callback: Callback<Connection>): void
  [kGetApi](name: string, callback: Callback<FetchApi>): void
}

const call = <T>(fn: (callback: Callback<T>) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value as T))))

/**
 * Sends one Fetch to broker `request.node` (known to `consumer`'s current metadata) and returns the
 * parsed answer, unfiltered. A partition-level error rejects with the whole answer on `.response`,
 * as `Consumer.fetch` does.
 *
 * @example
 * const answer = await rawFetch(consumer, { node: 1, topics, maxWaitTime: 500, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 1 })
 */
export async function rawFetch(consumer: Consumer, request: RawFetchRequest): Promise<FetchResponse> {
  const broker = consumer.currentMetadata?.brokers.get(request.node)
  if (broker === undefined)
    throw Object.assign(new Error(`Kafka broker ${request.node} is not in the cluster metadata`), {
      canRetry: true,
    })
  const client = consumer as unknown as ClientInternals
  const connection = await call<Connection>((cb) => client[kGetConnection](broker, cb))
  const api = await call<FetchApi>((cb) => client[kGetApi]('Fetch', cb))
  return call<FetchResponse>((cb) =>
    api(
      connection,
      request.maxWaitTime,
      request.minBytes,
      request.maxBytes,
      request.isolationLevel,
      0, // no fetch session: every request is a full fetch of exactly these partitions
      -1,
      request.topics,
      [],
      '',
      cb,
    ),
  )
}
