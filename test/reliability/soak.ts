/**
 * The soak (`npm run soak -- --minutes N`, default 120): for the first half of the time, random
 * SIGKILL loops (kill-loop.ts) over the windowed aggregation into the json file sink and the
 * exactly-once Kafka sink, one after the other on fresh checkpoints, each checked for 0 lost and 0
 * duplicated windows; for the second half, one long run of the same query (file sink) fed a new
 * input file after each batch, sampling the child's RSS and heap (it reports them with each
 * batch), its open files (/proc/<pid>/fd) and the checkpoint's size after each batch, then checked
 * against a plain computation. It fails (exit 1) on a lost or duplicated window, or when a sample
 * grows: the median of the last quarter against the median of the second quarter (the first is
 * warm-up) by more than the slack below. The file-source log (`sources/`) is left out of the
 * checkpoint size: it lists every file read, by design (as Spark's FileStreamSourceLog).
 *
 * It prints one JSON summary line (the numbers docs/reliability.md quotes). `SLUICE_KILL_SEED`
 * fixes the first loop's seed. Needs the test Kafka broker (started on demand, as the tests do).
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startChild } from '../harness/child-process.ts'
import { createTopic, kafkaBroker, uniqueTopic } from '../harness/kafka-broker.ts'
import type { WindowedKillChildConfig } from '../harness/windowed-kill-child.ts'
import { compare, expectedWindows, fileRows, killLoop, random, seedOf, writeInputs } from './kill-loop.ts'

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '120' } } })
const totalMs = Number(values.minutes) * 60_000
const started = Date.now()
const deadline = (share: number) => started + totalMs * share

/** Allowed growth, last quarter over second quarter: factor and absolute slack. */
const SLACK = { rss: [1.3, 32e6], heapUsed: [1.5, 16e6], fds: [1, 8], checkpointBytes: [1.5, 256e3] } as const
type Metric = keyof typeof SLACK

async function sizeOf(path: string, skip: string): Promise<number> {
  const self = await stat(path).catch(() => undefined)
  if (self?.isFile()) return self.size
  let total = 0
  for (const name of await readdir(path, { recursive: true }).catch(() => [] as string[])) {
    if (name.startsWith(skip)) continue
    const s = await stat(join(path, name)).catch(() => undefined)
    if (s?.isFile()) total += s.size
  }
  return total
}

async function killPhase(root: string) {
  const { bootstrap } = await kafkaBroker()
  const totals = { loops: 0, kills: 0, rounds: 0, windows: 0, lost: 0, duplicated: 0, seeds: [] as number[] }
  for (let seed = seedOf(); Date.now() < deadline(0.5); seed++) {
    const sink = totals.loops % 2 === 0 ? 'file' : 'kafka'
    const dir = join(root, `loop-${totals.loops}`)
    const topic = uniqueTopic('soak')
    if (sink === 'kafka') await createTopic(bootstrap, topic, 2)
    const r = await killLoop({ dir, sink, files: 12, rounds: 6, seed, bootstrap, topic })
    Object.assign(totals, {
      loops: totals.loops + 1,
      kills: totals.kills + r.kills,
      rounds: totals.rounds + 6,
      windows: totals.windows + r.rows,
      lost: totals.lost + r.lost.length,
      duplicated: totals.duplicated + r.duplicated.length,
    })
    totals.seeds.push(seed)
    if (r.lost.length + r.duplicated.length > 0)
      console.error(`seed ${seed} (${sink}): lost ${r.lost.join(' ')}; duplicated ${r.duplicated.join(' ')}`)
    await rm(dir, { recursive: true, force: true })
  }
  return totals
}

async function longRun(root: string) {
  const next = random(seedOf())
  const input = join(root, 'long', 'in')
  const config: WindowedKillChildConfig = {
    input,
    checkpoint: join(root, 'long', 'ckpt'),
    out: join(root, 'long', 'out'),
    sink: 'file',
    stopWhenIdle: false,
    conf: {
      'sluice.sql.streaming.minBatchesToRetain': 20,
      'sluice.sql.streaming.stateStore.maintenanceInterval': '5 seconds',
    },
  }
  const rows = await writeInputs(input, 0, 2, next)
  const child = startChild('windowed-kill-child.ts', [JSON.stringify(config)])
  const pid = child.process.pid ?? 0
  const samples: Record<Metric, number>[] = []
  // At least a quarter of the time, even when the last kill loop ran over its half.
  const until = Math.max(deadline(1), Date.now() + totalMs / 4)
  for (let file = 2; Date.now() < until; file++) {
    const m = await child.next('progress')
    samples.push({
      rss: Number(m.rss),
      heapUsed: Number(m.heapUsed),
      fds: (await readdir(`/proc/${pid}/fd`).catch(() => [])).length,
      checkpointBytes: await sizeOf(config.checkpoint, 'sources'),
    })
    rows.push(...(await writeInputs(input, file, file + 1, next)))
  }
  // Let it read what was written, then stop.
  child.send({ cmd: 'stop-when-idle' })
  const exit = await child.exited
  if (exit.code !== 0) throw new Error(`the long run ended with ${exit.code ?? exit.signal}`)
  const result = compare(expectedWindows(rows), await fileRows(config.out))
  const breakdown: Record<string, number> = {}
  for (const name of await readdir(config.checkpoint))
    breakdown[name] = await sizeOf(join(config.checkpoint, name), '\0')
  return { batches: samples.length, ...result, growth: growth(samples), checkpoint: breakdown }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? 0
}

function growth(samples: readonly Record<Metric, number>[]) {
  const q = Math.floor(samples.length / 4)
  const out: Record<string, { from: number; to: number; ok: boolean }> = {}
  for (const metric of Object.keys(SLACK) as Metric[]) {
    const from = median(samples.slice(q, 2 * q).map((s) => s[metric]))
    const to = median(samples.slice(3 * q).map((s) => s[metric]))
    const [factor, slack] = SLACK[metric]
    out[metric] = { from, to, ok: q === 0 || to <= from * factor + slack }
  }
  return out
}

const root = await mkdtemp(join(tmpdir(), 'sluice-soak-'))
try {
  const kills = await killPhase(root)
  const long = await longRun(root)
  const minutes = Math.round((Date.now() - started) / 600) / 100
  const grew = Object.entries(long.growth).filter(([, g]) => !g.ok)
  if (long.batches < 8) grew.push(['batches', { from: 0, to: long.batches, ok: false }])
  const ok =
    kills.lost + kills.duplicated + long.lost.length + long.duplicated.length === 0 && grew.length === 0
  console.log(
    JSON.stringify({
      ok,
      minutes,
      killLoops: kills,
      longRun: { ...long, lost: long.lost.length, duplicated: long.duplicated.length },
    }),
  )
  process.exitCode = ok ? 0 : 1
} finally {
  await rm(root, { recursive: true, force: true })
}
