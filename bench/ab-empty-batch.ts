/**
 * `node bench/ab-empty-batch.ts --base DIR [--batches N] [--rounds R]`: the micro-batch loop's cost
 * for an empty batch (memory stream -> filter -> noop sink, as bench/streaming.ts measures it) in
 * this tree against an earlier Sluice (DIR holds the baseline's `src` with `node_modules` linked).
 * The query's checkpoint is a temporary one, or with `--durable` a checkpointLocation (fsynced logs
 * and the progress history, in the OS temp dir, deleted after).
 * Each round runs one fresh process per side, interleaved (base, this tree …), and prints the p50
 * and p99 milliseconds per batch of each, with the load average before and after.
 * `--no-fsync` runs this tree with `'sluice.files.fsync': false` (the base as given): with
 * `--base .` it measures what the fsyncs cost.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'

async function child(
  root: string,
  batches: number,
  checkpoint: string | undefined,
  fsync: boolean,
): Promise<void> {
  const { Sluice, col, t } = await import(path.join(root, 'src', 'index.ts'))
  const sluice = Sluice.local({
    'sluice.sql.session.timeZone': 'UTC',
    output: () => undefined,
    'sluice.streaming.stopOnSignal': false,
    ...(fsync ? {} : { 'sluice.files.fsync': false }),
  })
  const input = sluice.memoryStream(t.struct({ v: t.long() }))
  const w = input.toDF().filter(col('v').geq(0)).writeStream.format('noop')
  const dir = checkpoint === undefined ? undefined : mkdtempSync(checkpoint)
  const q = await (dir === undefined ? w : w.option('checkpointLocation', dir)).start()
  const times: number[] = []
  for (let i = 0; i < batches + 10; i++) {
    const t0 = performance.now()
    input.addData()
    await q.processAllAvailable()
    if (i >= 10) times.push(performance.now() - t0)
  }
  await q.stop()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  times.sort((a, b) => a - b)
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]
  console.log(`@@ ${JSON.stringify({ p50: at(0.5), p99: at(0.99), batches: q.lastProgress?.batchId })}`)
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')

function runSide(
  root: string,
  batches: number,
  durable: boolean,
  fsync = true,
): { p50: number; p99: number } {
  const script = path.resolve(import.meta.dirname, 'ab-empty-batch.ts')
  const ckpt = durable ? ['--checkpoint', path.join(tmpdir(), 'sluice-ab-empty-')] : []
  const noFsync = fsync ? [] : ['--no-fsync']
  const r = spawnSync(
    process.execPath,
    [script, '--child', root, '--batches', String(batches), ...ckpt, ...noFsync],
    { encoding: 'utf8' },
  )
  const line = r.stdout.split('\n').find((l) => l.startsWith('@@ '))
  if (line === undefined) throw new Error(`${root} failed: ${r.stderr}`)
  return JSON.parse(line.slice(3))
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      base: { type: 'string' },
      batches: { type: 'string', default: '200' },
      rounds: { type: 'string', default: '3' },
      child: { type: 'string' },
      checkpoint: { type: 'string' },
      durable: { type: 'boolean', default: false },
      'no-fsync': { type: 'boolean', default: false },
    },
  })
  if (values.child !== undefined)
    return child(values.child, Number(values.batches), values.checkpoint, !values['no-fsync'])
  if (values.base === undefined) throw new Error('Give --base DIR (a checkout of the baseline).')
  const here = path.resolve(import.meta.dirname, '..')
  console.log(`load before: ${load()}`)
  const f = (x: { p50: number; p99: number }) => `p50 ${x.p50.toFixed(2)} ms p99 ${x.p99.toFixed(2)} ms`
  for (let i = 0; i < Number(values.rounds); i++) {
    const b = runSide(values.base, Number(values.batches), values.durable)
    const m = runSide(here, Number(values.batches), values.durable, !values['no-fsync'])
    console.log(`round ${i + 1}: base ${f(b)} | this ${f(m)}`)
  }
  console.log(`load after: ${load()}`)
}

await main()
