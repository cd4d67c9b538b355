/**
 * The gRPC side of Spark Connect: one channel to the server, ExecutePlan (server streaming, collecting
 * the Arrow batches) and AnalyzePlan. Messages are the generated ones (gen/, from Spark's own .proto
 * files); this file only moves them. One client per remote session; `close()` ends the channel.
 */
import { randomUUID } from 'node:crypto'
import { create, type DescMessage, fromBinary, type MessageShape, toBinary } from '@bufbuild/protobuf'
import * as grpc from '@grpc/grpc-js'
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
  private readonly client: grpc.Client
  private serverSessionId: string | undefined

  constructor(spec: ConnectionSpec) {
    this.spec = spec
    this.sessionId = spec.sessionId ?? randomUUID()
    const creds = spec.useSsl ? grpc.credentials.createSsl() : grpc.credentials.createInsecure()
    this.client = new grpc.Client(`${spec.host}:${spec.port}`, creds, {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    })
  }

  private metadata(): grpc.Metadata {
    const md = new grpc.Metadata()
    if (this.spec.token !== undefined) md.set('authorization', `Bearer ${this.spec.token}`)
    return md
  }

  private base() {
    return {
      sessionId: this.sessionId,
      userContext: { userId: this.spec.userId, userName: this.spec.userId },
      clientType: CLIENT_TYPE,
      clientObservedServerSideSessionId: this.serverSessionId,
    }
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
    const stream = <D extends DescMessage>(method: string, schema: D, req: MessageShape<D>) =>
      this.client.makeServerStreamRequest(
        `${SERVICE}/${method}`,
        codec(schema).serialize,
        codec(ExecutePlanResponseSchema).deserialize,
        req,
        this.metadata(),
      ) as ResponseStream
    try {
      const responses = await executeReattachable({
        start: () => stream('ExecutePlan', ExecutePlanRequestSchema, request),
        reattach: (lastResponseId) =>
          stream(
            'ReattachExecute',
            ReattachExecuteRequestSchema,
            create(ReattachExecuteRequestSchema, { ...this.base(), operationId, lastResponseId }),
          ),
        waitReady: () => this.waitReady(),
        release: () => this.release(operationId),
      })
      for (const r of responses) this.serverSessionId = r.serverSideSessionId || this.serverSessionId
      return responses
    } catch (e) {
      throw sparkError(e as grpc.ServiceError, this.spec.redacted)
    }
  }

  private waitReady(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.client.waitForReady(systemClock.now() + RECONNECT_WAIT_MS, (e) => (e ? reject(e) : resolve())),
    )
  }

  private release(operationId: string): Promise<void> {
    const req = create(ReleaseExecuteRequestSchema, {
      ...this.base(),
      operationId,
      release: { case: 'releaseAll', value: {} },
    })
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        `${SERVICE}/ReleaseExecute`,
        codec(ReleaseExecuteRequestSchema).serialize,
        codec(ReleaseExecuteResponseSchema).deserialize,
        req,
        this.metadata(),
        (e) => (e ? reject(e) : resolve()),
      )
    })
  }

  /** One AnalyzePlan call; `analyze` is the request's oneof (schema, explain, ...). */
  analyze(analyze: AnalyzePlanRequest['analyze']): Promise<AnalyzePlanResponse> {
    const req = create(AnalyzePlanRequestSchema, { ...this.base(), analyze })
    const { serialize } = codec(AnalyzePlanRequestSchema)
    const { deserialize } = codec(AnalyzePlanResponseSchema)
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        `${SERVICE}/AnalyzePlan`,
        serialize,
        deserialize,
        req,
        this.metadata(),
        (e, r) => {
          if (e) reject(sparkError(e, this.spec.redacted))
          else resolve(r!)
        },
      )
    })
  }

  /** Sets Spark session configuration (e.g. the session time zone). */
  setConf(pairs: Readonly<Record<string, string>>): Promise<void> {
    const req = create(ConfigRequestSchema, {
      ...this.base(),
      operation: {
        opType: {
          case: 'set',
          value: { pairs: Object.entries(pairs).map(([key, value]) => ({ key, value })) },
        },
      },
    })
    const { serialize } = codec(ConfigRequestSchema)
    const { deserialize } = codec(ConfigResponseSchema)
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(`${SERVICE}/Config`, serialize, deserialize, req, this.metadata(), (e) => {
        if (e) reject(sparkError(e, this.spec.redacted))
        else resolve()
      })
    })
  }

  /** Closes the channel (the server's session expires on its own). */
  close(): void {
    this.client.close()
  }
}

/** The Arrow IPC bytes of the responses, in order. */
export function arrowBatchesOf(responses: readonly ExecutePlanResponse[]): Uint8Array[] {
  return responses.flatMap((r) => (r.responseType.case === 'arrowBatch' ? [r.responseType.value.data] : []))
}
