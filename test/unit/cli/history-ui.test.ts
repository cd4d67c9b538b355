/**
 * `sluice ui --checkpoint <dir>...` as a real child process over checkpoints real queries wrote: it
 * prints its address, serves the runs and their kept progress read-only, and exits 0 on SIGTERM.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { program } from '../../../src/cli/main.ts'
import { count, ManualClock, Sluice, t } from '../../../src/index.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

async function writeCheckpoint(dir: string, name: string, batches: number) {
  const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false, clock: new ManualClock(1_000) })
  const input = sluice.memoryStream(t.struct({ n: t.long() }))
  const q = await input
    .toDF()
    .observe('seen', count('*').alias('rows'))
    .writeStream.format('noop')
    .queryName(name)
    .option('checkpointLocation', dir)
    .start()
  for (let i = 0; i < batches; i++) {
    input.addData(...Array.from({ length: i + 1 }, (_, n) => ({ n })))
    await q.processAllAvailable()
  }
  await q.stop()
  return q
}

describe('sluice ui --checkpoint', () => {
  it('serves the runs kept in real checkpoints, read-only, until SIGTERM', async () => {
    await withTempDir(async (dir) => {
      const a = await writeCheckpoint(join(dir, 'a'), 'first', 3)
      const b = await writeCheckpoint(join(dir, 'b'), 'second', 2)
      const main = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url))
      const child = spawn(
        process.execPath,
        [main, 'ui', '--checkpoint', join(dir, 'a'), join(dir, 'b'), '--ui-port', '0'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      )
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
      const seen: string[] = []
      for await (const line of createInterface({ input: child.stdout })) {
        seen.push(line)
        const m = line.match(/^Sluice UI \(history of 2 checkpoints, 2 runs\) at (\S+)$/)
        if (m === null) continue
        const url = m[1]
        const runs = (await (await fetch(`${url}api/queries`)).json()) as Record<string, unknown>[]
        assert.deepEqual(
          runs.map((r) => [r.name, r.id, r.runId, r.status, r.batches, r.lastBatchId]).sort(),
          [
            ['first', a.id, a.runId, 'stopped', 3, 2],
            ['second', b.id, b.runId, 'stopped', 2, 1],
          ],
        )
        const run = (await (await fetch(`${url}api/queries/${a.runId}`)).json()) as {
          progress: { batchId: number; numInputRows: number; observedMetrics: { seen: { rows: number } } }[]
        }
        assert.deepEqual(
          run.progress.map((p) => [p.batchId, p.numInputRows, p.observedMetrics.seen.rows]),
          a.recentProgress.map((p) => [p.batchId, p.numInputRows, p.observedMetrics.seen.rows]),
        )
        assert.equal((await fetch(`${url}metrics`)).status, 404, 'no live metrics in history mode')
        assert.equal((await fetch(`${url}api/queries`, { method: 'POST' })).status, 405)
        assert.match(await (await fetch(url)).text(), /<title>Sluice/)
        assert.deepEqual(await (await fetch(`${url}api/info`)).json(), { title: 'History of 2 checkpoints' })
        child.kill('SIGTERM')
      }
      assert.equal(await exited, 0, seen.join('\n'))
      assert.ok(seen.includes('SIGTERM: stopping the UI'), seen.join('\n'))
    })
  })

  it('refuses a folder that is not a checkpoint, naming it', async () => {
    await withTempDir(async (dir) => {
      await assert.rejects(
        program(() => undefined).parseAsync(['node', 'sluice', 'ui', '--checkpoint', dir]),
        (e: Error & { code?: string }) => e.code === 'PATH_NOT_FOUND' && e.message.includes(dir),
      )
    })
  })
})
