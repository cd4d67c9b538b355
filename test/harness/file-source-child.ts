/**
 * Child process for the file source kill test: a query reading JSON files (`{"id": n}` lines) from
 * `input` with the streaming file source into the exactly-once foreachBatch sink
 * (crash-exactly-once-sink.ts), default trigger. It can pause at a point of a batch's life (and
 * wait there to be killed), or read everything there and report it.
 *
 * Points: the runtime's `offsets-written`, `commit-linking`, `commit-linked`
 * (crash-checkpoint-hooks.ts), the sink's `sink-start`, `sink-temp-written`, `sink-renamed`, and
 * `source-logged`: the file source's log entry `C/sources/json-0/N` has just appeared, before
 * `offsets/N` is written.
 *
 * Child -> parent: `{type: 'started', pid}`, `{type: 'start-failed', code, message}`,
 * `{type: 'paused', point, batchId}`, `{type: 'drained'}` (with `drain`: everything in `input` at
 * start is committed), `{type: 'stopped'}`, `{type: 'failed', code, message}`.
 * Parent -> child: `{cmd: 'stop'}` (query.stop(), then exit).
 *
 * argv: <FileSourceChildConfig as JSON>
 */
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { basename, dirname, resolve } from 'node:path'
import { isSluiceError, Sluice, type StreamingQuery, t } from '../../src/index.ts'
import { installCheckpointHooks } from './crash-checkpoint-hooks.ts'
import { exactlyOnceBatchWriter } from './crash-exactly-once-sink.ts'
import type { CrashPoint } from './crash-protocol.ts'
import { EXECUTOR_TEST_CONF } from './executor-conf.ts'

export type FileSourcePoint = CrashPoint | 'source-logged'

export interface FileSourceChildConfig {
  readonly input: string
  readonly checkpoint: string
  readonly outDir: string
  readonly maxFilesPerTrigger: number
  /** Pause at the first time this run reaches the point (until killed). */
  readonly pauseAt?: FileSourcePoint
  /** Report `drained` once everything in `input` at start is committed. */
  readonly drain?: boolean
}

const config: FileSourceChildConfig = JSON.parse(process.argv[2])
const send = (message: object, then?: () => void): void => {
  process.send?.(message, undefined, {}, () => then?.())
}
const describeError = (e: unknown) => ({
  code: isSluiceError(e) ? e.code : 'UNEXPECTED',
  message: e instanceof Error ? e.message : String(e),
})

let paused = false

async function at(point: FileSourcePoint, batchId: number): Promise<void> {
  if (paused || config.pauseAt !== point) return
  paused = true
  send({ type: 'paused', point, batchId })
  // Never resolves: the parent kills this process here. The IPC channel keeps it alive.
  await new Promise<void>(() => undefined)
}

installCheckpointHooks(config.checkpoint, at)

/** Wraps `link` (already wrapped for the checkpoint) to see the source's log entries appear. */
function hookSourceLog(sourceLogDir: string): void {
  const fsp = createRequire(import.meta.url)('node:fs/promises') as {
    link: (a: unknown, b: unknown) => Promise<void>
  }
  const link = fsp.link
  fsp.link = async (existingPath, newPath) => {
    await link(existingPath, newPath)
    if (
      typeof newPath === 'string' &&
      dirname(resolve(newPath)) === sourceLogDir &&
      /^\d+$/.test(basename(newPath))
    )
      await at('source-logged', Number(basename(newPath)))
  }
  syncBuiltinESMExports()
}
hookSourceLog(resolve(config.checkpoint, 'sources', 'json-0'))

const sluice = Sluice.local(EXECUTOR_TEST_CONF)
let query: StreamingQuery | undefined

function startQuery(): Promise<StreamingQuery> {
  return sluice.readStream
    .format('json')
    .schema(t.struct({ id: t.long() }))
    .option('maxFilesPerTrigger', config.maxFilesPerTrigger)
    .load(config.input)
    .writeStream.option('checkpointLocation', config.checkpoint)
    .foreachBatch(exactlyOnceBatchWriter(config.outDir, { at }))
    .start()
}

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'stop') void query?.stop().then(() => send({ type: 'stopped' }, () => process.disconnect?.()))
})

startQuery().then(
  async (started) => {
    query = started
    started.awaitTermination().catch((e: unknown) => send({ type: 'failed', ...describeError(e) }))
    send({ type: 'started', pid: process.pid })
    if (config.drain) {
      await started.processAllAvailable()
      send({ type: 'drained' })
    }
  },
  (e: unknown) => {
    process.exitCode = 1
    send({ type: 'start-failed', ...describeError(e) }, () => process.disconnect?.())
  },
)
