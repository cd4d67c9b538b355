/**
 * Runs a harness script in a real child Node process (the same Node binary) and talks to it over IPC.
 * Tests wait on the child's messages and its exit, never on time.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface ChildMessage {
  readonly type: string
  readonly [key: string]: unknown
}

export interface HarnessChild {
  readonly process: ChildProcess
  /** Resolves with the next message of `type` (buffered if it already came). */
  next(type: string): Promise<ChildMessage>
  send(message: object): void
  /** Resolves once the child has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * Forks `test/harness/<script>` with `args`.
 *
 * @example
 * const child = startChild('checkpoint-lock-child.ts', [dir, 'run-1'])
 * await child.next('ready')
 */
export function startChild(script: string, args: readonly string[]): HarnessChild {
  const path = fileURLToPath(new URL(script, import.meta.url))
  const proc = fork(path, [...args], {
    execPath: process.execPath,
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const inbox: ChildMessage[] = []
  const waiters: { type: string; resolve: (m: ChildMessage) => void; reject: (e: Error) => void }[] = []
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => {
      for (const w of waiters.splice(0))
        w.reject(new Error(`child ${script} exited (${code ?? signal}) before sending '${w.type}'`))
      resolve({ code, signal })
    })
  })
  proc.on('message', (m: ChildMessage) => {
    const i = waiters.findIndex((w) => w.type === m.type)
    if (i >= 0) waiters.splice(i, 1)[0].resolve(m)
    else inbox.push(m)
  })
  return {
    process: proc,
    exited,
    send: (message) => proc.send(message),
    next(type) {
      const i = inbox.findIndex((m) => m.type === type)
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0])
      if (proc.exitCode !== null || proc.signalCode !== null) {
        return Promise.reject(new Error(`child ${script} already exited before sending '${type}'`))
      }
      return new Promise((resolve, reject) => waiters.push({ type, resolve, reject }))
    },
  }
}
