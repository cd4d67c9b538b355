/**
 * A blocking HTTP call: `fetch` run on a worker thread (synckit) while the caller waits. For
 * lookups that must finish inside synchronous code — a schema registry asked at expression bind
 * time or for a schema id met mid-batch — and that are cached, so they are rare.
 */
import { fileURLToPath } from 'node:url'
import { createSyncFn } from 'synckit'

/** What came back: the HTTP status (0: no answer, `text` says why) and the body. */
export interface SyncHttpResponse {
  readonly status: number
  /** The body parsed as JSON; undefined when it is not JSON. */
  readonly json: unknown
  readonly text: string
}

type Call = (url: string, method: string, body: string | undefined, timeoutMs: number) => SyncHttpResponse

let call: Call | undefined

// The worker is this folder's .ts file under Node's type stripping, its .js file once built.
function workerPath(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js'
  return fileURLToPath(new URL(`./sync-http-worker${ext}`, import.meta.url))
}

/**
 * Sends one request and waits for the answer; JSON bodies are sent as the schema registry's
 * content type. Never throws for HTTP errors: the caller reads the status.
 *
 * @example
 * const res = httpJsonSync('http://localhost:8081/subjects', 'GET') // { status: 200, json: [...] }
 */
export function httpJsonSync(
  url: string,
  method: string,
  body?: unknown,
  timeoutMs = 30_000,
): SyncHttpResponse {
  call ??= createSyncFn(workerPath(), { tsRunner: 'node', timeout: timeoutMs + 5_000 }) as Call
  return call(url, method, body === undefined ? undefined : JSON.stringify(body), timeoutMs)
}
