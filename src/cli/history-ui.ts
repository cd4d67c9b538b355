/**
 * `sluice ui --checkpoint <dir>...`: serves the web UI, read-only, over the progress that finished
 * (or running) queries kept in their checkpoints: the queries list and each run's charts. Runs
 * until SIGTERM or SIGINT.
 */
import { nodeFileSystem } from '../io/fs.ts'
import { CheckpointHistory } from '../ui/checkpoint-history.ts'
import { UiServer } from '../ui/ui-server.ts'

/** Options of `sluice ui`. */
export interface HistoryUiOptions {
  readonly checkpoints: readonly string[]
  readonly host: string
  readonly port: number
  readonly print: (line: string) => void
}

/**
 * Serves the history UI until a signal; resolves once the server has closed.
 * @example await serveHistoryUi({ checkpoints: ['ckpt/clicks'], host: '127.0.0.1', port: 4040, print: console.log })
 */
export async function serveHistoryUi(o: HistoryUiOptions): Promise<void> {
  const history = await CheckpointHistory.open(nodeFileSystem, o.checkpoints)
  const title = `History of ${o.checkpoints.length === 1 ? o.checkpoints[0] : `${o.checkpoints.length} checkpoints`}`
  const ui = new UiServer(history, null, { host: o.host, port: o.port, keepAlive: true, title })
  const url = await ui.ready()
  const runs = (await history.runs()).length
  o.print(`Sluice UI (history of ${o.checkpoints.length} checkpoints, ${runs} runs) at ${url}`)
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve)
    process.once('SIGINT', resolve)
  })
  o.print(`${signal}: stopping the UI`)
  await ui.close()
}
