/**
 * `node --expose-gc bench/executor-transfer.ts [--rows N]`: what it costs the main thread to take
 * a worker's decoded rows (issue 21, `sluice.executor.threads`): structured clone (V8's serializer,
 * what postMessage does; the main thread pays the deserialize) against msgpack bytes in a moved
 * ArrayBuffer (msgpackr; the main thread pays the unpack) against what the workers send now, columns
 * (src/connectors/file/row-columns.ts: numbers in moved Float64Arrays, which cost nothing to send,
 * the other columns cloned; the main thread rebuilds the rows). Rows are Nexmark bids as the Parquet
 * reader makes them (longs, strings, a timestamp). Prints the median of 9 rounds per side and the
 * load average. The main thread is the one that runs the rest of the batch, so its cost decides.
 */
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { deserialize, serialize } from 'node:v8'
import { Packr, Unpackr } from 'msgpackr'
import { type ColumnWire, columnsOf, type RowColumns, rowsInto } from '../src/connectors/file/row-columns.ts'
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
const cols = { send: [] as number[], take: [] as number[], bytes: 0 }
// Columns as postMessage sends them: typed arrays move (no bytes serialized), the rest is cloned.
const cloned = (c: RowColumns) => c.columns.map((col) => (col.kind === 'any' ? col : null))
const moved = (c: RowColumns) => c.columns.map((col) => (col.kind === 'any' ? null : col))
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
  let columnar: { c: RowColumns; wire: Uint8Array } | undefined
  const ks = time(() => {
    const c = columnsOf(rows, 7)
    columnar = { c, wire: serialize(cloned(c)) }
  })
  const sent = columnar as { c: RowColumns; wire: Uint8Array }
  cols.bytes = sent.wire.length
  const kt = time(() => {
    const anyCols = deserialize(sent.wire) as (ColumnWire | null)[]
    const columns = moved(sent.c).map((col, k) => col ?? (anyCols[k] as ColumnWire))
    rowsInto({ rows: sent.c.rows, columns }, new Array(sent.c.rows), 0)
  })
  if (round === 0) continue // warm-up
  cols.send.push(ks)
  cols.take.push(kt)
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
console.log(line('columns (typed arrays moved, the rest cloned; what the workers send)', cols))
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
