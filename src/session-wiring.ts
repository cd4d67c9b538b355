/**
 * The concrete parts a session wires into its streams (session.ts is the composition root; this is
 * its streaming half): the connector registry, foreach/foreachBatch sinks, the file system, the
 * checkpoint lock's wall clock and timers, temporary folders and ids.
 */
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TEXT_FORMAT_FUNCTIONS } from './connectors/file/formats/text-format-functions.ts'
import { ForeachBatchSink } from './connectors/foreach/foreach-batch-sink.ts'
import { ForeachSink } from './connectors/foreach/foreach-sink.ts'
import { sinkProvider, sourceProvider } from './connectors/registry.ts'
import type { Sink, SinkContext } from './connectors/spi.ts'
import { SluiceError } from './errors.ts'
import { registerTextFormatHooks } from './functions/text-format-hooks.ts'
import { systemClock, systemRetryTimer } from './io/clock.ts'
import type { FileSystem } from './io/fs.ts'
import { systemScheduler } from './io/scheduler.ts'
import type { TaskExecutor } from './io/worker-pool.ts'
import type { QueryStartSpec } from './runtime/query-spec.ts'
import type { StreamWiring } from './runtime/session-streams.ts'

// from_csv, to_csv, schema_of_csv and schema_of_json read and write through the file formats.
registerTextFormatHooks(TEXT_FORMAT_FUNCTIONS)

/** The sink a start() spec names: foreachBatch, foreach, or a registry format (validated). */
function createSink(spec: QueryStartSpec, ctx: Omit<SinkContext, 'options' | 'queryName'>): Sink {
  if (spec.foreachBatch !== undefined) return new ForeachBatchSink(spec.foreachBatch)
  if (spec.foreach !== undefined) return new ForeachSink(spec.foreach)
  if (spec.format === undefined) {
    throw new SluiceError(
      'INVALID_OPTION',
      "writeStream needs a sink: call format('console' | 'memory' | 'noop'), foreachBatch() or foreach() before start().",
    )
  }
  const provider = sinkProvider(spec.format)
  provider.validate(spec.options)
  return provider.createSink({
    ...ctx,
    options: spec.options,
    queryName: spec.queryName,
    outputMode: spec.outputMode,
  })
}

/**
 * The streams' wiring of a session writing through `fs`.
 *
 * @example new SessionStreams(hooks, conf, streamWiring(nodeFileSystem, new WorkerPool(2)))
 */
export function streamWiring(fs: FileSystem, executor?: TaskExecutor): StreamWiring {
  return Object.freeze({
    sourceProvider,
    createSink,
    fs,
    ...(executor === undefined ? {} : { executor }),
    // The lock's lease is wall-clock time shared with other processes, whatever clock drives triggers.
    lockClock: systemClock,
    lockScheduler: systemScheduler,
    retryTimer: systemRetryTimer,
    temporaryCheckpoint: () => join(tmpdir(), `sluice-temporary-${randomUUID()}`),
    newId: randomUUID,
  })
}
