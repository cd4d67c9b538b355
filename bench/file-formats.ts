/**
 * `node bench/file-formats.ts [--rows N] [--runs R]`: decode and encode speed (MB/s of file bytes)
 * of each file format codec beside the raw library underneath it: `JSON.parse` per line for JSON
 * lines, csv-parse and csv-stringify for CSV, hyparquet and hyparquet-writer for Parquet, a plain
 * line split for text. The raw baselines do only the library's part (no Spark semantics, no typed
 * values), so the ratio shows what the codec's conversions cost. `json-bid` is the JSON source on
 * Nexmark bids (Sluice's generator; the shape bench/kafka.ts produces), the issue 21 target. Standalone (prints a table), and
 * `npm run bench -- --only file-formats` (into the results file).
 */

import { parseArgs } from 'node:util'
import { parse as csvParse } from 'csv-parse/sync'
import { stringify as csvStringify } from 'csv-stringify/sync'
import { parquetRead } from 'hyparquet'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { fileFormat } from '../src/connectors/file/formats/index.ts'
import { t } from '../src/schema/data-type.ts'
import { NULLABLE_BID as BID, bidJsonLines } from './bid-json.ts'

// Set by measureFileFormats (the standalone run's --runs, or run.ts's choice).
let RUNS = 5
const ctx = { timeZone: 'UTC' }

const SCHEMA = t.struct({
  id: t.long(),
  name: t.string(),
  price: t.double(),
  qty: t.int(),
  flag: t.boolean(),
  ts: t.timestamp(),
})

/** Deterministic rows: a small LCG, so every run measures the same data. */
function makeRows(n: number): unknown[][] {
  let seed = 42
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  const words = ['alpha', 'beta', 'gamma, delta', 'epsilon "quoted"', 'zeta', 'éta', 'θ😀']
  const out: unknown[][] = []
  for (let i = 0; i < n; i++) {
    out.push([
      i * 7919,
      `${words[Math.floor(rand() * words.length)]}-${Math.floor(rand() * 1000)}`,
      Math.round(rand() * 1e6) / 100,
      Math.floor(rand() * 1000),
      rand() < 0.5,
      1_700_000_000_000 + Math.floor(rand() * 1e9),
    ])
  }
  return out
}

function best(fn: () => unknown): number {
  fn()
  let min = Number.POSITIVE_INFINITY
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now()
    fn()
    min = Math.min(min, performance.now() - start)
  }
  return min
}

async function bestAsync(fn: () => Promise<unknown>): Promise<number> {
  await fn()
  let min = Number.POSITIVE_INFINITY
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now()
    await fn()
    min = Math.min(min, performance.now() - start)
  }
  return min
}

export interface FileFormatLine {
  readonly format: string
  readonly op: string
  readonly bytes: number
  readonly codecMs: number
  readonly rawMs: number
  readonly raw: string
}

const mbps = (bytes: number, ms: number): string => (bytes / 2 ** 20 / (ms / 1000)).toFixed(1)

/**
 * Decode and encode times of every codec beside its raw library, best of `runs`, over `rowCount`
 * deterministic rows.
 *
 * @example const lines = await measureFileFormats(200_000, 5)
 */
export async function measureFileFormats(rowCount: number, runs: number): Promise<FileFormatLine[]> {
  RUNS = runs
  const rows = makeRows(rowCount)
  const lines: FileFormatLine[] = []
  const decoder = new TextDecoder()

  // JSON lines
  const json = fileFormat('json')
  const jsonBytes = json.writer(SCHEMA, {}, ctx).encode(rows)
  const jsonReader = json.reader(SCHEMA, {}, ctx)
  const objects = rows.map((r) => ({
    id: r[0],
    name: r[1],
    price: r[2],
    qty: r[3],
    flag: r[4],
    ts: new Date(r[5] as number).toISOString(),
  }))
  lines.push({
    format: 'json',
    op: 'decode',
    bytes: jsonBytes.length,
    codecMs: best(() => jsonReader.decode(jsonBytes, 'f.json')),
    rawMs: best(() =>
      decoder
        .decode(jsonBytes)
        .split('\n')
        .map((l) => (l === '' ? null : JSON.parse(l))),
    ),
    raw: 'JSON.parse per line',
  })
  lines.push(jsonBidLine(rowCount))
  const jsonWriter = json.writer(SCHEMA, {}, ctx)
  lines.push({
    format: 'json',
    op: 'encode',
    bytes: jsonBytes.length,
    codecMs: best(() => jsonWriter.encode(rows)),
    rawMs: best(() => new TextEncoder().encode(objects.map((o) => JSON.stringify(o)).join('\n'))),
    raw: 'JSON.stringify per row',
  })

  // CSV
  const csv = fileFormat('csv')
  const csvWriter = csv.writer(SCHEMA, {}, ctx)
  const csvBytes = csvWriter.encode(rows)
  const csvReader = csv.reader(SCHEMA, {}, ctx)
  lines.push({
    format: 'csv',
    op: 'decode',
    bytes: csvBytes.length,
    codecMs: best(() => csvReader.decode(csvBytes, 'f.csv')),
    rawMs: best(() => csvParse(decoder.decode(csvBytes), { escape: '\\', relax_quotes: true })),
    raw: 'csv-parse (strings only)',
  })
  const stringRows = rows.map((r) => r.map((v) => String(v)))
  lines.push({
    format: 'csv',
    op: 'encode',
    bytes: csvBytes.length,
    codecMs: best(() => csvWriter.encode(rows)),
    rawMs: best(() => new TextEncoder().encode(csvStringify(stringRows, { escape: '\\' }))),
    raw: 'csv-stringify (strings)',
  })

  // Text
  const text = fileFormat('text')
  const T = t.struct({ value: t.string() })
  const textRows = rows.map((r) => [r[1]])
  const textBytes = text.writer(T, {}, ctx).encode(textRows)
  const textReader = text.reader(T, {}, ctx)
  lines.push({
    format: 'text',
    op: 'decode',
    bytes: textBytes.length,
    codecMs: best(() => textReader.decode(textBytes, 'f.txt')),
    rawMs: best(() => decoder.decode(textBytes).split('\n')),
    raw: 'TextDecoder + split',
  })

  // Parquet
  const pq = fileFormat('parquet')
  const pqWriter = pq.writer(SCHEMA, { compression: 'snappy' }, ctx)
  const pqBytes = pqWriter.encode(rows)
  const pqReader = pq.reader(SCHEMA, {}, ctx)
  const buffer = pqBytes.slice().buffer
  lines.push({
    format: 'parquet',
    op: 'decode',
    bytes: pqBytes.length,
    codecMs: await bestAsync(async () => pqReader.decode(pqBytes, 'f.parquet')),
    rawMs: await bestAsync(() => parquetRead({ file: buffer, onComplete: () => {} })),
    raw: 'hyparquet parquetRead',
  })
  const columnData = SCHEMA.fields.map((f, i) => ({
    name: f.name,
    data: rows.map((r) =>
      i === 0 ? BigInt(r[i] as number) : i === 5 ? BigInt(r[i] as number) * 1000n : r[i],
    ),
  }))
  const types = ['INT64', 'STRING', 'DOUBLE', 'INT32', 'BOOLEAN', 'INT64'] as const
  lines.push({
    format: 'parquet',
    op: 'encode',
    bytes: pqBytes.length,
    codecMs: best(() => pqWriter.encode(rows)),
    rawMs: best(() =>
      parquetWriteBuffer({
        columnData: columnData.map((c, i) => ({ ...c, type: types[i] })),
        rowGroupSize: rows.length,
      }),
    ),
    raw: 'hyparquet-writer (prebuilt columns)',
  })
  return lines
}

/** The JSON source on `count` Nexmark bids (Flink's field order, ISO-8601 UTC `dateTime`). */
function jsonBidLine(count: number): FileFormatLine {
  const decoder = new TextDecoder()
  const out = bidJsonLines(count)
  const bytes = new TextEncoder().encode(out.join('\n') + '\n')
  const reader = fileFormat('json').reader(BID, {}, ctx)
  return {
    format: 'json-bid',
    op: 'decode',
    bytes: bytes.length,
    codecMs: best(() => reader.decode(bytes, 'bids.json')),
    rawMs: best(() =>
      decoder
        .decode(bytes)
        .split('\n')
        .map((l) => (l === '' ? null : JSON.parse(l))),
    ),
    raw: 'JSON.parse per line',
  }
}

/** Prints the lines as a table. @example printFileFormats(lines, 200_000, 5) */
export function printFileFormats(lines: readonly FileFormatLine[], rowCount: number, runs: number): void {
  console.log(
    `\nfile format codecs, ${rowCount.toLocaleString('en-US')} rows (${SCHEMA.fields.map((f) => `${f.name}:${f.type.kind}`).join(', ')}), best of ${runs} runs, Node ${process.version}`,
  )
  const header = [
    'format',
    'op',
    'file MB',
    'codec ms',
    'codec MB/s',
    'codec rows/s',
    'raw ms',
    'raw MB/s',
    'codec/raw',
    'raw baseline',
  ]
  const body = lines.map((l) => [
    l.format,
    l.op,
    (l.bytes / 2 ** 20).toFixed(1),
    l.codecMs.toFixed(0),
    mbps(l.bytes, l.codecMs),
    Math.round(rowCount / (l.codecMs / 1000)).toLocaleString('en-US'),
    l.rawMs.toFixed(0),
    mbps(l.bytes, l.rawMs),
    `${(l.codecMs / l.rawMs).toFixed(2)}x`,
    l.raw,
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)))
  for (const r of [header, ...body]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '))
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: 'string', default: '200000' }, runs: { type: 'string', default: '5' } },
  })
  const rows = Number(values.rows)
  const runs = Number(values.runs)
  printFileFormats(await measureFileFormats(rows, runs), rows, runs)
}

// Standalone (`node bench/file-formats.ts`); bench/run.ts imports the functions instead.
if (import.meta.url === `file://${process.argv[1]}`) await main()
