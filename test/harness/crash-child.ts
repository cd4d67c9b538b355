/**
 * Child process for the crash tests: runs a query reading `rate-micro-batch` (batch k holds values
 * k*rowsPerBatch .. (k+1)*rowsPerBatch-1, whatever the timing) into the exactly-once sink, with the
 * default trigger, until the parent stops it or kills it. Protocol and config in crash-protocol.ts.
 *
 * argv: <config as JSON>
 */
import { col, count, isSluiceError, Sluice, type StreamingQuery, sum } from '../../src/index.ts'
import { installCheckpointHooks } from './crash-checkpoint-hooks.ts'
import { exactlyOnceBatchWriter } from './crash-exactly-once-sink.ts'
import type { CrashChildConfig, CrashPoint } from './crash-protocol.ts'
import { EXECUTOR_TEST_CONF } from './executor-conf.ts'

const config: CrashChildConfig = JSON.parse(process.argv[2])
const send = (message: object, then?: () => void): void => {
  process.send?.(message, undefined, {}, () => then?.())
}
const describeError = (e: unknown) => ({
  code: isSluiceError(e) ? e.code : 'UNEXPECTED',
  message: e instanceof Error ? e.message : String(e),
})

let paused = false
let resume: (() => void) | undefined

/** Pauses at the configured point until the parent says 'continue' (or kills this process). */
async function at(point: CrashPoint, batchId: number): Promise<void> {
  const target = config.pauseAt
  if (paused || target === undefined || target.point !== point || target.batchId !== batchId) return
  paused = true
  const released = new Promise<void>((resolve) => {
    resume = resolve
  })
  send({ type: 'paused', point, batchId, missed: false })
  await released
}

installCheckpointHooks(config.checkpoint, at)

// The graceful-shutdown test relies on the default ('sluice.streaming.stopOnSignal': true).
if (config.state !== undefined) process.env.SLUICE_STATE_LMDB_DIR = config.state.lmdbLocalDir
const sluice = Sluice.local(
  config.state === undefined
    ? EXECUTOR_TEST_CONF
    : { 'sluice.sql.streaming.stateStore.providerClass': config.state.provider, ...EXECUTOR_TEST_CONF },
)
sluice.streams.addListener({
  onQueryProgress: ({ progress }) => {
    send({ type: 'progress', batchId: progress.batchId })
    const target = config.pauseAt
    if (!paused && target !== undefined && progress.batchId >= target.batchId) {
      paused = true
      send({ type: 'paused', point: target.point, batchId: progress.batchId, missed: true })
    }
  },
})

function startQuery(): Promise<StreamingQuery> {
  const rows = sluice.readStream.format('rate-micro-batch').option('rowsPerBatch', config.rowsPerBatch).load()
  // The stateful query's output is crash-checks.ts `statefulRows`.
  const stateful = rows
    .groupBy(col('value').mod(3).alias('k'))
    .agg(count('value').alias('n'), sum('value').alias('total'))
    .writeStream.outputMode('update')
  return (config.state === undefined ? rows.writeStream : stateful)
    .option('checkpointLocation', config.checkpoint)
    .foreachBatch(
      exactlyOnceBatchWriter(config.outDir, {
        at,
        onBatch: (batchId, action) => send({ type: 'batch', batchId, action }),
      }),
    )
    .start()
}

let query: StreamingQuery | undefined

// Listening before start(): start() reruns an uncommitted batch, and the sink may pause in it. The
// listener also keeps this process alive while it is paused.
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'continue') resume?.()
  // With the query stopped and the channel closed nothing is left to run: the process ends.
  else if (m.cmd === 'stop')
    void query?.stop().then(() => send({ type: 'stopped' }, () => process.disconnect?.()))
})
// Whatever the listeners' order, the query's own handler has run by the time the parent reads this:
// one signal runs all its listeners in the same tick.
if (config.reportSignals) {
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => send({ type: 'signal', signal }))
}

startQuery().then(
  (started) => {
    query = started
    started.awaitTermination().catch((e: unknown) => send({ type: 'failed', ...describeError(e) }))
    send({ type: 'started', pid: process.pid, queryId: started.id })
  },
  (e: unknown) => {
    process.exitCode = 1
    send({ type: 'start-failed', ...describeError(e) }, () => process.disconnect?.())
  },
)
