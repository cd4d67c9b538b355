/**
 * Child process for the file sink kill test: a `rate-micro-batch` query (batch k holds values
 * 6k .. 6k+5) written by the json file sink, partitioned by `value % 3`, one row per file, so a
 * batch writes six files in three folders. With `killAt`, the process SIGKILLs itself at that point
 * of batch N's sink write:
 *
 * - `first-file`: the batch's first data file has just been renamed into place (the others not);
 * - `before-log`: every data file is written; `_sluice_metadata/N` is about to be linked;
 * - `log-linked`: `_sluice_metadata/N` has just appeared (its temp file is not yet removed).
 *
 * Without `killAt` it stops gracefully once batch `stopAfter` is committed. The hooks wrap
 * `node:fs/promises` `rename` and `link` (what the local file system's atomic writes use) in this
 * process only; `syncBuiltinESMExports` pushes them into the live ESM bindings.
 *
 * argv: <config as JSON>
 */
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { basename, dirname } from 'node:path'
import { col, Sluice } from '../../src/index.ts'
import { EXECUTOR_TEST_CONF } from './executor-conf.ts'

export interface FileSinkChildConfig {
  readonly checkpoint: string
  readonly out: string
  readonly killAt?: { readonly point: 'first-file' | 'before-log' | 'log-linked'; readonly batchId: number }
  readonly stopAfter: number
}

const config: FileSinkChildConfig = JSON.parse(process.argv[2])
const DATA_FILE = /^part-(\d{8})-\d{5}\.json$/
const die = (): never => {
  process.kill(process.pid, 'SIGKILL')
  throw new Error('unreachable')
}

const require = createRequire(import.meta.url)
const fsp = require('node:fs/promises') as typeof import('node:fs/promises')
const rename = fsp.rename
const link = fsp.link
const kill = config.killAt
fsp.rename = async (from, to) => {
  await rename(from, to)
  const m = DATA_FILE.exec(basename(String(to)))
  if (kill?.point === 'first-file' && m !== null && Number(m[1]) === kill.batchId) die()
}
fsp.link = async (existing, target) => {
  const isEntry =
    kill !== undefined &&
    dirname(String(target)).endsWith('_sluice_metadata') &&
    basename(String(target)).startsWith(String(kill.batchId))
  if (isEntry && kill.point === 'before-log') die()
  await link(existing, target)
  if (isEntry && kill.point === 'log-linked') die()
}
syncBuiltinESMExports()

const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false, ...EXECUTOR_TEST_CONF })
const query = await sluice.readStream
  .format('rate-micro-batch')
  .option('rowsPerBatch', 6)
  .load()
  .select(col('value'), col('value').mod(3).alias('p'))
  .writeStream.format('json')
  .partitionBy('p')
  .option('maxRecordsPerFile', 1)
  .option('checkpointLocation', config.checkpoint)
  .start(config.out)
sluice.streams.addListener({
  onQueryProgress: ({ progress }) => {
    if (kill === undefined && progress.batchId >= config.stopAfter) void query.stop()
  },
})
await query.awaitTermination()
