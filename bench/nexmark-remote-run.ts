/**
 * One Nexmark query run through `Sluice.remote` on a Spark Connect server (`npm run bench --
 * --only nexmark --remote sc://host:15002`, bench/nexmark-remote.ts): the same query function the
 * embedded run uses (`BenchQuery.run`), over the same Parquet files of the bids read with
 * `maxFilesPerTrigger` 1, into Spark's `noop` sink with an availableNow trigger. The Parquet folder
 * and the checkpoint must be paths the server sees (on a local server: this machine's).
 *
 * CPU time is this Node process (the client: plan translation, gRPC, progress polling) plus, when
 * the server's JVM runs on this machine and its pid is known, that JVM's user + system time from
 * `/proc/<pid>/stat` (every thread of Spark's driver and local executors).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { BID_SCHEMA, EVENT_SCHEMA } from '../src/connectors/nexmark/nexmark-source-provider.ts'
import { type DataFrame, Sluice, type StreamingQueryProgress } from '../src/index.ts'
import { viewFolder } from './nexmark-bench.ts'
import type { BenchQuery } from './nexmark-hand-loop.ts'

/** The clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100

/** One remote run: wall ms, client and server CPU ms, and Spark's own progress of every batch. */
export interface RemoteRun {
  readonly ms: number
  /** Client + server CPU (server only when `serverPid` was given). */
  readonly cpuMs: number
  readonly clientCpuMs: number
  readonly serverCpuMs: number | null
  readonly progress: readonly StreamingQueryProgress[]
}

/**
 * The user + system CPU ms of process `pid` so far, from /proc; null where /proc cannot tell.
 * @example jvmCpuMs(12345) // 81230
 */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return Number.isFinite(ticks) ? (ticks * 1000) / USER_HZ : null
  } catch {
    return null
  }
}

/**
 * Runs `query` on the Spark Connect server at `url` over the Parquet files under `inputDir` (`viewFolder`).
 * @example const run = await runRemote(q0, 'sc://localhost:15002', '/tmp/in', '/tmp/ckpt', 4242)
 */
export async function runRemote(
  query: BenchQuery,
  url: string,
  inputDir: string,
  checkpointDir: string,
  serverPid: number | null,
): Promise<RemoteRun> {
  if (query.sink !== undefined)
    throw new Error(`${query.name} writes ${query.sink.format} files; the remote run has the noop sink only.`)
  const sluice = Sluice.remote(url, { 'sluice.sql.session.timeZone': 'UTC' })
  try {
    const view = query.view ?? 'bid'
    const bids = await sluice.readStream
      .format('parquet')
      .schema(view === 'bid' ? BID_SCHEMA : EVENT_SCHEMA)
      .option('maxFilesPerTrigger', 1)
      .load(viewFolder(inputDir, view))
    const server0 = serverPid === null ? null : processCpuMs(serverPid)
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    // The query functions are written against the embedded types; the remote DataFrame has the
    // same operations (a JavaScript UDF in one is refused by name when the plan is translated).
    const df = query.run(bids as unknown as DataFrame, sluice as unknown as Sluice) as unknown as typeof bids
    const q = await df.writeStream
      .format('noop')
      .outputMode(query.outputMode)
      .option('checkpointLocation', path.join(checkpointDir, query.name))
      .trigger({ availableNow: true })
      .start()
    await q.awaitTermination()
    const ms = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    const server1 = serverPid === null ? null : processCpuMs(serverPid)
    const failure = await q.exception()
    if (failure !== null) throw failure
    const clientCpuMs = (cpu.user + cpu.system) / 1000
    const serverCpuMs = server0 === null || server1 === null ? null : server1 - server0
    const progress = await q.recentProgress()
    return { ms, cpuMs: clientCpuMs + (serverCpuMs ?? 0), clientCpuMs, serverCpuMs, progress }
  } finally {
    sluice.close()
  }
}
