/**
 * `sluice.files.fsync: false`: the checkpoint and state are written as always (temp file, then rename
 * or link), without the fsyncs, so a stopped query restarts exactly where it was.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { col, count, ManualClock, Sluice, t } from '../../src/index.ts'
import { type FileSystem, nodeFileSystem, type WriteOptions, withoutFsync } from '../../src/io/fs.ts'
import { drain, STREAM_TEST_CONF } from './session.ts'

const EVENTS = t.struct({ k: t.string() })

describe("'sluice.files.fsync'", () => {
  it('false: a stateful query restarts from its checkpoint with exact output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-fsync-'))
    try {
      const sluice = Sluice.local({
        ...STREAM_TEST_CONF,
        'sluice.files.fsync': false,
        clock: new ManualClock(0),
      })
      const input = sluice.memoryStream(EVENTS)
      const counts: string[] = []
      const run = async (keys: string[]) => {
        const q = await input
          .toDF()
          .groupBy(col('k'))
          .agg(count('*').alias('n'))
          .writeStream.outputMode('update')
          .option('checkpointLocation', join(dir, 'ckpt'))
          .foreachBatch((b) => void counts.push(...b.collect().map((r) => `${r.k}=${r.n}`)))
          .start()
        input.addData(...keys.map((k) => ({ k })))
        await drain(q)
        await q.stop()
      }
      await run(['a', 'b', 'a'])
      await run(['a'])
      assert.deepEqual(counts.sort(), ['a=2', 'a=3', 'b=1'])
      const files = await readdir(join(dir, 'ckpt'), { recursive: true })
      assert.ok(
        files.includes(join('commits', '1')) && !files.some((f) => f.includes('.tmp-')),
        files.join(', '),
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses a value that is not a boolean', () => {
    assert.throws(() => Sluice.local({ 'sluice.files.fsync': 'no' as unknown as boolean }), {
      code: 'INVALID_ARGUMENT',
      message: /'sluice.files.fsync' must be true or false/,
    })
  })

  it('withoutFsync makes every write of the real file system non-durable, and nothing else', async () => {
    const seen: (WriteOptions | undefined)[] = []
    const recording: FileSystem = {
      ...nodeFileSystem,
      writeAtomic: (p, d, o) => {
        seen.push(o)
        return nodeFileSystem.writeAtomic(p, d, o)
      },
      createExclusive: (p, d, o) => {
        seen.push(o)
        return nodeFileSystem.createExclusive(p, d, o)
      },
    }
    const dir = await mkdtemp(join(tmpdir(), 'sluice-fsync-'))
    try {
      const fs = withoutFsync(recording)
      await fs.writeAtomic(join(dir, 'a'), 'one')
      assert.equal(await fs.createExclusive(join(dir, 'a'), 'two'), false)
      assert.equal(await fs.createExclusive(join(dir, 'b'), 'two', { durable: true }), true)
      assert.deepEqual(seen, [{ durable: false }, { durable: false }, { durable: false }])
      assert.deepEqual(await fs.list(dir), ['a', 'b'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
