/**
 * Timing, statistics and environment facts for benchmark runs. Bench code, not engine code: it
 * reads the real clock and the machine directly.
 */
import { execFileSync } from 'node:child_process'
import os from 'node:os'

export interface RunStats {
  /** Wall-clock milliseconds of each timed run. */
  readonly runsMs: readonly number[]
  /** CPU milliseconds (user + system, all threads incl. GC helpers) of each timed run. */
  readonly cpuRunsMs: readonly number[]
  /** Median CPU time: steadier than wall time on a shared, loaded machine. */
  readonly cpuMedianMs: number
  readonly medianMs: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly minMs: number
  readonly maxMs: number
}

/**
 * Nearest-rank percentile of `sorted` (ascending): with 5 samples p50 is the 3rd, p99 the 5th.
 * @example percentile([1, 2, 3, 4, 5], 0.99) // 5
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.max(1, Math.ceil(p * sorted.length))
  return sorted[Math.min(rank, sorted.length) - 1]
}

/**
 * Median: the middle sample, or the mean of the two middle samples for an even count.
 * @example median([30, 10, 20]) // 20
 */
export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Median, p50/p99 (nearest rank), min and max of the wall times; median of the CPU times.
 * @example summarize([30, 10, 20], [29, 10, 19]).medianMs // 20
 */
export function summarize(runsMs: readonly number[], cpuRunsMs: readonly number[]): RunStats {
  const sorted = [...runsMs].sort((a, b) => a - b)
  return {
    runsMs,
    cpuRunsMs,
    cpuMedianMs: median(cpuRunsMs),
    medianMs: median(runsMs),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    minMs: sorted[0],
    maxMs: sorted[sorted.length - 1],
  }
}

const gc = (globalThis as { gc?: () => void }).gc

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const cpuMsSince = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1000
}

/**
 * Full GC (when the process runs with --expose-gc), then waits until the process is idle: the
 * collector sweeps concurrently after a GC, and on a 2 GiB heap that background work would
 * otherwise land on the next timed run's clock (and its CPU time). Idle means under 10% of one
 * core busy over a 50 ms window; gives up after `maxWaitMs`.
 * @example await settle(); const { ms } = timeOnce(() => query.collect())
 */
export async function settle(maxWaitMs = 3000): Promise<void> {
  gc?.()
  const window = 50
  for (let waited = 0; waited < maxWaitMs; waited += window) {
    const cpu = process.cpuUsage()
    await sleep(window)
    if (cpuMsSince(cpu) < window * 0.1) return
  }
}

/**
 * Times `fn` once, in wall-clock and CPU milliseconds (CPU: user + system of all threads).
 * @example const { ms, cpuMs, result } = timeOnce(() => query.collect())
 */
export function timeOnce<T>(fn: () => T): { ms: number; cpuMs: number; result: T } {
  const cpu = process.cpuUsage()
  const start = process.hrtime.bigint()
  const result = fn()
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  return { ms, cpuMs: cpuMsSince(cpu), result }
}

/**
 * The process's peak resident set size so far, in bytes (Linux reports maxRSS in KiB).
 * @example peakRssBytes() // 1_234_567_168
 */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024
}

export interface MachineInfo {
  readonly cpuModel: string
  readonly cores: number
  readonly availableParallelism: number
  readonly totalMemoryBytes: number
  readonly platform: string
  readonly arch: string
  readonly node: string
  readonly v8: string
  /** 1/5/15-minute load averages when the run started: other work on a shared machine skews timings. */
  readonly loadAverage: readonly number[]
}

/** Facts about this machine and runtime, for the results file. @example machineInfo().cores // 2 */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
    platform: os.platform(),
    arch: os.arch(),
    node: process.version,
    v8: process.versions.v8,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  }
}

/**
 * The short commit of the working tree and whether it has uncommitted changes; `unknown` outside
 * git or before the first commit.
 * @example gitInfo() // { commit: 'a1b2c3d', dirty: false }
 */
export function gitInfo(cwd: string): { commit: string; dirty: boolean | null } {
  const git = (...args: string[]): string | null => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    } catch {
      return null
    }
  }
  const commit = git('rev-parse', '--short', 'HEAD')
  const status = git('status', '--porcelain')
  return { commit: commit ?? 'unknown', dirty: status === null ? null : status.length > 0 }
}
