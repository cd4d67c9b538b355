/**
 * The worker behind `httpJsonSync` (sync-http.ts): runs one HTTP request with fetch and answers
 * with the status and the body parsed as JSON (or its text when it is not JSON).
 */
import { runAsWorker } from 'synckit'

runAsWorker(async (url: string, method: string, body: string | undefined, timeoutMs: number) => {
  try {
    const res = await fetch(url, {
      method,
      body,
      headers: {
        Accept: 'application/vnd.schemaregistry.v1+json, application/json',
        'Content-Type': 'application/vnd.schemaregistry.v1+json',
      },
      signal: AbortSignal.timeout(timeoutMs),
    })
    const text = await res.text()
    let json: unknown
    try {
      json = text === '' ? null : JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: res.status, json, text }
  } catch (e) {
    const err = e as Error & { cause?: { message?: string } }
    return { status: 0, json: undefined, text: err.cause?.message ?? err.message }
  }
})
