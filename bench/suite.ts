/**
 * The shape of a benchmark: a named computation with variants (Sluice's ways of running it and a
 * hand-written baseline). Each variant prepares its inputs untimed, then `run()` is timed; its
 * result is checked against the baseline's answer on the same data and summarised as a digest
 * that the driver compares across variants (each variant runs in its own process).
 */

export interface Settings {
  readonly rows: number
  readonly runs: number
  readonly seed: number
}

/** A small, order-independent summary of a result, equal for every correct variant. */
export type Digest = Readonly<Record<string, number>>

export interface PreparedVariant {
  /** The timed work; returns the query's result. */
  run(): unknown
  /** Throws when `result` differs from the reference answer; returns the result's digest. */
  verify(result: unknown): Digest
}

export interface VariantSpec {
  readonly name: string
  readonly label: string
  /** The hand-written physical-limit loop the other variants are compared with. */
  readonly baseline?: boolean
  /** Builds the inputs (untimed). */
  setup(settings: Settings): PreparedVariant
}

export interface Benchmark {
  readonly name: string
  readonly title: string
  readonly description: string
  /** Fixed parameters of the computation, recorded in the results file. */
  readonly params: Readonly<Record<string, unknown>>
  readonly variants: readonly VariantSpec[]
}

/**
 * Relative closeness of two numbers, for digests and sums that may differ in rounding.
 * @example close(1, 1 + 1e-12) // true
 */
export function close(a: number, b: number, rel = 1e-9): boolean {
  if (a === b) return true
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b))
}
