/**
 * What the web UI shows about a session's queries: every run since the history was made (active,
 * stopped or failed), its recent progress, its plan and its error, kept from the listener bus.
 */
import type { OperatorGraph } from '../planner/incremental-plan.ts'
import type { StreamingQueryProgress } from '../runtime/progress.ts'
import type { StreamingQueryListener, StreamingQueryManager } from '../runtime/query-manager.ts'

/** A run's state as the UI shows it. */
export type QueryRunStatus = 'active' | 'stopped' | 'failed'

/** One run of a query (Spark's UI lists runs: a restart from the same checkpoint is a new run). */
export interface QueryRun {
  readonly id: string
  readonly runId: string
  readonly name: string | null
  readonly status: QueryRunStatus
  /** ISO-8601 time the run started. */
  readonly started: string
  readonly batches: number
  readonly lastError: string | null
  readonly explain: string
  /** The run's operators (its incremental plan's graph); empty until the query has started. */
  readonly graph: OperatorGraph
  /** The run's latest progress reports, oldest first (at most `keep`). */
  readonly progress: readonly StreamingQueryProgress[]
}

interface MutableRun {
  id: string
  runId: string
  name: string | null
  status: QueryRunStatus
  started: string
  batches: number
  lastError: string | null
  explain: string
  graph: OperatorGraph
  progress: StreamingQueryProgress[]
}

/**
 * Follows `sluice.streams` and keeps each run's progress (the last `keep` reports, as Spark's UI
 * keeps `spark.sql.streaming.ui.retainedProgressUpdates`).
 *
 * @example const history = new QueryHistory(sluice.streams); history.runs().map((r) => r.status)
 */
export class QueryHistory {
  private readonly runsById = new Map<string, MutableRun>()
  private readonly manager: StreamingQueryManager
  private readonly listener: StreamingQueryListener
  private readonly keep: number

  constructor(manager: StreamingQueryManager, keep = 300) {
    this.manager = manager
    this.keep = keep
    this.listener = {
      onQueryStarted: (e) => {
        const query = manager.get(e.id)
        this.runsById.set(e.runId, {
          id: e.id,
          runId: e.runId,
          name: e.name,
          status: 'active',
          started: e.timestamp,
          batches: 0,
          lastError: null,
          explain: query === undefined ? '' : safeExplain(() => query.explain()),
          graph: query?.operatorGraph ?? { nodes: [], edges: [] },
          progress: [],
        })
      },
      onQueryProgress: ({ progress }) => {
        const run = this.runsById.get(progress.runId)
        if (run === undefined) return
        run.batches += 1
        run.progress.push(progress)
        if (run.progress.length > this.keep) run.progress.shift()
      },
      onQueryTerminated: (e) => {
        const run = this.runsById.get(e.runId)
        if (run === undefined) return
        run.status = e.exception === null ? 'stopped' : 'failed'
        run.lastError = e.exception
      },
    }
    manager.addListener(this.listener)
  }

  /** Every run seen, newest first. @example history.runs()[0].status */
  runs(): readonly QueryRun[] {
    return [...this.runsById.values()].reverse().map((r) => this.freeze(r))
  }

  /** One run by its run id. @example history.run(query.runId)?.batches */
  run(runId: string): QueryRun | undefined {
    const r = this.runsById.get(runId)
    return r === undefined ? undefined : this.freeze(r)
  }

  /** Stops following the session's queries. */
  close(): void {
    this.manager.removeListener(this.listener)
  }

  private freeze(r: MutableRun): QueryRun {
    return Object.freeze({ ...r, progress: Object.freeze([...r.progress]) })
  }
}

function safeExplain(explain: () => string): string {
  try {
    return explain()
  } catch (e) {
    return `(the plan could not be explained: ${e instanceof Error ? e.message : String(e)})`
  }
}
