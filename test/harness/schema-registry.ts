/**
 * A real schema registry for tests: Apicurio Registry (in-memory), started by
 * scripts/schema-registry.mjs from its Maven Central distribution, serving Confluent's REST API.
 * `schemaRegistry()` is one registry shared by every test file and kept running between runs
 * (port 38081, state under the OS temp dir); tests give their subjects unique names. Set
 * SLUICE_SCHEMA_REGISTRY_URL to test against an already running Confluent-compatible registry.
 */
import { execFile } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const SCRIPT = fileURLToPath(new URL('../../scripts/schema-registry.mjs', import.meta.url))
const SHARED_PORT = 38081
const run = promisify(execFile)

let shared: Promise<string> | undefined

/**
 * The shared registry's Confluent API base URL, starting it when needed.
 *
 * @example
 * const url = await schemaRegistry() // 'http://127.0.0.1:38081/apis/ccompat/v7'
 */
export function schemaRegistry(): Promise<string> {
  shared ??= start().catch((e) => {
    shared = undefined
    throw e
  })
  return shared
}

async function start(): Promise<string> {
  const external = process.env.SLUICE_SCHEMA_REGISTRY_URL
  if (external) return external
  const args = [
    SCRIPT,
    'start',
    '--port',
    String(SHARED_PORT),
    '--dir',
    join(tmpdir(), 'sluice-registry-test'),
  ]
  try {
    const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 24 })
    return stdout.trim()
  } catch (e) {
    const err = e as { stderr?: string; message: string }
    throw new Error(`schema-registry.mjs start failed: ${err.stderr?.trim() || err.message}`)
  }
}

/**
 * Sends one request to the registry's REST API (to set up subjects or compatibility levels).
 *
 * @example
 * await registryRequest(url, 'PUT', '/config/orders-value', { compatibility: 'BACKWARD' })
 */
export async function registryRequest(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}
