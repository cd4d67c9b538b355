/**
 * Streaming benchmarks: the micro-batch loop's own cost per batch (an empty batch and a 1-row
 * batch from a memory stream to the noop sink, each the time from addData to the batch being
 * committed), and the throughput of a stateless query from the rate-micro-batch source to the
 * noop sink beside a hand-written loop producing and filtering the same rows.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { col, Sluice, t } from '../src/index.ts'
import { percentile } from './measure.ts'

export interface StreamingBenchResult {
  readonly emptyBatchMs: { readonly p50: number; readonly p99: number; readonly batches: number }
  readonly oneRowBatchMs: { readonly p50: number; readonly p99: number; readonly batches: number }
  readonly statelessRate: {
    readonly rows: number
    readonly rowsPerBatch: number
    readonly sluiceRowsPerSecond: number
    readonly handLoopRowsPerSecond: number
    readonly ratio: number
  }
}

const quiet = {
  'sluice.sql.session.timeZone': 'UTC',
  output: () => undefined,
  'sluice.streaming.stopOnSignal': false,
} as const

async function batchLatency(rowsPerBatch: 0 | 1, batches: number): Promise<number[]> {
  const sluice = Sluice.local(quiet)
  const input = sluice.memoryStream(t.struct({ v: t.long() }))
  const q = await input.toDF().filter(col('v').geq(0)).writeStream.format('noop').start()
  const times: number[] = []
  for (let i = 0; i < batches + 10; i++) {
    const t0 = performance.now()
    input.addData(...(rowsPerBatch === 0 ? [] : [{ v: i }]))
    await q.processAllAvailable()
    if (i >= 10) times.push(performance.now() - t0)
  }
  await q.stop()
  return times
}

async function statelessRate(rowsPerBatch: number, batches: number): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-bench-'))
  try {
    const sluice = Sluice.local(quiet)
    const df = sluice.readStream.format('rate-micro-batch').option('rowsPerBatch', rowsPerBatch).load()
    let done = 0
    let finished: () => void = () => undefined
    const allDone = new Promise<void>((resolve) => {
      finished = resolve
    })
    sluice.streams.addListener({
      onQueryProgress: () => {
        if (++done === batches) finished()
      },
    })
    const t0 = performance.now()
    const q = await df
      .filter(col('value').mod(2).eq(0))
      .select(col('timestamp'), col('value').multiply(2).alias('v2'))
      .writeStream.format('noop')
      .option('checkpointLocation', path.join(dir, 'ckpt'))
      .start()
    await allDone
    const ms = performance.now() - t0
    await q.stop()
    return (rowsPerBatch * batches) / (ms / 1000)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The same rows (value, timestamp) generated and filtered and projected by hand. */
function handLoopRate(rowsPerBatch: number, batches: number): number {
  const t0 = performance.now()
  let kept = 0
  for (let b = 0; b < batches; b++) {
    const rows: unknown[][] = []
    for (let i = 0; i < rowsPerBatch; i++) rows.push([b * 1000, b * rowsPerBatch + i])
    const out: unknown[][] = []
    for (const r of rows) if ((r[1] as number) % 2 === 0) out.push([r[0], (r[1] as number) * 2])
    kept += out.length
  }
  const ms = performance.now() - t0
  if (kept !== (rowsPerBatch * batches) / 2) throw new Error('hand loop miscounted')
  return (rowsPerBatch * batches) / (ms / 1000)
}

export async function runStreamingBench(opts: {
  batches: number
  rowsPerBatch: number
  rateBatches: number
}): Promise<StreamingBenchResult> {
  const empty = await batchLatency(0, opts.batches)
  const one = await batchLatency(1, opts.batches)
  handLoopRate(opts.rowsPerBatch, 3) // warm-up
  const sluice = await statelessRate(opts.rowsPerBatch, opts.rateBatches)
  const hand = handLoopRate(opts.rowsPerBatch, opts.rateBatches)
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b)
    return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), batches: xs.length }
  }
  return {
    emptyBatchMs: stats(empty),
    oneRowBatchMs: stats(one),
    statelessRate: {
      rows: opts.rowsPerBatch * opts.rateBatches,
      rowsPerBatch: opts.rowsPerBatch,
      sluiceRowsPerSecond: sluice,
      handLoopRowsPerSecond: hand,
      ratio: hand / sluice,
    },
  }
}

export function printStreaming(r: StreamingBenchResult): void {
  const f = (n: number) => n.toFixed(2)
  console.log('\nStreaming micro-batch loop (memory stream -> noop sink; default trigger)')
  console.log(
    `  empty batch:  p50 ${f(r.emptyBatchMs.p50)} ms  p99 ${f(r.emptyBatchMs.p99)} ms  (${r.emptyBatchMs.batches} batches)`,
  )
  console.log(
    `  1-row batch:  p50 ${f(r.oneRowBatchMs.p50)} ms  p99 ${f(r.oneRowBatchMs.p99)} ms  (${r.oneRowBatchMs.batches} batches)`,
  )
  const s = r.statelessRate
  console.log(
    `Stateless query, rate-micro-batch -> filter/select -> noop, ${s.rows.toLocaleString('en-US')} rows in batches of ${s.rowsPerBatch.toLocaleString('en-US')}`,
  )
  console.log(
    `  Sluice ${(s.sluiceRowsPerSecond / 1e6).toFixed(2)}M rows/s, hand loop ${(s.handLoopRowsPerSecond / 1e6).toFixed(2)}M rows/s: ${s.ratio.toFixed(2)}x the hand loop's time`,
  )
}
