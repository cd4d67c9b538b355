/**
 * The fair comparison's data and its arithmetic (no I/O): which Spark configurations run, each
 * engine's runs summarized, and the Sluice/Spark ratios per query.
 */
import { median, percentile } from './measure.ts'

/** One timed run of one engine, as its long-lived process reports it. */
export interface EngineRun {
  readonly ms: number
  readonly cpuMs: number
  readonly batchMs: readonly number[]
  readonly outputRows: number
  readonly stateRows: number
  readonly stateBytes: number
  /** Spark only: the Python driver's own CPU time (not in cpuMs). */
  readonly pythonCpuMs?: number
}

export interface EngineSummary {
  /** Wall time of each timed run, in run order, and their median. */
  readonly runsMs: readonly number[]
  readonly ms: number
  /** CPU time of each timed run (the engine's process, every thread), and their median. */
  readonly cpuRunsMs: readonly number[]
  readonly cpuMs: number
  /** Source events per wall second and per CPU second (the events the bids came from). */
  readonly eventsPerSecond: number
  readonly eventsPerCpuSecond: number
  /** Batches of all runs together, and nearest-rank percentiles of their durations. */
  readonly batches: number
  readonly batchLatencyMs: { readonly p50: number; readonly p99: number }
  /** Output rows, state rows and bytes of the last run. */
  readonly outputRows: number
  readonly stateRows: number
  readonly stateBytes: number
  /** Spark only: the median of the Python driver's CPU time. */
  readonly pythonCpuMs?: number
}

export interface FairQuery {
  readonly name: string
  readonly sluice?: EngineSummary
  readonly spark?: EngineSummary
  /** Why a side did not run (the other side's figures are kept). */
  readonly sluiceError?: string
  readonly sparkError?: string
  /** Sluice's median / Spark's median, wall and CPU time (below 1: Sluice needs less). */
  readonly wallRatio?: number
  readonly cpuRatio?: number
  /** Whether both engines wrote the same number of rows (the same input and batch boundaries). */
  readonly rowsMatch?: boolean
}

/** One Spark configuration: `local[cores]` with `spark.sql.shuffle.partitions` = cores. */
export interface SparkConfig {
  readonly cores: number
  readonly shufflePartitions: number
  /** Why it runs: 'same cores as Sluice', 'per core', 'every core'. */
  readonly roles: readonly string[]
}

/**
 * Spark's best configuration for the cores Sluice is given, `local[1]` for per-core figures and
 * `local[every core]`; one configuration per core count, its roles joined.
 * @example sparkConfigs(1, 2).map((c) => c.cores) // [1, 2]
 */
export function sparkConfigs(sluiceCores: number, machineCores: number): readonly SparkConfig[] {
  const wanted: [number, string][] = [
    [sluiceCores, 'same cores as Sluice'],
    [1, 'per core'],
    [machineCores, 'every core'],
  ]
  const out: { cores: number; shufflePartitions: number; roles: string[] }[] = []
  for (const [cores, role] of wanted) {
    const same = out.find((c) => c.cores === cores)
    if (same === undefined) out.push({ cores, shufflePartitions: cores, roles: [role] })
    else same.roles.push(role)
  }
  return out
}

/**
 * Medians and percentiles of one engine's timed runs of a query over `events` source events.
 * @example summarizeRuns(runs, 1_000_000).cpuMs
 */
export function summarizeRuns(runs: readonly EngineRun[], events: number): EngineSummary {
  const ms = median(runs.map((r) => r.ms))
  const cpuMs = median(runs.map((r) => r.cpuMs))
  const latencies = runs.flatMap((r) => r.batchMs).sort((a, b) => a - b)
  const last = runs[runs.length - 1]
  const python = runs.flatMap((r) => (r.pythonCpuMs === undefined ? [] : [r.pythonCpuMs]))
  return {
    runsMs: runs.map((r) => r.ms),
    ms,
    cpuRunsMs: runs.map((r) => r.cpuMs),
    cpuMs,
    eventsPerSecond: events / (ms / 1000),
    eventsPerCpuSecond: events / (cpuMs / 1000),
    batches: latencies.length,
    batchLatencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
    outputRows: last.outputRows,
    stateRows: last.stateRows,
    stateBytes: last.stateBytes,
    ...(python.length > 0 ? { pythonCpuMs: median(python) } : {}),
  }
}

/**
 * A query's two sides and their ratios; a side given as a string did not run, for that reason.
 * @example compareQuery('q0', sluiceRuns, sparkRuns, 1e6).cpuRatio
 */
export function compareQuery(
  name: string,
  sluiceRuns: readonly EngineRun[] | string,
  sparkRuns: readonly EngineRun[] | string,
  events: number,
): FairQuery {
  const sluice = typeof sluiceRuns === 'string' ? undefined : summarizeRuns(sluiceRuns, events)
  const spark = typeof sparkRuns === 'string' ? undefined : summarizeRuns(sparkRuns, events)
  return {
    name,
    ...(sluice === undefined ? { sluiceError: sluiceRuns as string } : { sluice }),
    ...(spark === undefined ? { sparkError: sparkRuns as string } : { spark }),
    ...(sluice !== undefined && spark !== undefined
      ? {
          wallRatio: sluice.ms / spark.ms,
          cpuRatio: sluice.cpuMs / spark.cpuMs,
          rowsMatch: sluice.outputRows === spark.outputRows,
        }
      : {}),
  }
}
