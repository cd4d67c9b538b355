/** The Nexmark results as console tables: the generator reference, then the comparison with Spark. */
import type { NexmarkBenchResult, NexmarkQueryResult } from './nexmark-bench.ts'
import { FAIR_HEAD, fairPreamble, fairRows } from './nexmark-fair-table.ts'

const kEps = (n: number) => `${(n / 1000).toFixed(0)}K`
const mib = (n: number) => `${(n / 2 ** 20).toFixed(n < 10 * 2 ** 20 ? 1 : 0)} MiB`

function table(head: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: readonly string[]) => `  ${cells.map((c, i) => c.padStart(widths[i])).join(' ')}`
  console.log(line(head))
  for (const r of rows) console.log(line(r))
}

function sluiceRow(q: NexmarkQueryResult): string[] {
  return [
    q.name,
    q.outputMode,
    kEps(q.sluiceEventsPerSecond),
    q.sluiceMs.toFixed(0),
    kEps(q.referenceEventsPerSecond),
    q.referenceMs.toFixed(0),
    `${q.timeRatio.toFixed(2)}x`,
    q.batchLatencyMs.p50.toFixed(0),
    q.batchLatencyMs.p99.toFixed(0),
    q.stateRows.toLocaleString('en-US'),
    mib(q.stateBytes),
    mib(q.peakRssBytes),
    q.outputRows.toLocaleString('en-US'),
  ]
}

function printVersusSpark(r: NexmarkBenchResult): void {
  const c = r.versusSpark
  if (c === undefined) return
  if (!c.available) {
    console.log(`\nSpark comparison not run: ${c.reason}`)
    return
  }
  console.log('\nSluice vs Apache Spark on the same input (bench/nexmark-fair.ts)')
  for (const line of fairPreamble(c)) console.log(`  ${line}`)
  table(FAIR_HEAD, fairRows(c))
}

const ratio = (n: number | undefined): string => (n === undefined ? '-' : `${n.toFixed(2)}x`)

function printRemote(r: NexmarkBenchResult): void {
  const c = r.remote
  if (c === undefined) return
  if (!c.available) {
    console.log(`\nRemote run (${c.url}) not run: ${c.reason}`)
    return
  }
  console.log(`\nThe same queries embedded and through Sluice.remote on ${c.url} (bench/nexmark-remote.ts)`)
  console.log(`  ${c.input}; ${c.order}; median of ${c.runs}`)
  console.log(`  remote CPU: ${c.remoteCpuClock}; load ${c.loadBefore.join('/')} -> ${c.loadAfter.join('/')}`)
  const rows = c.queries.map((q) => [
    q.name,
    q.embedded === undefined ? (q.embeddedError ?? '-').slice(0, 60) : q.embedded.ms.toFixed(0),
    q.embedded === undefined ? '-' : q.embedded.cpuMs.toFixed(0),
    q.remote === undefined ? (q.remoteError ?? '-').slice(0, 60) : q.remote.ms.toFixed(0),
    q.remote === undefined ? '-' : q.remote.cpuMs.toFixed(0),
    ratio(q.wallRatio),
    ratio(q.cpuRatio),
    q.rowsMatch === undefined ? '-' : q.rowsMatch ? 'yes' : 'NO',
  ])
  table(['query', 'embedded ms', 'cpu ms', 'remote ms', 'cpu ms', 'wall', 'cpu', 'same rows'], rows)
}

/**
 * Prints the per-query tables (Sluice beside its hand loop, then Spark when it ran).
 * @example printNexmark(await runNexmarkBench({ events: 1_000_000, eventsPerBatch: 100_000, runs: 3, queries: null }))
 */
export function printNexmark(r: NexmarkBenchResult): void {
  console.log(
    `\nNexmark (${r.source?.startsWith('kafka') ? r.source : 'nexmark source'}, view bid (q8: every event) -> query -> noop (q10: partitioned Parquet files); availableNow; ${r.events.toLocaleString('en-US')} events in batches of ${r.eventsPerBatch.toLocaleString('en-US')}; median of ${r.runs} runs; 1 core)`,
  )
  console.log(
    `  bare generator loop: ${r.generatorMs.toFixed(0)} ms (${kEps(r.generatorEventsPerSecond)} events/s); Sluice and hand-loop times include it. Sluice's physical-limit reference, not the side compared with Spark`,
  )
  table(
    [
      'query',
      'mode',
      'events/s',
      'ms',
      'hand ev/s',
      'hand ms',
      'vs hand',
      'p50 ms',
      'p99 ms',
      'state rows',
      'state',
      'peak RSS',
      'rows',
    ],
    r.queries.map(sluiceRow),
  )
  console.log(
    `  not run: ${Object.keys(r.missing).join(', ')} (reasons in the results JSON and bench/README.md)`,
  )
  printReadCommitted(r)
  printVersusSpark(r)
  printRemote(r)
}

/** With `--kafka-isolation both`: read_committed's time over read_uncommitted's, run by run. */
function printReadCommitted(r: NexmarkBenchResult): void {
  const compared = r.queries.filter((q) => q.readCommitted !== undefined)
  if (compared.length === 0) return
  console.log(
    '\n  read_committed / read_uncommitted on the same transactional topic (median of per-run ratios):',
  )
  for (const q of compared) {
    const c = q.readCommitted as NonNullable<typeof q.readCommitted>
    console.log(`    ${q.name}: wall ${c.wallRatio.toFixed(3)}x, cpu ${c.cpuRatio.toFixed(3)}x`)
  }
}
