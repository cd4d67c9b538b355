/**
 * The message of a failed `testStream` script, laid out as Spark's StreamTest prints it: what
 * failed, the actions with the failing one marked `=> `, the stream's state, the sink's batches,
 * the last progress and the query's plans.
 */
import { progressToJson } from '../runtime/progress.ts'
import type { StreamingQuery } from '../runtime/streaming-query.ts'
import { describeAction, type StreamAction } from './actions.ts'
import type { StreamRunner } from './stream-runner.ts'
import { pendingOffsets } from './waits.ts'

/**
 * A failed step: `message` says what failed, `cause` carries the underlying error.
 * @example throw new ActionFailure('Error adding data', e)
 */
export class ActionFailure extends Error {
  constructor(message: string, cause?: unknown) {
    super(cause instanceof Error ? `${message}: ${cause.message}` : message, { cause })
    this.name = 'ActionFailure'
  }
}

/** Error thrown by a failing script; its message is the whole report. @example assert.rejects(testStream(df, {}, checkAnswer({ n: 9 })), StreamTestError) */
export class StreamTestError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause })
    this.name = 'StreamTestError'
  }
}

const STACK_LINES = 8

/**
 * The cause's stack (its message is already in the report's first line), then its own causes with
 * their messages.
 */
function causeText(cause: unknown, prefix = '', withMessage = false): string {
  if (!(cause instanceof Error)) return cause === undefined ? '' : `${prefix}${String(cause)}`
  const stack = (cause.stack ?? '')
    .split('\n')
    .filter((l) => l.trim().startsWith('at '))
    .slice(0, STACK_LINES)
  const head = withMessage ? `${cause.name}: ${cause.message}` : `${cause.name}`
  const own = [`${prefix}${head}`, ...stack.map((l) => `${prefix}  ${l.trim()}`)].join('\n')
  if (cause.cause === undefined) return own
  return `${own}\n${prefix}Caused by: ${causeText(cause.cause, `${prefix}  `, true).trimStart()}`
}

/** The action list, with `=> ` before the step at `failedAt`. @example markedActions([stopStream()], 0) // '=> StopStream' */
export function markedActions(actions: readonly StreamAction[], failedAt: number): string {
  return actions.map((a, i) => `${i === failedAt ? '=> ' : '   '}${describeAction(a)}`).join('\n')
}

function queryState(q: StreamingQuery | null): string[] {
  if (q === null) return ['Query: not started']
  return [
    `Query: ${q.name ?? '(unnamed)'} [id = ${q.id}, runId = ${q.runId}]`,
    `Active: ${q.isActive}; status: ${q.status.message}`,
    `Exception: ${q.exception === null ? 'none' : q.exception.message}`,
  ]
}

function safe(f: () => string): string {
  try {
    return f()
  } catch (e) {
    return `(unavailable: ${e instanceof Error ? e.message : String(e)})`
  }
}

/**
 * The full report for a step that failed.
 * @example throw new StreamTestError(failureReport({ message, cause, actions, failedAt: 2, runner }))
 */
export function failureReport(r: {
  readonly message: string
  readonly cause?: unknown
  readonly actions: readonly StreamAction[]
  readonly failedAt: number
  readonly runner: StreamRunner
  readonly title?: string
}): string {
  const { runner } = r
  const q = runner.query ?? runner.lastQuery
  const committed = [...runner.book.committed].map(([i, o]) => `source ${i}: ${o}`).join(', ') || 'none'
  const progress = q?.lastProgress
  const cause = causeText(r.cause)
  return [
    r.title === undefined ? r.message : `${r.title}: ${r.message}`,
    ...(cause === '' ? [] : ['', cause]),
    '',
    '== Progress ==',
    markedActions(r.actions, r.failedAt),
    '',
    '== Stream ==',
    `Output mode: ${runner.config.outputMode}; trigger: ${runner.trigger.kind}`,
    `Checkpoint: ${runner.config.checkpointLocation}`,
    ...queryState(q),
    `Committed offsets: ${committed}`,
    ...pendingOffsets(runner.book).map((p) => `Pending: ${p}`),
    '',
    '== Sink ==',
    runner.sink.toDebugString(),
    '',
    '== Last progress ==',
    progress ? progressToJson(progress, true) : '(none)',
    '',
    '== Plan ==',
    q === null ? '(not started)' : safe(() => q.explain()),
  ].join('\n')
}
