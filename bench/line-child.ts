/**
 * A long-lived child process driven by JSON lines: each command is one line on its stdin, each
 * answer one line on its stdout starting with a marker (other stdout lines are skipped). The
 * benchmark's Sluice and Spark sides both run this way, so neither side's start-up is timed.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

export type Reply = Readonly<Record<string, unknown>> & { readonly ok: boolean; readonly error?: string }

/** A child answering JSON commands with marker lines; `start` waits for its first (ready) line. */
export class LineChild {
  readonly #child: ChildProcess
  readonly #lines: AsyncIterator<string>
  readonly #marker: string
  #stderrTail = ''

  private constructor(child: ChildProcess, marker: string, passStderr: (line: string) => boolean) {
    this.#child = child
    this.#marker = marker
    if (child.stdout === null || child.stderr === null) throw new Error('the child has no pipes')
    // A write to a child that has died is reported by the next read (the end of its output).
    child.stdin?.on('error', () => undefined)
    this.#lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
    createInterface({ input: child.stderr }).on('line', (line) => {
      this.#stderrTail = `${this.#stderrTail}${line}\n`.slice(-4000)
      if (passStderr(line)) process.stderr.write(`${line}\n`)
    })
  }

  /**
   * Spawns `command args` and reads its ready line.
   * @example const { child, ready } = await LineChild.start('python3', ['peer.py'], '@@spark ', () => true)
   */
  static async start(
    command: string,
    args: readonly string[],
    marker: string,
    passStderr: (line: string) => boolean,
  ): Promise<{ child: LineChild; ready: Reply }> {
    const proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    const child = new LineChild(proc, marker, passStderr)
    return { child, ready: await child.#next() }
  }

  /** The child's process id. */
  get pid(): number | undefined {
    return this.#child.pid
  }

  async #next(): Promise<Reply> {
    for (;;) {
      const { value, done } = await this.#lines.next()
      if (done === true) {
        const code = await this.#exitCode()
        return { ok: false, error: `the process ended (exit ${code}); its last output:\n${this.#stderrTail}` }
      }
      if (value.startsWith(this.#marker)) return JSON.parse(value.slice(this.#marker.length)) as Reply
    }
  }

  #exitCode(): Promise<number | null> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null)
      return Promise.resolve(this.#child.exitCode)
    return new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)))
  }

  /** Sends one command and waits for its answer. */
  request(command: Readonly<Record<string, unknown>>): Promise<Reply> {
    this.#child.stdin?.write(`${JSON.stringify(command)}\n`)
    return this.#next()
  }

  /** Sends `{"op": "stop"}`, waits for the last answer and the exit. */
  async stop(): Promise<Reply> {
    const last = await this.request({ op: 'stop' })
    this.#child.stdin?.end()
    await this.#exitCode()
    return last
  }

  /** Kills the child (after a failure). */
  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill('SIGTERM')
  }
}
