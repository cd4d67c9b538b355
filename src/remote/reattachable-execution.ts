/**
 * Spark Connect's reattachable execution, as its other clients do it: ExecutePlan asks the server to
 * keep the responses (ReattachOptions), each response has an id, and a stream that drops (a network
 * failure, or the server ending a long stream on purpose before ResultComplete) is resumed with
 * ReattachExecute from the last response received. After ResultComplete, ReleaseExecute frees the
 * server's buffer.
 *
 * NOTE: responses are never duplicated or lost: the server resends exactly those after
 * `lastResponseId`, and the caller sees each response once, in order.
 */
import type * as grpc from '@grpc/grpc-js'
import type { ExecutePlanResponse } from './gen/spark/connect/base_pb.js'

/** A server-streaming call of ExecutePlanResponses. */
export type ResponseStream = grpc.ClientReadableStream<ExecutePlanResponse>

export interface ReattachOps {
  /** Starts the ExecutePlan call. */
  start(): ResponseStream
  /** Resumes the operation after `lastResponseId` (from the start when undefined). */
  reattach(lastResponseId: string | undefined): ResponseStream
  /** Waits until the channel can carry a call again (rejects when it cannot in time). */
  waitReady(): Promise<void>
  /** Frees the operation's responses on the server. */
  release(): Promise<void>
}

// A drop that the same operation survives: the connection (UNAVAILABLE), or a cursor taken over.
const isDrop = (e: grpc.ServiceError) => e.code === 14 || /INVALID_CURSOR/.test(e.details ?? '')
const MAX_REATTACHES = 10

type Outcome = { readonly complete: boolean; readonly error?: grpc.ServiceError }

function drain(call: ResponseStream, onResponse: (r: ExecutePlanResponse) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    let complete = false
    call.on('data', (r: ExecutePlanResponse) => {
      if (r.responseType.case === 'resultComplete') complete = true
      onResponse(r)
    })
    call.on('error', (error: grpc.ServiceError) => resolve({ complete, error }))
    call.on('end', () => resolve({ complete }))
  })
}

/**
 * Runs the operation to ResultComplete across dropped streams and returns every response once.
 * A non-drop error, or more than MAX_REATTACHES drops in a row, rejects with the gRPC error.
 */
export async function executeReattachable(ops: ReattachOps): Promise<ExecutePlanResponse[]> {
  const out: ExecutePlanResponse[] = []
  let lastId: string | undefined
  let drops = 0
  const onResponse = (r: ExecutePlanResponse) => {
    out.push(r)
    lastId = r.responseId || lastId
    drops = 0
  }
  let outcome = await drain(ops.start(), onResponse)
  while (!outcome.complete) {
    if (outcome.error !== undefined && (!isDrop(outcome.error) || ++drops > MAX_REATTACHES))
      throw outcome.error
    const dropped = outcome.error
    // A channel that does not come back fails the query with the drop itself.
    if (dropped !== undefined)
      await ops.waitReady().catch(() => {
        throw dropped
      })
    outcome = await drain(ops.reattach(lastId), onResponse)
  }
  // Best effort: the server also frees an abandoned operation after its timeout.
  await ops.release().catch(() => {})
  return out
}
