/**
 * Sluice against Apache Spark, fair by construction (`npm run bench -- --only nexmark --peers
 * spark`). Both engines read the same input — the same Parquet files of the generated bids, one
 * file per micro-batch, read with `maxFilesPerTrigger` 1 on both sides (or, with
 * `--nexmark-source kafka`, the same one-partition topic with `maxOffsetsPerTrigger` = the batch
 * size) — into the same `noop` sink. Each engine is one long-lived process driven run by run
 * (bench/nexmark-fair-sluice.ts, bench/peers/spark/nexmark_spark.py), so no start-up is timed.
 * Per Spark configuration (sparkConfigs: Sluice's core count, one core, every core) and query: one
 * untimed warm-up run on each side, then Sluice, Spark, Sluice, Spark … interleaved, wall and CPU
 * time per run. One Spark process at a time; the load average is taken before and after each.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { LineChild, type Reply } from './line-child.ts'
import { selectQueries, viewFolder } from './nexmark-bench.ts'
import {
  compareQuery,
  type EngineRun,
  type FairQuery,
  type SparkConfig,
  sparkConfigs,
} from './nexmark-fair-stats.ts'
import { PYTHON, sparkAvailability, sparkPeerArgs, writeBidFiles } from './nexmark-spark.ts'

/** Sluice runs a query on one JavaScript thread: the cores it is given. */
export const SLUICE_CORES = 1
const SLUICE_SCRIPT = path.join(import.meta.dirname, 'nexmark-fair-sluice.ts')

export interface FairConfigResult extends SparkConfig {
  readonly master: string
  /** SparkSession start (not timed in any run). */
  readonly startupMs: number
  /** The driver JVM's peak RSS over this configuration's runs (local mode: all of Spark). */
  readonly jvmPeakRssBytes: number | null
  /** os.loadavg() (1, 5, 15 min) before the first and after the last run of this configuration. */
  readonly loadBefore: readonly number[]
  readonly loadAfter: readonly number[]
  readonly queries: readonly FairQuery[]
  /** Why Spark did not start in this configuration. */
  readonly error?: string
}

export type FairComparison =
  | { readonly available: false; readonly reason: string }
  | {
      readonly available: true
      readonly sparkVersion: string
      /** What both engines read, and how the batches are cut. */
      readonly input: string
      readonly events: number
      readonly eventsPerBatch: number
      readonly warmups: number
      readonly runs: number
      readonly order: string
      readonly sluiceCores: number
      readonly sluiceCpuClock: string
      readonly sparkCpuClock: string
      readonly sink: string
      /** Time to write the Parquet files (untimed setup; 0 for Kafka). */
      readonly writeMs: number
      readonly loadBefore: readonly number[]
      readonly loadAfter: readonly number[]
      readonly configs: readonly FairConfigResult[]
    }

export interface FairOptions {
  readonly events: number
  readonly eventsPerBatch: number
  readonly runs: number
  readonly queries: readonly string[]
  /** Read this Kafka topic (JSON events, one partition) instead of Parquet files. */
  readonly kafka?: { readonly bootstrap: string; readonly topic: string }
  readonly python?: string
}

const load = (): number[] => os.loadavg().map((l) => Math.round(l * 100) / 100)
const errorOf = (r: Reply): string => r.error ?? 'failed'

function toRun(r: Reply): EngineRun {
  return r as unknown as EngineRun
}

/**
 * One query in one configuration: warm-ups, then the interleaved timed runs. `labels` name the two
 * sides in the log (the remote comparison, bench/nexmark-remote.ts, runs embedded against remote).
 */
export async function interleave(
  sluice: LineChild,
  spark: LineChild,
  query: string,
  source: (query: string) => string,
  opts: Pick<FairOptions, 'runs' | 'events'>,
  labels: readonly [string, string] = ['sluice', 'spark'],
): Promise<FairQuery> {
  const runOf = { op: 'run', query, source: source(query) }
  let sluiceRuns: EngineRun[] | string = []
  let sparkRuns: EngineRun[] | string = []
  const warmS = await sluice.request(runOf)
  if (!warmS.ok) sluiceRuns = errorOf(warmS)
  const warmK = await spark.request(runOf)
  if (!warmK.ok) sparkRuns = errorOf(warmK)
  for (let i = 0; i < opts.runs; i++) {
    for (const [side, child] of [
      ['sluice', sluice],
      ['spark', spark],
    ] as const) {
      const runs = side === 'sluice' ? sluiceRuns : sparkRuns
      if (typeof runs === 'string') continue
      const r = await child.request(runOf)
      if (!r.ok) {
        if (side === 'sluice') sluiceRuns = errorOf(r)
        else sparkRuns = errorOf(r)
        continue
      }
      runs.push(toRun(r))
      const label = side === 'sluice' ? labels[0] : labels[1]
      process.stderr.write(
        `  ${query} ${label} run ${i + 1}/${opts.runs}: ${toRun(r).ms.toFixed(0)} ms, cpu ${toRun(r).cpuMs.toFixed(0)} ms\n`,
      )
    }
  }
  return compareQuery(query, sluiceRuns, sparkRuns, opts.events)
}

async function runConfig(
  sluice: LineChild,
  config: SparkConfig,
  python: string,
  source: (query: string) => string,
  opts: FairOptions,
): Promise<{ result: FairConfigResult; ready: Reply }> {
  const loadBefore = load()
  const master = `local[${config.cores}]`
  process.stderr.write(`spark: starting ${master}, ${config.shufflePartitions} shuffle partitions...\n`)
  const args = sparkPeerArgs(config, opts.eventsPerBatch, opts.kafka?.bootstrap)
  const { child: spark, ready } = await LineChild.start(python, args, '@@spark ', (l) =>
    l.startsWith('spark: '),
  )
  const base = { ...config, master, loadBefore }
  if (!ready.ok) {
    spark.kill()
    const error = errorOf(ready)
    const result = { ...base, startupMs: 0, jvmPeakRssBytes: null, loadAfter: load(), queries: [], error }
    return { result, ready }
  }
  const queries: FairQuery[] = []
  try {
    for (const q of opts.queries) {
      process.stderr.write(`nexmark ${q} vs Spark ${master}:\n`)
      queries.push(await interleave(sluice, spark, q, source, opts))
    }
    const last = await spark.stop()
    const jvmPeakRssBytes = (last.jvmPeakRssBytes as number | null | undefined) ?? null
    const startupMs = ready.startupMs as number
    return { result: { ...base, startupMs, jvmPeakRssBytes, loadAfter: load(), queries }, ready }
  } finally {
    spark.kill()
  }
}

/** Writes the Parquet input (or names the topic) and says what both engines read. */
export async function prepareInput(
  dir: string,
  opts: FairOptions,
): Promise<{ source: (query: string) => string; sluiceArgs: string[]; input: string; writeMs: number }> {
  if (opts.kafka !== undefined) {
    const { bootstrap, topic } = opts.kafka
    const input = `Kafka topic ${topic} (JSON events, 1 partition, maxOffsetsPerTrigger ${opts.eventsPerBatch}, from_json, event_type = 2)`
    return { source: () => topic, sluiceArgs: ['--kafka', `${bootstrap},${topic}`], input, writeMs: 0 }
  }
  const views = new Set(selectQueries(opts.queries.join(',')).map((q) => q.view ?? 'bid'))
  const t0 = performance.now()
  let files = 0
  for (const view of views) {
    const what = view === 'bid' ? 'bids' : 'events (the join queries read every event)'
    process.stderr.write(
      `fair: writing ${opts.events.toLocaleString('en-US')} events' ${what} as Parquet...\n`,
    )
    files = (await writeBidFiles(dir, opts.events, opts.eventsPerBatch, view)).length
  }
  const viewOf = (name: string) => selectQueries(name)[0].view ?? 'bid'
  const what = [...views].map((v) =>
    v === 'bid' ? 'the bids' : 'every event (EVENT_SCHEMA, for the join queries)',
  )
  const input = `Parquet files of ${what.join(' and of ')} (Sluice's df.write, snappy), ${files} file${files === 1 ? '' : 's'} each, one per ${opts.eventsPerBatch.toLocaleString('en-US')} events; maxFilesPerTrigger 1 on both sides`
  const source = (name: string) => viewFolder(dir, viewOf(name))
  return { source, sluiceArgs: ['--parquet', dir], input, writeMs: performance.now() - t0 }
}

/**
 * Runs the fair comparison over `opts.queries`; `available: false` with the reason when PySpark or
 * Java is missing.
 * @example const r = await runFairComparison({ events: 1e6, eventsPerBatch: 1e5, runs: 3, queries: ['q0'] })
 */
export async function runFairComparison(opts: FairOptions): Promise<FairComparison> {
  const python = opts.python ?? PYTHON
  const availability = sparkAvailability(python)
  if (!availability.ok) return { available: false, reason: availability.reason }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-fair-'))
  let sluice: LineChild | undefined
  try {
    const { source, sluiceArgs, input, writeMs } = await prepareInput(dir, opts)
    const loadBefore = load()
    const perBatch = ['--events', String(opts.events), '--per-batch', String(opts.eventsPerBatch)]
    const started = await LineChild.start(
      process.execPath,
      ['--expose-gc', SLUICE_SCRIPT, ...sluiceArgs, ...perBatch],
      '@@sluice ',
      () => true,
    )
    sluice = started.child
    if (!started.ready.ok) return { available: false, reason: `Sluice's side: ${errorOf(started.ready)}` }
    const configs: FairConfigResult[] = []
    let sparkCpuClock = 'unknown'
    for (const config of sparkConfigs(SLUICE_CORES, os.availableParallelism())) {
      const { result, ready } = await runConfig(sluice, config, python, source, opts)
      if (typeof ready.cpuClock === 'string') sparkCpuClock = ready.cpuClock
      configs.push(result)
    }
    await sluice.stop()
    return {
      available: true,
      sparkVersion: availability.version,
      input,
      events: opts.events,
      eventsPerBatch: opts.eventsPerBatch,
      warmups: 1,
      runs: opts.runs,
      order:
        'per query: one untimed warm-up run of Sluice, then of Spark; then Sluice, Spark, Sluice, Spark … (runs interleaved)',
      sluiceCores: SLUICE_CORES,
      sluiceCpuClock: 'process.cpuUsage() of the Sluice Node process (user + system, every thread)',
      sparkCpuClock,
      sink: 'noop on both sides (q10: partitioned Parquet files)',
      writeMs,
      loadBefore,
      loadAfter: load(),
      configs,
    }
  } finally {
    sluice?.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}
