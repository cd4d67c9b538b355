/**
 * Query lifecycle logs: one JSON line per query start, batch, idle spell and termination, each
 * carrying `queryId`, `runId` and (for batches) `batchId`, from the listener bus.
 */
import type { Logger } from '../io/logger.ts'
import type { StreamingQueryListener, StreamingQueryManager } from '../runtime/query-manager.ts'

/**
 * Starts logging `manager`'s queries to `log`; returns the function that stops.
 * @example const stop = logQueries(sluice.streams, createLogger('info'))
 */
export function logQueries(manager: StreamingQueryManager, log: Logger): () => void {
  const names = new Map<string, string | null>()
  const child = (queryId: string, runId: string, batchId?: number) =>
    log.child({
      queryId,
      runId,
      queryName: names.get(runId) ?? null,
      ...(batchId === undefined ? {} : { batchId }),
    })
  const listener: StreamingQueryListener = {
    onQueryStarted: (e) => {
      names.set(e.runId, e.name)
      child(e.id, e.runId).info('query started')
    },
    onQueryProgress: ({ progress: p }) => {
      const fields = {
        numInputRows: p.numInputRows,
        inputRowsPerSecond: Number.isFinite(p.inputRowsPerSecond) ? p.inputRowsPerSecond : null,
        processedRowsPerSecond: p.processedRowsPerSecond,
        batchDuration: p.batchDuration,
        durationMs: p.durationMs,
        watermark: p.eventTime.watermark ?? null,
        sources: p.sources.map((s) => ({ description: s.description, endOffset: s.endOffset })),
        sink: p.sink,
      }
      child(p.id, p.runId, p.batchId).info(fields, 'batch completed')
    },
    onQueryIdle: (e) => child(e.id, e.runId).debug('query idle'),
    onQueryTerminated: (e) => {
      const line = child(e.id, e.runId)
      if (e.exception === null) line.info('query stopped')
      else line.error({ error: e.exception }, 'query failed')
      names.delete(e.runId)
    },
  }
  manager.addListener(listener)
  return () => manager.removeListener(listener)
}
