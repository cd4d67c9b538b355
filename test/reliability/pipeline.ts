/**
 * The queries the reliability tests damage and restart, through the public API:
 *
 * - `stateless`: JSON files (with a dead-letter output) -> JSON file sink. Its checkpoint holds
 *   metadata, offsets, commits, the source log and the dead letters; the sink folder its log.
 * - `stateful`: JSON files -> `groupBy('k').count()` in update mode -> foreachBatch. Its checkpoint
 *   adds state deltas.
 *
 * Each run is `availableNow`, so a test adds a file, runs, and gets exactly one batch.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SinkMetadataLog } from '../../src/connectors/file/sink-metadata-log.ts'
import { col, count, Sluice, type SluiceConfig, t } from '../../src/index.ts'
import { nodeFileSystem } from '../../src/io/fs.ts'

export const INPUT = t.struct({ k: t.string(), n: t.long() })

export interface Pipeline {
  readonly input: string
  readonly checkpoint: string
  readonly out: string
  readonly kind: 'stateless' | 'stateful'
  /** What foreachBatch saw (stateful), as `k=count` strings per batch. */
  readonly batches: string[][]
}

/** A pipeline under `dir`, its input folder created. @example const p = await pipeline(dir, 'stateless') */
export async function pipeline(dir: string, kind: Pipeline['kind']): Promise<Pipeline> {
  const p = {
    input: join(dir, 'in'),
    checkpoint: join(dir, 'ckpt'),
    out: join(dir, 'out'),
    kind,
    batches: [],
  }
  await mkdir(p.input, { recursive: true })
  return p
}

/** Adds input file `n` (written whole, then renamed in), its lines `lines`. */
export async function addInput(p: Pipeline, n: number, lines: readonly string[]): Promise<void> {
  const temp = join(p.input, `.f-${n}.tmp`)
  await writeFile(temp, lines.map((l) => `${l}\n`).join(''))
  await rename(temp, join(p.input, `f-${String(n).padStart(3, '0')}.json`))
}

/** Runs the query once (availableNow) to the end; rejects with the query's error. */
export async function runOnce(p: Pipeline, conf: SluiceConfig = {}): Promise<void> {
  const sluice = Sluice.local({
    'sluice.streaming.stopOnSignal': false,
    'sluice.sql.shuffle.partitions': 2,
    ...conf,
  })
  const source = sluice.readStream.format('json').schema(INPUT).option('deadLetter', 'bad').load(p.input)
  const writer =
    p.kind === 'stateless'
      ? source.writeStream.format('json').option('path', p.out)
      : source
          .groupBy(col('k'))
          .agg(count('*').as('c'))
          .writeStream.outputMode('update')
          .foreachBatch((df) => {
            p.batches.push(
              df
                .collect()
                .map((r) => `${String(r.k)}=${String(r.c)}`)
                .sort(),
            )
          })
  const query = await writer
    .option('checkpointLocation', p.checkpoint)
    .trigger({ availableNow: true })
    .start()
  await query.awaitTermination()
}

/** Every row the file sink committed, as JSON lines, sorted. */
export async function sinkRows(p: Pipeline): Promise<string[]> {
  const rows: string[] = []
  for (const f of await new SinkMetadataLog(nodeFileSystem, p.out).allFiles()) {
    const text = await readFile(join(p.out, f.path), 'utf8')
    rows.push(...text.split('\n').filter((l) => l !== ''))
  }
  return rows.sort()
}

/** Adds file i (rows `a`/`b` with n = i) and runs, for i in [from, to). */
export async function runBatches(
  p: Pipeline,
  from: number,
  to: number,
  conf: SluiceConfig = {},
): Promise<void> {
  for (let i = from; i < to; i++) {
    await addInput(p, i, [
      `{"k":"a","n":${i}}`,
      `{"k":"b","n":${i}}`,
      i % 2 === 0 ? '{"k":' : '{"k":"a","n":0}',
    ])
    await runOnce(p, conf)
  }
}
