/**
 * `node bench/ab-batch-parquet.ts --base DIR [--events N] [--runs R]`: batch Parquet reads
 * (`sluice.read.parquet(dir).where(...).select(...).collect()`) of this tree against an earlier
 * Sluice (DIR holds the baseline's `src` with `node_modules` linked, as for ab-nexmark-parquet.ts).
 * Writes the Nexmark bids once (one file and row group per 100,000 events, in event time order),
 * then runs each query in a fresh process per side, interleaved (base, this tree, base …), and
 * prints the median CPU milliseconds (main and worker threads) of load() + the action, with the
 * load average before and after.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { Sluice } from '../src/index.ts'
import { writeBidFiles } from './nexmark-spark.ts'

const QUERIES = ['all', 'last10pct', 'auctionIn'] as const

async function child(root: string, folder: string, query: string, from: number): Promise<void> {
  const { Sluice: S, col, lit } = await import(path.join(root, 'src', 'index.ts'))
  const sluice = S.local({ 'sluice.sql.session.timeZone': 'UTC', output: () => undefined })
  const t0 = process.cpuUsage()
  const df = await sluice.read.parquet(folder)
  const q =
    query === 'all'
      ? df.select('auction', 'price')
      : query === 'last10pct'
        ? df.where(col('dateTime').geq(lit(new Date(from)))).select('auction', 'price')
        : df.where(col('auction').isin(1000, 1001)).select('auction', 'price')
  const rows = q.collect().length
  const cpu = process.cpuUsage(t0)
  console.log(`@@ ${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, rows })}`)
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function runSide(root: string, folder: string, query: string, from: number): { cpuMs: number; rows: number } {
  const script = path.resolve(import.meta.dirname, 'ab-batch-parquet.ts')
  const r = spawnSync(
    process.execPath,
    [script, '--child', root, '--folder', folder, '--query', query, '--from', String(from)],
    {
      encoding: 'utf8',
    },
  )
  const line = r.stdout.split('\n').find((l) => l.startsWith('@@ '))
  if (line === undefined) throw new Error(`${root} ${query} failed: ${r.stderr}`)
  return JSON.parse(line.slice(3))
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      base: { type: 'string' },
      events: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '3' },
      child: { type: 'string' },
      folder: { type: 'string' },
      query: { type: 'string' },
      from: { type: 'string' },
    },
  })
  if (values.child !== undefined)
    return child(values.child, values.folder!, values.query!, Number(values.from))
  if (values.base === undefined) throw new Error('Give --base DIR (a checkout of the baseline).')
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-ab-batch-parquet-'))
  try {
    const [file] = await writeBidFiles(dir, Number(values.events), 100_000)
    const folder = path.dirname(file)
    const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC', output: () => undefined })
    const times = (await sluice.read.parquet(folder))
      .selectExpr('min(dateTime) AS lo', 'max(dateTime) AS hi')
      .collect()[0] as { lo: number; hi: number }
    const from = times.lo + 0.9 * (times.hi - times.lo)
    console.log(`load before: ${load()}`)
    const here = path.resolve(import.meta.dirname, '..')
    for (const q of QUERIES) {
      const base: number[] = []
      const mine: number[] = []
      let rows = [0, 0]
      runSide(values.base, folder, q, from) // warm the disk cache
      for (let i = 0; i < Number(values.runs); i++) {
        const b = runSide(values.base, folder, q, from)
        const m = runSide(here, folder, q, from)
        base.push(b.cpuMs)
        mine.push(m.cpuMs)
        rows = [b.rows, m.rows]
      }
      if (rows[0] !== rows[1]) throw new Error(`${q}: base read ${rows[0]} rows, this tree ${rows[1]}`)
      const [mb, mm] = [median(base), median(mine)]
      console.log(
        `${q.padEnd(10)} rows ${rows[1]}  base ${mb.toFixed(0)} ms  this ${mm.toFixed(0)} ms  ratio ${(mm / mb).toFixed(2)}x`,
      )
    }
    console.log(`load after: ${load()}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
