/** The Nexmark results as console tables. */
import type { NexmarkBenchResult, NexmarkQueryResult } from './nexmark-bench.ts'
import type { SparkQueryResult } from './nexmark-spark.ts'

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

function sparkRow(q: NexmarkQueryResult, s: SparkQueryResult | undefined): string[] {
  if (s === undefined || s.ms === undefined)
    return [q.name, s?.error ?? 'not run', '', '', '', '', '', '', '']
  return [
    q.name,
    kEps(s.eventsPerSecond ?? 0),
    s.ms.toFixed(0),
    `${q.sluiceVsSpark?.toFixed(2)}x`,
    String(s.batchLatencyMs?.p50 ?? ''),
    String(s.batchLatencyMs?.p99 ?? ''),
    (s.stateRows ?? 0).toLocaleString('en-US'),
    mib(s.stateBytes ?? 0),
    `${(s.outputRows ?? 0).toLocaleString('en-US')}${s.rowsMatch === false ? ' (!= hand loop)' : ''}`,
  ]
}

function printSpark(r: NexmarkBenchResult): void {
  const spark = r.spark
  if (spark === undefined) return
  if (!spark.available) {
    console.log(`\nSpark peer not run: ${spark.reason}`)
    return
  }
  console.log(
    `\nApache Spark ${spark.version} (PySpark, ${spark.master}, ${spark.shufflePartitions} shuffle partitions; ${spark.input}; startup ${spark.startupMs.toFixed(0)} ms not timed; JVM peak RSS ${spark.jvmPeakRssBytes === null ? '?' : mib(spark.jvmPeakRssBytes)})`,
  )
  console.log(
    `  vs Spark = Sluice's time / Spark's (below 1: Sluice is faster); ${r.source?.startsWith('kafka') ? 'both read the same Kafka topic' : 'Spark reads Parquet, Sluice generates'}`,
  )
  const byName = new Map(spark.queries.map((q) => [q.name, q]))
  table(
    ['query', 'events/s', 'ms', 'vs Spark', 'p50 ms', 'p99 ms', 'state rows', 'state', 'rows'],
    r.queries.map((q) => sparkRow(q, byName.get(q.name))),
  )
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
    `  bare generator loop: ${r.generatorMs.toFixed(0)} ms (${kEps(r.generatorEventsPerSecond)} events/s); Sluice and hand-loop times include it`,
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
  printSpark(r)
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
