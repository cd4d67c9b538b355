/**
 * Kafka benchmark (issue 6): records/second of Kafka -> Sluice (`from_json`, a filter, a projection,
 * `to_json`) -> Kafka, beside the raw @platformatic/kafka client alone consuming, transforming and
 * producing the same records (the ceiling), as Sluice's time over the raw client's, in one run.
 *
 * A broker of its own (scripts/kafka-broker.mjs on port 39192, state under the OS temp dir, C2 JIT
 * turned back on) is started unless already running, and stopped at the end if this run started it.
 * N Nexmark bids (Sluice's generator) are produced as JSON into a topic of several partitions
 * (untimed). Each variant reads them all from the earliest offset and writes the bids with `price >
 * 100000` (about half, as prices are log-uniform 100..1e8) as JSON to a fresh topic:
 *
 * - `raw-fetch` (the ceiling) and `raw-stream`: the client alone (bench/kafka-raw.ts), reading with
 *   Fetch requests as Sluice's source does, or with its consumer stream; both produce with an
 *   idempotent acks=all producer in requests of at most 1 MiB sent one after another, as the sink does.
 * - `sluice-at-least-once-no-read-ahead`: the same with the source's read-ahead off
 *   (`readAheadOffsets` 0), the A/B of fetching the next batch while one is processed.
 * - `sluice-at-least-once`, `sluice-exactly-once`: the streaming query with `trigger({ availableNow:
 *   true })` and the sink's `deliveryGuarantee`; timed from `start()` to `awaitTermination()`.
 *
 * Every output topic is read back (read_committed) untimed: record counts and an order-free digest of
 * the values must match the expected ones, or the benchmark fails.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { nexmarkEvents } from '../src/connectors/nexmark/index.ts'
import { col, from_json, Sluice, struct, to_json } from '../src/index.ts'
import { consumeAll, createTopic, deleteTopic } from '../test/harness/kafka-broker.ts'
import { NULLABLE_BID as BID } from './bid-json.ts'
import { type StepProgress, withDeadline } from './deadline.ts'
import {
  type EndOffsets,
  inputEnds,
  PRICE_THRESHOLD,
  produceInput,
  rawFetchPipeline,
  rawStreamPipeline,
  transformBid,
} from './kafka-raw.ts'
import { settle } from './measure.ts'

export interface KafkaBenchOptions {
  /** Bids produced to the input topic (each variant reads them all). */
  readonly records: number
  readonly partitions: number
  /** Timed runs per variant (the median is reported). */
  readonly runs: number
  /** The Sluice source's `maxOffsetsPerTrigger`: records per micro-batch. */
  readonly maxOffsetsPerTrigger: number
  /** The broker's client port (its controller takes the next one). */
  readonly port: number
  /** Limit on one run of one variant (and on reading its output back); a run past it fails the bench. */
  readonly timeoutMs?: number
}

export interface KafkaVariantResult {
  readonly name: string
  readonly runsMs: readonly number[]
  readonly medianMs: number
  /** Median CPU time (user + system) of this Node process alone; the broker's is not counted. */
  readonly cpuMedianMs: number
  /** Input records over the median time. */
  readonly recordsPerSecond: number
  /** This variant's median time / `raw-fetch`'s (1.0 = the ceiling). */
  readonly timeRatio: number
  /**
   * This variant's median Node CPU time / `raw-fetch`'s: the work this process does, steadier than
   * wall time on a shared machine (where the broker's latency varies with the load).
   */
  readonly cpuRatio: number
}

export interface KafkaBenchRun {
  readonly records: number
  readonly partitions: number
  readonly runs: number
  readonly maxOffsetsPerTrigger: number
  readonly inputBytes: number
  /** Records every variant wrote (checked equal, with the same values). */
  readonly outputRecords: number
  readonly broker: { readonly bootstrap: string; readonly reused: boolean; readonly jvmOpts: string }
  readonly variants: readonly KafkaVariantResult[]
}

/** The benchmark's result, or why it did not run (no Java/Maven, the broker did not start). */
export type KafkaBenchResult = KafkaBenchRun | { readonly skipped: string }

const SCRIPT = path.join(import.meta.dirname, '..', 'scripts', 'kafka-broker.mjs')
// The script's test settings stop the JIT at C1; a benchmark wants the broker's full speed.
const JVM_OPTS = process.env.SLUICE_KAFKA_JVM_OPTS ?? '-XX:TieredStopAtLevel=4 -Xmx1g'
const WARMUP_RECORDS = 50_000
const run = promisify(execFile)
/** The variant the others are compared with. */
const CEILING = 'raw-fetch'

export interface Broker {
  readonly bootstrap: string
  readonly reused: boolean
  stop(): Promise<void>
}

/**
 * Starts a benchmark broker on `port` with its state in `$TMPDIR/<dirName>`, or finds it running;
 * the reason when it cannot start.
 * @example const broker = await startBroker(39194, 'sluice-kafka-nexmark')
 */
export async function startBroker(port: number, dirName = 'sluice-kafka-bench'): Promise<Broker | string> {
  const where = ['--port', String(port), '--dir', path.join(tmpdir(), dirName)]
  const script = (cmd: string) =>
    run(process.execPath, [SCRIPT, cmd, ...where], {
      env: { ...process.env, SLUICE_KAFKA_JVM_OPTS: JVM_OPTS },
      maxBuffer: 1 << 24,
    })
  const reused = await script('status').then(
    () => true,
    () => false,
  )
  try {
    const bootstrap = (await script('start')).stdout.trim()
    return { bootstrap, reused, stop: async () => void (reused ? undefined : await script('stop')) }
  } catch (e) {
    const err = e as { stderr?: string; message: string }
    return `the Kafka broker did not start: ${(err.stderr?.trim() || err.message).split('\n')[0]}`
  }
}

/** The JSON of `count` Nexmark bids (Flink's field order; `dateTime` as ISO-8601 UTC). */
function bidJson(count: number): string[] {
  const out: string[] = []
  for (const e of nexmarkEvents({ maxEvents: Math.ceil(count / 0.9) + 100 })) {
    const b = e.bid
    if (b === undefined) continue
    const { auction, bidder, price, channel, url, extra } = b
    const dateTime = new Date(b.dateTime).toISOString()
    out.push(JSON.stringify({ auction, bidder, price, channel, url, dateTime, extra }))
    if (out.length === count) break
  }
  return out
}

/** An order-free digest of values: the sum of their 32-bit FNV-1a hashes (exact below 2^53). */
function digestOf(values: Iterable<string | null>): number {
  let sum = 0
  for (const v of values) {
    let h = 0x811c9dc5
    for (let i = 0; i < (v?.length ?? 0); i++) h = Math.imul(h ^ (v as string).charCodeAt(i), 0x01000193)
    sum += h >>> 0
  }
  return sum
}

/** The Sluice query: Kafka -> from_json -> filter -> projection -> to_json -> Kafka. */
async function sluicePipeline(
  sluice: Sluice,
  bootstrap: string,
  input: string,
  output: string,
  guarantee: string,
  maxOffsetsPerTrigger: number,
  signal: AbortSignal,
  readAhead = true,
): Promise<string> {
  const checkpoint = mkdtempSync(path.join(tmpdir(), 'sluice-bench-kafka-'))
  try {
    const q = await sluice.readStream
      .format('kafka')
      .option('kafka.bootstrap.servers', bootstrap)
      .option('subscribe', input)
      .option('startingOffsets', 'earliest')
      .option('maxOffsetsPerTrigger', maxOffsetsPerTrigger)
      .options(readAhead ? {} : { readAheadOffsets: '0' })
      .load()
      .select(from_json(col('value').cast('string'), BID).alias('b'))
      .where(col('b.price').gt(PRICE_THRESHOLD))
      .select(
        to_json(struct(col('b.auction'), col('b.bidder'), col('b.price'), col('b.dateTime'))).alias('value'),
      )
      .writeStream.format('kafka')
      .option('kafka.bootstrap.servers', bootstrap)
      .option('topic', output)
      .option('deliveryGuarantee', guarantee)
      .option('checkpointLocation', checkpoint)
      .trigger({ availableNow: true })
      .start()
    signal.addEventListener('abort', () => void q.stop().catch(() => undefined))
    await q.awaitTermination()
    signal.throwIfAborted()
    return q.id
  } finally {
    rmSync(checkpoint, { recursive: true, force: true })
  }
}

interface Variant {
  readonly name: string
  /**
   * Runs the variant from `input` into `output` (stopping when `signal` fires, counting the input
   * records it read in `progress` where it can); returns the topics it made beside `output`.
   */
  run(input: string, output: string, signal: AbortSignal, progress: StepProgress): Promise<string[]>
}

function variants(
  sluice: Sluice,
  bootstrap: string,
  opts: KafkaBenchOptions,
  ends: Map<string, EndOffsets>,
): Variant[] {
  const endsOf = (input: string) => ends.get(input) as EndOffsets
  const viaSluice = (guarantee: string, readAhead = true): Variant => ({
    name: `sluice-${guarantee}${readAhead ? '' : '-no-read-ahead'}`,
    run: async (input, output, signal) => {
      const id = await sluicePipeline(
        sluice,
        bootstrap,
        input,
        output,
        guarantee,
        opts.maxOffsetsPerTrigger,
        signal,
        readAhead,
      )
      return guarantee === 'exactly-once' ? [`__sluice_sink_${id}`] : []
    },
  })
  return [
    {
      name: CEILING,
      run: async (input, output, signal, progress) => {
        await rawFetchPipeline(bootstrap, { input, output }, endsOf(input), { signal, progress })
        return []
      },
    },
    {
      name: 'raw-stream',
      run: async (input, output, signal, progress) => {
        const again = await rawStreamPipeline(bootstrap, { input, output }, endsOf(input), {
          signal,
          progress,
        })
        if (again > 0)
          process.stderr.write(`  kafka raw-stream: ${again} records delivered again (group join), skipped\n`)
        return []
      },
    },
    viaSluice('at-least-once'),
    viaSluice('at-least-once', false),
    viaSluice('exactly-once'),
  ]
}

/**
 * One run of one variant into a fresh topic: wall and CPU ms, checked against the expected output.
 * The run and the read-back each get `limitMs`: a stalled broker or client fails the benchmark by
 * name instead of hanging it.
 */
async function measure(v: Variant, bootstrap: string, input: Input, limitMs: number) {
  const output = `bench-out-${v.name}-${Date.now().toString(36)}`
  await createTopic(bootstrap, output, input.ends.size)
  await settle()
  const total = [...input.ends.values()].reduce((a, b) => a + Number(b), 0)
  const progress: StepProgress = { done: 0, total, unit: 'input records read' }
  const cpu = process.cpuUsage()
  const t0 = performance.now()
  const extra = await withDeadline(
    `Kafka bench: ${v.name} (${input.topic} -> ${output})`,
    limitMs,
    (signal) => v.run(input.topic, output, signal, progress),
    v.name.startsWith('raw') ? progress : undefined,
  )
  const ms = performance.now() - t0
  const { user, system } = process.cpuUsage(cpu)
  const read = await withDeadline(`Kafka bench: reading back ${output}`, limitMs, () =>
    consumeAll(bootstrap, output, { isolationLevel: 'read_committed' }),
  )
  for (const topic of [output, ...extra]) await deleteTopic(bootstrap, topic).catch(() => undefined)
  const digest = digestOf(read.map((r) => r.value))
  if (read.length !== input.expected.count || digest !== input.expected.digest)
    throw new Error(
      `Kafka bench: ${v.name} wrote ${read.length} records (digest ${digest}) to ${output}; expected ${input.expected.count} (digest ${input.expected.digest}).`,
    )
  return { ms, cpuMs: (user + system) / 1000 }
}

interface Input {
  readonly topic: string
  readonly ends: EndOffsets
  readonly bytes: number
  /** The output every variant must write: its record count and digest. */
  readonly expected: { readonly count: number; readonly digest: number }
}

/** Produces `values` into a new topic (untimed) and works out the output they should give. */
async function makeInput(bootstrap: string, topic: string, values: readonly string[], partitions: number) {
  await createTopic(bootstrap, topic, partitions)
  const bytes = await produceInput(bootstrap, topic, values, partitions)
  const ends = await inputEnds(bootstrap, topic, values.length)
  const out = values.map(transformBid).filter((v) => v !== null)
  return { topic, ends, bytes, expected: { count: out.length, digest: digestOf(out) } }
}

/** 60 s plus 0.2 ms a record: 4-10x what a run takes on a loaded 2-core machine. */
const defaultTimeoutMs = (records: number) => 60_000 + records * 0.2

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]

/**
 * Runs the Kafka benchmark: a warm-up of every variant on a small topic, then `runs` rounds of every
 * variant (in turn) on the `records`-record topic.
 *
 * @example
 * const r = await runKafkaBench({ records: 1_000_000, partitions: 4, runs: 3, maxOffsetsPerTrigger: 100_000, port: 39192 })
 */
export async function runKafkaBench(opts: KafkaBenchOptions): Promise<KafkaBenchResult> {
  const broker = await startBroker(opts.port)
  if (typeof broker === 'string') return { skipped: broker }
  const { bootstrap } = broker
  const stamp = `${process.pid}-${Date.now().toString(36)}`
  const topics = [`bench-bids-warmup-${stamp}`, `bench-bids-${stamp}`]
  try {
    process.stderr.write(`kafka: producing ${opts.records.toLocaleString('en-US')} bids to ${bootstrap}...\n`)
    // The values are dropped once produced, so the runs' heaps do not carry them.
    const [warm, main] = await (async (all) => [
      await makeInput(bootstrap, topics[0], all.slice(0, WARMUP_RECORDS), opts.partitions),
      await makeInput(bootstrap, topics[1], all, opts.partitions),
    ])(bidJson(opts.records))
    const sluice = Sluice.local({
      'sluice.sql.session.timeZone': 'UTC',
      'sluice.streaming.stopOnSignal': false,
    })
    const vs = variants(sluice, bootstrap, opts, new Map([warm, main].map((i) => [i.topic, i.ends])))
    const limitMs = opts.timeoutMs ?? defaultTimeoutMs(opts.records)
    for (const v of vs) await measure(v, bootstrap, warm, limitMs)
    const runs = new Map(vs.map((v) => [v.name, [] as { ms: number; cpuMs: number }[]]))
    for (let r = 0; r < opts.runs; r++) {
      for (const v of vs) {
        const m = await measure(v, bootstrap, main, limitMs)
        runs.get(v.name)?.push(m)
        process.stderr.write(
          `  kafka ${v.name} run ${r + 1}/${opts.runs}: ${m.ms.toFixed(0)} ms (cpu ${m.cpuMs.toFixed(0)} ms)\n`,
        )
      }
    }
    return summarize(opts, main, broker, runs)
  } finally {
    for (const topic of topics) await deleteTopic(bootstrap, topic).catch(() => undefined)
    await broker.stop()
  }
}

function summarize(
  opts: KafkaBenchOptions,
  input: Input,
  broker: Broker,
  runs: Map<string, { ms: number; cpuMs: number }[]>,
): KafkaBenchRun {
  const ceilingMs = median((runs.get(CEILING) ?? []).map((m) => m.ms))
  const ceilingCpuMs = median((runs.get(CEILING) ?? []).map((m) => m.cpuMs))
  return {
    records: opts.records,
    partitions: opts.partitions,
    runs: opts.runs,
    maxOffsetsPerTrigger: opts.maxOffsetsPerTrigger,
    inputBytes: input.bytes,
    outputRecords: input.expected.count,
    broker: { bootstrap: broker.bootstrap, reused: broker.reused, jvmOpts: JVM_OPTS },
    variants: [...runs].map(([name, ms]) => {
      const medianMs = median(ms.map((m) => m.ms))
      const cpuMedianMs = median(ms.map((m) => m.cpuMs))
      return {
        name,
        runsMs: ms.map((m) => m.ms),
        medianMs,
        cpuMedianMs,
        recordsPerSecond: opts.records / (medianMs / 1000),
        timeRatio: medianMs / ceilingMs,
        cpuRatio: cpuMedianMs / ceilingCpuMs,
      }
    }),
  }
}

/**
 * Prints the Kafka benchmark's lines (or why it was skipped).
 *
 * @example
 * printKafka(await runKafkaBench(opts))
 */
export function printKafka(r: KafkaBenchResult): void {
  if ('skipped' in r) {
    console.log(`\nKafka -> Sluice -> Kafka: skipped (${r.skipped})`)
    return
  }
  const n = (x: number) => Math.round(x).toLocaleString('en-US')
  console.log(
    `\nKafka -> Sluice -> Kafka (${n(r.records)} JSON bids, ${(r.inputBytes / 2 ** 20).toFixed(0)} MiB, ${r.partitions} partitions; from_json, price > ${n(PRICE_THRESHOLD)}, to_json: ${n(r.outputRecords)} out; ${r.maxOffsetsPerTrigger.toLocaleString('en-US')} per batch; median of ${r.runs})`,
  )
  for (const v of r.variants) {
    console.log(
      `  ${v.name.padEnd(21)} ${n(v.recordsPerSecond).padStart(9)} records/s  ${(v.medianMs / 1000).toFixed(2).padStart(6)} s (Node cpu ${(v.cpuMedianMs / 1000).toFixed(2)} s)  ${v.timeRatio.toFixed(2)}x ${CEILING}'s time, ${v.cpuRatio.toFixed(2)}x its cpu`,
    )
  }
}
