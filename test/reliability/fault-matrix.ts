/**
 * The checkpoint-damage matrix: each checkpoint file kind x each damage, applied to a copy of a
 * checkpoint with batches 0..2 committed, then one restart. The expected outcome of each case is
 * the table in docs/reliability.md; fault-matrix.test.ts checks it.
 */
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readSideOutput } from '../../src/checkpoint/side-output-log.ts'
import { isSluiceError } from '../../src/index.ts'
import { nodeFileSystem } from '../../src/io/fs.ts'
import { addInput, type Pipeline, pipeline, runBatches, runOnce, sinkRows } from './pipeline.ts'

export type Damage = 'emptied' | 'truncated' | 'byte changed' | 'deleted'
export const DAMAGES: readonly Damage[] = ['emptied', 'truncated', 'byte changed', 'deleted']

/** One kind of file: which pipeline has it, and where (relative to the pipeline's folder). */
export interface FileKind {
  readonly name: string
  readonly pipeline: Pipeline['kind']
  /** The file's path in a pipeline whose batches 0..2 ran. */
  readonly path: (p: Pipeline) => Promise<string>
}

const latestDelta = async (p: Pipeline): Promise<string> => {
  const dir = join(p.checkpoint, 'state', '0')
  let best: [number, string] = [-1, '']
  for (const part of await readdir(dir)) {
    if (part.startsWith('_')) continue
    for (const name of await readdir(join(dir, part))) {
      const v = Number.parseInt(name, 10)
      if (name.endsWith('.delta') && v > best[0]) best = [v, join(dir, part, name)]
    }
  }
  return best[1]
}

export const FILE_KINDS: readonly FileKind[] = [
  { name: 'metadata', pipeline: 'stateless', path: async (p) => join(p.checkpoint, 'metadata') },
  {
    name: 'offsets/2 (latest)',
    pipeline: 'stateless',
    path: async (p) => join(p.checkpoint, 'offsets', '2'),
  },
  {
    name: 'commits/2 (latest)',
    pipeline: 'stateless',
    path: async (p) => join(p.checkpoint, 'commits', '2'),
  },
  {
    name: 'sources/<id>/2 (file source log)',
    pipeline: 'stateless',
    path: async (p) => join(p.checkpoint, 'sources', 'json-0', '2'),
  },
  {
    name: '_sluice_metadata/2 (file sink log)',
    pipeline: 'stateless',
    path: async (p) => join(p.out, '_sluice_metadata', '2'),
  },
  {
    name: 'dead-letter/<name>/2 (side output)',
    pipeline: 'stateless',
    path: async (p) => join(p.checkpoint, 'dead-letter', 'bad', '2'),
  },
  { name: 'state/<op>/<part>/<v>.delta (latest)', pipeline: 'stateful', path: latestDelta },
  {
    name: 'state/<op>/_metadata',
    pipeline: 'stateful',
    path: async (p) => join(p.checkpoint, 'state', '0', '_metadata'),
  },
]

/** Applies `damage` to `file`: the one changed byte is the middle one, its low bit flipped. */
export async function damage(file: string, how: Damage): Promise<void> {
  if (how === 'deleted') return rm(file)
  const bytes = await readFile(file)
  if (how === 'emptied') return writeFile(file, new Uint8Array())
  if (how === 'truncated') return writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)))
  const changed = new Uint8Array(bytes)
  changed[Math.floor(changed.length / 2)] ^= 1
  return writeFile(file, changed)
}

/** What a restart after the damage gave. */
export interface Outcome {
  /** The error code (of the query's cause), or 'ran'. */
  readonly result: string
  /** The error message, or a description of the output. */
  readonly detail: string
  /** Whether the output after the restart equals the undamaged output exactly. */
  readonly exactOutput: boolean
}

/** Base pipelines with batches 0..2 committed, built once under `dir`. */
export async function basePipelines(dir: string): Promise<Record<Pipeline['kind'], Pipeline>> {
  const stateless = await pipeline(join(dir, 'base-stateless'), 'stateless')
  const stateful = await pipeline(join(dir, 'base-stateful'), 'stateful')
  await runBatches(stateless, 0, 3)
  await runBatches(stateful, 0, 3)
  return { stateless, stateful }
}

/** Copies `base`'s checkpoint and output to `dir`, damages one file, restarts; the outcome. */
export async function runCase(
  base: Pipeline,
  dir: string,
  kind: FileKind,
  how: Damage | 'none',
): Promise<Outcome> {
  // The source log holds absolute input paths, so the copy reads the base's input folder.
  const p: Pipeline = { ...base, checkpoint: join(dir, 'ckpt'), out: join(dir, 'out'), batches: [] }
  await cp(base.checkpoint, p.checkpoint, { recursive: true })
  if (base.kind === 'stateless') await cp(base.out, p.out, { recursive: true })
  if (how !== 'none') await damage(await kind.path(p), how)
  // A stateful restart gets a new file, so that a batch runs and loads the state; it is removed
  // after the case, so every case starts from the same input.
  if (base.kind === 'stateful') await addInput(p, 3, ['{"k":"a","n":3}'])
  try {
    return await restart(base, p)
  } finally {
    if (base.kind === 'stateful') await rm(join(base.input, 'f-003.json'))
  }
}

async function restart(base: Pipeline, p: Pipeline): Promise<Outcome> {
  try {
    await runOnce(p)
  } catch (e) {
    const cause = isSluiceError(e, 'STREAMING_QUERY_FAILED') ? e.cause : e
    const code = (cause as { code?: string }).code ?? String(cause)
    return { result: code, detail: (cause as Error).message, exactOutput: false }
  }
  if (base.kind === 'stateful') {
    // As an undamaged restart: batch 3 counts a to 5 (after a rerun of batch 2 when its commit is gone).
    const batch3 = ['a=5']
    const expected = [JSON.stringify([batch3]), JSON.stringify([base.batches[2], batch3])]
    const detail = `batches after restart: ${JSON.stringify(p.batches)}`
    return { result: 'ran', detail, exactOutput: expected.includes(JSON.stringify(p.batches)) }
  }
  const rows = await sinkRows(p).catch((e: Error) => e.message)
  const exact = JSON.stringify(rows) === JSON.stringify(await sinkRows(base))
  const letters = await readSideOutput(nodeFileSystem, p.checkpoint, {
    kind: 'dead-letter',
    name: 'bad',
  }).then(
    (r) => `${r.rows.length} dead letters`,
    (e: Error) => `reading the dead letters fails: ${e.message}`,
  )
  return { result: 'ran', detail: letters, exactOutput: exact }
}
