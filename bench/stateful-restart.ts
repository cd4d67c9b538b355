/**
 * State at scale (issue 16), beside the windowed count of bench/stateful.ts:
 *
 * - restart: fill a windowed count with `keys` keys (all in one 10 s window, `rowsPerBatch`-row
 *   batches), stop the query, start it again from its checkpoint in a new session, and time
 *   `start()` until its first batch is committed (its progress event) — state load included.
 *   The LMDB provider restarts on its local store, as on the same machine.
 * - scale (bench/stateful-scale.ts) runs `runCount` with many keys.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { col, Sluice, window } from '../src/index.ts'

export interface StatefulRestartCase {
  readonly provider: string
  /** Keys in state when the query stops. */
  readonly keys: number
  /** `start()` to the first committed batch of the restarted query, in ms. */
  readonly restartMs: number
  /**
   * The CPU time (user + system, this process) over `restartMs`: steadier than it on a shared
   * machine (it leaves out time waiting for a core or for the disk).
   */
  readonly restartCpuMs: number
  /** The batch that first committed after the restart. */
  readonly firstBatchId: number
  /** That batch's own `durationMs` (progress): what of `restartMs` is the batch, not the start. */
  readonly firstBatchDurationMs: Readonly<Record<string, number>>
}

/** How `runCount` runs besides its key and batch counts. */
export interface RunCountOptions {
  /** Event time added per batch (1000: 10 batches per 10 s window; 0: every batch in the first). */
  readonly advanceMillis?: number
  /** More session confs (e.g. the LMDB provider's overlay cap). */
  readonly confs?: Readonly<Record<string, string | number>>
}

/** Runs the windowed count in `dir` until `batches` input batches committed; returns the last id. */
export async function runCount(
  provider: string,
  dir: string,
  keys: number,
  rowsPerBatch: number,
  batches: number,
  options: RunCountOptions = {},
): Promise<{
  firstCommittedMs: number
  firstCommittedCpuMs: number
  firstBatchId: number
  durations: Record<string, number>
  /** State rows (all operators) after the last batch. */
  stateRows: number
}> {
  const sluice = Sluice.local({
    'sluice.sql.streaming.stateStore.providerClass': provider,
    'sluice.sql.session.timeZone': 'UTC',
    output: () => undefined,
    'sluice.streaming.stopOnSignal': false,
    ...options.confs,
  })
  let seen = 0
  let firstCommittedMs = 0
  let firstCommittedCpuMs = 0
  let firstBatchId = -1
  let stateRows = 0
  let durations: Record<string, number> = {}
  let done: () => void = () => undefined
  const allDone = new Promise<void>((resolve) => {
    done = resolve
  })
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  sluice.streams.addListener({
    onQueryProgress: (e) => {
      if (e.progress.numInputRows === 0) return
      if (seen++ === 0) {
        firstCommittedMs = performance.now() - t0
        const cpu = process.cpuUsage(c0)
        firstCommittedCpuMs = (cpu.user + cpu.system) / 1000
        firstBatchId = e.progress.batchId
        durations = { ...e.progress.durationMs }
      }
      if (seen === batches) {
        stateRows = e.progress.stateOperators.reduce((n, o) => n + o.numRowsTotal, 0)
        done()
      }
    },
  })
  const q = await sluice.readStream
    .format('rate-micro-batch')
    .option('rowsPerBatch', rowsPerBatch)
    .option('advanceMillisPerBatch', options.advanceMillis ?? 1000)
    .load()
    .withWatermark('timestamp', '5 seconds')
    .groupBy(window(col('timestamp'), '10 seconds'), col('value').mod(keys).alias('k'))
    .count()
    .writeStream.format('noop')
    .outputMode('append')
    .option('checkpointLocation', path.join(dir, 'ckpt'))
    .start()
  await allDone
  await q.stop()
  return { firstCommittedMs, firstCommittedCpuMs, firstBatchId, durations, stateRows }
}

/** In a fresh temporary directory (the LMDB local stores under it too), removed afterwards. */
export async function inTempDir<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-bench-'))
  const savedLocal = process.env.SLUICE_STATE_LMDB_DIR
  process.env.SLUICE_STATE_LMDB_DIR = path.join(dir, 'lmdb-local')
  try {
    return await f(dir)
  } finally {
    if (savedLocal === undefined) delete process.env.SLUICE_STATE_LMDB_DIR
    else process.env.SLUICE_STATE_LMDB_DIR = savedLocal
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * The restart time of a query holding `keys` keys of windowed-count state.
 *
 * @example await measureRestart('lmdb', 1e6, 200_000) // { restartMs: 640, ... }
 */
export async function measureRestart(
  provider: string,
  keys: number,
  rowsPerBatch: number,
): Promise<StatefulRestartCase> {
  // At most 10 one-second batches, so every key lands in the first 10 s window and stays in state.
  const per = Math.max(rowsPerBatch, Math.ceil(keys / 10))
  const fill = Math.ceil(keys / per)
  return inTempDir(async (dir) => {
    await runCount(provider, dir, keys, per, fill)
    const r = await runCount(provider, dir, keys, per, 1)
    return {
      provider,
      keys,
      restartMs: r.firstCommittedMs,
      restartCpuMs: r.firstCommittedCpuMs,
      firstBatchId: r.firstBatchId,
      firstBatchDurationMs: r.durations,
    }
  })
}

export function printRestart(cases: readonly StatefulRestartCase[]): void {
  for (const c of cases)
    console.log(
      `  restart with ${c.keys.toLocaleString('en-US')} keys, ${c.provider.padEnd(6)}: ${c.restartMs.toFixed(0)} ms (${c.restartCpuMs.toFixed(0)} ms CPU) from start() to batch ${c.firstBatchId} committed (that batch: ${JSON.stringify(c.firstBatchDurationMs)})`,
    )
}
