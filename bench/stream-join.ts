/**
 * Stream-stream join benchmark (issue 14): two memory streams of `rowsPerSide` rows each (1,000
 * keys, a row every 100 ms of event time per side, the right side 50 ms behind the left), joined on
 * the key within a 10-minute range (`r.ts BETWEEN l.ts AND l.ts + INTERVAL 10 MINUTES`, watermark 1
 * minute on both sides) to a foreachBatch sink that only counts: input rows per second over both
 * sides, the peak RSS, and the rows left in state at the end (flat: the range evicts).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { expr } from '../src/api/functions.ts'
import { Sluice, t } from '../src/index.ts'

export interface StreamJoinBenchResult {
  readonly rowsPerSide: number
  readonly rowsPerBatch: number
  readonly inputRowsPerSecond: number
  readonly outputRows: number
  readonly peakRssBytes: number
  readonly stateRowsAtEnd: number
}

const EVENT = t.struct({ k: t.int(), ts: t.timestamp(), v: t.string() })

/** Runs the join over `rowsPerSide` rows per side in batches of `rowsPerBatch` per side. @example await runStreamJoinBench({ rowsPerSide: 1e6, rowsPerBatch: 20_000 }) */
export async function runStreamJoinBench(opts: {
  rowsPerSide: number
  rowsPerBatch: number
}): Promise<StreamJoinBenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-bench-join-'))
  try {
    const sluice = Sluice.local({
      'sluice.streaming.stopOnSignal': false,
      'sluice.sql.session.timeZone': 'UTC',
    })
    const [a, b] = [sluice.memoryStream(EVENT), sluice.memoryStream(EVENT)]
    const side = (i: typeof a) => i.toDF().withWatermark('ts', '1 minute')
    const joined = side(a)
      .alias('l')
      .join(side(b).alias('r'), expr('l.k = r.k AND r.ts BETWEEN l.ts AND l.ts + INTERVAL 10 MINUTES'))
    let outputRows = 0
    const q = await joined.writeStream
      .option('checkpointLocation', dir)
      .foreachBatch((df) => {
        outputRows += df.collect().length
      })
      .start()
    let peakRssBytes = 0
    const t0 = performance.now()
    for (let i = 0; i < opts.rowsPerSide; i += opts.rowsPerBatch) {
      const n = Math.min(opts.rowsPerBatch, opts.rowsPerSide - i)
      const rows = (lag: number) =>
        Array.from({ length: n }, (_, j) => ({ k: (i + j) % 1000, ts: (i + j) * 100 + lag, v: 'x' }))
      a.addData(...rows(0))
      b.addData(...rows(50))
      await q.processAllAvailable()
      peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss)
    }
    const ms = performance.now() - t0
    const stateRowsAtEnd = q.lastProgress?.stateOperators[0]?.numRowsTotal ?? 0
    await q.stop()
    return {
      rowsPerSide: opts.rowsPerSide,
      rowsPerBatch: opts.rowsPerBatch,
      inputRowsPerSecond: (2 * opts.rowsPerSide) / (ms / 1000),
      outputRows,
      peakRssBytes,
      stateRowsAtEnd,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Prints the result. @example printStreamJoin(result) */
export function printStreamJoin(r: StreamJoinBenchResult): void {
  console.log(
    `\nStream-stream join (${r.rowsPerSide.toLocaleString('en-US')} rows per side, 10-minute range, ${r.rowsPerBatch.toLocaleString('en-US')}-row batches): ` +
      `${(r.inputRowsPerSecond / 1e3).toFixed(0)}K input rows/s, ${r.outputRows.toLocaleString('en-US')} joined rows, ` +
      `peak RSS ${(r.peakRssBytes / 1e6).toFixed(0)} MB, ${r.stateRowsAtEnd.toLocaleString('en-US')} rows in state at the end`,
  )
}
