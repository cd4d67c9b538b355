/**
 * A session for streaming tests: UTC, a manual clock, captured output, no signal handlers, and the
 * state store provider named by `SLUICE_TEST_STATE_STORE` (default `memory`), so every stateful
 * stream test runs with either provider:
 *
 *     SLUICE_TEST_STATE_STORE=lmdb npx node --test test/stream/*.test.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after } from 'node:test'
import { ManualClock, Sluice, type StreamingQuery } from '../../src/index.ts'
import { EXECUTOR_TEST_CONF } from '../harness/executor-conf.ts'

/** The state store provider the stream tests run with (`sluice.sql.streaming.stateStore.providerClass`). */
export const TEST_STATE_STORE = process.env.SLUICE_TEST_STATE_STORE ?? 'memory'

/** The settings every stream test session shares (spread into `Sluice.local`). */
export const STREAM_TEST_CONF = Object.freeze({
  'sluice.sql.session.timeZone': 'UTC',
  'sluice.streaming.stopOnSignal': false,
  'sluice.sql.streaming.stateStore.providerClass': TEST_STATE_STORE,
  ...EXECUTOR_TEST_CONF,
} as const)

if (TEST_STATE_STORE !== 'memory' && process.env.SLUICE_STATE_LMDB_DIR === undefined) {
  // The LMDB provider's local folders of this test file, removed when it ends.
  const root = mkdtempSync(join(tmpdir(), 'sluice-stream-lmdb-'))
  process.env.SLUICE_STATE_LMDB_DIR = root
  after(() => rmSync(root, { recursive: true, force: true }))
}

export interface StreamSession {
  readonly sluice: Sluice
  readonly clock: ManualClock
  /** What show()/explain()/the console sink printed. */
  readonly captured: string[]
}

/**
 * A fresh session on a ManualClock at `startMs`.
 * @example const { sluice, clock } = streamSession()
 */
export function streamSession(startMs = 0): StreamSession {
  const clock = new ManualClock(startMs)
  const captured: string[] = []
  const sluice = Sluice.local({ ...STREAM_TEST_CONF, clock, output: (s) => captured.push(s) })
  return { sluice, clock, captured }
}

/**
 * Waits until the query has processed everything added before the call.
 * @example input.addData({ n: 1 }); await drain(query)
 */
export async function drain(q: StreamingQuery): Promise<void> {
  if (q.isActive) await q.processAllAvailable()
}
