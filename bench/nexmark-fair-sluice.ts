/**
 * Sluice's side of the fair comparison with Spark (bench/nexmark-fair.ts): one long-lived Node
 * process driven run by run, as the PySpark peer is, so neither side's start-up is timed.
 *
 *     node --expose-gc bench/nexmark-fair-sluice.ts --parquet DIR --per-batch 100000 --events N
 *     node --expose-gc bench/nexmark-fair-sluice.ts --kafka HOST:PORT,TOPIC --per-batch 100000 --events N
 *     node --expose-gc bench/nexmark-fair-sluice.ts --parquet DIR --remote sc://HOST:15002 [--server-pid PID] ...
 *
 * Prints `@@sluice {"ok": true, "ready": true}`, then answers each JSON line read on stdin,
 * `{"op": "run", "query": "q0"}`, with one `@@sluice {...}` line: the wall and CPU ms of one
 * streaming query over the input (CPU: process.cpuUsage of this process, every thread, GC
 * included), its batches' durations and its output rows. Before each run: a full GC and a wait
 * until the process is idle, untimed. With `--remote`, each run goes through `Sluice.remote` to the
 * Spark Connect server instead (bench/nexmark-remote-run.ts; bench/nexmark-remote.ts drives it).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { settle } from './measure.ts'
import { type NexmarkInput, runSluice, selectQueries } from './nexmark-bench.ts'
import { runRemote } from './nexmark-remote-run.ts'

const MARKER = '@@sluice '

const reply = (obj: unknown): void => {
  process.stdout.write(`${MARKER}${JSON.stringify(obj)}\n`)
}

function inputOf(parquet: string | undefined, kafka: string | undefined): NexmarkInput {
  if (parquet !== undefined) return { kind: 'parquet', dir: parquet }
  const [bootstrap, topic] = kafka?.split(',') ?? []
  if (bootstrap === undefined || topic === undefined)
    throw new Error('Give --parquet DIR or --kafka HOST:PORT,TOPIC.')
  return { kind: 'kafka', bootstrap, topic, warmupTopic: topic }
}

async function runCommand(name: string, input: NexmarkInput, events: number, eventsPerBatch: number) {
  const [query] = selectQueries(name)
  await settle()
  const run = await runSluice(query, events, { eventsPerBatch, input })
  const last = run.progress[run.progress.length - 1]?.stateOperators ?? []
  return {
    ok: true,
    ms: run.ms,
    cpuMs: run.cpuMs,
    batchMs: run.progress.map((p) => p.durationMs.triggerExecution ?? 0),
    outputRows: run.progress.reduce((sum, p) => sum + p.sink.numOutputRows, 0),
    stateRows: last.reduce((s, o) => s + o.numRowsTotal, 0),
    stateBytes: last.reduce((s, o) => s + o.memoryUsedBytes, 0),
    peakRssBytes: run.peakRssBytes,
  }
}

/** One run on the Spark Connect server at `remote.url`, in the same reply shape. */
async function runRemoteCommand(
  name: string,
  dir: string,
  remote: { url: string; serverPid: number | null; checkpoints: string },
) {
  const [query] = selectQueries(name)
  await settle()
  const run = await runRemote(query, remote.url, dir, remote.checkpoints, remote.serverPid)
  const last = run.progress[run.progress.length - 1]?.stateOperators ?? []
  return {
    ok: true,
    ms: run.ms,
    cpuMs: run.cpuMs,
    clientCpuMs: run.clientCpuMs,
    serverCpuMs: run.serverCpuMs,
    batchMs: run.progress.map((p) => p.durationMs.triggerExecution ?? 0),
    outputRows: run.progress.reduce((sum, p) => sum + Math.max(0, p.sink.numOutputRows), 0),
    stateRows: last.reduce((s, o) => s + o.numRowsTotal, 0),
    stateBytes: last.reduce((s, o) => s + o.memoryUsedBytes, 0),
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      parquet: { type: 'string' },
      kafka: { type: 'string' },
      events: { type: 'string' },
      'per-batch': { type: 'string' },
      remote: { type: 'string' },
      'server-pid': { type: 'string' },
    },
  })
  const pid = values['server-pid']
  const remote =
    values.remote === undefined
      ? null
      : {
          url: values.remote,
          serverPid: pid === undefined ? null : Number(pid),
          checkpoints: await mkdtemp(path.join(tmpdir(), 'sluice-remote-bench-')),
        }
  const input = inputOf(values.parquet, values.kafka)
  const events = Number(values.events)
  const eventsPerBatch = Number(values['per-batch'])
  reply({ ok: true, ready: true })
  for await (const line of createInterface({ input: process.stdin })) {
    const cmd = JSON.parse(line) as { op: string; query: string }
    if (cmd.op === 'stop') break
    try {
      reply(
        remote === null || values.parquet === undefined
          ? await runCommand(cmd.query, input, events, eventsPerBatch)
          : await runRemoteCommand(cmd.query, values.parquet, {
              ...remote,
              checkpoints: await freshDir(remote.checkpoints),
            }),
      )
    } catch (e) {
      reply({ ok: false, error: e instanceof Error ? e.message.split('\n')[0].slice(0, 500) : String(e) })
    }
  }
  if (remote !== null) await rm(remote.checkpoints, { recursive: true, force: true })
  reply({ ok: true })
}

/** A new empty folder under `root` for one run's checkpoint (every run starts from scratch). */
async function freshDir(root: string): Promise<string> {
  return mkdtemp(path.join(root, 'run-'))
}

await main()
