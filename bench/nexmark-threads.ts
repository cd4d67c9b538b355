/**
 * `npm run bench -- --only nexmark --threads 1,2 [--nexmark-queries q0,q1,q2 --nexmark-events N]`:
 * the Nexmark queries reading the same Parquet bids with each `sluice.executor.threads` value
 * (issue 21, every core). The bids are written once, one file per 100,000-event batch with row
 * groups of 25,000 rows (so a batch's file splits over the threads by row group), read with
 * `maxFilesPerTrigger` 1. Per query: one warm-up run per thread count, then the thread counts
 * interleaved (1, 2, 1, 2 …), wall and CPU time per run (CPU: every thread of the process, the
 * workers included). One session per thread count, kept across runs, so its workers are warm.
 * Prints wall, CPU and main-thread CPU medians, throughput against the first thread count, and the
 * load average. On a loaded machine the wall times say little; the main thread's CPU (the serial
 * part every batch waits on) is the steadier sign of what the threads take off it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { median, settle } from './measure.ts'
import { runSluice, selectQueries } from './nexmark-bench.ts'
import { writeBidFiles } from './nexmark-spark.ts'

/** Rows per Parquet row group of the input: four splits per 100,000-event file. */
const ROW_GROUP_ROWS = 25_000

export interface ThreadsRun {
  readonly threads: number
  readonly wallMs: readonly number[]
  readonly cpuMs: readonly number[]
  readonly medianWallMs: number
  readonly medianCpuMs: number
  /** The main thread's own CPU (median): the serial part, which bounds throughput on a quiet machine. */
  readonly mainCpuMs: readonly number[]
  readonly medianMainCpuMs: number
  /** Events per wall-clock second (median run). */
  readonly eventsPerSecond: number
  /** Median wall time of the first thread count / this one: the throughput gain. */
  readonly speedup: number
  /** Median CPU time of this thread count / the first one: what the gain costs. */
  readonly cpuRatio: number
}

export interface ThreadsComparison {
  readonly input: string
  readonly events: number
  readonly eventsPerBatch: number
  readonly rowGroupRows: number
  readonly runs: number
  readonly order: string
  /** os.loadavg() (1, 5, 15 min) before the first and after the last run. */
  readonly loadBefore: readonly number[]
  readonly loadAfter: readonly number[]
  readonly queries: readonly { readonly name: string; readonly byThreads: readonly ThreadsRun[] }[]
}

/**
 * Runs the comparison (in the calling process: bench/run.ts gives it its own).
 *
 * @example await runThreadsComparison({ events: 500_000, eventsPerBatch: 100_000, runs: 3, queries: 'q0', threads: [1, 2] })
 */
export async function runThreadsComparison(opts: {
  events: number
  eventsPerBatch: number
  runs: number
  queries: string | null
  threads: readonly number[]
}): Promise<ThreadsComparison> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-threads-'))
  try {
    await writeBidFiles(dir, opts.events, opts.eventsPerBatch, 'bid', ROW_GROUP_ROWS)
    const input = { kind: 'parquet', dir } as const
    const loadBefore = loadavg()
    const queries = []
    for (const query of selectQueries(opts.queries).filter((q) => (q.view ?? 'bid') === 'bid')) {
      process.stderr.write(`nexmark threads ${query.name}: ${opts.threads.join(' vs ')} threads...\n`)
      const wall = opts.threads.map(() => [] as number[])
      const cpu = opts.threads.map(() => [] as number[])
      const mainCpu = opts.threads.map(() => [] as number[])
      for (let r = -1; r < opts.runs; r++) {
        for (const [k, threads] of opts.threads.entries()) {
          await settle()
          const run = await runSluice(query, opts.events, {
            eventsPerBatch: opts.eventsPerBatch,
            input,
            threads,
          })
          if (r < 0) continue // warm-up
          wall[k].push(run.ms)
          cpu[k].push(run.cpuMs)
          mainCpu[k].push(run.mainCpuMs)
        }
      }
      const base = { wall: median(wall[0]), cpu: median(cpu[0]) }
      const byThreads = opts.threads.map((threads, k) => ({
        threads,
        wallMs: wall[k],
        cpuMs: cpu[k],
        medianWallMs: median(wall[k]),
        medianCpuMs: median(cpu[k]),
        mainCpuMs: mainCpu[k],
        medianMainCpuMs: median(mainCpu[k]),
        eventsPerSecond: opts.events / (median(wall[k]) / 1000),
        speedup: base.wall / median(wall[k]),
        cpuRatio: median(cpu[k]) / base.cpu,
      }))
      queries.push({ name: query.name, byThreads })
    }
    return {
      input: `Parquet bids, one file per batch, row groups of ${ROW_GROUP_ROWS} rows, maxFilesPerTrigger 1`,
      events: opts.events,
      eventsPerBatch: opts.eventsPerBatch,
      rowGroupRows: ROW_GROUP_ROWS,
      runs: opts.runs,
      order: `one warm-up per thread count, then ${opts.threads.join(', ')} interleaved`,
      loadBefore,
      loadAfter: loadavg(),
      queries,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Prints the comparison as a table.
 *
 * @example printThreads(await runThreadsComparison({ ... }))
 */
export function printThreads(r: ThreadsComparison): void {
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' ')
  console.log(`\nNexmark on every core: ${r.input}; ${r.events.toLocaleString('en-US')} events, ${r.order}`)
  console.log(`load average before ${load(r.loadBefore)}, after ${load(r.loadAfter)}`)
  console.log(
    'query  threads  wall ms (median)  CPU ms (median)  main-thread CPU ms  events/s     throughput  CPU',
  )
  for (const q of r.queries) {
    for (const t of q.byThreads) {
      console.log(
        `${q.name.padEnd(6)} ${String(t.threads).padStart(7)}  ${t.medianWallMs.toFixed(0).padStart(16)}  ${t.medianCpuMs.toFixed(0).padStart(15)}  ${t.medianMainCpuMs.toFixed(0).padStart(18)}  ${t.eventsPerSecond.toFixed(0).padStart(10)}  ${t.speedup.toFixed(2).padStart(10)}x  ${t.cpuRatio.toFixed(2)}x`,
      )
    }
  }
}
