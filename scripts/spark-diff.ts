/**
 * `npm run spark-diff [-- --from 1 --count 20 | --seeds 3,17]`: random streaming scenarios
 * (scripts/spark-diff/scenario.ts: windows, sessions, dedup, chained windows, filters after the
 * watermark, late and NULL event times, restarts) run through Sluice and through one long-lived
 * PySpark process (scripts/spark-diff/spark_runner.py), one JSON file per micro-batch. Compares
 * errors (both refuse, or neither) and every step's batches (ids and rows); prints each seed that
 * disagrees with both answers and exits 1 if any did. Needs python3 with pyspark and Java 17.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { isDeepStrictEqual } from 'node:util'
import { generateScenario, type Scenario } from './spark-diff/scenario.ts'
import { type Outcome, runInSluice } from './spark-diff/sluice-runner.ts'

function seedsFromArgs(argv: readonly string[]): number[] {
  const arg = (name: string) => {
    const i = argv.indexOf(name)
    return i < 0 ? undefined : argv[i + 1]
  }
  const list = arg('--seeds')
  if (list !== undefined) return list.split(',').map(Number)
  const from = Number(arg('--from') ?? 1)
  return Array.from({ length: Number(arg('--count') ?? 10) }, (_, i) => from + i)
}

/** Rows in one order and batches by id, so only content is compared. */
function canonical(o: Outcome): unknown {
  if ('error' in o) return { error: true }
  return o.steps.map((step) => step.map(([id, rows]) => [id, rows.map((r) => JSON.stringify(r)).toSorted()]))
}

const shown = (o: Outcome) => JSON.stringify('error' in o ? o : canonical(o))

async function main(): Promise<void> {
  const seeds = seedsFromArgs(process.argv.slice(2))
  const py = spawn('python3', [new URL('spark-diff/spark_runner.py', import.meta.url).pathname], {
    stdio: ['pipe', 'pipe', 'ignore'],
  })
  const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]()
  const next = async (): Promise<Record<string, unknown>> => {
    const r = await lines.next()
    if (r.done === true) throw new Error('the PySpark runner exited (is pyspark installed? Java 17?)')
    return JSON.parse(r.value) as Record<string, unknown>
  }
  console.log(`spark-diff: Spark ${(await next()).ready}, ${seeds.length} scenarios`)
  const disagreeing: number[] = []
  for (const seed of seeds) {
    const s: Scenario = generateScenario(seed)
    py.stdin.write(`${JSON.stringify(s)}\n`)
    const sparkOutcome = (await next()) as unknown as Outcome
    const sluiceOutcome = await runInSluice(s)
    const same = isDeepStrictEqual(canonical(sparkOutcome), canonical(sluiceOutcome))
    console.log(
      `seed ${seed} ${s.shape.kind} ${s.mode}${s.restarts ? ' restarts' : ''}: ${same ? 'same' : 'DIFFERENT'}`,
    )
    if (!same) {
      disagreeing.push(seed)
      console.log(
        `  scenario ${JSON.stringify(s)}\n  spark  ${shown(sparkOutcome)}\n  sluice ${shown(sluiceOutcome)}`,
      )
    }
  }
  py.stdin.end()
  console.log(
    `spark-diff: ${seeds.length - disagreeing.length} of ${seeds.length} agree` +
      (disagreeing.length > 0 ? `; disagreeing seeds: ${disagreeing.join(',')}` : ''),
  )
  process.exitCode = disagreeing.length > 0 ? 1 : 0
}

await main()
