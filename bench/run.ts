/**
 * `npm run bench [-- --rows N --runs R --seed S --nexmark-events N --nexmark-queries q5,q7
 *   --peers spark --nexmark-source generator|kafka --kafka-records N --kafka-timeout-s S --only NAME[,NAME]
 *   --stateful-keys N[,N] --stateful-batches N --stateful-providers memory,lmdb
 *   --stateful-restart-keys N[,N] (default 1000000; 0: none) --stateful-scale-keys N (LMDB RSS mode)
 *   --stateful-scale-batch-rows N (default 100000) --stateful-scale-conf key=value[,key=value]
 *   --remote sc://host:15002 --threads 1,2]`
 *
 * Runs every selected benchmark variant in its own Node process (so each one's peak RSS and JIT
 * state are its own), checks that all variants computed the same answer, prints a table and writes
 * bench/results/<date>-<commit>.json and .svg plus latest.json / latest.svg. The streaming loop and
 * the Nexmark queries follow (in their own process too); `--only` skips the streaming loop, and
 * runs the Nexmark queries only when it names `nexmark`, the stateful windowed count only when it
 * names `stateful`, the file format codecs only when it names `file-formats`, the Kafka pipeline
 * (bench/kafka.ts; skipped when no broker can be started) only when it names `kafka`. `--peers spark`
 * then runs the fair comparison with Apache Spark (bench/nexmark-fair.ts: the same Parquet files or
 * Kafka topic on both sides, runs interleaved, wall and CPU time); `--nexmark-runs` sets the timed
 * runs per query (default 3). `--remote URL` (with `nexmark`) also runs the queries through
 * `Sluice.remote` on that Spark Connect server beside the embedded run (bench/nexmark-remote.ts).
 * `--threads 1,2` (with `nexmark`) also runs the queries on the same Parquet bids with each
 * `sluice.executor.threads` value, interleaved (bench/nexmark-threads.ts).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { renderChart } from './chart.ts'
import { measureFileFormats, printFileFormats } from './file-formats.ts'
import { fusedPipeline } from './fused-pipeline.ts'
import { printKafka, runKafkaBench } from './kafka.ts'
import { gitInfo, machineInfo, peakRssBytes, settle, summarize, timeOnce } from './measure.ts'
import {
  type NexmarkBenchResult,
  type NexmarkInput,
  runNexmarkBench,
  selectQueries,
} from './nexmark-bench.ts'
import { runFairComparison } from './nexmark-fair.ts'
import { nexmarkKafkaTopics } from './nexmark-kafka.ts'
import { printNexmark } from './nexmark-print.ts'
import { runRemoteComparison } from './nexmark-remote.ts'
import { printThreads, runThreadsComparison, type ThreadsComparison } from './nexmark-threads.ts'
import {
  type BenchmarkResult,
  benchmarkResult,
  type ResultsFile,
  type VariantMeasurement,
} from './results.ts'
import { printStateful, runStatefulBench } from './stateful.ts'
import { printStreamJoin, runStreamJoinBench } from './stream-join.ts'
import { printStreaming, runStreamingBench } from './streaming.ts'
import type { Benchmark, Settings, VariantSpec } from './suite.ts'
import { printTable } from './table.ts'

const BENCHMARKS: readonly Benchmark[] = [fusedPipeline]
const CHILD_FLAGS = ['--expose-gc']
const MARKER = '@@bench-result '
const WARMUPS = 1
const NEXMARK = 'nexmark'
const NEXMARK_THREADS = 'nexmark-threads'
const NEXMARK_EVENTS_PER_BATCH = 100_000
const NEXMARK_RUNS = 3

interface Options extends Settings {
  readonly only: string | null
  readonly child: string | null
  readonly nexmarkEvents: number
  readonly nexmarkQueries: string | null
  readonly nexmarkRuns: number
  readonly peers: readonly string[]
  readonly kafkaRecords: number
  /** `--kafka-timeout-s`: limit on one Kafka benchmark run (null: bench/kafka.ts's default). */
  readonly kafkaTimeoutMs: number | null
  /** `generator` (the nexmark source) or `kafka` (a topic of the same events, bench/nexmark-kafka.ts). */
  readonly nexmarkSource: 'generator' | 'kafka'
  /** Child mode: `bootstrap,topic,warmupTopic` of the Kafka input. */
  readonly nexmarkKafka: string | null
  /** `--threads 1,2`: the `sluice.executor.threads` values to compare on Parquet (bench/nexmark-threads.ts). */
  readonly threads: readonly number[] | null
  /**
   * `--kafka-isolation both` (with `--nexmark-source kafka`): the topic is written by the exactly-once
   * sink (a transaction per batch) and every timed run is repeated with read_committed, interleaved.
   */
  readonly kafkaIsolation: 'read_uncommitted' | 'both'
  /** `--stateful-keys 1000,100000`: the key counts of the stateful benchmark. */
  readonly statefulKeys: readonly number[]
  readonly statefulBatches: number
  /** `--stateful-providers memory,lmdb`: the state store providers it runs. */
  readonly statefulProviders: readonly string[]
  /** `--remote sc://host:15002`: the Spark Connect server the remote Nexmark runs go to. */
  readonly remote: string | null
  /** `--stateful-restart-keys 1000000`: key counts to time a restart at (0: none). */
  readonly statefulRestartKeys: readonly number[]
  /** `--stateful-scale-keys 10000000`: key counts for the LMDB RSS/throughput mode (default none). */
  readonly statefulScaleKeys: readonly number[]
  /** `--stateful-scale-batch-rows 100000`: the scale mode's rows per batch. */
  readonly statefulScaleBatchRows: number
  /** `--stateful-scale-conf k=v,k=v`: session confs of the scale mode. */
  readonly statefulScaleConfs: Readonly<Record<string, string>>
}

const PEERS = ['spark']

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rows: { type: 'string', default: '10000000' },
      runs: { type: 'string', default: '5' },
      seed: { type: 'string', default: '42' },
      only: { type: 'string' },
      'nexmark-events': { type: 'string', default: '1000000' },
      'nexmark-queries': { type: 'string' },
      'nexmark-runs': { type: 'string', default: String(NEXMARK_RUNS) },
      peers: { type: 'string' },
      'kafka-records': { type: 'string', default: '1000000' },
      'kafka-timeout-s': { type: 'string' },
      'nexmark-source': { type: 'string', default: 'generator' },
      'nexmark-kafka': { type: 'string' },
      threads: { type: 'string' },
      'kafka-isolation': { type: 'string', default: 'read_uncommitted' },
      'stateful-keys': { type: 'string', default: '1000,100000,1000000' },
      'stateful-batches': { type: 'string', default: '30' },
      'stateful-providers': { type: 'string', default: 'memory,lmdb' },
      remote: { type: 'string' },
      'stateful-restart-keys': { type: 'string', default: '1000000' },
      'stateful-scale-keys': { type: 'string', default: '0' },
      'stateful-scale-batch-rows': { type: 'string', default: '100000' },
      'stateful-scale-conf': { type: 'string', default: '' },
      child: { type: 'string' },
    },
  })
  const int = (name: string, text: string, min: number): number => {
    const n = Number(text.replace(/_/g, ''))
    if (!Number.isSafeInteger(n) || n < min)
      throw new Error(`--${name} must be an integer >= ${min}, got '${text}'.`)
    return n
  }
  return {
    rows: int('rows', values.rows, 1),
    runs: int('runs', values.runs, 1),
    seed: int('seed', values.seed, 0),
    only: values.only ?? null,
    child: values.child ?? null,
    nexmarkEvents: int('nexmark-events', values['nexmark-events'], 1),
    nexmarkQueries: values['nexmark-queries'] ?? null,
    nexmarkRuns: int('nexmark-runs', values['nexmark-runs'], 1),
    peers: parsePeers(values.peers),
    kafkaRecords: int('kafka-records', values['kafka-records'], 1),
    kafkaTimeoutMs:
      values['kafka-timeout-s'] === undefined
        ? null
        : int('kafka-timeout-s', values['kafka-timeout-s'], 1) * 1000,
    statefulKeys: values['stateful-keys'].split(',').map((k) => int('stateful-keys', k.trim(), 1)),
    statefulBatches: int('stateful-batches', values['stateful-batches'], 1),
    statefulProviders: values['stateful-providers'].split(',').map((p) => p.trim()),
    statefulRestartKeys: keyCounts(values['stateful-restart-keys'], (k) =>
      int('stateful-restart-keys', k, 0),
    ),
    statefulScaleKeys: keyCounts(values['stateful-scale-keys'], (k) => int('stateful-scale-keys', k, 0)),
    statefulScaleBatchRows: int('stateful-scale-batch-rows', values['stateful-scale-batch-rows'], 1),
    statefulScaleConfs: Object.fromEntries(
      values['stateful-scale-conf']
        .split(',')
        .filter((kv) => kv.includes('='))
        .map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1).trim()]),
    ),
    nexmarkSource: parseSource(values['nexmark-source']),
    nexmarkKafka: values['nexmark-kafka'] ?? null,
    threads: values.threads === undefined ? null : values.threads.split(',').map((t) => int('threads', t, 1)),
    kafkaIsolation: parseIsolation(values['kafka-isolation']),
    remote: values.remote ?? null,
  }
}

/** A comma-separated list of key counts, 0s dropped (`0` alone: none). */
function keyCounts(text: string, parse: (k: string) => number): number[] {
  return text
    .split(',')
    .map((k) => parse(k.trim()))
    .filter((k) => k > 0)
}

function parseIsolation(text: string): 'read_uncommitted' | 'both' {
  if (text === 'read_uncommitted' || text === 'both') return text
  throw new Error(`--kafka-isolation must be 'read_uncommitted' or 'both', got '${text}'.`)
}

function parseSource(text: string): 'generator' | 'kafka' {
  if (text === 'generator' || text === 'kafka') return text
  throw new Error(`--nexmark-source must be 'generator' or 'kafka', got '${text}'.`)
}

function parsePeers(text: string | undefined): string[] {
  const peers = text === undefined ? [] : text.split(',').map((s) => s.trim().toLowerCase())
  const unknown = peers.filter((p) => !PEERS.includes(p))
  if (unknown.length > 0)
    throw new Error(`--peers: unknown ${unknown.join(', ')}. Known: ${PEERS.join(', ')}.`)
  return peers
}

/** `--only file-formats` runs the file format codecs beside their raw libraries (bench/file-formats.ts). */
const FILE_FORMATS = 'file-formats'
/** `--only stateful` runs the windowed-count benchmark (bench/stateful.ts). */
const STATEFUL = 'stateful'
/** `--only stream-join` runs the stream-stream join benchmark (bench/stream-join.ts). */
const STREAM_JOIN = 'stream-join'
/** `--only kafka` runs Kafka -> Sluice -> Kafka beside the raw client (bench/kafka.ts). */
const KAFKA = 'kafka'

/** Whether the Nexmark queries run: always without `--only`, else when it names `nexmark`. */
function wantsNexmark(only: string | null): boolean {
  return only === null || only.split(',').some((s) => s.trim() === NEXMARK)
}

/** The variants `--only` selects: names of benchmarks, variants, or `benchmark/variant`, comma-separated. */
function select(only: string | null): [Benchmark, VariantSpec[]][] {
  const items = only === null ? null : only.split(',').map((s) => s.trim())
  const named = items?.filter(
    (it) => it !== NEXMARK && it !== STATEFUL && it !== FILE_FORMATS && it !== KAFKA && it !== STREAM_JOIN,
  )
  // `--only nexmark` (or `stateful`, `file-formats`) alone selects no variant, and that is not an error.
  if (named !== undefined && named.length === 0) return []
  const picked = BENCHMARKS.map((b): [Benchmark, VariantSpec[]] => [
    b,
    b.variants.filter(
      (v) =>
        items === null || items.some((it) => it === b.name || it === v.name || it === `${b.name}/${v.name}`),
    ),
  ]).filter(([, vs]) => vs.length > 0)
  if (picked.length === 0) {
    const names = [
      NEXMARK,
      STATEFUL,
      FILE_FORMATS,
      KAFKA,
      ...BENCHMARKS.flatMap((b) => [b.name, ...b.variants.map((v) => `${b.name}/${v.name}`)]),
    ]
    throw new Error(`--only '${only}' matches nothing. Known names: ${names.join(', ')}.`)
  }
  return picked
}

/** Child mode: prepare one variant, warm it up, time it, verify, print one result line. */
async function runChild(id: string, settings: Settings): Promise<void> {
  const [benchName, variantName] = id.split('/')
  const spec = BENCHMARKS.find((b) => b.name === benchName)?.variants.find((v) => v.name === variantName)
  if (spec === undefined) throw new Error(`Unknown variant '${id}'.`)
  const setup = timeOnce(() => spec.setup(settings))
  const prepared = setup.result
  const setupRssBytes = process.memoryUsage().rss
  for (let i = 0; i < WARMUPS; i++) {
    await settle()
    prepared.verify(timeOnce(() => prepared.run()).result)
  }
  const runsMs: number[] = []
  const cpuRunsMs: number[] = []
  let last: unknown
  for (let i = 0; i < settings.runs; i++) {
    await settle()
    const { ms, cpuMs, result } = timeOnce(() => prepared.run())
    runsMs.push(ms)
    cpuRunsMs.push(cpuMs)
    last = result
    process.stderr.write(
      `  ${id} run ${i + 1}/${settings.runs}: ${ms.toFixed(1)} ms (cpu ${cpuMs.toFixed(1)} ms)\n`,
    )
  }
  const peak = peakRssBytes()
  const digest = prepared.verify(last)
  const m: VariantMeasurement = {
    name: variantName,
    ...summarize(runsMs, cpuRunsMs),
    setupMs: setup.ms,
    setupRssBytes,
    peakRssBytes: peak,
    digest,
  }
  process.stdout.write(`${MARKER}${JSON.stringify(m)}\n`)
}

/** Child mode for `nexmark`: measures the Nexmark queries and prints one result line. */
async function runNexmarkChild(opts: Options): Promise<void> {
  const kafka = opts.nexmarkKafka
  const [bootstrap, topic, warmupTopic, isolation] = kafka?.split(',') ?? []
  const r = await runNexmarkBench({
    events: opts.nexmarkEvents,
    eventsPerBatch: NEXMARK_EVENTS_PER_BATCH,
    runs: opts.nexmarkRuns,
    queries: opts.nexmarkQueries,
    input:
      kafka === null
        ? { kind: 'generator' }
        : { kind: 'kafka', bootstrap, topic, warmupTopic, compareReadCommitted: isolation === 'both' },
  })
  process.stdout.write(`${MARKER}${JSON.stringify(r)}\n`)
}

/**
 * The Nexmark queries in their own process (the generator reference beside the hand loop, or the
 * Kafka input), then (with `--peers spark`) the fair comparison with Spark.
 */
async function runNexmark(opts: Options): Promise<NexmarkBenchResult> {
  if (opts.nexmarkSource === 'generator') return runNexmarkOn(opts, null)
  const topics = await nexmarkKafkaTopics(opts.nexmarkEvents, opts.kafkaIsolation === 'both')
  if (typeof topics === 'string') throw new Error(`--nexmark-source kafka: ${topics}`)
  try {
    return { ...(await runNexmarkOn(opts, topics.input)), kafkaProduceMs: topics.produceMs }
  } finally {
    await topics.close()
  }
}

async function runNexmarkOn(
  opts: Options,
  kafka: Extract<NexmarkInput, { kind: 'kafka' }> | null,
): Promise<NexmarkBenchResult> {
  const queries = selectQueries(opts.nexmarkQueries).map((q) => q.name)
  const kafkaArgs =
    kafka === null
      ? []
      : [
          '--nexmark-kafka',
          `${kafka.bootstrap},${kafka.topic},${kafka.warmupTopic},${kafka.compareReadCommitted === true ? 'both' : 'uncommitted'}`,
        ]
  const nexmark = runChildProcess(NEXMARK, [
    '--nexmark-events',
    String(opts.nexmarkEvents),
    '--nexmark-queries',
    queries.join(','),
    '--nexmark-runs',
    String(opts.nexmarkRuns),
    ...kafkaArgs,
  ]) as NexmarkBenchResult
  const remote = opts.remote === null ? {} : { remote: await runRemote(opts, queries) }
  const threads = opts.threads === null ? {} : { threads: runThreads(opts, queries) }
  if (!opts.peers.includes('spark')) return { ...nexmark, ...remote, ...threads }
  const versusSpark = await runFairComparison({
    events: opts.nexmarkEvents,
    eventsPerBatch: NEXMARK_EVENTS_PER_BATCH,
    runs: opts.nexmarkRuns,
    queries,
    ...(kafka === null ? {} : { kafka }),
  })
  if (!versusSpark.available) process.stderr.write(`Spark peer skipped: ${versusSpark.reason}\n`)
  return { ...nexmark, ...remote, ...threads, versusSpark }
}

/** `--threads`: the queries on Parquet with each thread count, in their own process. */
function runThreads(opts: Options, queries: readonly string[]): ThreadsComparison {
  return runChildProcess(NEXMARK_THREADS, [
    '--nexmark-events',
    String(opts.nexmarkEvents),
    '--nexmark-queries',
    queries.join(','),
    '--nexmark-runs',
    String(opts.nexmarkRuns),
    '--threads',
    (opts.threads ?? []).join(','),
  ]) as ThreadsComparison
}

/** `--remote`: the same queries embedded and through Sluice.remote, on the same Parquet files. */
async function runRemote(opts: Options, queries: readonly string[]) {
  const r = await runRemoteComparison({
    url: opts.remote ?? '',
    events: opts.nexmarkEvents,
    eventsPerBatch: NEXMARK_EVENTS_PER_BATCH,
    runs: opts.nexmarkRuns,
    queries,
  })
  if (!r.available) process.stderr.write(`remote run skipped: ${r.reason}\n`)
  return r
}

/** Runs one variant in a fresh process and returns its measurement; a failed child fails the run. */
function runIsolated(id: string, settings: Settings): VariantMeasurement {
  process.stderr.write(`${id}: preparing ${settings.rows.toLocaleString('en-US')} rows...\n`)
  const args = [
    '--rows',
    String(settings.rows),
    '--runs',
    String(settings.runs),
    '--seed',
    String(settings.seed),
  ]
  return runChildProcess(id, args) as VariantMeasurement
}

/** Runs `run.ts --child id ...args` in a fresh process and returns its result line, parsed. */
function runChildProcess(id: string, extraArgs: readonly string[]): unknown {
  const args = [...CHILD_FLAGS, process.argv[1], '--child', id, ...extraArgs]
  const child = spawnSync(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  })
  const line = child.stdout?.split('\n').find((l) => l.startsWith(MARKER))
  if (child.status !== 0 || line === undefined) {
    const why =
      child.error?.message ??
      (child.signal !== null ? `killed by ${child.signal}` : `exit code ${child.status}`)
    throw new Error(`Benchmark variant ${id} failed (${why}). Its output is above.`)
  }
  return JSON.parse(line.slice(MARKER.length))
}

function writeResults(results: ResultsFile): string[] {
  const dir = path.join(import.meta.dirname, 'results')
  mkdirSync(dir, { recursive: true })
  const base = `${results.date}-${results.commit}`
  const json = `${JSON.stringify(results, null, 2)}\n`
  const svg = renderChart(results)
  const files = [`${base}.json`, `${base}.svg`, 'latest.json', 'latest.svg']
  const contents = [json, svg, json, svg]
  for (const [i, f] of files.entries()) writeFileSync(path.join(dir, f), contents[i])
  return files.map((f) => path.join('bench', 'results', f))
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2))
  const settings: Settings = { rows: opts.rows, runs: opts.runs, seed: opts.seed }
  if (opts.child === NEXMARK) {
    await runNexmarkChild(opts)
    return
  }
  if (opts.child === NEXMARK_THREADS) {
    const r = await runThreadsComparison({
      events: opts.nexmarkEvents,
      eventsPerBatch: NEXMARK_EVENTS_PER_BATCH,
      runs: opts.nexmarkRuns,
      queries: opts.nexmarkQueries,
      threads: opts.threads ?? [1, 2],
    })
    process.stdout.write(`${MARKER}${JSON.stringify(r)}\n`)
    return
  }
  if (opts.child !== null) {
    await runChild(opts.child, settings)
    return
  }
  if (opts.peers.length > 0 && !wantsNexmark(opts.only))
    process.stderr.write(
      `--peers ${opts.peers.join(',')}: ignored, the peers run the Nexmark queries only.\n`,
    )
  // Taken first, so the load average is the one the runs started under.
  const machine = machineInfo()
  const benchmarks: BenchmarkResult[] = select(opts.only).map(([b, vs]) =>
    benchmarkResult(
      b,
      settings.rows,
      vs.map((v) => runIsolated(`${b.name}/${v.name}`, settings)),
    ),
  )
  const repo = path.join(import.meta.dirname, '..')
  const { commit, dirty } = gitInfo(repo)
  const results: ResultsFile = {
    format: 1,
    date: new Date().toISOString().slice(0, 10),
    commit,
    dirty,
    machine,
    settings: {
      ...settings,
      warmups: WARMUPS,
      only: opts.only,
      isolation: 'one Node process per variant',
      nodeFlags: CHILD_FLAGS,
      peers: opts.peers,
      command: ['npm run bench --', ...process.argv.slice(2)].join(' '),
    },
    benchmarks,
    ...(opts.only === null
      ? { streaming: await runStreamingBench({ batches: 200, rowsPerBatch: 100_000, rateBatches: 30 }) }
      : {}),
    ...(opts.only === null || opts.only.split(',').some((s) => s.trim() === STATEFUL)
      ? {
          stateful: await runStatefulBench({
            keys: opts.statefulKeys,
            rowsPerBatch: 100_000,
            batches: opts.statefulBatches,
            providers: opts.statefulProviders,
            restartKeys: opts.statefulRestartKeys,
            scaleKeys: opts.statefulScaleKeys,
            scaleRowsPerBatch: opts.statefulScaleBatchRows,
            scaleConfs: opts.statefulScaleConfs,
          }),
        }
      : {}),
    ...(opts.only === null || opts.only.split(',').some((s) => s.trim() === STREAM_JOIN)
      ? { streamJoin: await runStreamJoinBench({ rowsPerSide: 1e6, rowsPerBatch: 20_000 }) }
      : {}),
    ...(wantsNexmark(opts.only) ? { nexmark: await runNexmark(opts) } : {}),
    ...(opts.only === null || opts.only.split(',').some((s) => s.trim() === FILE_FORMATS)
      ? { fileFormats: { rows: 200_000, runs: 5, lines: await measureFileFormats(200_000, 5) } }
      : {}),
    ...(opts.only === null || opts.only.split(',').some((s) => s.trim() === KAFKA)
      ? {
          kafka: await runKafkaBench({
            records: opts.kafkaRecords,
            partitions: 4,
            runs: 3,
            maxOffsetsPerTrigger: 100_000,
            port: 39192,
            ...(opts.kafkaTimeoutMs === null ? {} : { timeoutMs: opts.kafkaTimeoutMs }),
          }),
        }
      : {}),
  }
  printTable(results)
  if (results.streaming !== undefined) printStreaming(results.streaming)
  if (results.stateful !== undefined) printStateful(results.stateful)
  if (results.streamJoin !== undefined) printStreamJoin(results.streamJoin)
  if (results.nexmark !== undefined) printNexmark(results.nexmark)
  if (results.nexmark?.threads !== undefined) printThreads(results.nexmark.threads)
  if (results.fileFormats !== undefined)
    printFileFormats(results.fileFormats.lines, results.fileFormats.rows, results.fileFormats.runs)
  if (results.kafka !== undefined) printKafka(results.kafka)
  for (const f of writeResults(results)) console.log(`wrote ${f}`)
}

// A benchmark that failed (a Kafka run past its time limit among them) may leave clients with open
// sockets behind: exit instead of waiting on them.
await main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
