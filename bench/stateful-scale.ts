/**
 * State at scale (issue 16): the windowed count of bench/stateful.ts filling `keys` distinct keys
 * in fixed-size batches (`rowsPerBatch`, default 100,000: the batch size bounds the heap, not the
 * key count), every batch in the first 10 s window (`advanceMillisPerBatch` 0), so all `keys`
 * keys are in state at the end. Reports throughput and the process's resident memory: the
 * kernel's peak (`VmHWM`) and, sampled every 250 ms while it runs, the peaks of anonymous memory
 * (`RssAnon`: the heap, native buffers) and of file-backed memory (`RssFile`: LMDB's mapped pages
 * and the code; clean file pages count toward RSS but the kernel can reclaim them under pressure).
 * Run it alone in its process (`--only stateful --stateful-keys ...` runs it first) so the peak is
 * the query's own.
 */
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { inTempDir, runCount } from './stateful-restart.ts'

/** One `/proc/self/status` reading, in MB (zeros where there is no /proc). */
export interface RssReading {
  readonly vmRssMb: number
  readonly vmHwmMb: number
  readonly rssAnonMb: number
  readonly rssFileMb: number
}

export interface StatefulScaleCase {
  readonly provider: string
  readonly keys: number
  readonly rows: number
  readonly rowsPerBatch: number
  readonly batches: number
  readonly rowsPerSecond: number
  /** Keys in state after the last batch (progress `numRowsTotal`): `keys` when all were kept. */
  readonly stateRows: number
  /** The process's peak resident set size (`VmHWM`, else `maxRSS`), in MB. */
  readonly maxRssMb: number
  /** The peaks of the sampled anonymous and file-backed resident memory, in MB. */
  readonly peakRssAnonMb: number
  readonly peakRssFileMb: number
  /** The largest sampled `RssAnon + RssFile` (a sample's total; `maxRssMb` is the kernel's). */
  readonly peakSampledRssMb: number
  /** The reading after the last batch. */
  readonly end: RssReading
  /** The peak V8 heap used (sampled), in MB. */
  readonly peakHeapUsedMb: number
  /** The session confs it ran with besides the provider. */
  readonly confs: Readonly<Record<string, string | number>>
  /** The 1-minute load average before and after the run (2 shared cores: figures are indicative). */
  readonly loadAverage: readonly [number, number]
}

/** Reads VmRSS, VmHWM, RssAnon and RssFile of this process. @example readRss().rssAnonMb */
export function readRss(): RssReading {
  let text = ''
  try {
    text = readFileSync('/proc/self/status', 'utf8')
  } catch {
    // Not Linux: the caller falls back on process.resourceUsage().
  }
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0)
  return {
    vmRssMb: kb('VmRSS') / 1024,
    vmHwmMb: kb('VmHWM') / 1024,
    rssAnonMb: kb('RssAnon') / 1024,
    rssFileMb: kb('RssFile') / 1024,
  }
}

/**
 * Throughput and resident memory of the windowed count over `keys` keys in `rowsPerBatch`-row
 * batches.
 *
 * @example await measureScale('lmdb', 1e7, { rowsPerBatch: 100_000 }) // { rowsPerSecond: 60000, maxRssMb: 700, ... }
 */
export async function measureScale(
  provider: string,
  keys: number,
  options: {
    readonly rowsPerBatch?: number
    readonly confs?: Readonly<Record<string, string | number>>
  } = {},
): Promise<StatefulScaleCase> {
  const rowsPerBatch = options.rowsPerBatch ?? 100_000
  const batches = Math.ceil(keys / rowsPerBatch)
  const confs = options.confs ?? {}
  const peak = { anon: 0, file: 0, total: 0, heap: 0 }
  const sample = () => {
    const r = readRss()
    peak.anon = Math.max(peak.anon, r.rssAnonMb)
    peak.file = Math.max(peak.file, r.rssFileMb)
    peak.total = Math.max(peak.total, r.rssAnonMb + r.rssFileMb)
    peak.heap = Math.max(peak.heap, process.memoryUsage().heapUsed / 2 ** 20)
  }
  const load0 = os.loadavg()[0]
  const timer = setInterval(sample, 250)
  try {
    return await inTempDir(async (dir) => {
      const t0 = performance.now()
      const r = await runCount(provider, dir, keys, rowsPerBatch, batches, { advanceMillis: 0, confs })
      const ms = performance.now() - t0
      sample()
      const end = readRss()
      const rows = rowsPerBatch * batches
      return {
        provider,
        keys,
        rows,
        rowsPerBatch,
        batches,
        rowsPerSecond: rows / (ms / 1000),
        stateRows: r.stateRows,
        maxRssMb: end.vmHwmMb > 0 ? end.vmHwmMb : process.resourceUsage().maxRSS / 1024,
        peakRssAnonMb: peak.anon,
        peakRssFileMb: peak.file,
        peakSampledRssMb: peak.total,
        end,
        peakHeapUsedMb: peak.heap,
        confs,
        loadAverage: [load0, os.loadavg()[0]],
      }
    })
  } finally {
    clearInterval(timer)
  }
}

export function printScale(scale: readonly StatefulScaleCase[]): void {
  const mb = (n: number) => `${n.toFixed(0)} MB`
  for (const c of scale)
    console.log(
      `  scale ${c.keys.toLocaleString('en-US')} keys, ${c.provider.padEnd(6)} (${c.batches} batches of ${c.rowsPerBatch.toLocaleString('en-US')} rows, ${c.stateRows.toLocaleString('en-US')} keys in state): ${(c.rowsPerSecond / 1e3).toFixed(1)}K rows/s, peak RSS ${mb(c.maxRssMb)} (sampled peaks: anon ${mb(c.peakRssAnonMb)}, file ${mb(c.peakRssFileMb)}, heap used ${mb(c.peakHeapUsedMb)}; at the end anon ${mb(c.end.rssAnonMb)}, file ${mb(c.end.rssFileMb)}), load ${c.loadAverage.map((l) => l.toFixed(1)).join(' -> ')}`,
    )
}
