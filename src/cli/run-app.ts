/**
 * `sluice run app.ts`: imports the user's module, hands its default export a session with the web
 * UI on, prints the UI's address, and waits for the queries; SIGTERM or SIGINT stops them
 * gracefully (each commits its batch in flight) and the process exits 0.
 *
 * The module's default export is `(sluice: Sluice) => void | Promise<void>` and starts queries.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { SluiceError } from '../errors.ts'
import { Sluice, type SluiceConfig } from '../session.ts'

/** Options of `sluice run`. */
export interface RunAppOptions {
  readonly ui: boolean
  readonly host: string
  readonly port: number
  readonly logLevel: string
  readonly print: (line: string) => void
}

type AppMain = (sluice: Sluice) => unknown

async function loadApp(file: string): Promise<AppMain> {
  const mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown }
  if (typeof mod.default !== 'function')
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `'${file}' has no default export to run: export a function that takes the session and starts queries, e.g. export default async (sluice) => { await df.writeStream.start() }.`,
    )
  return mod.default as AppMain
}

/** Waits until no query is active; true when one of them failed. */
async function awaitQueries(sluice: Sluice): Promise<boolean> {
  let failed = false
  while (sluice.streams.active.length > 0) {
    try {
      await sluice.streams.awaitAnyTermination()
    } catch {
      failed = true
    }
    sluice.streams.resetTerminated()
  }
  return failed
}

/**
 * Runs a user's app module; resolves with the process exit code.
 * @example process.exitCode = await runApp('app.ts', { ui: true, host: '127.0.0.1', port: 4040, logLevel: 'info', print: console.log })
 */
export async function runApp(file: string, o: RunAppOptions): Promise<number> {
  const main = await loadApp(file)
  const config: SluiceConfig = {
    'sluice.ui.enabled': o.ui,
    'sluice.ui.host': o.host,
    'sluice.ui.port': o.port,
    'sluice.log.level': o.logLevel,
    'sluice.streaming.stopOnSignal': false,
  }
  const sluice = Sluice.local(config)
  if (sluice.ui !== null) o.print(`Sluice UI at ${await sluice.ui.ready()}`)
  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    o.print(`${signal}: stopping ${sluice.streams.active.length} queries gracefully`)
    sluice.streams.stopAll().catch(() => undefined)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  try {
    await main(sluice)
    if (sluice.streams.active.length === 0) o.print('the app started no streaming query')
    const failed = await awaitQueries(sluice)
    o.print(failed ? 'a query failed; see the log or the UI' : 'all queries stopped')
    return failed ? 1 : 0
  } finally {
    process.off('SIGTERM', stop)
    process.off('SIGINT', stop)
    await sluice.ui?.close()
  }
}
