/**
 * The results file format (bench/results/*.json) and how variant measurements become it: rates,
 * ratios to the hand-loop baseline, and a cross-variant check that every variant's result digest
 * agrees.
 */
import type { FileFormatLine } from './file-formats.ts'
import type { KafkaBenchResult } from './kafka.ts'
import type { MachineInfo, RunStats } from './measure.ts'
import type { NexmarkBenchResult } from './nexmark-bench.ts'
import type { StatefulBenchResult } from './stateful.ts'
import type { StreamJoinBenchResult } from './stream-join.ts'
import type { StreamingBenchResult } from './streaming.ts'
import { type Benchmark, close, type Digest, type Settings } from './suite.ts'

/** What one variant's process reports. */
export interface VariantMeasurement extends RunStats {
  readonly name: string
  readonly setupMs: number
  readonly setupRssBytes: number
  readonly peakRssBytes: number
  readonly digest: Digest
}

export interface VariantResult extends VariantMeasurement {
  readonly label: string
  readonly baseline: boolean
  readonly rowsPerSecond: number
  /** This variant's median time / the hand loop's (1.0 = the physical limit; lower is better). */
  readonly timeRatio: number | null
  /** The same ratio on median CPU time (steadier when the machine is shared). */
  readonly cpuTimeRatio: number | null
  /** This variant's rows/s / the hand loop's (the fraction of the physical limit reached). */
  readonly throughputFraction: number | null
}

export interface BenchmarkResult {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly params: Readonly<Record<string, unknown>>
  /** Every variant produced this digest (checked). */
  readonly digest: Digest | null
  readonly variants: readonly VariantResult[]
}

export interface ResultsFile {
  readonly format: 1
  readonly date: string
  readonly commit: string
  readonly dirty: boolean | null
  readonly machine: MachineInfo
  readonly settings: Settings & {
    readonly warmups: number
    readonly only: string | null
    readonly isolation: string
    readonly nodeFlags: readonly string[]
    /** The peers run beside Sluice (`--peers`), e.g. ['spark']. */
    readonly peers?: readonly string[]
    /** The command line that produced the file (`npm run bench -- ...`). */
    readonly command?: string
  }
  readonly benchmarks: readonly BenchmarkResult[]
  /** The streaming loop's per-batch cost and stateless throughput (absent with `--only`). */
  readonly streaming?: StreamingBenchResult
  /** The windowed count by key at several key counts (bench/stateful.ts). */
  readonly stateful?: StatefulBenchResult
  readonly streamJoin?: StreamJoinBenchResult
  /** Kafka -> Sluice -> Kafka beside the raw client, or why it was skipped (bench/kafka.ts). */
  readonly kafka?: KafkaBenchResult
  /** Decode/encode times of the file format codecs beside their raw libraries. */
  readonly fileFormats?: {
    readonly rows: number
    readonly runs: number
    readonly lines: readonly FileFormatLine[]
  }
  /** The Nexmark queries beside their hand loops, and Spark's run with `--peers spark` (absent with an `--only` that omits `nexmark`). */
  readonly nexmark?: NexmarkBenchResult
}

/** Throws when two variants' digests disagree: they computed different answers. */
function checkDigests(bench: string, ms: readonly VariantMeasurement[]): Digest | null {
  const first = ms[0]
  if (first === undefined) return null
  for (const m of ms.slice(1)) {
    for (const [k, v] of Object.entries(first.digest)) {
      if (!close(v, m.digest[k])) {
        throw new Error(
          `${bench}: variant ${m.name} has ${k}=${m.digest[k]}, but ${first.name} has ${v}; the variants disagree.`,
        )
      }
    }
  }
  return first.digest
}

/**
 * Combines the measurements of one benchmark's variants (in the benchmark's variant order).
 * @example benchmarkResult(fusedPipeline, 10_000_000, measurements)
 */
export function benchmarkResult(
  bench: Benchmark,
  rows: number,
  ms: readonly VariantMeasurement[],
): BenchmarkResult {
  const digest = checkDigests(bench.name, ms)
  const baseName = bench.variants.find((v) => v.baseline)?.name
  const base = ms.find((m) => m.name === baseName)
  const variants = ms.map((m): VariantResult => {
    const spec = bench.variants.find((v) => v.name === m.name)
    return {
      ...m,
      label: spec?.label ?? m.name,
      baseline: spec?.baseline ?? false,
      rowsPerSecond: rows / (m.medianMs / 1000),
      timeRatio: base === undefined ? null : m.medianMs / base.medianMs,
      cpuTimeRatio: base === undefined ? null : m.cpuMedianMs / base.cpuMedianMs,
      throughputFraction: base === undefined ? null : base.medianMs / m.medianMs,
    }
  })
  return {
    name: bench.name,
    title: bench.title,
    description: bench.description,
    params: bench.params,
    digest,
    variants,
  }
}
