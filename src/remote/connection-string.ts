/**
 * Parses a Spark Connect connection string, as the other Spark Connect clients do:
 * `sc://host[:port][/;param=value;...]` with `token`, `user_id`, `use_ssl` and `session_id`.
 * A token implies TLS (as in PySpark), unless `use_ssl=false` says otherwise for a local test server.
 */
import { invalidArgument } from '../errors.ts'

export interface ConnectionSpec {
  readonly host: string
  readonly port: number
  readonly token: string | undefined
  readonly useSsl: boolean
  /** Whether the URL said `use_ssl` itself (rather than the default). */
  readonly sslExplicit: boolean
  readonly userId: string
  readonly sessionId: string | undefined
  /** The string with the token replaced by `***`, for messages and logs. */
  readonly redacted: string
}

const DEFAULT_PORT = 15002

/**
 * @example parseConnectionString('sc://localhost:15002/;token=abc') // { host: 'localhost', port: 15002, useSsl: true, ... }
 */
export function parseConnectionString(url: string): ConnectionSpec {
  const m = /^sc:\/\/([^/:;]+|\[[^\]]+\])(?::(\d+))?\/?(?:;(.*))?$/.exec(url.trim())
  if (m === null)
    throw invalidArgument(
      `'${redact(url)}' is not a Spark Connect URL: write sc://host:port, e.g. sc://localhost:15002/;token=...`,
    )
  const port = m[2] === undefined ? DEFAULT_PORT : Number(m[2])
  if (port < 1 || port > 65535) throw invalidArgument(`Spark Connect URL port ${m[2]} is not a TCP port.`)
  const params = new Map<string, string>()
  for (const part of (m[3] ?? '').split(';').filter((p) => p !== '')) {
    const eq = part.indexOf('=')
    if (eq < 1) throw invalidArgument(`Spark Connect URL parameter '${part}' must be key=value.`)
    params.set(part.slice(0, eq).toLowerCase(), decodeURIComponent(part.slice(eq + 1)))
  }
  const token = params.get('token')
  const ssl = params.get('use_ssl')
  return Object.freeze({
    host: m[1].replace(/^\[|\]$/g, ''),
    port,
    token,
    useSsl: ssl === undefined ? token !== undefined : ssl.toLowerCase() === 'true',
    sslExplicit: ssl !== undefined,
    userId: params.get('user_id') ?? 'sluice',
    sessionId: params.get('session_id'),
    redacted: redact(url),
  })
}

function redact(url: string): string {
  return url.replace(/(;token=)[^;]*/i, '$1***')
}
