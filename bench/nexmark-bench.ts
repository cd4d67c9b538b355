/**
 * Nexmark query throughput: each query of nexmark-suite.ts run as a streaming query (nexmark source,
 * `view = bid` or, for q8 and the join queries, every event; availableNow, noop sink, the query's output mode) beside its
 * hand loop over the same generated events, cut into the same micro-batches. Both sides pay for
 * generating every event (the source generates them all, bids or not), so the bare generator loop is
 * timed too, to show how much of each is generation. One Node process: events/s is events/s per core.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { BID, type GeneratorConfig, nexmarkEvents, parallelConfigs } from '../src/connectors/nexmark/index.ts'
import { BID_SCHEMA, EVENT_SCHEMA } from '../src/connectors/nexmark/nexmark-source-provider.ts'
import { col, from_json, Sluice, type StreamingQueryProgress } from '../src/index.ts'
import { median, percentile, settle } from './measure.ts'
import type { FairComparison } from './nexmark-fair.ts'
import type { BenchQuery } from './nexmark-hand-loop.ts'
import type { QueryRow } from './nexmark-queries.ts'
import type { RemoteComparison } from './nexmark-remote.ts'
import { MISSING_QUERIES, NEXMARK_BENCH_QUERIES } from './nexmark-suite.ts'
import type { ThreadsComparison } from './nexmark-threads.ts'

export interface NexmarkQueryResult {
  readonly name: string
  readonly title: string
  readonly outputMode: 'append' | 'update'
  /** Median over the runs of the wall time from `start()` to `awaitTermination()` returning. */
  readonly sluiceMs: number
  readonly sluiceRunsMs: readonly number[]
  readonly sluiceEventsPerSecond: number
  /** Median over the runs of the summed `durationMs.triggerExecution` of their batches (no query start/stop). */
  readonly sluiceTriggerMs: number
  /** Median wall time of the hand loop over the same batches, generation included. */
  readonly referenceMs: number
  readonly referenceRunsMs: readonly number[]
  readonly referenceEventsPerSecond: number
  /** Sluice's time / the hand loop's (1.0 = the physical limit; lower is better). */
  readonly timeRatio: number
  /** Batches of all runs together (no-data batches included). */
  readonly batches: number
  /** Nearest-rank percentiles of every run's batches' `durationMs.triggerExecution` (system clock, whole ms). */
  readonly batchLatencyMs: { readonly p50: number; readonly p99: number }
  /** Process RSS just before the first timed Sluice run (after warm-up and a full GC). */
  readonly startRssBytes: number
  /** Highest process RSS sampled at start and at every progress event (the process is shared by all queries). */
  readonly peakRssBytes: number
  /** State at the end of the last run: the sums over its state operators of numRowsTotal and memoryUsedBytes. */
  readonly stateRows: number
  readonly stateBytes: number
  /** Rows the sink received (summed `sink.numOutputRows`); checked equal to referenceRows. */
  readonly outputRows: number
  readonly referenceRows: number
  /**
   * With `--kafka-isolation both`: each timed run is followed by the same run reading with
   * `kafka.isolation.level=read_committed` (the runs above read read_uncommitted). Wall and CPU
   * times per run, and the median of the per-run ratios committed / uncommitted.
   */
  readonly readCommitted?: {
    readonly uncommittedCpuRunsMs: readonly number[]
    readonly committedRunsMs: readonly number[]
    readonly committedCpuRunsMs: readonly number[]
    readonly wallRatio: number
    readonly cpuRatio: number
  }
}

export interface NexmarkBenchResult {
  readonly events: number
  readonly eventsPerBatch: number
  /** Timed runs of each side per query (after one tenth-size warm-up). */
  readonly runs: number
  /** Median time of the bare generator loop over the same events: the part of every time above that is generation. */
  readonly generatorMs: number
  readonly generatorEventsPerSecond: number
  /** What Sluice read: the generator, or a Kafka topic of the same events as JSON (`--nexmark-source kafka`). */
  readonly source?: string
  /** With `--nexmark-source kafka`: the time to produce the topics (untimed setup). */
  readonly kafkaProduceMs?: number
  readonly queries: readonly NexmarkQueryResult[]
  /** Flink's queries the suite does not run, and why. */
  readonly missing: Readonly<Record<string, string>>
  /**
   * With `--peers spark`: Sluice and Spark on the same input, interleaved (bench/nexmark-fair.ts);
   * `available: false` says why it did not run. The figures above are the generator reference.
   */
  readonly versusSpark?: FairComparison
  /** With `--remote URL`: the same queries embedded and through Sluice.remote (bench/nexmark-remote.ts). */
  readonly remote?: RemoteComparison
  /** With `--threads 1,2`: the queries on Parquet with each `sluice.executor.threads` (bench/nexmark-threads.ts). */
  readonly threads?: ThreadsComparison
}

// One thread unless a run asks for more (bench/nexmark-threads.ts): Sluice's per-core figures.
const SESSION_CONFIG = {
  'sluice.sql.session.timeZone': 'UTC',
  'sluice.streaming.stopOnSignal': false,
  'sluice.executor.threads': 1,
  output: () => undefined,
} as const

/** One session per thread count, kept across runs so its worker threads stay warm (as a user's would). */
const SESSIONS = new Map<number, Sluice>()
function sessionOf(threads: number | undefined): Sluice {
  if (threads === undefined) return Sluice.local(SESSION_CONFIG)
  let s = SESSIONS.get(threads)
  if (s === undefined) {
    s = Sluice.local({ ...SESSION_CONFIG, 'sluice.executor.threads': threads })
    SESSIONS.set(threads, s)
  }
  return s
}

/** One Sluice run: wall and CPU time (process.cpuUsage of this process: every thread, GC included). */
export interface SluiceRun {
  readonly ms: number
  readonly cpuMs: number
  /** CPU milliseconds of the main thread alone (process.threadCpuUsage): the serial part of a run. */
  readonly mainCpuMs: number
  readonly progress: readonly StreamingQueryProgress[]
  readonly peakRssBytes: number
}

/**
 * Where the Sluice side reads the events: the `nexmark` source generating them (the default), or a
 * one-partition Kafka topic holding them as JSON (Flink's wire form; `sluice nexmark generate
 * --format kafka`), read with `maxOffsetsPerTrigger` = the batch size so the batches are the same;
 * or a folder with Parquet files of the bids (`input/`) and, for the join queries, of every event
 * (`events/`), one per batch, read with `maxFilesPerTrigger` 1 (the fair comparison with Spark,
 * bench/nexmark-fair.ts).
 */
export type NexmarkInput =
  | { readonly kind: 'generator' }
  | {
      readonly kind: 'kafka'
      readonly bootstrap: string
      readonly topic: string
      readonly warmupTopic: string
      /** Also time every run with read_committed, interleaved (`--kafka-isolation both`). */
      readonly compareReadCommitted?: boolean
    }
  | { readonly kind: 'parquet'; readonly dir: string }

/**
 * The Parquet folder of a view under the fair comparison's input folder: `input` (the bids) or
 * `events` (every event in Flink's wire form, for the join queries).
 * @example viewFolder('/tmp/fair', 'all') // '/tmp/fair/events'
 */
export const viewFolder = (dir: string, view: 'bid' | 'all'): string =>
  path.join(dir, view === 'bid' ? 'input' : 'events')

/**
 * `view` (the `bid` view, or every event) over `input`'s events: `events` of them, in batches of
 * `eventsPerBatch`.
 */
function bidStream(
  sluice: Sluice,
  input: NexmarkInput,
  view: 'bid' | 'all',
  topic: string,
  events: number,
  eventsPerBatch: number,
  isolation: 'read_committed' | 'read_uncommitted' = 'read_uncommitted',
) {
  if (input.kind === 'generator') {
    const reader = sluice.readStream
      .format('nexmark')
      .option('events', events)
      .option('eventsPerBatch', eventsPerBatch)
    return (view === 'bid' ? reader.option('view', 'bid') : reader).load()
  }
  if (input.kind === 'parquet') {
    return sluice.readStream
      .format('parquet')
      .schema(view === 'bid' ? BID_SCHEMA : EVENT_SCHEMA)
      .option('maxFilesPerTrigger', 1)
      .load(viewFolder(input.dir, view))
  }
  const all = sluice.readStream
    .format('kafka')
    .option('kafka.bootstrap.servers', input.bootstrap)
    .option('subscribe', topic)
    .option('startingOffsets', 'earliest')
    .option('maxOffsetsPerTrigger', eventsPerBatch)
    .option('kafka.isolation.level', isolation)
    .load()
    .select(from_json(col('value').cast('string'), EVENT_SCHEMA).alias('e'))
  return view === 'all' ? all.select('e.*') : all.where(col('e.event_type').eq(BID)).select('e.bid.*')
}

/**
 * Runs `query` to the end of `events` events; every progress event is kept and samples RSS. A
 * file-sink query's files are checked against `expected()` (untimed) when it is given.
 * @example const { ms, cpuMs } = await runSluice(query, 1e6, { eventsPerBatch: 1e5, input: { kind: 'generator' } })
 */
export async function runSluice(
  query: BenchQuery,
  events: number,
  opts: {
    eventsPerBatch: number
    input: NexmarkInput
    warmup?: boolean
    expected?: () => Iterable<QueryRow>
    isolation?: 'read_committed' | 'read_uncommitted'
    /** `sluice.executor.threads` (default 1); the session is kept for the next run with as many. */
    threads?: number
  },
): Promise<SluiceRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-nexmark-'))
  const sluice = sessionOf(opts.threads)
  const progress: StreamingQueryProgress[] = []
  let peak = process.memoryUsage().rss
  const listener = {
    onQueryProgress: (e: { progress: StreamingQueryProgress }) => {
      progress.push(e.progress)
      peak = Math.max(peak, process.memoryUsage().rss)
    },
  }
  sluice.streams.addListener(listener)
  try {
    const topic = opts.input.kind === 'kafka' ? (opts.warmup ? opts.input.warmupTopic : opts.input.topic) : ''
    const bids = bidStream(
      sluice,
      opts.input,
      query.view ?? 'bid',
      topic,
      events,
      opts.eventsPerBatch,
      opts.isolation,
    )
    const out = path.join(dir, 'out')
    const cpu0 = process.cpuUsage()
    const main0 = process.threadCpuUsage()
    const t0 = performance.now()
    const df = query.run(bids, sluice)
    const writer =
      query.sink === undefined
        ? df.writeStream.format('noop')
        : df.writeStream
            .format(query.sink.format)
            .partitionBy(...query.sink.partitionBy)
            .option('path', out)
    const q = await writer
      .outputMode(query.outputMode)
      .option('checkpointLocation', path.join(dir, 'ckpt'))
      .trigger({ availableNow: true })
      .start()
    await q.awaitTermination()
    const ms = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    const main = process.threadCpuUsage(main0)
    if (q.exception !== null) throw q.exception
    if (query.sink !== undefined && opts.expected !== undefined)
      await query.sink.check(sluice, out, opts.expected())
    return {
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      mainCpuMs: (main.user + main.system) / 1000,
      progress,
      peakRssBytes: peak,
    }
  } finally {
    sluice.streams.removeListener(listener)
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

/** The config the nexmark source builds for `events` events (one generator, default rate). */
export const sourceConfig = (events: number): GeneratorConfig => parallelConfigs({ maxEvents: events }, 1)[0]

/**
 * The hand loop over the batches the source cuts (events [k, k + eventsPerBatch)), then the no-data
 * batch; each batch's rows are built and dropped, as the noop sink drops Sluice's. Returns the
 * total row count.
 */
function handLoopByBatch(query: BenchQuery, events: number, eventsPerBatch: number): number {
  const config = sourceConfig(events)
  const loop = query.handLoop()
  let rows = 0
  for (let k = 0; k < events; k += eventsPerBatch) {
    rows += loop.batch(nexmarkEvents(config, k, Math.min(events, k + eventsPerBatch)), Date.now()).length
  }
  return rows + loop.final(Date.now()).length
}

/** Every row the hand loop emits over the same batches (for checking a file sink's output). */
function* handLoopRows(query: BenchQuery, events: number, eventsPerBatch: number): Generator<QueryRow> {
  const config = sourceConfig(events)
  const loop = query.handLoop()
  for (let k = 0; k < events; k += eventsPerBatch)
    yield* loop.batch(nexmarkEvents(config, k, Math.min(events, k + eventsPerBatch)), Date.now())
  yield* loop.final(Date.now())
}

function timeHandLoop(
  query: BenchQuery,
  events: number,
  eventsPerBatch: number,
): { ms: number; rows: number } {
  const t0 = performance.now()
  const rows = handLoopByBatch(query, events, eventsPerBatch)
  return { ms: performance.now() - t0, rows }
}

/** The sums over the last progress's state operators. */
function stateAtEnd(progress: readonly StreamingQueryProgress[]): { rows: number; bytes: number } {
  const ops = progress[progress.length - 1]?.stateOperators ?? []
  return {
    rows: ops.reduce((s, o) => s + o.numRowsTotal, 0),
    bytes: ops.reduce((s, o) => s + o.memoryUsedBytes, 0),
  }
}

async function measureQuery(
  query: BenchQuery,
  opts: { events: number; eventsPerBatch: number; runs: number; input: NexmarkInput },
): Promise<NexmarkQueryResult> {
  const { events, eventsPerBatch } = opts
  // A tenth-size warm-up of both sides, so neither pays the other's JIT compilation.
  const warm = Math.max(1, Math.floor(events / 10))
  handLoopByBatch(query, warm, eventsPerBatch)
  const compare = opts.input.kind === 'kafka' && opts.input.compareReadCommitted === true
  await runSluice(query, warm, { eventsPerBatch, input: opts.input, warmup: true })
  if (compare)
    await runSluice(query, warm, {
      eventsPerBatch,
      input: opts.input,
      warmup: true,
      isolation: 'read_committed',
    })
  const committed = {
    uncommittedCpuRunsMs: [] as number[],
    committedRunsMs: [] as number[],
    committedCpuRunsMs: [] as number[],
  }
  const referenceRunsMs: number[] = []
  const sluiceRunsMs: number[] = []
  const triggerRunsMs: number[] = []
  const latencies: number[] = []
  let referenceRows = 0
  let outputRows = 0
  let peakRssBytes = 0
  let state = { rows: 0, bytes: 0 }
  await settle()
  const startRssBytes = process.memoryUsage().rss
  for (let i = 0; i < opts.runs; i++) {
    await settle()
    const ref = timeHandLoop(query, events, eventsPerBatch)
    await settle()
    // The last run's files (q10) are read back and checked against the hand loop's rows, untimed.
    const expected = i === opts.runs - 1 ? () => handLoopRows(query, events, eventsPerBatch) : undefined
    const run = await runSluice(query, events, { eventsPerBatch, input: opts.input, expected })
    outputRows = run.progress.reduce((sum, p) => sum + p.sink.numOutputRows, 0)
    referenceRows = ref.rows
    if (outputRows !== referenceRows) {
      throw new Error(
        `nexmark ${query.name}: Sluice wrote ${outputRows} rows over ${events} events but the hand loop emitted ${referenceRows}.`,
      )
    }
    if (compare) {
      await settle()
      const rc = await runSluice(query, events, {
        eventsPerBatch,
        input: opts.input,
        isolation: 'read_committed',
      })
      const rcRows = rc.progress.reduce((sum, p) => sum + p.sink.numOutputRows, 0)
      if (rcRows !== referenceRows)
        throw new Error(
          `nexmark ${query.name}: read_committed wrote ${rcRows} rows, the hand loop ${referenceRows}.`,
        )
      committed.uncommittedCpuRunsMs.push(run.cpuMs)
      committed.committedRunsMs.push(rc.ms)
      committed.committedCpuRunsMs.push(rc.cpuMs)
    }
    referenceRunsMs.push(ref.ms)
    sluiceRunsMs.push(run.ms)
    triggerRunsMs.push(run.progress.reduce((sum, p) => sum + (p.durationMs.triggerExecution ?? 0), 0))
    for (const p of run.progress) latencies.push(p.durationMs.triggerExecution ?? 0)
    peakRssBytes = Math.max(peakRssBytes, run.peakRssBytes)
    state = stateAtEnd(run.progress)
  }
  latencies.sort((a, b) => a - b)
  const sluiceMs = median(sluiceRunsMs)
  const referenceMs = median(referenceRunsMs)
  return {
    name: query.name,
    title: query.title,
    outputMode: query.outputMode,
    sluiceMs,
    sluiceRunsMs,
    sluiceEventsPerSecond: events / (sluiceMs / 1000),
    sluiceTriggerMs: median(triggerRunsMs),
    referenceMs,
    referenceRunsMs,
    referenceEventsPerSecond: events / (referenceMs / 1000),
    timeRatio: sluiceMs / referenceMs,
    batches: latencies.length,
    batchLatencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
    startRssBytes,
    peakRssBytes,
    stateRows: state.rows,
    stateBytes: state.bytes,
    outputRows,
    referenceRows,
    ...(compare ? { readCommitted: readCommittedResult(sluiceRunsMs, committed) } : {}),
  }
}

/** The per-run ratios read_committed / read_uncommitted, by wall and by CPU time (medians). */
function readCommittedResult(
  uncommittedRunsMs: readonly number[],
  c: { uncommittedCpuRunsMs: number[]; committedRunsMs: number[]; committedCpuRunsMs: number[] },
): NonNullable<NexmarkQueryResult['readCommitted']> {
  const ratios = (a: readonly number[], b: readonly number[]) => median(a.map((x, i) => x / b[i]))
  return {
    ...c,
    wallRatio: ratios(c.committedRunsMs, uncommittedRunsMs),
    cpuRatio: ratios(c.committedCpuRunsMs, c.uncommittedCpuRunsMs),
  }
}

/**
 * The bench queries `names` selects (comma-separated; all when null).
 * @example selectQueries('q5,q7').map((q) => q.name) // ['q5', 'q7']
 */
export function selectQueries(names: string | null): readonly BenchQuery[] {
  if (names === null) return NEXMARK_BENCH_QUERIES
  const wanted = names.split(',').map((s) => s.trim().toLowerCase())
  const unknown = wanted.filter((n) => !NEXMARK_BENCH_QUERIES.some((q) => q.name === n))
  if (unknown.length > 0) {
    throw new Error(
      `--nexmark-queries: unknown ${unknown.join(', ')}. Known: ${NEXMARK_BENCH_QUERIES.map((q) => q.name).join(', ')}.`,
    )
  }
  return NEXMARK_BENCH_QUERIES.filter((q) => wanted.includes(q.name))
}

/**
 * Measures the Nexmark queries over `events` generated events, one after another.
 * @example const r = await runNexmarkBench({ events: 1_000_000, eventsPerBatch: 100_000, runs: 3, queries: null })
 */
export async function runNexmarkBench(opts: {
  events: number
  eventsPerBatch: number
  runs: number
  queries: string | null
  /** Where Sluice reads the events (default: the generator). */
  input?: NexmarkInput
}): Promise<NexmarkBenchResult> {
  const { events, eventsPerBatch, runs } = opts
  const input = opts.input ?? { kind: 'generator' }
  timeGenerator(Math.max(1, Math.floor(events / 10)))
  const generatorRunsMs: number[] = []
  for (let i = 0; i < runs; i++) {
    await settle()
    generatorRunsMs.push(timeGenerator(events))
  }
  const generatorMs = median(generatorRunsMs)
  const queries: NexmarkQueryResult[] = []
  for (const query of selectQueries(opts.queries)) {
    process.stderr.write(`nexmark ${query.name}: ${events.toLocaleString('en-US')} events...\n`)
    queries.push(await measureQuery(query, { events, eventsPerBatch, runs, input }))
  }
  return {
    events,
    eventsPerBatch,
    runs,
    generatorMs,
    generatorEventsPerSecond: events / (generatorMs / 1000),
    source: input.kind === 'kafka' ? `kafka topic ${input.topic} (JSON events, 1 partition)` : 'generator',
    queries,
    missing: MISSING_QUERIES,
  }
}
