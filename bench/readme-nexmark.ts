/**
 * `npm run bench:readme [-- bench/results/<file>.json]`: rewrites README.md's "Nexmark against
 * Spark" block (between `<!-- nexmark-vs-spark:begin -->` and `<!-- nexmark-vs-spark:end -->`)
 * from a results file (default bench/results/latest.json) written by `npm run bench -- --only
 * nexmark --peers spark`: the commit, the file, the command, the configuration and load, and the
 * fair comparison's table. The README's figures are never typed by hand.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { FairComparison } from './nexmark-fair.ts'
import { FAIR_HEAD, fairPreamble, fairRows } from './nexmark-fair-table.ts'
import type { ResultsFile } from './results.ts'

export const BEGIN = '<!-- nexmark-vs-spark:begin -->'
export const END = '<!-- nexmark-vs-spark:end -->'

const mdRow = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`

/** A warning when the 1-minute load average ever exceeded the machine's cores during the comparison. */
function loadWarning(c: Extract<FairComparison, { available: true }>, cores: number): string[] {
  const peak = Math.max(...c.configs.flatMap((k) => [k.loadBefore[0], k.loadAfter[0]]), c.loadBefore[0])
  if (!(peak > cores)) return []
  return [
    '',
    `The machine was shared and loaded during this run (1-minute load average up to ${peak.toFixed(1)} on ${cores} cores):`,
    'each process got a fraction of a core, so the wall times mostly measure scheduling; the CPU',
    'times and CPU ratios are the comparable figures, and even they are disturbed (shared caches).',
  ]
}

/**
 * The Markdown block for `results` (read from `file`, a path relative to the repository).
 * @example renderFairMarkdown(results, 'bench/results/2026-12-07-abc1234.json')
 */
export function renderFairMarkdown(results: ResultsFile, file: string): string {
  const c = results.nexmark?.versusSpark
  if (c === undefined || !c.available) {
    const why = c === undefined ? 'it was run without --peers spark' : c.reason
    throw new Error(
      `${file} has no comparison with Spark (${why}). Run npm run bench -- --only nexmark --peers spark.`,
    )
  }
  const command = results.settings.command ?? '(not recorded)'
  const dirty = results.dirty === true ? ' plus uncommitted changes' : ''
  return [
    `Nexmark against Apache Spark, fair by construction: commit ${results.commit}${dirty}, ${results.date},`,
    `\`${file}\` (${results.machine.cores} cores, ${results.machine.cpuModel}), measured by`,
    `\`${command}\`;`,
    'this block is written from that file by `npm run bench:readme`.',
    '',
    ...fairPreamble(c).map((line) => `- ${line}`),
    ...loadWarning(c, results.machine.cores),
    '',
    mdRow(FAIR_HEAD),
    mdRow(FAIR_HEAD.map(() => '---')),
    ...fairRows(c).map(mdRow),
  ].join('\n')
}

/**
 * `readme` with the text between the markers replaced by `block`.
 * @example replaceBlock(`a\n${BEGIN}\nold\n${END}\nb`, 'new') // `a\n${BEGIN}\nnew\n${END}\nb`
 */
export function replaceBlock(readme: string, block: string): string {
  const begin = readme.indexOf(BEGIN)
  const end = readme.indexOf(END)
  if (begin < 0 || end < begin)
    throw new Error(`README.md has no '${BEGIN}' ... '${END}' block to rewrite; add the two markers.`)
  return `${readme.slice(0, begin + BEGIN.length)}\n${block}\n${readme.slice(end)}`
}

function main(): void {
  const root = path.join(import.meta.dirname, '..')
  const arg = process.argv[2] ?? path.join('bench', 'results', 'latest.json')
  const file = path.relative(root, path.resolve(arg))
  const results = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as ResultsFile
  const readmePath = path.join(root, 'README.md')
  writeFileSync(readmePath, replaceBlock(readFileSync(readmePath, 'utf8'), renderFairMarkdown(results, file)))
  process.stdout.write(`README.md: the Nexmark-vs-Spark block now shows ${file}\n`)
}

if (import.meta.main) main()
