/**
 * `npm run spark-diff [-- --from 1 --count 20 | --seeds 3,17] [--shrink 30]`: random streaming scenarios
 * (scripts/spark-diff/scenario.ts: windows, sessions, dedup, chained windows, filters after the
 * watermark, late and NULL event times, restarts) run through Sluice and through one long-lived
 * PySpark process (scripts/spark-diff/spark_runner.py), one JSON file per micro-batch. Compares
 * errors (both refuse, or neither) and every step's batches (ids and rows); prints each seed that
 * disagrees with both answers and exits 1 if any did; with `--shrink N` it also tries up to N
 * smaller scenarios per disagreement (shrink.ts) and prints the smallest that still disagrees. Needs python3 with pyspark and Java 17.
 * With `--spark-cache FILE` Spark's answers are kept in FILE (one JSON line per scenario) and
 * reused, so a rerun after a change to Sluice runs only Sluice (PySpark starts on the first miss).
 */
import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { isDeepStrictEqual } from 'node:util'
import { generateScenario, type Scenario } from './spark-diff/scenario.ts'
import { shrink } from './spark-diff/shrink.ts'
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

interface Spark {
  readonly run: (s: Scenario) => Promise<Outcome>
  readonly end: () => void
}

/** The PySpark runner, started on the first scenario it must run. */
function sparkRunner(): Spark {
  let started: ReturnType<typeof startSpark> | undefined
  const get = () => {
    started ??= startSpark()
    return started
  }
  return {
    run: async (s) => (await get()).run(s),
    end: () => void started?.then((x) => x.end()),
  }
}

async function startSpark(): Promise<{
  version: unknown
  run: (s: Scenario) => Promise<Outcome>
  end: () => void
}> {
  const py = spawn('python3', [new URL('spark-diff/spark_runner.py', import.meta.url).pathname], {
    stdio: ['pipe', 'pipe', 'ignore'],
  })
  const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]()
  const next = async (): Promise<Record<string, unknown>> => {
    const r = await lines.next()
    if (r.done === true) throw new Error('the PySpark runner exited (is pyspark installed? Java 17?)')
    return JSON.parse(r.value) as Record<string, unknown>
  }
  const version = (await next()).ready
  process.stdout.write(`spark-diff: Spark ${String(version)} started\n`)
  const run = async (s: Scenario): Promise<Outcome> => {
    py.stdin.write(`${JSON.stringify(s)}\n`)
    return (await next()) as unknown as Outcome
  }
  return { version, run, end: () => py.stdin.end() }
}

/** Spark's answers by scenario (its JSON), read from and appended to `file` when given. */
function sparkCache(file: string | undefined, spark: Spark): (s: Scenario) => Promise<Outcome> {
  const known = new Map<string, Outcome>()
  if (file !== undefined && existsSync(file)) {
    for (const l of readFileSync(file, 'utf8').split('\n')) {
      if (l.trim() !== '') {
        const { scenario, outcome } = JSON.parse(l) as { scenario: string; outcome: Outcome }
        known.set(scenario, outcome)
      }
    }
  }
  return async (s) => {
    const key = JSON.stringify(s)
    const hit = known.get(key)
    if (hit !== undefined) return hit
    const outcome = await spark.run(s)
    known.set(key, outcome)
    if (file !== undefined) appendFileSync(file, `${JSON.stringify({ scenario: key, outcome })}\n`)
    return outcome
  }
}

interface Comparison {
  readonly same: boolean
  readonly spark: Outcome
  readonly sluice: Outcome
}

const report = (label: string, s: Scenario, c: Comparison) =>
  console.log(`  ${label} ${JSON.stringify(s)}\n  spark  ${shown(c.spark)}\n  sluice ${shown(c.sluice)}`)

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const seeds = seedsFromArgs(argv)
  const shrinkAt = argv.indexOf('--shrink')
  const shrinkAttempts = shrinkAt < 0 ? 0 : Number(argv[shrinkAt + 1] ?? 30)
  const at = argv.indexOf('--spark-cache')
  const spark = sparkRunner()
  const sparkOutcome = sparkCache(at < 0 ? undefined : argv[at + 1], spark)
  const compare = async (s: Scenario): Promise<Comparison> => {
    // The two engines run side by side: PySpark in its own process.
    const [sparkSide, sluice] = await Promise.all([sparkOutcome(s), runInSluice(s)])
    return { same: isDeepStrictEqual(canonical(sparkSide), canonical(sluice)), spark: sparkSide, sluice }
  }
  console.log(`spark-diff: ${seeds.length} scenarios`)
  const disagreeing: number[] = []
  for (const seed of seeds) {
    const s = generateScenario(seed)
    const c = await compare(s)
    const what = `${s.shape.kind} ${s.mode}${s.restarts ? ' restarts' : ''}`
    console.log(`seed ${seed} ${what}: ${c.same ? 'same' : 'DIFFERENT'}`)
    if (c.same) continue
    disagreeing.push(seed)
    report('scenario', s, c)
    if (shrinkAttempts > 0) {
      const small = await shrink(s, async (x) => !(await compare(x)).same, shrinkAttempts)
      report('shrunk', small, await compare(small))
    }
  }
  spark.end()
  console.log(
    `spark-diff: ${seeds.length - disagreeing.length} of ${seeds.length} agree` +
      (disagreeing.length > 0 ? `; disagreeing seeds: ${disagreeing.join(',')}` : ''),
  )
  process.exitCode = disagreeing.length > 0 ? 1 : 0
}

await main()
