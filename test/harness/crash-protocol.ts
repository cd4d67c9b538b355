/**
 * What the crash tests and their child process (crash-child.ts) say to each other.
 *
 * Parent -> child: `{cmd: 'continue'}` (leave the pause), `{cmd: 'stop'}` (query.stop(), then exit).
 * Child -> parent:
 * - `{type: 'started', pid, queryId}` once start() resolved, or `{type: 'start-failed', code, message}`;
 * - `{type: 'batch', batchId, action: 'write' | 'skip'}` from the sink, before it writes;
 * - `{type: 'progress', batchId}` once a batch committed (onQueryProgress);
 * - `{type: 'paused', point, batchId, missed}` at the pause point (missed: the batch committed
 *   without passing the point, so the hook no longer fires where the test expects);
 * - `{type: 'signal', signal}` when it receives SIGTERM or SIGINT (with `reportSignals`);
 * - `{type: 'stopped'}` after query.stop(), then it disconnects and exits by itself;
 * - `{type: 'failed', code, message}` when the query terminates with an error.
 */
import type { SinkPoint } from './crash-exactly-once-sink.ts'

/** Checkpoint writes the child can pause in (crash-checkpoint-hooks.ts). */
export type CheckpointPoint = 'offsets-written' | 'commit-linking' | 'commit-linked'

/** Every point of a batch's life where a crash test can stop the child. */
export type CrashPoint = CheckpointPoint | SinkPoint

export interface CrashChildConfig {
  readonly checkpoint: string
  readonly outDir: string
  readonly rowsPerBatch: number
  /** Pause (and tell the parent) when batch `batchId` reaches `point`. */
  readonly pauseAt?: { readonly point: CrashPoint; readonly batchId: number }
  /** Tell the parent about SIGTERM and SIGINT (the query's own graceful-stop handler still runs). */
  readonly reportSignals?: boolean
  /**
   * Run a stateful query instead (crash-checks.ts `statefulRows`: a running count and sum by
   * `value % 3`, update mode) on this state store provider, with LMDB's local folders under
   * `lmdbLocalDir`.
   */
  readonly state?: { readonly provider: string; readonly lmdbLocalDir: string }
}
