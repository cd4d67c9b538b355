/**
 * `node --expose-gc bench/executor-threshold.ts`: from what batch size decoding a file-source batch
 * on the worker threads beats the main thread (issue 21: the default of
 * `sluice.executor.parallelReadMinBytes`). For JSON lines and Parquet batches of 2 files of growing
 * size (Nexmark-like bid rows), times the main thread's decode against `decodeOnWorkers` on a warm
 * 2-thread pool, interleaved, median of 7 wall-clock runs each. Prints the ratio per size and the
 * load average: the crossing point is the threshold.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileDecoder, fileRelation, formatContext } from '../src/connectors/file/file-relation.ts'
import { fileFormat } from '../src/connectors/file/formats/index.ts'
import { decodeOnWorkers, parallelReadOf } from '../src/connectors/file/parallel-decode.ts'
import { Sluice } from '../src/index.ts'
import { WorkerPool } from '../src/io/worker-pool.ts'
import { t } from '../src/schema/data-type.ts'
import { median } from './measure.ts'

const S = t.struct({
  auction: t.long(),
  bidder: t.long(),
  price: t.long(),
  channel: t.string(),
  url: t.string(),
  dateTime: t.timestamp(),
  extra: t.string(),
})
const bid = (i: number) => ({
  auction: 1000 + (i % 100),
  bidder: 2000 + i,
  price: 100 + i,
  channel: `channel-${i % 5}`,
  url: `https://www.nexmark.com/item/${i}`,
  dateTime: 1_700_000_000_000 + i,
  extra: '',
})
const dir = mkdtempSync(join(tmpdir(), 'sluice-threshold-'))
const pool = new WorkerPool(2, 0)
const relation = fileRelation(S, t.struct({}))

async function filesOf(format: 'json' | 'parquet', rowsPerFile: number): Promise<string[]> {
  const out: string[] = []
  for (let f = 0; f < 2; f++) {
    const rows = Array.from({ length: rowsPerFile }, (_, i) => bid(f * rowsPerFile + i))
    const path = join(dir, `${format}-${rowsPerFile}-${f}.${format}`)
    if (format === 'json')
      writeFileSync(
        path,
        rows.map((r) => JSON.stringify({ ...r, dateTime: new Date(r.dateTime).toISOString() })).join('\n'),
      )
    else {
      const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
      const stage = join(dir, `stage-${rowsPerFile}-${f}`)
      await sluice.createDataFrame(rows, S).write.format('parquet').mode('overwrite').save(stage)
      const { readdirSync, renameSync } = await import('node:fs')
      renameSync(join(stage, readdirSync(stage).find((n) => n.endsWith('.parquet'))!), path)
    }
    out.push(path)
  }
  return out
}

async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  ;(globalThis as { gc?: () => void }).gc?.()
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

async function compare(format: 'json' | 'parquet', rowsPerFile: number): Promise<void> {
  const paths = await filesOf(format, rowsPerFile)
  const ctx = formatContext('UTC', [])
  const decoder = new FileDecoder(fileFormat(format).reader(S, {}, ctx), relation, false)
  const spec = {
    format,
    relation,
    options: {},
    timeZone: 'UTC',
    callerOptions: [],
    ignoreCorruptFiles: false,
  }
  const read = parallelReadOf(pool, spec)!
  const inputs = () =>
    paths.map((p) => ({ input: { bytes: new Uint8Array(readFileSync(p)), file: p }, partitionValues: [] }))
  const bytes = paths.reduce((n, p) => n + readFileSync(p).length, 0)
  const main: number[] = []
  const workers: number[] = []
  for (let k = 0; k < 8; k++) {
    const m = await timeOnce(() => decoder.decodeAll(inputs()))
    const w = await timeOnce(() => decodeOnWorkers(inputs(), read))
    if (k === 0) continue
    main.push(m)
    workers.push(w)
  }
  const ratio = median(main) / median(workers)
  console.log(
    `${format.padEnd(7)} ${(bytes / 1024).toFixed(0).padStart(7)} KiB  main ${median(main).toFixed(2).padStart(8)} ms  workers ${median(workers).toFixed(2).padStart(8)} ms  speed-up ${ratio.toFixed(2)}x`,
  )
}

console.log(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
try {
  for (const format of ['json', 'parquet'] as const) {
    for (const rows of [100, 500, 2_000, 8_000, 32_000]) await compare(format, rows)
  }
} finally {
  await pool.close()
  rmSync(dir, { recursive: true, force: true })
}
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
