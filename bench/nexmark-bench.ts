/**
 * Nexmark query throughput: each stateless query of nexmark-queries.ts run as a streaming query
 * (nexmark source, `view = bid`, availableNow, noop sink) beside its plain-JS reference over the
 * same generated events. Both sides pay for generating every event (the source generates them all,
 * bids or not), so the bare generator loop is timed too, to show how much of each is generation.
 * One Node process: events/s is events/s per core.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { GeneratorConfig, nexmarkEvents } from '../src/connectors/nexmark/index.ts'
import { Sluice, type StreamingQueryProgress } from '../src/index.ts'
import { median, percentile, settle } from './measure.ts'
import { NEXMARK_QUERIES, type NexmarkQuery } from './nexmark-queries.ts'

export interface NexmarkQueryResult {
  readonly name: string
  /** Median over the runs of the wall time from `start()` to `awaitTermination()` returning. */
  readonly sluiceMs: number
  readonly sluiceRunsMs: readonly number[]
  readonly sluiceEventsPerSecond: number
  /** Median wall time of the reference loop over the same batches, generation included. */
  readonly referenceMs: number
  readonly referenceRunsMs: readonly number[]
  readonly referenceEventsPerSecond: number
  /** Sluice's time / the reference loop's (1.0 = the physical limit; lower is better). */
  readonly timeRatio: number
  /** Batches of all runs together. */
  readonly batches: number
  /** Nearest-rank percentiles of every run's batches' `durationMs.triggerExecution` (system clock, whole ms). */
  readonly batchLatencyMs: { readonly p50: number; readonly p99: number }
  /** Process RSS just before the first timed Sluice run (after warm-up and a full GC). */
  readonly startRssBytes: number
  /** Highest process RSS sampled at start and at every progress event (the process is shared by all queries). */
  readonly peakRssBytes: number
  /** Rows the sink received (summed `sink.numOutputRows`); checked equal to referenceRows. */
  readonly outputRows: number
  readonly referenceRows: number
}

export interface NexmarkBenchResult {
  readonly events: number
  readonly eventsPerBatch: number
  /** Timed runs of each side per query (after one tenth-size warm-up). */
  readonly runs: number
  /** Median time of the bare generator loop over the same events: the part of every time above that is generation. */
  readonly generatorMs: number
  readonly generatorEventsPerSecond: number
  readonly queries: readonly NexmarkQueryResult[]
}

const SESSION_CONFIG = {
  'sluice.sql.session.timeZone': 'UTC',
  'sluice.streaming.stopOnSignal': false,
  output: () => undefined,
} as const

interface SluiceRun {
  readonly ms: number
  readonly progress: readonly StreamingQueryProgress[]
  readonly peakRssBytes: number
}

/** Runs `query` to the end of `events` events; every progress event is kept and samples RSS. */
async function runSluice(query: NexmarkQuery, events: number, eventsPerBatch: number): Promise<SluiceRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-nexmark-'))
  try {
    const sluice = Sluice.local(SESSION_CONFIG)
    const progress: StreamingQueryProgress[] = []
    let peak = process.memoryUsage().rss
    sluice.streams.addListener({
      onQueryProgress: (e) => {
        progress.push(e.progress)
        peak = Math.max(peak, process.memoryUsage().rss)
      },
    })
    const bids = sluice.readStream
      .format('nexmark')
      .option('events', events)
      .option('view', 'bid')
      .option('eventsPerBatch', eventsPerBatch)
      .load()
    const t0 = performance.now()
    const q = await query
      .run(bids)
      .writeStream.format('noop')
      .option('checkpointLocation', path.join(dir, 'ckpt'))
      .trigger({ availableNow: true })
      .start()
    await q.awaitTermination()
    const ms = performance.now() - t0
    if (q.exception !== null) throw q.exception
    return { ms, progress, peakRssBytes: peak }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Wall time of the bare loop `for (const e of nexmarkEvents(config)) {}` over `events` events. */
function timeGenerator(events: number): number {
  const t0 = performance.now()
  let n = 0
  for (const _ of nexmarkEvents({ maxEvents: events })) n++
  const ms = performance.now() - t0
  if (n !== events) throw new Error(`nexmark generator yielded ${n} events, expected ${events}.`)
  return ms
}

/**
 * The reference over the same batches the source cuts (events [k, k + eventsPerBatch)), each
 * batch's rows built and then dropped as the noop sink drops Sluice's: over the whole stream at
 * once the reference would keep every output row alive, and its GC cost would grow with the
 * output rather than the batch. Returns the total row count.
 */
function referenceByBatch(query: NexmarkQuery, events: number, eventsPerBatch: number): number {
  const config = new GeneratorConfig({ maxEvents: events })
  let rows = 0
  for (let k = 0; k < events; k += eventsPerBatch) {
    rows += query.reference(nexmarkEvents(config, k, Math.min(events, k + eventsPerBatch))).length
  }
  return rows
}

/** Times the reference over the same events; returns the time and its row count. */
function timeReference(
  query: NexmarkQuery,
  events: number,
  eventsPerBatch: number,
): { ms: number; rows: number } {
  const t0 = performance.now()
  const rows = referenceByBatch(query, events, eventsPerBatch)
  return { ms: performance.now() - t0, rows }
}

async function measureQuery(
  query: NexmarkQuery,
  opts: { events: number; eventsPerBatch: number; runs: number },
): Promise<NexmarkQueryResult> {
  const { events, eventsPerBatch } = opts
  // A tenth-size warm-up of both sides, so neither pays the other's JIT compilation.
  const warm = Math.max(1, Math.floor(events / 10))
  referenceByBatch(query, warm, eventsPerBatch)
  await runSluice(query, warm, eventsPerBatch)
  const referenceRunsMs: number[] = []
  const sluiceRunsMs: number[] = []
  const latencies: number[] = []
  let referenceRows = 0
  let outputRows = 0
  let peakRssBytes = 0
  await settle()
  const startRssBytes = process.memoryUsage().rss
  for (let i = 0; i < opts.runs; i++) {
    await settle()
    const ref = timeReference(query, events, eventsPerBatch)
    await settle()
    const run = await runSluice(query, events, eventsPerBatch)
    outputRows = run.progress.reduce((sum, p) => sum + p.sink.numOutputRows, 0)
    referenceRows = ref.rows
    if (outputRows !== referenceRows) {
      throw new Error(
        `nexmark ${query.name}: Sluice wrote ${outputRows} rows over ${events} events but the reference computed ${referenceRows}.`,
      )
    }
    referenceRunsMs.push(ref.ms)
    sluiceRunsMs.push(run.ms)
    for (const p of run.progress) latencies.push(p.durationMs.triggerExecution ?? 0)
    peakRssBytes = Math.max(peakRssBytes, run.peakRssBytes)
  }
  latencies.sort((a, b) => a - b)
  const sluiceMs = median(sluiceRunsMs)
  const referenceMs = median(referenceRunsMs)
  return {
    name: query.name,
    sluiceMs,
    sluiceRunsMs,
    sluiceEventsPerSecond: events / (sluiceMs / 1000),
    referenceMs,
    referenceRunsMs,
    referenceEventsPerSecond: events / (referenceMs / 1000),
    timeRatio: sluiceMs / referenceMs,
    batches: latencies.length,
    batchLatencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
    startRssBytes,
    peakRssBytes,
    outputRows,
    referenceRows,
  }
}

/**
 * Measures every stateless Nexmark query over `events` generated events, one after another.
 * @example const r = await runNexmarkBench({ events: 1_000_000, eventsPerBatch: 100_000, runs: 3 })
 */
export async function runNexmarkBench(opts: {
  events: number
  eventsPerBatch: number
  runs: number
}): Promise<NexmarkBenchResult> {
  const { events, eventsPerBatch, runs } = opts
  timeGenerator(Math.max(1, Math.floor(events / 10)))
  const generatorRunsMs: number[] = []
  for (let i = 0; i < runs; i++) {
    await settle()
    generatorRunsMs.push(timeGenerator(events))
  }
  const generatorMs = median(generatorRunsMs)
  const queries: NexmarkQueryResult[] = []
  for (const query of Object.values(NEXMARK_QUERIES)) {
    process.stderr.write(`nexmark ${query.name}: ${events.toLocaleString('en-US')} events...\n`)
    queries.push(await measureQuery(query, opts))
  }
  return {
    events,
    eventsPerBatch,
    runs,
    generatorMs,
    generatorEventsPerSecond: events / (generatorMs / 1000),
    queries,
  }
}

const pad = (s: string, n: number) => s.padStart(n)
const kEps = (n: number) => `${(n / 1000).toFixed(0)}K`

/**
 * Prints the per-query table.
 * @example printNexmark(await runNexmarkBench({ events: 1_000_000, eventsPerBatch: 100_000, runs: 3 }))
 */
export function printNexmark(r: NexmarkBenchResult): void {
  console.log(
    `\nNexmark (nexmark source, view bid -> query -> noop; availableNow; ${r.events.toLocaleString('en-US')} events in batches of ${r.eventsPerBatch.toLocaleString('en-US')}; median of ${r.runs} runs; 1 core)`,
  )
  console.log(
    `  bare generator loop: ${r.generatorMs.toFixed(0)} ms (${kEps(r.generatorEventsPerSecond)} events/s); both columns below include it`,
  )
  const head = [
    'query',
    'events/s',
    'ms',
    'ref events/s',
    'ref ms',
    'vs ref',
    'p50 ms',
    'p99 ms',
    'peak RSS',
    'rows',
  ]
  const widths = [6, 9, 7, 13, 7, 7, 7, 7, 9, 9]
  console.log(`  ${head.map((h, i) => pad(h, widths[i])).join(' ')}`)
  for (const q of r.queries) {
    const cells = [
      q.name,
      kEps(q.sluiceEventsPerSecond),
      q.sluiceMs.toFixed(0),
      kEps(q.referenceEventsPerSecond),
      q.referenceMs.toFixed(0),
      `${q.timeRatio.toFixed(2)}x`,
      q.batchLatencyMs.p50.toFixed(0),
      q.batchLatencyMs.p99.toFixed(0),
      `${(q.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
      q.outputRows.toLocaleString('en-US'),
    ]
    console.log(`  ${cells.map((c, i) => pad(c, widths[i])).join(' ')}`)
  }
}
