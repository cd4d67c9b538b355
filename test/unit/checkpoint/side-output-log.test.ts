import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { readSideOutput, SideOutputLog } from '../../../src/checkpoint/side-output-log.ts'
import { isSluiceError } from '../../../src/errors.ts'
import { nodeFileSystem } from '../../../src/io/fs.ts'
import { t } from '../../../src/schema/data-type.ts'

const dirs: string[] = []
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})
async function checkpoint(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sluice-late-log-'))
  dirs.push(d)
  return d
}

const LATE = { kind: 'late', name: 'late' } as const
const SCHEMA = t.struct({
  id: t.long(),
  tags: t.map(t.string(), t.long()),
  raw: t.binary(),
  at: t.struct({ x: t.double() }),
  late_reason: t.string(),
})

describe('SideOutputLog', () => {
  it('round-trips maps, binary, structs and nulls, and reads only committed batches', async () => {
    const ckpt = await checkpoint()
    const log = new SideOutputLog(nodeFileSystem, ckpt, LATE)
    await log.open(SCHEMA)
    const rows = [
      [1, new Map([['a', 2]]), new Uint8Array([0, 255]), { x: 1.5 }, 'window_closed'],
      [2, null, null, null, 'behind_watermark'],
    ]
    await log.add(3, rows)
    await log.add(3, [[9, null, null, null, 'x']]) // a rerun's second write is skipped
    await log.add(4, [])
    assert.deepEqual(await log.get(3), rows)
    assert.deepEqual(await log.get(4), [])
    // No commits yet: nothing is visible to readers.
    assert.deepEqual((await readSideOutput(nodeFileSystem, ckpt, LATE)).rows, [])
    await mkdir(join(ckpt, 'commits'))
    await writeFile(join(ckpt, 'commits', '3'), 'v1\n{"nextBatchWatermarkMs":0}\n')
    const read = await readSideOutput(nodeFileSystem, ckpt, LATE)
    assert.deepEqual(read.rows, rows)
    assert.deepEqual(read.schema, SCHEMA)
  })

  it('refuses a corrupt entry and a newer format with checkpoint errors', async () => {
    const ckpt = await checkpoint()
    const log = new SideOutputLog(nodeFileSystem, ckpt, LATE)
    await log.open(SCHEMA)
    await log.add(0, [[1, null, null, null, 'r']])
    const file = join(ckpt, 'late', 'late', '0')
    const text = await readFile(file, 'utf8')
    await writeFile(file, text.replace('{"rows":1}', '{"rows":2}'))
    await assert.rejects(
      log.get(0),
      (e) => isSluiceError(e, 'CHECKPOINT_CORRUPT') && e.message.includes(file) && /checksum/.test(e.message),
    )
    // A v1 entry (no checksum) still gets the codec's own checks.
    const v1 = text.replace(/^v2/, 'v1').replace(/crc32:[0-9a-f]{8}\n$/, '')
    await writeFile(file, v1.replace('{"rows":1}', '{"rows":2}'))
    await assert.rejects(
      log.get(0),
      (e) => isSluiceError(e, 'CHECKPOINT_CORRUPT') && /2 rows/.test(e.message),
    )
    await writeFile(file, text.replace(/^v2/, 'v9'))
    await assert.rejects(log.get(0), (e) => isSluiceError(e, 'CHECKPOINT_VERSION_UNSUPPORTED'))
  })

  it('refuses to reopen an output with other columns', async () => {
    const ckpt = await checkpoint()
    await new SideOutputLog(nodeFileSystem, ckpt, LATE).open(SCHEMA)
    await new SideOutputLog(nodeFileSystem, ckpt, LATE).open(SCHEMA)
    await assert.rejects(
      new SideOutputLog(nodeFileSystem, ckpt, LATE).open(t.struct({ id: t.long() })),
      (e) => isSluiceError(e, 'CHECKPOINT_INCOMPATIBLE') && /other-name/.test(e.message),
    )
  })
})
