/**
 * `sluice checkpoint inspect|offsets` against checkpoints real queries wrote, and `sluice run`
 * as a real child process: it prints the UI address, serves the UI and metrics while the app's
 * query runs, and stops gracefully on SIGTERM (exit 0, last batch committed in the checkpoint).
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { program } from '../../../src/cli/main.ts'
import { col, count, ManualClock, Sluice, t, window } from '../../../src/index.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

async function cli(...args: string[]): Promise<string[]> {
  const lines: string[] = []
  await program((l) => lines.push(l)).parseAsync(['node', 'sluice', ...args])
  return lines
}

async function windowedCheckpoint(dir: string) {
  const clock = new ManualClock(1_700_000_000_000)
  const sluice = Sluice.local({
    'sluice.sql.session.timeZone': 'UTC',
    'sluice.streaming.stopOnSignal': false,
    'sluice.sql.shuffle.partitions': 3,
    clock,
  })
  const input = sluice.memoryStream(t.struct({ ts: t.timestamp(), k: t.string() }))
  const q = await input
    .toDF()
    .withWatermark('ts', '5 seconds')
    .groupBy(window(col('ts'), '10 seconds'), col('k'))
    .agg(count('*').alias('n'))
    .writeStream.format('memory')
    .queryName('w')
    .outputMode('append')
    .option('checkpointLocation', dir)
    .start()
  for (const ts of [1_000, 12_000, 30_000]) {
    input.addData({ ts, k: 'a' }, { ts: ts + 500, k: 'b' })
    await q.processAllAvailable()
  }
  await q.stop()
  return q
}

describe('sluice checkpoint', () => {
  it('inspect reports batches, offsets, watermark and state operators of a real checkpoint', async () => {
    await withTempDir(async (dir) => {
      const q = await windowedCheckpoint(dir)
      const last = q.lastProgress!
      const [json] = await cli('checkpoint', 'inspect', dir, '--json')
      const s = JSON.parse(json)
      assert.equal(s.queryId, q.id)
      assert.equal(s.lastCommittedBatch, last.batchId)
      assert.equal(s.pendingBatch, null)
      assert.deepEqual(s.commitBatches, s.offsetBatches)
      assert.deepEqual(
        s.progressBatches,
        q.recentProgress.map((p) => p.batchId),
        'every batch’s progress is kept',
      )
      assert.equal(s.offsetBatches.at(-1), last.batchId)
      assert.deepEqual(Object.values(s.latestOffsets), [JSON.stringify(last.sources[0].endOffset)])
      assert.equal(s.watermark, '1970-01-01T00:00:25.500Z', 'max event time 30.5 s minus 5 s')
      assert.equal(s.stateOperators.length, 1)
      assert.equal(s.stateOperators[0].operatorKind, 'aggregate')
      assert.equal(s.stateOperators[0].numPartitions, 3)
      assert.equal(s.stateOperators[0].latestVersion, last.batchId + 1)
      const text = await cli('checkpoint', 'inspect', dir)
      assert.ok(text.includes(`query id     ${q.id}`), text.join('\n'))
      assert.ok(
        text.includes(`progress     ${q.recentProgress.length} (0..${last.batchId})`),
        text.join('\n'),
      )
      assert.ok(text.some((l) => /^ {2}0: aggregate, 3 partitions/.test(l)))
    })
  })

  it('offsets lists every batch with its end offset per source', async () => {
    await withTempDir(async (dir) => {
      const q = await windowedCheckpoint(dir)
      const [json] = await cli('checkpoint', 'offsets', dir, '--json')
      const batches = JSON.parse(json)
      const withData = q.recentProgress.filter((p) => p.numInputRows > 0)
      for (const p of withData) {
        const b = batches.find((x: { batchId: number }) => x.batchId === p.batchId)
        assert.equal(b.committed, true)
        assert.deepEqual(Object.values(b.offsets), [JSON.stringify(p.sources[0].endOffset)])
      }
      const text = await cli('checkpoint', 'offsets', dir)
      assert.equal(text.length, batches.length)
      assert.match(text[0], /^0\tcommitted\t/)
    })
  })

  it('refuses a folder that is not a checkpoint, naming it', async () => {
    await withTempDir(async (dir) => {
      await assert.rejects(cli('checkpoint', 'inspect', join(dir, 'nope')), /PATH_NOT_FOUND.*nope/)
    })
  })
})

describe('sluice run', () => {
  it('runs an app with the UI on and stops it gracefully on SIGTERM', async () => {
    await withTempDir(async (dir) => {
      const app = join(dir, 'app.ts')
      const ckpt = join(dir, 'ckpt')
      await writeFile(
        app,
        `export default async (sluice) => {
  await sluice.readStream.format('rate').option('rowsPerSecond', 200).load()
    .writeStream.format('json').queryName('rates')
    .option('path', ${JSON.stringify(join(dir, 'out'))})
    .option('checkpointLocation', ${JSON.stringify(ckpt)})
    .start()
}\n`,
      )
      const main = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url))
      const child = spawn(process.execPath, [main, 'run', app, '--ui-port', '0'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
      const lines = createInterface({ input: child.stdout })
      const seen: string[] = []
      let url = ''
      let lastBatch = -1
      for await (const line of lines) {
        seen.push(line)
        const m = line.match(/^Sluice UI at (\S+)$/)
        if (m) url = m[1]
        if (line.startsWith('{')) {
          const e = JSON.parse(line)
          if (e.msg === 'batch completed') lastBatch = e.batchId
          if (lastBatch >= 2 && url !== '' && !child.killed) {
            const runs = (await (await fetch(`${url}api/queries`)).json()) as {
              name: string
              status: string
            }[]
            assert.equal(runs[0].name, 'rates')
            assert.equal(runs[0].status, 'active')
            const metrics = await (await fetch(`${url}metrics`)).text()
            assert.match(metrics, /sluice_streaming_input_rows_total\{query_name="rates"/)
            child.kill('SIGTERM')
          }
        }
      }
      assert.equal(await exited, 0, seen.join('\n'))
      assert.ok(seen.includes('SIGTERM: stopping 1 queries gracefully'), seen.join('\n'))
      assert.ok(seen.includes('all queries stopped'))
      const loggedLast = seen
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l))
        .filter((e) => e.msg === 'batch completed')
        .at(-1).batchId
      const [json] = await cli('checkpoint', 'inspect', ckpt, '--json')
      assert.equal(JSON.parse(json).lastCommittedBatch, loggedLast, 'the last logged batch is committed')
      assert.equal(JSON.parse(json).pendingBatch, null)
    })
  })
})
