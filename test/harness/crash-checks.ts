/**
 * What the crash tests check on disk: the sink's output holds every input row exactly once, and the
 * checkpoint's logs are the ones the batch protocol writes. Reads files directly (formats in
 * src/checkpoint/offset-log-codec.ts), so a bug in the runtime's readers cannot hide one here.
 */
import assert from 'node:assert/strict'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { readSinkOutput } from './crash-exactly-once-sink.ts'

const BATCH_FILE = /^(0|[1-9][0-9]*)$/
/** rate-micro-batch's default advanceMillisPerBatch and startTimestamp. */
const ADVANCE_MS = 1000

/** 0, 1, ..., n - 1. @example upTo(3) // [0, 1, 2] */
export function upTo(n: number): number[] {
  return Array.from({ length: Math.max(0, n) }, (_, i) => i)
}

export interface LogFiles {
  /** Batch ids in offsets/ and commits/, ascending. */
  readonly offsets: readonly number[]
  readonly commits: readonly number[]
  /** Other names (temp files a killed write left). */
  readonly offsetsOther: readonly string[]
  readonly commitsOther: readonly string[]
}

async function listLog(dir: string): Promise<[number[], string[]]> {
  const names = await readdir(dir)
  const ids = names.filter((n) => BATCH_FILE.test(n)).map(Number)
  return [ids.sort((a, b) => a - b), names.filter((n) => !BATCH_FILE.test(n))]
}

/** The batch files of both logs. @example const { offsets, commits } = await readLogFiles(ckpt) */
export async function readLogFiles(checkpoint: string): Promise<LogFiles> {
  const [offsets, offsetsOther] = await listLog(join(checkpoint, 'offsets'))
  const [commits, commitsOther] = await listLog(join(checkpoint, 'commits'))
  return { offsets, commits, offsetsOther, commitsOther }
}

/** The rate-micro-batch end offset `offsets/<batchId>` records. */
async function loggedEnd(checkpoint: string, batchId: number): Promise<unknown> {
  const lines = (await readFile(join(checkpoint, 'offsets', String(batchId)), 'utf8')).split('\n')
  assert.equal(lines[0], 'v2')
  assert.equal(JSON.parse(lines[1]).batchId, batchId)
  const source = JSON.parse(lines[2])
  assert.equal(source.sourceId, 'rate-micro-batch-0')
  return JSON.parse(source.offset)
}

/**
 * Asserts the logs hold offsets 0..lastOffsets and commits 0..lastCommit (no gaps, nothing else but
 * the temp files listed in `allowTemps`), and that offsets/k ends batch k where the source's batch k
 * ends.
 *
 * @example
 * await assertLogs(ckpt, { lastOffsets: 4, lastCommit: 3, rowsPerBatch: 5 })
 */
export async function assertLogs(
  checkpoint: string,
  expected: { lastOffsets: number; lastCommit: number; rowsPerBatch: number; allowTemps?: boolean },
): Promise<void> {
  const logs = await readLogFiles(checkpoint)
  assert.deepEqual(logs.offsets, upTo(expected.lastOffsets + 1), 'offsets/ batch files')
  assert.deepEqual(logs.commits, upTo(expected.lastCommit + 1), 'commits/ batch files')
  if (!expected.allowTemps) assert.deepEqual([...logs.offsetsOther, ...logs.commitsOther], [])
  for (const id of logs.offsets) {
    const end = { offset: (id + 1) * expected.rowsPerBatch, timestamp: (id + 1) * ADVANCE_MS }
    assert.deepEqual(await loggedEnd(checkpoint, id), end, `offsets/${id}`)
  }
}

/**
 * The rows the stateful crash query (crash-child.ts with `state`) outputs for batch `id`: by
 * `k = value % 3`, the running count `n` and sum `total` of every value up to the batch's last, in
 * update mode (each batch of 3 or more rows changes every k). Wrong after a crash exactly when state
 * was lost or a rerun batch was counted twice.
 *
 * @example statefulRows(0, 5) // [{ k: 0, n: 2, total: 3 }, { k: 1, n: 2, total: 5 }, { k: 2, n: 1, total: 2 }]
 */
export function statefulRows(id: number, rowsPerBatch: number): { k: number; n: number; total: number }[] {
  const rows = [0, 1, 2].map((k) => ({ k, n: 0, total: 0 }))
  for (const v of upTo((id + 1) * rowsPerBatch)) {
    rows[v % 3].n++
    rows[v % 3].total += v
  }
  return rows
}

/**
 * Asserts the sink wrote batches 0..count-1, each with exactly the rows the source has for it, so
 * their union holds the values 0 .. count*rowsPerBatch-1 each exactly once; with `stateful`, each
 * with exactly `statefulRows` (in k order). Returns the batch count.
 *
 * @example
 * assert.equal(await assertExactlyOnce(out, 5), 7)
 */
export async function assertExactlyOnce(
  outDir: string,
  rowsPerBatch: number,
  stateful = false,
): Promise<number> {
  const { batches } = await readSinkOutput(outDir)
  assert.deepEqual([...batches.keys()], upTo(batches.size), 'batch files have no gaps')
  if (stateful) {
    for (const [id, rows] of batches) {
      const sorted = [...(rows as { k: number }[])].sort((a, b) => a.k - b.k)
      assert.deepEqual(sorted, statefulRows(id, rowsPerBatch), `batch-${id}.json`)
    }
    return batches.size
  }
  const seen: unknown[] = []
  for (const [id, rows] of batches) {
    const expected = upTo(rowsPerBatch).map((i) => ({
      timestamp: id * ADVANCE_MS,
      value: id * rowsPerBatch + i,
    }))
    assert.deepEqual(rows, expected, `batch-${id}.json`)
    for (const row of rows) seen.push(row.value)
  }
  assert.deepEqual(seen, upTo(batches.size * rowsPerBatch), 'every value exactly once')
  return batches.size
}

/**
 * Every file and folder under `dir` with its bytes (hex), for "unchanged" checks.
 *
 * @example
 * const before = await snapshotTree(ckpt); ...; assert.deepEqual(await snapshotTree(ckpt), before)
 */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    const path = join(dir, name)
    out[relative(dir, path)] = (await stat(path)).isDirectory()
      ? '<dir>'
      : (await readFile(path)).toString('hex')
  }
  return out
}
