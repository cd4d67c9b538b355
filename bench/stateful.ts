/**
 * Stateful streaming benchmark (issue 4): a windowed count by key, append output mode, at 1e3, 1e5
 * and 1e6 keys — rate-micro-batch rows (`value`, `timestamp`; one timestamp per batch, advancing
 * 1 s per batch) through `withWatermark('timestamp', '5 seconds')`, `groupBy(window(timestamp,
 * '10 seconds'), value % keys).count()` to the noop sink — beside a hand-written loop doing the same
 * windowed count (a Map per window, emitted and dropped once the watermark passes its end).
 *
 * Each key count runs with each state store provider (`memory`, `lmdb`; `--stateful-providers`).
 * The hand loop keeps its state in memory only; Sluice also writes every state change to the
 * checkpoint (a delta file per partition per batch), so the ratio includes durability.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { col, Sluice, window } from '../src/index.ts'
import { measureRestart, printRestart, type StatefulRestartCase } from './stateful-restart.ts'
import { measureScale, printScale, type StatefulScaleCase } from './stateful-scale.ts'

export interface StatefulBenchCase {
  /** The state store provider (`sluice.sql.streaming.stateStore.providerClass`). */
  readonly provider: string
  readonly keys: number
  readonly rows: number
  readonly sluiceRowsPerSecond: number
  readonly handLoopRowsPerSecond: number
  /** Sluice's time over the hand loop's. */
  readonly ratio: number
  /**
   * Sluice's CPU time (user + system, this process) over the hand loop's: steadier than `ratio` on
   * a shared machine, and it leaves out time Sluice waits on fsync.
   */
  readonly cpuRatio: number
  /** CPU milliseconds of the Sluice run and of the hand loop. */
  readonly sluiceCpuMs: number
  readonly handLoopCpuMs: number
  /** (window, key) groups Sluice emitted by the time its last input batch was committed. */
  readonly windowsEmitted: number
}

export interface StatefulBenchResult {
  readonly rowsPerBatch: number
  readonly batches: number
  readonly cases: readonly StatefulBenchCase[]
  /** Restart of a query holding many keys, per provider (bench/stateful-restart.ts). */
  readonly restarts?: readonly StatefulRestartCase[]
  /** Throughput and peak RSS at many keys (`--stateful-scale-keys`). */
  readonly scale?: readonly StatefulScaleCase[]
}

const WINDOW_MS = 10_000
const DELAY_MS = 5_000
const ADVANCE_MS = 1_000

async function sluiceRate(provider: string, keys: number, rowsPerBatch: number, batches: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-bench-'))
  const savedLocal = process.env.SLUICE_STATE_LMDB_DIR
  process.env.SLUICE_STATE_LMDB_DIR = path.join(dir, 'lmdb-local')
  try {
    const sluice = Sluice.local({
      'sluice.sql.streaming.stateStore.providerClass': provider,
      'sluice.sql.session.timeZone': 'UTC',
      output: () => undefined,
      'sluice.streaming.stopOnSignal': false,
    })
    let emitted = 0
    let inputBatches = 0
    let finished: () => void = () => undefined
    const allDone = new Promise<void>((resolve) => {
      finished = resolve
    })
    sluice.streams.addListener({
      onQueryProgress: (e) => {
        emitted += e.progress.sink.numOutputRows
        if (e.progress.numInputRows > 0 && ++inputBatches === batches) finished()
      },
    })
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    const q = await sluice.readStream
      .format('rate-micro-batch')
      .option('rowsPerBatch', rowsPerBatch)
      .option('advanceMillisPerBatch', ADVANCE_MS)
      .load()
      .withWatermark('timestamp', `${DELAY_MS} milliseconds`)
      .groupBy(window(col('timestamp'), `${WINDOW_MS} milliseconds`), col('value').mod(keys).alias('k'))
      .count()
      .writeStream.format('noop')
      .outputMode('append')
      .option('checkpointLocation', path.join(dir, 'ckpt'))
      .start()
    await allDone
    const ms = performance.now() - t0
    const cpuMs = cpuMsSince(c0)
    await q.stop()
    return { rowsPerSecond: (rowsPerBatch * batches) / (ms / 1000), cpuMs, emitted }
  } finally {
    if (savedLocal === undefined) delete process.env.SLUICE_STATE_LMDB_DIR
    else process.env.SLUICE_STATE_LMDB_DIR = savedLocal
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The same windowed count by hand: rows as the source makes them, one Map of counts per window. */
function handLoop(keys: number, rowsPerBatch: number, batches: number) {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const windows = new Map<number, Map<number, number>>()
  let watermark = 0
  let lateWatermark = 0
  let emitted = 0
  let maxEventTime = Number.NEGATIVE_INFINITY
  for (let b = 0; b < batches; b++) {
    const rows: [number, number][] = []
    for (let i = 0; i < rowsPerBatch; i++) rows.push([b * ADVANCE_MS, b * rowsPerBatch + i])
    for (const [ts, value] of rows) {
      const start = ts - (ts % WINDOW_MS)
      if (start + WINDOW_MS <= lateWatermark) continue
      let w = windows.get(start)
      if (w === undefined) {
        w = new Map()
        windows.set(start, w)
      }
      const k = value % keys
      w.set(k, (w.get(k) ?? 0) + 1)
      if (ts > maxEventTime) maxEventTime = ts
    }
    for (const [start, w] of windows) {
      if (start + WINDOW_MS > watermark) continue
      emitted += w.size
      windows.delete(start)
    }
    lateWatermark = watermark
    watermark = Math.max(watermark, maxEventTime - DELAY_MS)
  }
  const ms = performance.now() - t0
  return { rowsPerSecond: (rowsPerBatch * batches) / (ms / 1000), cpuMs: cpuMsSince(c0), emitted }
}

/** CPU milliseconds (user + system) this process used since `c0`. */
function cpuMsSince(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0)
  return (d.user + d.system) / 1000
}

export async function runStatefulBench(opts: {
  readonly keys: readonly number[]
  readonly rowsPerBatch: number
  readonly batches: number
  /** The state store providers to run, each beside its own hand loop run (default both). */
  readonly providers?: readonly string[]
  /** Key counts to time a restart at, per provider (none: no restart figures). */
  readonly restartKeys?: readonly number[]
  /** Key counts for the scale mode, LMDB only, run first so the peak RSS is its own. */
  readonly scaleKeys?: readonly number[]
  /** The scale mode's batch size (default 100,000 rows). */
  readonly scaleRowsPerBatch?: number
  /** Session confs of the scale mode (e.g. the LMDB overlay cap). */
  readonly scaleConfs?: Readonly<Record<string, string | number>>
}): Promise<StatefulBenchResult> {
  const scale: StatefulScaleCase[] = []
  for (const keys of opts.scaleKeys ?? [])
    scale.push(
      await measureScale('lmdb', keys, { rowsPerBatch: opts.scaleRowsPerBatch, confs: opts.scaleConfs }),
    )
  const cases: StatefulBenchCase[] = []
  for (const keys of opts.keys)
    for (const provider of opts.providers ?? ['memory', 'lmdb']) {
      handLoop(keys, opts.rowsPerBatch, 3) // warm-up
      const s = await sluiceRate(provider, keys, opts.rowsPerBatch, opts.batches)
      const h = handLoop(keys, opts.rowsPerBatch, opts.batches)
      cases.push({
        provider,
        keys,
        rows: opts.rowsPerBatch * opts.batches,
        sluiceRowsPerSecond: s.rowsPerSecond,
        handLoopRowsPerSecond: h.rowsPerSecond,
        ratio: h.rowsPerSecond / s.rowsPerSecond,
        cpuRatio: s.cpuMs / h.cpuMs,
        sluiceCpuMs: s.cpuMs,
        handLoopCpuMs: h.cpuMs,
        windowsEmitted: s.emitted,
      })
    }
  const restarts: StatefulRestartCase[] = []
  for (const keys of opts.restartKeys ?? [])
    for (const provider of opts.providers ?? ['memory', 'lmdb'])
      restarts.push(await measureRestart(provider, keys, opts.rowsPerBatch))
  return { rowsPerBatch: opts.rowsPerBatch, batches: opts.batches, cases, restarts, scale }
}

export function printStateful(r: StatefulBenchResult): void {
  console.log(
    `\nWindowed count by key (rate-micro-batch, ${r.rowsPerBatch.toLocaleString('en-US')}-row batches x ${r.batches}, 10 s windows, append mode -> noop)`,
  )
  for (const c of r.cases) {
    console.log(
      `  ${c.keys.toLocaleString('en-US').padStart(9)} keys, ${c.provider.padEnd(6)}: Sluice ${(c.sluiceRowsPerSecond / 1e6).toFixed(2)}M rows/s, hand loop ${(c.handLoopRowsPerSecond / 1e6).toFixed(2)}M rows/s: ${c.ratio.toFixed(2)}x the hand loop's time, ${c.cpuRatio.toFixed(2)}x its CPU (${c.windowsEmitted.toLocaleString('en-US')} groups emitted)`,
    )
  }
  printRestart(r.restarts ?? [])
  printScale(r.scale ?? [])
}
