/**
 * A real local Spark Connect server for tests (scripts/spark-connect.mjs runs it from PySpark), and
 * `bothWays`, which runs one DataFrame program embedded and on Spark and returns both results.
 *
 * The server is shared by every test file and kept running between runs (port 15002, the script's
 * default state dir, so `npm run spark:start` and .ci/run start the same one). Tests skip, with the
 * reason printed, only when the script's `ensure` says the server cannot run here (no PySpark or no
 * Java 17); a server that can run but fails to start fails the tests. Set SLUICE_SPARK_CONNECT_URL
 * to test against an already running server instead.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type RemoteSluice, Sluice } from '../../src/index.ts'

const SCRIPT = fileURLToPath(new URL('../../scripts/spark-connect.mjs', import.meta.url))
const PORT = 15002
const run = promisify(execFile)

async function script(command: string): Promise<string> {
  const { stdout } = await run(process.execPath, [SCRIPT, command, '--port', String(PORT)], {
    maxBuffer: 1 << 24,
  })
  return stdout.trim()
}

/** The server's URL, or why it cannot run on this machine (then tests skip with that reason). */
export type SparkConnectServer = { readonly url: string } | { readonly skip: string }

let shared: Promise<SparkConnectServer> | undefined

/** @example const server = await sparkConnect(); if ('skip' in server) t.skip(server.skip) */
export function sparkConnect(): Promise<SparkConnectServer> {
  shared ??= startShared()
  return shared
}

async function startShared(): Promise<SparkConnectServer> {
  const external = process.env.SLUICE_SPARK_CONNECT_URL
  if (external) return { url: external }
  try {
    await script('ensure')
  } catch (e) {
    const reason = (e as { stderr?: string }).stderr?.trim() || String(e)
    console.log(`# skipping Spark Connect tests: ${reason}`)
    return { skip: reason }
  }
  try {
    return { url: await script('start') }
  } catch (e) {
    throw new Error(`spark-connect.mjs start failed: ${(e as { stderr?: string }).stderr?.trim() || e}`)
  }
}

/** A remote session on the shared server, in UTC like the embedded one `bothWays` makes. */
export function remoteSession(url: string): RemoteSluice {
  return Sluice.remote(url, { 'sluice.sql.session.timeZone': 'UTC', output: () => {} })
}

/**
 * Runs `program` embedded and on Spark and returns both row lists (in the order each returned them).
 * The program gets a session (`Sluice` or `RemoteSluice`) and returns a DataFrame of either kind;
 * `await` covers both the synchronous embedded and the asynchronous remote actions.
 *
 * @example
 * const [embedded, remote] = await bothWays(url, (s) => s.range(3).filter(col('id').gt(0)))
 */
export async function bothWays(
  url: string,
  program: (s: any) => any | Promise<any>,
): Promise<[embedded: object[], remote: object[]]> {
  const local = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC', output: () => {} })
  const remote = remoteSession(url)
  try {
    const embedded = await (await program(local)).collect()
    const onSpark = await (await program(remote)).collect()
    return [embedded, onSpark]
  } finally {
    remote.close()
  }
}

/** Rows in one canonical order, for comparing results whose order the query does not fix. */
export function sorted(rows: readonly object[]): object[] {
  const key = (r: object) =>
    JSON.stringify(r, (_k, v) => (v instanceof Map ? [...v] : v instanceof Uint8Array ? [...v] : v))
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

/**
 * Asserts two row lists equal, doubles within a relative 1e-12: Spark adds partial sums per
 * partition, so a double sum or average can differ from Sluice's in the last bits.
 */
export function assertRowsClose(actual: readonly object[], expected: readonly object[]): void {
  const close = (a: unknown, b: unknown): boolean => {
    if (typeof a === 'number' && typeof b === 'number')
      return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b))
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      const ka = Object.keys(a)
      return ka.length === Object.keys(b).length && ka.every((k) => close((a as any)[k], (b as any)[k]))
    }
    return Object.is(a, b)
  }
  if (actual.length !== expected.length || !actual.every((r, i) => close(r, expected[i])))
    assert.deepEqual(actual, expected) // fails, with the diff
}
