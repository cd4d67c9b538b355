/**
 * `node bench/ab-nexmark-parquet.ts --base DIR [--events N]`: Sluice against an earlier Sluice on
 * the same Parquet bids, for changes to the file source (issue 21). DIR holds the baseline's `src`
 * and `bench` (e.g. `git archive <commit> src bench | tar -x -C DIR`, with `node_modules` linked).
 * Writes the bids once (`writeBidFiles`, one file per 100,000 events), starts one long-lived
 * `bench/nexmark-fair-sluice.ts` per side, and runs q0, q1, q2 interleaved (base, this tree, base
 * …; one warm-up each, 3 timed runs, medians of CPU time). Prints events per CPU-second and the
 * load average before and after.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { writeBidFiles } from './nexmark-spark.ts'

const PER_BATCH = 100_000

function side(root: string, input: string, events: number) {
  const script = path.join(root, 'bench', 'nexmark-fair-sluice.ts')
  const args = [
    '--expose-gc',
    script,
    '--parquet',
    input,
    '--per-batch',
    String(PER_BATCH),
    '--events',
    String(events),
  ]
  const p = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: p.stdout })[Symbol.asyncIterator]()
  const next = async (): Promise<{ cpuMs: number }> => {
    for (;;) {
      const { value, done } = await lines.next()
      if (done) throw new Error(`${script} ended early`)
      if ((value as string).startsWith('@@sluice ')) return JSON.parse((value as string).slice(9))
    }
  }
  const run = (q: string) => {
    p.stdin.write(`${JSON.stringify({ op: 'run', query: q })}\n`)
    return next()
  }
  return { next, run, stop: () => p.stdin.end(`${JSON.stringify({ op: 'stop' })}\n`) }
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { base: { type: 'string' }, events: { type: 'string', default: '500000' } },
  })
  if (values.base === undefined) throw new Error('Give --base DIR (a checkout of the baseline).')
  const events = Number(values.events)
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-ab-parquet-'))
  try {
    await writeBidFiles(dir, events, PER_BATCH)
    const input = path.join(dir, 'input')
    const base = side(values.base, input, events)
    const now = side(path.join(import.meta.dirname, '..'), input, events)
    await base.next()
    await now.next()
    console.log(`load average before: ${load()}`)
    const perCpuS = (ms: number[]) => `${Math.round(events / ms.sort((a, b) => a - b)[1])}K`
    for (const q of ['q0', 'q1', 'q2']) {
      await base.run(q)
      await now.run(q)
      const b: number[] = []
      const n: number[] = []
      for (let i = 0; i < 3; i++) {
        b.push((await base.run(q)).cpuMs)
        n.push((await now.run(q)).cpuMs)
      }
      console.log(`${q}: base ${perCpuS(b)} events/CPU-s, this tree ${perCpuS(n)} events/CPU-s`)
    }
    console.log(`load average after: ${load()}`)
    base.stop()
    now.stop()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
