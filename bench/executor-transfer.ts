/**
 * `node --expose-gc bench/executor-transfer.ts [--rows N]`: what it costs the main thread to take
 * a worker's decoded rows (issue 21, `sluice.executor.threads`): structured clone (V8's serializer,
 * what postMessage does; the main thread pays the deserialize) against msgpack bytes in a moved
 * ArrayBuffer (msgpackr; the main thread pays the unpack). Rows are Nexmark bids as the Parquet
 * reader makes them (longs, strings, a timestamp). Prints the median of 9 rounds per side and the
 * load average. The main thread is the one that runs the rest of the batch, so its cost decides.
 */
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { deserialize, serialize } from 'node:v8'
import { Packr, Unpackr } from 'msgpackr'
import { median } from './measure.ts'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } })
const n = Number(values.rows)
const rows: unknown[][] = []
for (let i = 0; i < n; i++) {
  rows.push([
    1000 + (i % 100),
    2000 + i,
    123 + i,
    `channel-${i % 5}`,
    `https://www.nexmark.com/item/${i}`,
    1_700_000_000_000 + i,
    'extra',
  ])
}
const packr = new Packr({ useRecords: false })
const unpackr = new Unpackr({ useRecords: false })
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)
const time = (fn: () => unknown): number => {
  gc()
  const t0 = performance.now()
  fn()
  return performance.now() - t0
}
const clone = { send: [] as number[], take: [] as number[], bytes: 0 }
const pack = { send: [] as number[], take: [] as number[], bytes: 0 }
console.log(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
for (let round = 0; round < 10; round++) {
  let wire: Uint8Array = new Uint8Array()
  const cs = time(() => (wire = serialize(rows)))
  clone.bytes = wire.length
  const ct = time(() => deserialize(wire))
  let packed: Uint8Array = new Uint8Array()
  const ps = time(() => (packed = packr.pack(rows).slice()))
  pack.bytes = packed.length
  const pt = time(() => unpackr.unpack(packed))
  if (round === 0) continue // warm-up
  clone.send.push(cs)
  clone.take.push(ct)
  pack.send.push(ps)
  pack.take.push(pt)
}
const line = (name: string, s: typeof clone) =>
  `${name}: worker ${median(s.send).toFixed(1)} ms, main thread ${median(s.take).toFixed(1)} ms, ${(s.bytes / 1e6).toFixed(1)} MB`
console.log(`${n} bid rows`)
console.log(line('structured clone', clone))
console.log(line('msgpack (moved buffer)', pack))
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
