/**
 * `testStream`: a streaming query's life as a script, after Spark's StreamTest. The script's query
 * writes to a sink the script keeps (across restarts) and runs on a checkpoint in a temporary
 * folder, so `stopStream()` + `startStream()` resume it. A failing step throws a StreamTestError
 * whose message lists the actions with the failing one marked, the sink, the last progress and the
 * plans.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { OutputMode } from '../api/data-stream-writer.ts'
import { DataFrame } from '../api/dataframe.ts'
import type { QueryEngine } from '../api/engine.ts'
import type { MemoryStreamInput } from '../api/memory-stream.ts'
import type { MemoryStream } from '../connectors/memory/memory-stream.ts'
import type { Clock } from '../io/clock.ts'
import type { Sluice } from '../session.ts'
import { needsRunningStream, type StartOptions, type StreamAction } from './actions.ts'
import { ActionFailure, failureReport, StreamTestError } from './failure-report.ts'
import { memoryStreamOf, withFreshStreams } from './stream-inputs.ts'
import { StreamRunner } from './stream-runner.ts'

export interface StreamTestOptions {
  /** The output mode of the script's query (default `append`). */
  readonly outputMode?: OutputMode
  /** The session the DataFrame belongs to. */
  readonly sluice?: Sluice
  /** The session's clock, when it is a ManualClock the script advances (`advanceClock`). */
  readonly clock?: Clock
  /** Run on this checkpoint folder instead of a temporary one (left in place afterwards). */
  readonly checkpointLocation?: string
}

let scripts = 0

/**
 * Runs a script of actions against a streaming DataFrame that reads memory streams. Starts the
 * query first unless the script starts it before its first check; stops it at the end.
 *
 * @example
 * const input = sluice.memoryStream(t.struct({ n: t.long() }))
 * await testStream(input.toDF().filter(col('n').gt(1)), {}, addData(input, { n: 1 }, { n: 2 }), checkAnswer({ n: 2 }))
 */
export async function testStream(
  df: DataFrame<any>,
  options: StreamTestOptions,
  ...actions: StreamAction[]
): Promise<void> {
  await runScript(df, options, withImplicitStart(actions), memoryStreamOf)
}

/**
 * Runs the script twice: as written, then with a `stopStream()` + `startStream()` after every action
 * at which the query runs (on fresh copies of the inputs); every check must pass both times. The
 * second run's `assertOnQuery`/`assertProgress` see the query of the run after the last restart.
 *
 * @example
 * await testStreamWithRestarts(input.toDF().select(col('n').plus(1).as('m')), {}, addData(input, { n: 1 }), checkAnswer({ m: 2 }))
 */
export async function testStreamWithRestarts(
  df: DataFrame<any>,
  options: StreamTestOptions,
  ...actions: StreamAction[]
): Promise<void> {
  if (options.checkpointLocation !== undefined)
    throw new StreamTestError(
      'testStreamWithRestarts runs on checkpoints of its own: leave out checkpointLocation.',
    )
  const script = withImplicitStart(actions)
  // Copied before the first run, so the second starts from the data the first started from.
  const { plan, streams } = withFreshStreams(df.plan)
  await runScript(df, options, script, memoryStreamOf)
  const rerun = new DataFrame(plan, engineOf(df, options))
  const streamFor = (input: MemoryStreamInput<any>): MemoryStream => {
    const original = memoryStreamOf(input)
    return streams.get(original) ?? original
  }
  await runScript(rerun, options, withRestarts(script), streamFor, 'With a restart after every action')
}

/** Spark's rule: start the query first unless the script starts it before its first check or stop. */
function withImplicitStart(actions: readonly StreamAction[]): StreamAction[] {
  const firstRunning = actions.findIndex(needsRunningStream)
  const before = firstRunning === -1 ? actions : actions.slice(0, firstRunning)
  if (before.some((a) => a.kind === 'startStream')) return [...actions]
  return [Object.freeze({ kind: 'startStream', options: Object.freeze({}), inserted: false }), ...actions]
}

/** The script with a stop and a start (same options as the last start) after each action at which the query runs. */
function withRestarts(actions: readonly StreamAction[]): StreamAction[] {
  const out: StreamAction[] = []
  let running = false
  let lastStart: StartOptions = {}
  for (const a of actions) {
    out.push(a)
    if (a.kind === 'startStream') {
      lastStart = a.options
      const t = a.options.trigger
      // once/availableNow end by themselves: there is no running query to restart.
      running = t === undefined || !('once' in t || 'availableNow' in t)
    } else if (a.kind === 'stopStream' || a.kind === 'expectFailure') {
      running = false
    }
    if (running) {
      out.push(Object.freeze({ kind: 'stopStream', inserted: true }))
      out.push(Object.freeze({ kind: 'startStream', options: lastStart, inserted: true }))
    }
  }
  return out
}

/** The engine to build the second run's DataFrame with: the session given, else the DataFrame's own. */
function engineOf(df: DataFrame<any>, options: StreamTestOptions): QueryEngine {
  // NOTE: DataFrame keeps its engine private (the API never hands it out); the testing layer may
  // reach it, as it reaches every layer, to rebuild the same query over fresh inputs.
  return options.sluice ?? (df as unknown as { readonly engine: QueryEngine }).engine
}

async function runScript(
  df: DataFrame<any>,
  options: StreamTestOptions,
  actions: readonly StreamAction[],
  streamFor: (input: MemoryStreamInput<any>) => MemoryStream,
  title?: string,
): Promise<void> {
  const temporary = options.checkpointLocation === undefined
  const checkpointLocation =
    options.checkpointLocation ?? (await mkdtemp(join(tmpdir(), 'sluice-test-stream-')))
  const runner = new StreamRunner({
    df,
    outputMode: options.outputMode ?? 'append',
    clock: options.clock,
    checkpointLocation,
    queryName: `test_stream_${++scripts}`,
    streamFor,
  })
  const fail = (failedAt: number, e: unknown): StreamTestError => {
    const message = e instanceof ActionFailure ? e.message : 'Unexpected error in the test script'
    const cause = e instanceof ActionFailure ? e.cause : e
    return new StreamTestError(failureReport({ message, cause, actions, failedAt, runner, title }), cause)
  }
  let failed = false
  try {
    for (const [i, action] of actions.entries()) {
      try {
        await runner.run(action)
      } catch (e) {
        failed = true
        throw fail(i, e)
      }
    }
    await runner.finish().catch((e: unknown) => {
      failed = true
      throw fail(actions.length, e)
    })
  } finally {
    if (failed) await runner.finish().catch(() => undefined)
    if (temporary) await rm(checkpointLocation, { recursive: true, force: true })
  }
}
