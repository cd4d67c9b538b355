/**
 * What a session turns on from its configuration: structured logs (`sluice.log.level`), the
 * Prometheus metrics and, with `sluice.ui.enabled`, the web UI server.
 */

import type { LevelWithSilent } from 'pino'
import { invalidArgument } from '../errors.ts'
import { createLogger, LOG_LEVELS, type Logger } from '../io/logger.ts'
import type { StreamingQueryManager } from '../runtime/query-manager.ts'
import { QueryHistory } from './query-history.ts'
import { logQueries } from './query-log.ts'
import { StreamingMetrics } from './streaming-metrics.ts'
import { UiServer } from './ui-server.ts'

/** The observability settings of a session, as configured. */
export interface ObservabilityConfig {
  readonly 'sluice.ui.enabled'?: boolean
  readonly 'sluice.ui.port'?: number
  readonly 'sluice.ui.host'?: string
  readonly 'sluice.log.level'?: string
  readonly logDestination?: { write(line: string): void }
}

/** A session's metrics, logger and (when enabled) UI server. */
export interface Observability {
  readonly metrics: StreamingMetrics
  readonly log: Logger
  readonly ui: UiServer | null
}

function logLevel(raw: string | undefined): LevelWithSilent {
  const level = (raw ?? 'silent').toLowerCase()
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw invalidArgument(`'sluice.log.level' must be one of ${LOG_LEVELS.join(', ')}, but is '${raw}'.`)
  return level as LevelWithSilent
}

function uiPort(raw: number | undefined): number {
  const port = raw ?? 4040
  if (!Number.isSafeInteger(port) || port < 0 || port > 65535)
    throw invalidArgument(
      `'sluice.ui.port' must be an integer from 0 to 65535 (0: any free port), but is ${raw}.`,
    )
  return port
}

/**
 * Wires metrics, logs and the UI to a session's queries.
 * @example const o = attachObservability(manager, { 'sluice.ui.enabled': true, 'sluice.ui.port': 0 })
 */
export function attachObservability(
  manager: StreamingQueryManager,
  config: ObservabilityConfig,
): Observability {
  const log = createLogger(logLevel(config['sluice.log.level']), config.logDestination)
  logQueries(manager, log)
  const metrics = new StreamingMetrics(manager)
  if (config['sluice.ui.enabled'] !== true) return Object.freeze({ metrics, log, ui: null })
  const ui = new UiServer(new QueryHistory(manager), metrics, {
    host: config['sluice.ui.host'] ?? '127.0.0.1',
    port: uiPort(config['sluice.ui.port']),
  })
  ui.ready().then(
    (url) => log.info({ url }, 'Sluice UI listening'),
    (e: Error) => log.error({ error: e.message }, 'Sluice UI could not start'),
  )
  return Object.freeze({ metrics, log, ui })
}
