/**
 * `node bench/parquet-wasm-compare.ts --pw DIR`: Sluice's Parquet reader (hyparquet) against
 * parquet-wasm (Apache arrow-rs compiled to WebAssembly) plus apache-arrow for the rows, on the same
 * file of ~100,000 Nexmark bids (snappy), into the same positional rows; all 7 columns and 2 of them;
 * CPU time, interleaved, medians of 5. DIR is a scratch folder where
 * `npm install parquet-wasm@0.8.0 apache-arrow@21.2.0` was run (neither is a Sluice dependency).
 */
import { createRequire } from 'node:module'
import { loadavg } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileFormat } from '../src/connectors/file/formats/index.ts'
import { nexmarkEvents } from '../src/connectors/nexmark/index.ts'
import { NULLABLE_BID as BID } from './bid-json.ts'

const ctx = { timeZone: 'UTC' }

/** The two libraries are loaded from a scratch folder, untyped here. */
type Any = any

function wasmRows(pw: Any, arrow: Any, bytes: Uint8Array, columns?: string[]): unknown[][] {
  const table = arrow.tableFromIPC(pw.readParquet(bytes, columns ? { columns } : undefined).intoIPCStream())
  const n: number = table.numRows
  const out: unknown[][] = Array.from({ length: n }, () => new Array(BID.fields.length).fill(null))
  BID.fields.forEach((f, k) => {
    const v = table.getChild(f.name)
    if (v === null) return
    const values = v.toArray()
    const nulls = v.nullCount > 0
    for (let i = 0; i < n; i++) {
      const x = nulls && !v.isValid(i) ? null : values[i]
      out[i][k] = typeof x === 'bigint' ? Number(x) : x
    }
  })
  return out
}

async function cpuMs(f: () => unknown): Promise<number> {
  const s = process.cpuUsage()
  await f()
  const d = process.cpuUsage(s)
  return (d.user + d.system) / 1000
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { pw: { type: 'string' } } })
  if (values.pw === undefined)
    throw new Error('Give --pw DIR (where parquet-wasm and apache-arrow are installed).')
  const req = createRequire(path.join(path.resolve(values.pw), 'package.json'))
  const pw = req('parquet-wasm/node')
  const arrow = req('apache-arrow')
  const rows: unknown[][] = []
  for (const e of nexmarkEvents({ maxEvents: 110_000 })) {
    const b = e.bid
    if (b !== undefined) rows.push([b.auction, b.bidder, b.price, b.channel, b.url, b.dateTime, b.extra])
  }
  const bytes = fileFormat('parquet').writer(BID, { compression: 'snappy' }, ctx).encode(rows)
  const hy = fileFormat('parquet').reader(BID, {}, ctx)
  const runs: Record<string, number[]> = { hy: [], pw: [], hy2: [], pw2: [] }
  for (let i = 0; i < 5; i++) {
    runs.hy.push(await cpuMs(() => hy.decode(bytes, 'f.parquet')))
    runs.pw.push(await cpuMs(() => wasmRows(pw, arrow, bytes)))
    runs.hy2.push(await cpuMs(() => hy.decode(bytes, 'f.parquet', { columns: [0, 2] })))
    runs.pw2.push(await cpuMs(() => wasmRows(pw, arrow, bytes, ['auction', 'price'])))
  }
  const rate = (k: string) => `${Math.round(rows.length / runs[k].sort((a, b) => a - b)[2])}K rows/CPU-s`
  console.log(
    `${rows.length} bids, ${(bytes.length / 2 ** 20).toFixed(1)} MB; load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')}`,
  )
  console.log(`all columns: hyparquet ${rate('hy')}, parquet-wasm + apache-arrow ${rate('pw')}`)
  console.log(`auction, price: hyparquet ${rate('hy2')}, parquet-wasm + apache-arrow ${rate('pw2')}`)
}

await main()
