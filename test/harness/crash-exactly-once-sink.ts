/**
 * An exactly-once sink for the crash tests, built on `foreachBatch` (Spark's idempotent-sink
 * pattern): batch N goes to `<outDir>/batch-N.json`, written to a temp file, fsynced, then renamed
 * into place; a batch id whose file exists is skipped. A batch rerun after a crash is therefore a
 * no-op, so the union of the batch files holds each input row exactly once.
 *
 * File format: `{"batchId":N,"rows":[<the batch's rows as collect() returns them>]}`. Temp files are
 * named `.tmp-batch-N-<uuid>.json`; readers ignore them.
 */
import { randomUUID } from 'node:crypto'
import { access, open, readdir, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import type { DataFrame } from '../../src/index.ts'

/** Moments inside the sink where a crash test may stop the process. */
export type SinkPoint = 'sink-start' | 'sink-temp-written' | 'sink-renamed'

export interface BatchWriterHooks {
  /** Awaited at each point of the write; a test pauses here (and kills the process). */
  readonly at?: (point: SinkPoint, batchId: number) => Promise<void> | void
  /** Told, before the write, what the sink does with a batch: write its file, or skip it (it exists). */
  readonly onBatch?: (batchId: number, action: 'write' | 'skip') => void
}

const BATCH_FILE = /^batch-(0|[1-9][0-9]*)\.json$/
const TEMP_PREFIX = '.tmp-'

/** @example batchFilePath('/out', 3) // '/out/batch-3.json' */
export function batchFilePath(outDir: string, batchId: number): string {
  return join(outDir, `batch-${batchId}.json`)
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}

async function writeSynced(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx')
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * The `foreachBatch` function of the exactly-once sink.
 *
 * @example
 * df.writeStream.foreachBatch(exactlyOnceBatchWriter('/tmp/out')).option('checkpointLocation', ckpt).start()
 */
export function exactlyOnceBatchWriter<R extends object>(
  outDir: string,
  hooks: BatchWriterHooks = {},
): (df: DataFrame<R>, batchId: number) => Promise<void> {
  return async (df, batchId) => {
    await hooks.at?.('sink-start', batchId)
    const target = batchFilePath(outDir, batchId)
    if (await exists(target)) {
      hooks.onBatch?.(batchId, 'skip')
      return
    }
    hooks.onBatch?.(batchId, 'write')
    const temp = join(outDir, `${TEMP_PREFIX}batch-${batchId}-${randomUUID()}.json`)
    await writeSynced(temp, JSON.stringify({ batchId, rows: df.collect() }))
    await hooks.at?.('sink-temp-written', batchId)
    await rename(temp, target)
    await syncDir(outDir)
    await hooks.at?.('sink-renamed', batchId)
  }
}

export interface SinkOutput {
  /** Each batch file's rows, by batch id, ascending. */
  readonly batches: ReadonlyMap<number, readonly Record<string, unknown>[]>
  /** Temp files a killed write left behind. */
  readonly temps: readonly string[]
}

/**
 * Reads what the sink wrote. Throws on a file that is neither a batch file nor a temp file, or on a
 * batch file whose content names another batch.
 *
 * @example
 * const { batches } = await readSinkOutput('/tmp/out') // Map { 0 => [{ timestamp: 0, value: 0 }, ...] }
 */
export async function readSinkOutput(outDir: string): Promise<SinkOutput> {
  const found: [number, Record<string, unknown>[]][] = []
  const temps: string[] = []
  for (const name of await readdir(outDir)) {
    if (name.startsWith(TEMP_PREFIX)) {
      temps.push(name)
      continue
    }
    const m = BATCH_FILE.exec(name)
    if (m === null) throw new Error(`unexpected file ${name} in sink output ${outDir}`)
    const content = JSON.parse(await readFile(join(outDir, name), 'utf8'))
    if (content.batchId !== Number(m[1])) throw new Error(`${name} holds batch ${content.batchId}`)
    found.push([content.batchId, content.rows])
  }
  found.sort((a, b) => a[0] - b[0])
  return { batches: new Map(found), temps }
}
