/**
 * The actions of a `testStream` script, as Spark's StreamTest actions: plain frozen objects made by
 * the factory functions below, a closed union on `kind` (the runner keeps one handler per kind).
 */
import type { MemoryStreamInput } from '../api/memory-stream.ts'
import type { Clock } from '../io/clock.ts'
import type { StreamingQueryProgress } from '../runtime/progress.ts'
import type { StreamingQuery } from '../runtime/streaming-query.ts'
import type { TriggerOptions } from '../runtime/trigger.ts'
import type { InferInputRow, StructType } from '../schema/data-type.ts'
import { formatRow } from './rows.ts'
import { memoryStreamOf } from './stream-inputs.ts'

/** An expected row: an object keyed by column name, or the values in column order. */
export type ExpectedRow = Readonly<Record<string, unknown>> | readonly unknown[]

/** What `execute` and `assertOnQuery` get beside the query. */
export interface StreamTestContext {
  /** The checkpoint folder the script's query runs on (stop/start resumes from it). */
  readonly checkpointLocation: string
  /** Everything the script's sink holds now, as objects keyed by column name. */
  sinkRows(): Record<string, unknown>[]
}

export interface StartOptions {
  readonly trigger?: TriggerOptions
  /** The session's clock, when it is a ManualClock the script advances (Sluice's clock is per session). */
  readonly clock?: Clock
}

type CheckKind = 'checkAnswer' | 'checkLastBatch' | 'checkNewAnswer'

export type StreamAction =
  | { readonly kind: 'addData'; readonly input: MemoryStreamInput<any>; readonly rows: readonly object[] }
  | {
      readonly kind: CheckKind
      readonly rows: readonly ExpectedRow[]
      readonly ordered: boolean
    }
  | { readonly kind: 'stopStream'; readonly inserted: boolean }
  | { readonly kind: 'startStream'; readonly options: StartOptions; readonly inserted: boolean }
  | { readonly kind: 'advanceClock'; readonly ms: number }
  | {
      readonly kind: 'assertOnQuery'
      readonly fn: (q: StreamingQuery, ctx: StreamTestContext) => unknown
      readonly message: string
    }
  | {
      readonly kind: 'assertProgress'
      readonly fn: (p: StreamingQueryProgress) => unknown
      readonly message: string
    }
  | { readonly kind: 'expectFailure'; readonly matcher: ((e: Error) => boolean) | undefined }
  | { readonly kind: 'execute'; readonly fn: (q: StreamingQuery | null, ctx: StreamTestContext) => unknown }
  | { readonly kind: 'checkLateRows'; readonly name: string; readonly rows: readonly ExpectedRow[] }

export type StreamActionKind = StreamAction['kind']

/**
 * Actions that need a started query; the script starts one first unless it starts one itself
 * (Spark's StreamMustBeRunning).
 * @example needsRunningStream(checkAnswer()) // true
 */
export function needsRunningStream(a: StreamAction): boolean {
  return (
    a.kind === 'checkAnswer' ||
    a.kind === 'checkLastBatch' ||
    a.kind === 'checkNewAnswer' ||
    a.kind === 'checkLateRows' ||
    a.kind === 'stopStream'
  )
}

/**
 * Adds rows to a memory stream as one batch of data; the next check waits until the query has
 * processed them.
 * @example addData(input, { word: 'a' }, { word: 'b' })
 */
export function addData<S extends StructType>(
  input: MemoryStreamInput<S>,
  ...rows: InferInputRow<S>[]
): StreamAction {
  return Object.freeze({ kind: 'addData', input, rows: Object.freeze([...rows]) as readonly object[] })
}

function check(kind: CheckKind, args: readonly unknown[]): StreamAction {
  const [first, second] = args
  const isOptions =
    args.length === 2 &&
    Array.isArray(first) &&
    second !== null &&
    typeof second === 'object' &&
    !Array.isArray(second) &&
    Object.keys(second).length === 1 &&
    typeof (second as { ordered?: unknown }).ordered === 'boolean'
  const rows = (isOptions ? first : args) as readonly ExpectedRow[]
  const ordered = isOptions ? (second as { ordered: boolean }).ordered : false
  return Object.freeze({ kind, rows: Object.freeze([...rows]), ordered })
}

/**
 * The sink's whole content equals `rows` (unordered unless `{ ordered: true }`), after the query
 * has processed all data added so far (Spark's CheckAnswer).
 * @example checkAnswer({ n: 1 }, { n: 2 }); checkAnswer([{ n: 1 }, { n: 2 }], { ordered: true })
 */
export function checkAnswer(rows: readonly ExpectedRow[], options: { ordered: boolean }): StreamAction
export function checkAnswer(...rows: ExpectedRow[]): StreamAction
export function checkAnswer(...args: unknown[]): StreamAction {
  return check('checkAnswer', args)
}

/**
 * The last batch written to the sink equals `rows` (Spark's CheckLastBatch).
 * @example checkLastBatch({ n: 3 })
 */
export function checkLastBatch(rows: readonly ExpectedRow[], options: { ordered: boolean }): StreamAction
export function checkLastBatch(...rows: ExpectedRow[]): StreamAction
export function checkLastBatch(...args: unknown[]): StreamAction {
  return check('checkLastBatch', args)
}

/**
 * The rows of the batches written since the previous check equal `rows`; none when empty
 * (Spark's CheckNewAnswer).
 * @example checkNewAnswer({ n: 4 }); checkNewAnswer()
 */
export function checkNewAnswer(rows: readonly ExpectedRow[], options: { ordered: boolean }): StreamAction
export function checkNewAnswer(...rows: ExpectedRow[]): StreamAction
export function checkNewAnswer(...args: unknown[]): StreamAction {
  return check('checkNewAnswer', args)
}

/**
 * Every row the late-rows output `name` holds in the script's checkpoint equals `rows` (unordered),
 * after the query has processed all data added so far. Rows are the watermarked stream's columns,
 * then `late_reason`, `late_watermark` and `late_batch_id`.
 * @example checkLateRows('late', { ts: 1000, late_reason: 'window_closed', late_watermark: 5000, late_batch_id: 2 })
 */
export function checkLateRows(name: string, ...rows: ExpectedRow[]): StreamAction {
  return Object.freeze({ kind: 'checkLateRows', name, rows: Object.freeze([...rows]) })
}

/** Stops the running query (it must be started). @example stopStream() */
export function stopStream(): StreamAction {
  return Object.freeze({ kind: 'stopStream', inserted: false })
}

/**
 * Starts the query, resuming from the script's checkpoint (same query id, new run id).
 * @example startStream({ trigger: { processingTime: '10 seconds' }, clock })
 */
export function startStream(options: StartOptions = {}): StreamAction {
  return Object.freeze({ kind: 'startStream', options: Object.freeze({ ...options }), inserted: false })
}

/**
 * Advances the session's ManualClock by `ms`, once the running query waits on it (Spark's
 * AdvanceManualClock).
 * @example advanceClock(10_000)
 */
export function advanceClock(ms: number): StreamAction {
  return Object.freeze({ kind: 'advanceClock', ms })
}

/**
 * Asserts on the running (or last) query once it has processed what is available: `fn` fails the
 * script by returning false or throwing.
 * @example assertOnQuery((q) => q.isActive, 'still running')
 */
export function assertOnQuery(
  fn: (q: StreamingQuery, ctx: StreamTestContext) => boolean | undefined | Promise<boolean | undefined>,
  message = '',
): StreamAction {
  return Object.freeze({ kind: 'assertOnQuery', fn, message })
}

/**
 * Asserts on the query's `lastProgress` (which must exist) once it has processed what is available.
 * @example assertProgress((p) => p.numInputRows === 2)
 */
export function assertProgress(
  fn: (p: StreamingQueryProgress) => boolean | undefined | Promise<boolean | undefined>,
  message = '',
): StreamAction {
  return Object.freeze({ kind: 'assertProgress', fn, message })
}

/**
 * The query terminates with an error (matching `matcher` when given); the script may start it again.
 * @example expectFailure((e) => e.message.includes('boom'))
 */
export function expectFailure(matcher?: (e: Error) => boolean): StreamAction {
  return Object.freeze({ kind: 'expectFailure', matcher })
}

/**
 * Runs `fn` with the running (or last) query, or null before the first start.
 * @example execute(async (q, ctx) => { await rm(join(ctx.checkpointLocation, 'commits', '1')) })
 */
export function execute(
  fn: (q: StreamingQuery | null, ctx: StreamTestContext) => void | Promise<void>,
): StreamAction {
  return Object.freeze({ kind: 'execute', fn })
}

/** One line per action, as the failure report lists them. @example describeAction(advanceClock(10)) // 'AdvanceClock(10)' */
export function describeAction(a: StreamAction): string {
  switch (a.kind) {
    case 'addData':
      return `AddData to ${memoryStreamOf(a.input).description}: ${a.rows.map((r) => formatRow(r)).join(', ')}`
    case 'checkAnswer':
    case 'checkLastBatch':
    case 'checkNewAnswer': {
      const name = a.kind[0].toUpperCase() + a.kind.slice(1)
      return `${name}${a.ordered ? ' (ordered)' : ''}: ${a.rows.map((r) => formatRow(r)).join(', ')}`
    }
    case 'stopStream':
      return a.inserted ? 'StopStream (restart)' : 'StopStream'
    case 'startStream': {
      const t = a.options.trigger === undefined ? '' : `trigger = ${JSON.stringify(a.options.trigger)}`
      return `StartStream(${t})${a.inserted ? ' (restart)' : ''}`
    }
    case 'advanceClock':
      return `AdvanceClock(${a.ms})`
    case 'assertOnQuery':
      return `AssertOnQuery(<condition>, ${a.message})`
    case 'assertProgress':
      return `AssertProgress(<condition>, ${a.message})`
    case 'expectFailure':
      return `ExpectFailure(${a.matcher === undefined ? '' : '<matcher>'})`
    case 'execute':
      return 'Execute(<function>)'
    case 'checkLateRows':
      return `CheckLateRows(${a.name}): ${a.rows.map((r) => formatRow(r)).join(', ')}`
  }
}
