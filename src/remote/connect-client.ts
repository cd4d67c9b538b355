/**
 * The gRPC side of Spark Connect: one channel to the server, ExecutePlan (server streaming, collecting
 * the Arrow batches) and AnalyzePlan. Messages are the generated ones (gen/, from Spark's own .proto
 * files); this file only moves them. One client per remote session; `close()` ends the channel.
 */
import { randomUUID } from 'node:crypto'
import { create, type DescMessage, fromBinary, type MessageShape, toBinary } from '@bufbuild/protobuf'
import type * as grpc from '@grpc/grpc-js'
import { systemClock } from '../io/clock.ts'
import type { ConnectionSpec } from './connection-string.ts'
import {
  type AnalyzePlanRequest,
  AnalyzePlanRequestSchema,
  type AnalyzePlanResponse,
  AnalyzePlanResponseSchema,
  ConfigRequestSchema,
  ConfigResponseSchema,
  ExecutePlanRequestSchema,
  type ExecutePlanResponse,
  ExecutePlanResponseSchema,
  type Plan,
  ReattachExecuteRequestSchema,
  ReleaseExecuteRequestSchema,
  ReleaseExecuteResponseSchema,
} from './gen/spark/connect/base_pb.js'
import { executeReattachable, type ResponseStream } from './reattachable-execution.ts'
import { sparkError } from './spark-errors.ts'

const SERVICE = '/spark.connect.SparkConnectService'

/**
 * TLS settings beyond the connection string's `use_ssl`: PEM text or bytes, as Node's `tls` takes
 * them. `ca` trusts a private certificate authority (a self-signed server) instead of the system
 * roots; `cert` and `key` together present a client certificate (mutual TLS).
 */
export interface RemoteTlsOptions {
  readonly ca?: string | Uint8Array
  readonly cert?: string | Uint8Array
  readonly key?: string | Uint8Array
}

const pem = (v: string | Uint8Array | undefined): Buffer | null =>
  v === undefined ? null : typeof v === 'string' ? Buffer.from(v) : Buffer.from(v)

interface Channel {
  readonly client: grpc.Client
  readonly metadata: () => grpc.Metadata
}
const CLIENT_TYPE = 'sluice'
// Spark sends results in Arrow batches of up to 4 MiB by default; leave room above that.
const MAX_MESSAGE_BYTES = 128 * 1024 * 1024
// How long a dropped stream waits for the channel to reconnect before the query fails.
const RECONNECT_WAIT_MS = 30_000

const codec = <D extends DescMessage>(schema: D) => ({
  serialize: (m: MessageShape<D>) => Buffer.from(toBinary(schema, m)),
  deserialize: (b: Buffer) => fromBinary(schema, b),
})

export class SparkConnectClient {
  readonly spec: ConnectionSpec
  readonly sessionId: string
  private channel: Promise<Channel> | undefined
  private serverSessionId: string | undefined

  private readonly tls: RemoteTlsOptions | undefined

  constructor(spec: ConnectionSpec, tls?: RemoteTlsOptions) {
    this.spec = spec
    this.tls = tls
    this.sessionId = spec.sessionId ?? randomUUID()
  }

  /** The gRPC channel, opened on first use (so that importing Sluice does not load gRPC). */
  private open(): Promise<Channel> {
    this.channel ??= import('@grpc/grpc-js').then((g) => {
      const { spec } = this
      const { tls } = this
      const creds = spec.useSsl
        ? g.credentials.createSsl(pem(tls?.ca), pem(tls?.key), pem(tls?.cert))
        : g.credentials.createInsecure()
      const client = new g.Client(`${spec.host}:${spec.port}`, creds, {
        'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
        'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      })
      const metadata = () => {
        const md = new g.Metadata()
        if (spec.token !== undefined) md.set('authorization', `Bearer ${spec.token}`)
        return md
      }
      return { client, metadata }
    })
    return this.channel
  }

  private base() {
    return {
      sessionId: this.sessionId,
      userContext: { userId: this.spec.userId, userName: this.spec.userId },
      clientType: CLIENT_TYPE,
      clientObservedServerSideSessionId: this.serverSessionId,
    }
  }

  /** One unary call; rejects with the raw gRPC error. */
  private async unary<I extends DescMessage, O extends DescMessage>(
    method: string,
    schemas: readonly [I, O],
    req: MessageShape<I>,
  ): Promise<MessageShape<O>> {
    const { client, metadata } = await this.open()
    return new Promise((resolve, reject) =>
      client.makeUnaryRequest(
        `${SERVICE}/${method}`,
        codec(schemas[0]).serialize,
        codec(schemas[1]).deserialize,
        req,
        metadata(),
        (e, r) => (e ? reject(e) : resolve(r!)),
      ),
    )
  }

  /**
   * Runs a plan and returns every response (Arrow batches, command results) in order, reattaching
   * when the stream drops (reattachable-execution.ts).
   */
  async execute(plan: Plan): Promise<ExecutePlanResponse[]> {
    const operationId = randomUUID()
    const request = create(ExecutePlanRequestSchema, {
      ...this.base(),
      plan,
      operationId,
      requestOptions: [{ requestOption: { case: 'reattachOptions', value: { reattachable: true } } }],
    })
    const { client, metadata } = await this.open()
    const stream = <D extends DescMessage>(method: string, schema: D, req: MessageShape<D>) =>
      client.makeServerStreamRequest(
        `${SERVICE}/${method}`,
        codec(schema).serialize,
        codec(ExecutePlanResponseSchema).deserialize,
        req,
        metadata(),
      ) as ResponseStream
    const reattach = (lastResponseId: string | undefined) =>
      create(ReattachExecuteRequestSchema, { ...this.base(), operationId, lastResponseId })
    const release = create(ReleaseExecuteRequestSchema, {
      ...this.base(),
      operationId,
      release: { case: 'releaseAll', value: {} },
    })
    try {
      const responses = await executeReattachable({
        start: () => stream('ExecutePlan', ExecutePlanRequestSchema, request),
        reattach: (lastId) => stream('ReattachExecute', ReattachExecuteRequestSchema, reattach(lastId)),
        waitReady: () =>
          new Promise((resolve, reject) =>
            client.waitForReady(systemClock.now() + RECONNECT_WAIT_MS, (e) => (e ? reject(e) : resolve())),
          ),
        release: async () => {
          await this.unary(
            'ReleaseExecute',
            [ReleaseExecuteRequestSchema, ReleaseExecuteResponseSchema],
            release,
          )
        },
      })
      for (const r of responses) this.serverSessionId = r.serverSideSessionId || this.serverSessionId
      return responses
    } catch (e) {
      throw sparkError(e as grpc.ServiceError, this.spec.redacted)
    }
  }

  /** One AnalyzePlan call; `analyze` is the request's oneof (schema, explain, ...). */
  async analyze(analyze: AnalyzePlanRequest['analyze']): Promise<AnalyzePlanResponse> {
    const req = create(AnalyzePlanRequestSchema, { ...this.base(), analyze })
    try {
      return await this.unary('AnalyzePlan', [AnalyzePlanRequestSchema, AnalyzePlanResponseSchema], req)
    } catch (e) {
      throw sparkError(e as grpc.ServiceError, this.spec.redacted)
    }
  }

  /** Sets Spark session configuration (e.g. the session time zone). */
  async setConf(pairs: Readonly<Record<string, string>>): Promise<void> {
    const set = { pairs: Object.entries(pairs).map(([key, value]) => ({ key, value })) }
    const req = create(ConfigRequestSchema, {
      ...this.base(),
      operation: { opType: { case: 'set', value: set } },
    })
    try {
      await this.unary('Config', [ConfigRequestSchema, ConfigResponseSchema], req)
    } catch (e) {
      throw sparkError(e as grpc.ServiceError, this.spec.redacted)
    }
  }

  /** Closes the channel (the server's session expires on its own). */
  close(): void {
    void this.channel?.then(({ client }) => client.close())
  }
}

/** The Arrow IPC bytes of the responses, in order. */
export function arrowBatchesOf(responses: readonly ExecutePlanResponse[]): Uint8Array[] {
  return responses.flatMap((r) => (r.responseType.case === 'arrowBatch' ? [r.responseType.value.data] : []))
}
