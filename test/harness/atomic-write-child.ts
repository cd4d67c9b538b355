/**
 * Child process for the crash test: writes offsets entries 0, 1, 2, ... (large, so a write takes a
 * while) and rewrites `latest` with writeAtomic after each, until the parent kills it with SIGKILL.
 * The texts are encoded up front and each write is announced right before it starts with
 * {type: 'writing', target: 'log' | 'latest', batchId}, so a kill sent on that message lands while
 * the bytes are being written.
 *
 * argv: <dir> <padding> <batches>
 */
import { join } from 'node:path'
import { offsetLogCodec } from '../../src/checkpoint/offset-log-codec.ts'
import { encodeVersionedFile } from '../../src/checkpoint/versioned-file.ts'
import { nodeFileSystem } from '../../src/io/fs.ts'
import { sampleOffsets } from './checkpoint-entries.ts'

const [dir, padding, batches] = process.argv.slice(2)
const texts = Array.from({ length: Number(batches) }, (_, id) =>
  encodeVersionedFile(offsetLogCodec, sampleOffsets(id, Number(padding))),
)
await nodeFileSystem.mkdirp(join(dir, 'offsets'))
for (const [batchId, text] of texts.entries()) {
  process.send?.({ type: 'writing', target: 'log', batchId })
  if (!(await nodeFileSystem.createExclusive(join(dir, 'offsets', String(batchId)), text))) {
    throw new Error(`batch ${batchId} already existed`)
  }
  process.send?.({ type: 'writing', target: 'latest', batchId })
  await nodeFileSystem.writeAtomic(join(dir, 'latest'), text)
}
process.send?.({ type: 'done' })
