/**
 * The streaming file source under SIGKILL: a child process reads JSON files with the file source
 * (maxFilesPerTrigger 2) into the exactly-once foreachBatch sink and is killed, round after round
 * on one checkpoint, at each point of a batch's life — its source log entry just written (before
 * `offsets/N`), `offsets/N` written, inside the sink, while `commits/N` is written — while files
 * keep arriving (between runs and while the child is paused). A last run reads everything left and
 * stops. Then every input row is in the output exactly once, and no file appears in two entries of
 * the source's log.
 */
import assert from 'node:assert/strict'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { FileSourceLog } from '../../src/connectors/file/file-source-log.ts'
import { nodeFileSystem } from '../../src/io/fs.ts'
import { type HarnessChild, startChild } from '../harness/child-process.ts'
import { removeLockOfDeadChild, untilMessage } from '../harness/crash-children.ts'
import { readSinkOutput } from '../harness/crash-exactly-once-sink.ts'
import type { FileSourceChildConfig, FileSourcePoint } from '../harness/file-source-child.ts'
import { withTempDir } from '../harness/temp-dir.ts'

const ROWS_PER_FILE = 3
const POINTS: readonly FileSourcePoint[] = [
  'source-logged',
  'offsets-written',
  'sink-start',
  'sink-temp-written',
  'sink-renamed',
  'commit-linking',
  'commit-linked',
]
const ROUNDS = 2 * POINTS.length

const live = new Set<HarnessChild>()
after(async () => {
  for (const c of live) {
    c.process.kill('SIGKILL')
    await c.exited
  }
})

function start(config: FileSourceChildConfig): HarnessChild {
  const child = startChild('file-source-child.ts', [JSON.stringify(config)])
  live.add(child)
  void child.exited.then(() => live.delete(child))
  return child
}

/** Writes file number `n` (rows n*3 .. n*3+2) under a hidden name, then renames it into place. */
async function addFile(input: string, n: number): Promise<void> {
  const lines = Array.from({ length: ROWS_PER_FILE }, (_, j) => `{"id":${n * ROWS_PER_FILE + j}}\n`)
  const temp = join(input, `.f-${n}.json.tmp`)
  await writeFile(temp, lines.join(''))
  await rename(temp, join(input, `f-${n}.json`))
}

/** Every path the source's log lists (its compact file and the entries after it), with repeats. */
async function loggedPaths(checkpoint: string): Promise<string[]> {
  const log = new FileSourceLog(nodeFileSystem, join(checkpoint, 'sources', 'json-0'))
  return (await log.getRange(0)).flatMap((r) => r.entry.map((f) => f.path))
}

describe('file source: SIGKILL while files keep arriving', () => {
  it('reads every input row exactly once after repeated kills at every point of a batch', () =>
    withTempDir(async (dir) => {
      const input = join(dir, 'in')
      const base = { input, checkpoint: join(dir, 'ckpt'), outDir: join(dir, 'out'), maxFilesPerTrigger: 2 }
      await mkdir(input)
      await mkdir(base.outDir)
      let files = 0
      for (let round = 0; round < ROUNDS; round++) {
        // New files before each run, so the run has a batch to pause in.
        for (let i = 0; i < 3; i++) await addFile(input, files++)
        const pauseAt = POINTS[round % POINTS.length]
        const child = start({ ...base, pauseAt })
        const paused = await untilMessage(child, 'paused')
        assert.equal(paused.point, pauseAt)
        // Files that arrive while a batch is in flight.
        await addFile(input, files++)
        child.process.kill('SIGKILL')
        assert.equal((await child.exited).signal, 'SIGKILL')
        await removeLockOfDeadChild(base.checkpoint, child.process.pid!)
      }
      for (let i = 0; i < 3; i++) await addFile(input, files++)
      const last = start({ ...base, drain: true })
      await untilMessage(last, 'drained')
      last.send({ cmd: 'stop' })
      await last.next('stopped')
      assert.equal((await last.exited).code, 0)

      const ids = [...(await readSinkOutput(base.outDir)).batches.values()]
        .flat()
        .map((r) => r.id as number)
        .sort((a, b) => a - b)
      assert.deepEqual(
        ids,
        Array.from({ length: files * ROWS_PER_FILE }, (_, i) => i),
        'every row once',
      )
      const paths = await loggedPaths(base.checkpoint)
      assert.equal(new Set(paths).size, paths.length, 'no file in two entries of the source log')
      assert.equal(paths.length, files)
    }))
})
