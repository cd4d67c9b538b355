/**
 * The Nexmark queries run embedded and, through `Sluice.remote`, on a Spark Connect server (`npm run
 * bench -- --only nexmark --remote sc://localhost:15002`). The same Sluice query functions, the same
 * Parquet files (of the bids, or of every event for the join queries; one per 100,000 events,
 * `maxFilesPerTrigger` 1), the `noop` sink on
 * both sides; one long-lived Node process per side (bench/nexmark-fair-sluice.ts, its `--remote`
 * mode), per query one untimed warm-up each, then embedded, remote, embedded, remote … interleaved.
 *
 * What it shows: the same program running where it is sent, the cost of sending it (plan
 * translation, gRPC, Spark's planning per batch) and whether both give the same number of rows.
 * It is not the fair engine comparison (that is `--peers spark`, bench/nexmark-fair.ts): the remote
 * side is whatever the server is (its cores and shuffle partitions are its own). Remote CPU is the
 * client process plus the server JVM when it runs on this machine (its pid from
 * `scripts/spark-connect.mjs status`); otherwise the client only, and the result says so.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseConnectionString } from '../src/remote/connection-string.ts'
import { LineChild, type Reply } from './line-child.ts'
import { interleave, prepareInput } from './nexmark-fair.ts'
import type { EngineSummary, FairQuery } from './nexmark-fair-stats.ts'

const SLUICE_SCRIPT = path.join(import.meta.dirname, 'nexmark-fair-sluice.ts')
const CONNECT_SCRIPT = path.join(import.meta.dirname, '..', 'scripts', 'spark-connect.mjs')
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]'])

export interface RemoteQuery {
  readonly name: string
  readonly embedded?: EngineSummary
  readonly remote?: EngineSummary
  readonly embeddedError?: string
  readonly remoteError?: string
  /** Remote median / embedded median, wall and CPU (above 1: the remote run needs more). */
  readonly wallRatio?: number
  readonly cpuRatio?: number
  /** Whether both sides wrote the same number of rows (Spark's `sink.numOutputRows`). */
  readonly rowsMatch?: boolean
}

export type RemoteComparison =
  | { readonly available: false; readonly url: string; readonly reason: string }
  | {
      readonly available: true
      /** The server's URL, its token redacted. */
      readonly url: string
      readonly input: string
      readonly events: number
      readonly eventsPerBatch: number
      readonly runs: number
      readonly order: string
      /** How remote CPU was measured. */
      readonly remoteCpuClock: string
      readonly loadBefore: readonly number[]
      readonly loadAfter: readonly number[]
      readonly queries: readonly RemoteQuery[]
    }

export interface RemoteOptions {
  readonly url: string
  readonly events: number
  readonly eventsPerBatch: number
  readonly runs: number
  readonly queries: readonly string[]
}

const load = (): number[] => os.loadavg().map((l) => Math.round(l * 100) / 100)
const redact = (url: string): string => url.replace(/(token=)[^;]*/i, '$1***')

/**
 * The pid of the local Spark Connect server at `url` (from `scripts/spark-connect.mjs status`), or
 * null when the server is elsewhere or not started by that script.
 * @example localServerPid('sc://localhost:15002') // 41233
 */
export function localServerPid(url: string): number | null {
  const { host, port } = parseConnectionString(url)
  if (!LOCAL_HOSTS.has(host)) return null
  try {
    const text = execFileSync(process.execPath, [CONNECT_SCRIPT, 'status', '--port', String(port)], {
      encoding: 'utf8',
    })
    const m = /\bpid (\d+)/.exec(text)
    return m === null ? null : Number(m[1])
  } catch {
    return null
  }
}

/** The fair-comparison record of one query, turned around: embedded first, remote over embedded. */
function toRemoteQuery(q: FairQuery): RemoteQuery {
  return {
    name: q.name,
    ...(q.sluice === undefined ? { embeddedError: q.sluiceError } : { embedded: q.sluice }),
    ...(q.spark === undefined ? { remoteError: q.sparkError } : { remote: q.spark }),
    ...(q.wallRatio === undefined || q.cpuRatio === undefined
      ? {}
      : { wallRatio: 1 / q.wallRatio, cpuRatio: 1 / q.cpuRatio, rowsMatch: q.rowsMatch }),
  }
}

async function startSide(args: readonly string[]): Promise<{ child: LineChild; ready: Reply }> {
  return LineChild.start(process.execPath, ['--expose-gc', SLUICE_SCRIPT, ...args], '@@sluice ', () => true)
}

/**
 * Runs `opts.queries` embedded and on the server at `opts.url`, interleaved; `available: false`
 * with the reason when the remote side cannot start.
 * @example const r = await runRemoteComparison({ url: 'sc://localhost:15002', events: 1e6, eventsPerBatch: 1e5, runs: 3, queries: ['q0'] })
 */
export async function runRemoteComparison(opts: RemoteOptions): Promise<RemoteComparison> {
  const url = redact(opts.url)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-remote-'))
  const children: LineChild[] = []
  try {
    const { source, sluiceArgs, input } = await prepareInput(dir, { ...opts, kafka: undefined })
    const perBatch = ['--events', String(opts.events), '--per-batch', String(opts.eventsPerBatch)]
    const pid = localServerPid(opts.url)
    const embedded = await startSide([...sluiceArgs, ...perBatch])
    children.push(embedded.child)
    const pidArgs = pid === null ? [] : ['--server-pid', String(pid)]
    const remote = await startSide([...sluiceArgs, '--remote', opts.url, ...pidArgs, ...perBatch])
    children.push(remote.child)
    if (!embedded.ready.ok || !remote.ready.ok)
      return { available: false, url, reason: (embedded.ready.error ?? remote.ready.error) || 'failed' }
    const loadBefore = load()
    const queries: RemoteQuery[] = []
    for (const q of opts.queries) {
      process.stderr.write(`nexmark ${q} embedded vs remote (${url}):\n`)
      const pair = await interleave(embedded.child, remote.child, q, source, opts, ['embedded', 'remote'])
      queries.push(toRemoteQuery(pair))
    }
    return {
      available: true,
      url,
      input: `${input}; noop sink`,
      events: opts.events,
      eventsPerBatch: opts.eventsPerBatch,
      runs: opts.runs,
      order: 'per query: one untimed warm-up embedded, then remote; then embedded, remote, … interleaved',
      remoteCpuClock:
        pid === null
          ? 'the client Node process only (the server is not a local one started by scripts/spark-connect.mjs)'
          : `the client Node process plus the server JVM (pid ${pid}, /proc/<pid>/stat user + system)`,
      loadBefore,
      loadAfter: load(),
      queries,
    }
  } finally {
    for (const c of children) await c.stop().catch(() => undefined)
    for (const c of children) c.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}
