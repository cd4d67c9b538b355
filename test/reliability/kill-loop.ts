/**
 * Random SIGKILL loops (the fast ones run in `npm test`, longer ones in `npm run soak`): a windowed
 * aggregation (test/harness/windowed-kill-child.ts) over pre-written JSON files, into the json file
 * sink or the exactly-once Kafka sink, killed again and again — at a random point of a random batch
 * (the checkpoint's points, and for Kafka the moment a transaction is sent but not committed, from
 * the crash tests' kafka-kill-points.ts), or by the parent right after a random batch's progress,
 * wherever the child then is — then run to the end. The output must equal a plain computation of
 * the same windows over the input: 0 rows lost, 0 duplicated.
 *
 * Randomness comes from a seed (`SLUICE_KILL_SEED` replays a run); every result names it.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SinkMetadataLog } from '../../src/connectors/file/sink-metadata-log.ts'
import { nodeFileSystem } from '../../src/io/fs.ts'
import { startChild } from '../harness/child-process.ts'
import type { CheckpointPoint } from '../harness/crash-protocol.ts'
import { readCommitted } from '../harness/kafka-committed-reader.ts'
import type { KafkaSinkKillPoint } from '../harness/kafka-kill-points.ts'
import type { WindowedKillChildConfig } from '../harness/windowed-kill-child.ts'

const BASE_MS = 1_700_000_000_000
const WINDOW_MS = 10_000
const DELAY_MS = 5_000
const KEYS = ['a', 'b', 'c', 'd', 'e']

export interface KillLoopOptions {
  readonly dir: string
  readonly sink: 'file' | 'kafka'
  /** Input files (one batch each). */
  readonly files: number
  readonly rounds: number
  readonly seed: number
  readonly bootstrap?: string
  /** The Kafka topic (Kafka sink). */
  readonly topic?: string
}

export interface KillLoopResult {
  readonly seed: number
  readonly kills: number
  /** Rounds whose kill point came after the input ran out (the child finished instead). */
  readonly cleanExits: number
  readonly lost: readonly string[]
  readonly duplicated: readonly string[]
  readonly rows: number
}

/** A small seeded PRNG (mulberry32): [0, 1). @example const next = random(42); next() */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let r = Math.imul(a ^ (a >>> 15), 1 | a)
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296
  }
}

/** The seed of this run: `SLUICE_KILL_SEED`, or a fresh one. */
export function seedOf(): number {
  const fixed = process.env.SLUICE_KILL_SEED
  return fixed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(fixed)
}

interface InputRow {
  readonly k: string
  readonly v: number
  readonly ts: number
}

/** Writes input files `from` .. `to - 1`: file i holds rows of window i, its last at 9 s. */
export async function writeInputs(input: string, from: number, to: number, next: () => number) {
  await mkdir(input, { recursive: true })
  const rows: InputRow[] = []
  for (let i = from; i < to; i++) {
    const file: InputRow[] = []
    for (const k of KEYS)
      for (let j = Math.floor(next() * 3); j >= 0; j--)
        file.push({
          k,
          v: Math.floor(next() * 1000),
          ts: BASE_MS + i * WINDOW_MS + Math.floor(next() * 9000),
        })
    file.push({ k: 'a', v: 1, ts: BASE_MS + i * WINDOW_MS + 9000 })
    const text = file.map((r) => JSON.stringify({ ...r, ts: new Date(r.ts).toISOString() })).join('\n')
    const name = `f-${String(i).padStart(6, '0')}.json`
    await writeFile(join(input, `.${name}.tmp`), `${text}\n`)
    await rename(join(input, `.${name}.tmp`), join(input, name))
    rows.push(...file)
  }
  return rows
}

/** The windows a plain computation emits in append mode: those the final watermark has passed. */
export function expectedWindows(rows: readonly InputRow[]): string[] {
  const watermark = Math.max(...rows.map((r) => r.ts)) - DELAY_MS
  const groups = new Map<string, { n: number; s: number }>()
  for (const r of rows) {
    const start = r.ts - (r.ts % WINDOW_MS)
    if (start + WINDOW_MS > watermark) continue
    const key = `${start}|${r.k}`
    const g = groups.get(key) ?? { n: 0, s: 0 }
    groups.set(key, { n: g.n + 1, s: g.s + r.v })
  }
  return [...groups].map(([key, g]) => `${key}|${g.n}|${g.s}`).sort()
}

/** The largest committed batch id of `checkpoint` (-1: none). */
export async function lastCommitted(checkpoint: string): Promise<number> {
  const names = await readdir(join(checkpoint, 'commits')).catch(() => [] as string[])
  return Math.max(-1, ...names.filter((n) => /^\d+$/.test(n)).map(Number))
}

/** Runs the child once; kills it after `afterProgress` batches when asked. Resolves with how it ended. */
export async function runChild(config: WindowedKillChildConfig, afterProgress?: number) {
  const child = startChild('windowed-kill-child.ts', [JSON.stringify(config)])
  if (afterProgress !== undefined) {
    const killed = (async () => {
      for (let i = 0; i < afterProgress; i++) await child.next('progress')
      child.process.kill('SIGKILL')
    })()
    await killed.catch(() => undefined)
  }
  return child.exited
}

const FILE_POINTS: readonly CheckpointPoint[] = ['offsets-written', 'commit-linking', 'commit-linked']
const KAFKA_POINTS: readonly KafkaSinkKillPoint[] = [...FILE_POINTS, 'records-sent']

/** The kill loop; see the header. */
export async function killLoop(o: KillLoopOptions): Promise<KillLoopResult> {
  const next = random(o.seed)
  const input = join(o.dir, 'in')
  const rows = await writeInputs(input, 0, o.files, next)
  const base: WindowedKillChildConfig = {
    input,
    checkpoint: join(o.dir, 'ckpt'),
    out: o.sink === 'file' ? join(o.dir, 'out') : (o.topic ?? ''),
    sink: o.sink,
    ...(o.bootstrap === undefined ? {} : { bootstrap: o.bootstrap }),
    stopWhenIdle: true,
  }
  let kills = 0
  let cleanExits = 0
  const points = o.sink === 'file' ? FILE_POINTS : KAFKA_POINTS
  for (let round = 0; round < o.rounds; round++) {
    const first = (await lastCommitted(base.checkpoint)) + 1
    const byParent = next() < 0.3
    const point = points[Math.floor(next() * points.length)]
    const batchId = first + Math.floor(next() * 3)
    const exit = byParent
      ? await runChild(base, 1 + Math.floor(next() * 3))
      : await runChild({ ...base, killAt: { point, batchId } })
    if (exit.signal === 'SIGKILL') kills++
    else if (exit.code === 0) cleanExits++
    else throw new Error(`round ${round} (seed ${o.seed}): the child failed with ${exit.code ?? exit.signal}`)
  }
  const last = await runChild(base)
  if (last.code !== 0)
    throw new Error(`the last run (seed ${o.seed}) failed with ${last.code ?? last.signal}`)
  const actual = o.sink === 'file' ? await fileRows(base.out) : await kafkaRows(o.bootstrap ?? '', base.out)
  return { seed: o.seed, kills, cleanExits, rows: actual.length, ...compare(expectedWindows(rows), actual) }
}

/** What `expected` lacks in `actual`, and what `actual` holds more than once or beyond `expected`. */
export function compare(expected: readonly string[], actual: readonly string[]) {
  const counts = new Map<string, number>()
  for (const a of actual) counts.set(a, (counts.get(a) ?? 0) + 1)
  const want = new Set(expected)
  return {
    lost: expected.filter((e) => !counts.has(e)),
    duplicated: [...counts].filter(([a, n]) => n > 1 || !want.has(a)).map(([a, n]) => `${a} x${n}`),
  }
}

const rowText = (o: { start: string; k: string; n: number; s: number }) =>
  `${Date.parse(o.start)}|${o.k}|${o.n}|${o.s}`

/** Every row the file sink committed, through its log. */
export async function fileRows(out: string): Promise<string[]> {
  const rows: string[] = []
  for (const f of await new SinkMetadataLog(nodeFileSystem, out).allFiles())
    for (const line of (await readFile(join(out, f.path), 'utf8')).split('\n'))
      if (line !== '') rows.push(rowText(JSON.parse(line)))
  return rows
}

async function kafkaRows(bootstrap: string, topic: string): Promise<string[]> {
  return (await readCommitted(bootstrap, topic)).map((r) => rowText(JSON.parse(r.value ?? '{}')))
}
