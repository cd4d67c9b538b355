/**
 * The fair comparison with Spark as a table of strings: printed on the console (nexmark-print.ts)
 * and written into README.md as Markdown (readme-nexmark.ts), so both show the same figures.
 */
import type { FairComparison, FairConfigResult } from './nexmark-fair.ts'
import type { FairQuery } from './nexmark-fair-stats.ts'

export const FAIR_HEAD: readonly string[] = [
  'query',
  'Spark',
  'Sluice ms',
  'Spark ms',
  'wall ratio',
  'Sluice CPU ms',
  'Spark CPU ms',
  'CPU ratio',
  'Sluice ev/CPU-s',
  'Spark ev/CPU-s',
  'rows',
]

const kEps = (n: number): string => `${(n / 1000).toFixed(0)}K`
const ms = (n: number): string => n.toFixed(0)
const ratio = (n: number | undefined): string => (n === undefined ? '' : `${n.toFixed(2)}x`)

/** `local[2], 2 partitions (every core)`. */
export const configLabel = (c: FairConfigResult): string =>
  `${c.master}, ${c.shufflePartitions} partition${c.shufflePartitions === 1 ? '' : 's'} (${c.roles.join(', ')})`

function rowsCell(q: FairQuery): string {
  if (q.rowsMatch === undefined) return ''
  const n = (q.sluice?.outputRows ?? 0).toLocaleString('en-US')
  return q.rowsMatch
    ? `${n} (equal)`
    : `${n} != Spark's ${(q.spark?.outputRows ?? 0).toLocaleString('en-US')}`
}

function queryRow(c: FairConfigResult, q: FairQuery): string[] {
  const { sluice, spark } = q
  if (sluice === undefined || spark === undefined) {
    const why = q.sluiceError === undefined ? `Spark: ${q.sparkError}` : `Sluice: ${q.sluiceError}`
    return [q.name, c.master, why, '', '', '', '', '', '', '', '']
  }
  return [
    q.name,
    c.master,
    ms(sluice.ms),
    ms(spark.ms),
    ratio(q.wallRatio),
    ms(sluice.cpuMs),
    ms(spark.cpuMs),
    ratio(q.cpuRatio),
    kEps(sluice.eventsPerCpuSecond),
    kEps(spark.eventsPerCpuSecond),
    rowsCell(q),
  ]
}

/**
 * One row per query and Spark configuration (grouped by configuration); a configuration that did
 * not start is one row with its error.
 * @example fairRows(results.nexmark.versusSpark).length
 */
export function fairRows(c: Extract<FairComparison, { available: true }>): string[][] {
  return c.configs.flatMap((config) =>
    config.error !== undefined
      ? [['', config.master, `did not start: ${config.error.split('\n')[0]}`, '', '', '', '', '', '', '', '']]
      : config.queries.map((q) => queryRow(config, q)),
  )
}

const loads = (l: readonly number[]): string => l.map((x) => x.toFixed(2)).join(' / ')

/**
 * The lines above the table: what was compared, how, and the machine's load.
 * @example fairPreamble(results.nexmark.versusSpark).join('\n')
 */
export function fairPreamble(c: Extract<FairComparison, { available: true }>): string[] {
  return [
    `Input (both engines): ${c.input}; ${c.events.toLocaleString('en-US')} events; sink: ${c.sink}.`,
    `Order: ${c.order}; ${c.runs} timed run${c.runs === 1 ? '' : 's'} per query and side, medians.`,
    `Sluice: ${c.sluiceCores} core (one Node thread); CPU = ${c.sluiceCpuClock}.`,
    `Spark ${c.sparkVersion} (PySpark, one long-lived process per configuration, start-up not timed); CPU = ${c.sparkCpuClock}.`,
    ...c.configs.map(
      (k) =>
        `${configLabel(k)}: load average (1/5/15 min) ${loads(k.loadBefore)} before, ${loads(k.loadAfter)} after.`,
    ),
    'Ratios are Sluice / Spark (below 1: Sluice needs less time or CPU). ev/CPU-s: source events per CPU-second.',
  ]
}
