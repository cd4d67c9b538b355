/**
 * `node bench/ab-json-decode.ts --base DIR`: the JSON source and `from_json` against an earlier
 * Sluice's (issue 21), in one process, interleaved (base, this tree, …; 7 runs, medians of CPU
 * time), on Nexmark bids (the JSON source reading one file of 200,000 bids; `from_json` per
 * record) and on bench/file-formats' mixed shape. DIR holds the baseline's `src` (e.g. `git
 * archive <commit> src | tar -x -C DIR`, `node_modules` linked). Checks both give the same rows;
 * prints MB of input per CPU-second and the load average.
 */
import { loadavg } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { t } from '../src/schema/data-type.ts'
import { NULLABLE_BID as BID, bidJsonLines } from './bid-json.ts'

type Formats = typeof import('../src/connectors/file/formats/index.ts')
type Json = typeof import('../src/functions/json/index.ts')
type Cast = typeof import('../src/util/time/cast.ts')

const ctx = { timeZone: 'UTC' }
const MIXED = t.struct({
  id: t.long(),
  name: t.string(),
  price: t.double(),
  qty: t.int(),
  flag: t.boolean(),
  ts: t.timestamp(),
})

function mixedLines(count: number): string[] {
  const words = ['alpha', 'beta', 'gamma, delta', 'epsilon "quoted"', 'zeta', 'éta', 'θ😀']
  return Array.from({ length: count }, (_, i) => {
    const ts = new Date(1_700_000_000_000 + ((i * 7_919_123) % 1e9)).toISOString()
    return JSON.stringify({
      id: i * 7919,
      name: `${words[i % 7]}-${i % 1000}`,
      price: (i % 100_000) / 100,
      qty: i % 1000,
      flag: i % 2 === 0,
      ts,
    })
  })
}

const cpuMs = (f: () => void): number => {
  const s = process.cpuUsage()
  f()
  const d = process.cpuUsage(s)
  return (d.user + d.system) / 1000
}

function compare(name: string, mb: number, base: () => unknown, now: () => unknown): void {
  if (JSON.stringify(base()) !== JSON.stringify(now()))
    throw new Error(`${name}: the two give different rows`)
  const b: number[] = []
  const n: number[] = []
  for (let i = 0; i < 7; i++) {
    b.push(cpuMs(base))
    n.push(cpuMs(now))
  }
  const rate = (ms: number[]) => (mb / (ms.sort((x, y) => x - y)[3] / 1000)).toFixed(0)
  console.log(`${name} (${mb.toFixed(1)} MB): base ${rate(b)} MB/CPU-s, this tree ${rate(n)} MB/CPU-s`)
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { base: { type: 'string' } } })
  if (values.base === undefined) throw new Error('Give --base DIR (a checkout of the baseline).')
  const root = path.resolve(values.base, 'src')
  const NF: Formats = await import('../src/connectors/file/formats/index.ts')
  const BF: Formats = await import(path.join(root, 'connectors/file/formats/index.ts'))
  const NJ: Json = await import('../src/functions/json/index.ts')
  const BJ: Json = await import(path.join(root, 'functions/json/index.ts'))
  const NC: Cast = await import('../src/util/time/cast.ts')
  const BC: Cast = await import(path.join(root, 'util/time/cast.ts'))
  console.log(
    `load average before: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')}`,
  )
  for (const [name, schema, lines] of [
    ['JSON source, bids', BID, bidJsonLines(200_000)],
    ['JSON source, mixed', MIXED, mixedLines(200_000)],
  ] as const) {
    const bytes = new TextEncoder().encode(`${lines.join('\n')}\n`)
    const rb = BF.fileFormat('json').reader(schema, {}, ctx)
    const rn = NF.fileFormat('json').reader(schema, {}, ctx)
    compare(
      name,
      bytes.length / 2 ** 20,
      () => rb.decode(bytes, 'f.json'),
      () => rn.decode(bytes, 'f.json'),
    )
  }
  const lines = bidJsonLines(200_000)
  const codec = (C: Cast) => ({
    ...NJ.isoUtcJsonTimeCodec,
    parseTimestamp: (s: string) => C.castStringToTimestamp(s, 'UTC'),
  })
  const fb = BJ.compileFromJson(BID, { mode: 'PERMISSIVE', time: codec(BC) })
  const fn = NJ.compileFromJson(BID, { mode: 'PERMISSIVE', time: codec(NC) })
  const mb = lines.reduce((s, l) => s + l.length, 0) / 2 ** 20
  compare(
    'from_json per record, bids',
    mb,
    () => lines.map(fb),
    () => lines.map(fn),
  )
  console.log(
    `load average after: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')}`,
  )
}

await main()
