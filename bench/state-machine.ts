/**
 * Arbitrary-state benchmark (issue 15): a per-key state machine with flatMapGroupsWithState at 1e5
 * and 1e6 keys, beside a hand loop keeping the same state in a Map. Rows come from
 * rate-micro-batch (`value`); the key is `value % keys`; each row moves its key's machine
 * (`phase = (phase + value % 3 + 1) % 4`, `count + 1`) and a key that reaches phase 0 emits a row
 * (append mode, to the noop sink). Sluice also writes every state change to the checkpoint.
 *
 *   npx node bench/state-machine.ts [rowsPerBatch] [batches]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { type GroupState, Sluice, t } from '../src/index.ts'

const STATE = t.struct({ phase: t.int(), count: t.long() })
const OUT = t.struct({ key: t.long(), count: t.long() })

function* machine(
  key: number | null,
  rows: Iterable<{ value: number | null }>,
  state: GroupState<{ phase: number | null; count: number | null }>,
) {
  let { phase, count } = state.getOption ?? { phase: 0, count: 0 }
  for (const r of rows) {
    phase = ((phase ?? 0) + ((r.value ?? 0) % 3) + 1) % 4
    count = (count ?? 0) + 1
    if (phase === 0) yield { key, count }
  }
  state.update({ phase, count })
}

/** Rows per second of the state machine in Sluice over `batches` batches of `rowsPerBatch`. */
export async function sluiceStateMachine(
  keys: number,
  rowsPerBatch: number,
  batches: number,
): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-bench-fmgws-'))
  try {
    const sluice = Sluice.local({ output: () => undefined, 'sluice.streaming.stopOnSignal': false })
    let seen = 0
    let finished: () => void = () => undefined
    const done = new Promise<void>((resolve) => {
      finished = resolve
    })
    sluice.streams.addListener({
      onQueryProgress: (e) => {
        if (e.progress.numInputRows > 0 && ++seen === batches) finished()
      },
    })
    const t0 = performance.now()
    const q = await sluice.readStream
      .format('rate-micro-batch')
      .option('rowsPerBatch', rowsPerBatch)
      .load()
      .select('value')
      .groupByKey((r) => (r.value as number) % keys, t.long())
      .flatMapGroupsWithState((k, rows, s) => machine(k, rows as Iterable<{ value: number | null }>, s), {
        stateSchema: STATE,
        outputSchema: OUT,
        outputMode: 'append',
      })
      .writeStream.format('noop')
      .outputMode('append')
      .option('checkpointLocation', path.join(dir, 'ckpt'))
      .start()
    await done
    const ms = performance.now() - t0
    await q.stop()
    return (rowsPerBatch * batches) / (ms / 1000)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The same machine by hand: a Map from key to its state. */
export function handStateMachine(keys: number, rowsPerBatch: number, batches: number): number {
  const t0 = performance.now()
  const states = new Map<number, { phase: number; count: number }>()
  let emitted = 0
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < rowsPerBatch; i++) {
      const value = b * rowsPerBatch + i
      const key = value % keys
      let s = states.get(key)
      if (s === undefined) states.set(key, (s = { phase: 0, count: 0 }))
      s.phase = (s.phase + (value % 3) + 1) % 4
      s.count++
      if (s.phase === 0) emitted++
    }
  }
  const ms = performance.now() - t0
  return emitted >= 0 ? (rowsPerBatch * batches) / (ms / 1000) : 0
}

if (import.meta.main) {
  const rowsPerBatch = Number(process.argv[2] ?? 100_000)
  const batches = Number(process.argv[3] ?? 20)
  console.log(`State machine per key (rate-micro-batch, ${rowsPerBatch} rows x ${batches} batches -> noop)`)
  for (const keys of [1e5, 1e6]) {
    handStateMachine(keys, rowsPerBatch, 2)
    const s = await sluiceStateMachine(keys, rowsPerBatch, batches)
    const h = handStateMachine(keys, rowsPerBatch, batches)
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
    console.log(
      `${keys.toExponential()} keys: Sluice ${fmt(s)} rows/s, hand loop ${fmt(h)} rows/s, ratio ${(h / s).toFixed(1)}x`,
    )
  }
}
