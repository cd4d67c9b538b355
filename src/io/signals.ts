/**
 * Graceful shutdown: while `handler` is installed, SIGTERM and SIGINT run it (stop the queries,
 * letting the batch in flight commit) and then re-raise the signal with the default behaviour, so
 * the process ends as it would have, just later.
 */
export function installShutdownHandler(handler: () => Promise<void>): () => void {
  let running = false
  const onSignal = (signal: NodeJS.Signals): void => {
    if (running) return
    running = true
    handler()
      .catch(() => undefined)
      .finally(() => {
        uninstall()
        process.kill(process.pid, signal)
      })
  }
  const uninstall = (): void => {
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  return uninstall
}
