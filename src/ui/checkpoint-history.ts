/**
 * The UI's runs read from query checkpoints (`sluice ui --checkpoint <dir>...`), as Spark's history
 * server reads event logs: each checkpoint keeps the progress of its last N batches in
 * `progress/<batchId>` (progress-log-codec.ts), and every run id found there is one run, with its
 * kept progress. Read-only: nothing in the checkpoint is created or changed, no lock is taken, and
 * each request reads the files again (a query still running elsewhere shows its new batches).
 *
 * A checkpoint does not say how a run ended, so every run shows as `stopped`; its plan and
 * operator graph are not kept there either.
 */
import { FileMetadataLog } from '../checkpoint/file-metadata-log.ts'
import { metadataPath, offsetsDir, progressDir } from '../checkpoint/layout.ts'
import { type ProgressLogEntry, progressLogCodec } from '../checkpoint/progress-log-codec.ts'
import { SluiceError } from '../errors.ts'
import type { FileSystem } from '../io/fs.ts'
import type { StreamingQueryProgress } from '../runtime/progress.ts'
import type { QueryRun } from './query-history.ts'
import type { QueryRuns } from './ui-server.ts'

const EMPTY_GRAPH = Object.freeze({ nodes: Object.freeze([]), edges: Object.freeze([]) })

/**
 * The runs kept in some checkpoints' progress logs.
 *
 * @example const history = await CheckpointHistory.open(nodeFileSystem, ['ckpt/clicks']); (await history.runs())[0].batches
 */
export class CheckpointHistory implements QueryRuns {
  private readonly fs: FileSystem
  private readonly dirs: readonly string[]

  private constructor(fs: FileSystem, dirs: readonly string[]) {
    this.fs = fs
    this.dirs = dirs
  }

  /** Checks that each folder is a checkpoint (PATH_NOT_FOUND naming it when not). */
  static async open(fs: FileSystem, dirs: readonly string[]): Promise<CheckpointHistory> {
    if (dirs.length === 0)
      throw new SluiceError('INVALID_ARGUMENT', 'Name at least one checkpoint folder (--checkpoint <dir>).')
    for (const dir of dirs) {
      if (!(await fs.exists(metadataPath(dir))) && !(await fs.exists(offsetsDir(dir))))
        throw new SluiceError(
          'PATH_NOT_FOUND',
          `'${dir}' is not a Sluice checkpoint (it has no metadata file and no offsets folder). Pass the folder a query's checkpointLocation named.`,
        )
    }
    return new CheckpointHistory(fs, Object.freeze([...dirs]))
  }

  /** Every run of every checkpoint, the latest started first. */
  async runs(): Promise<readonly QueryRun[]> {
    const all: QueryRun[] = []
    for (const dir of this.dirs) all.push(...runsOf(dir, await this.readProgress(dir)))
    // Runs started at the same time (a manual clock) are ordered by their first batch.
    const firstBatch = (r: QueryRun) => r.progress[0]?.batchId ?? 0
    return all.sort((a, b) =>
      a.started !== b.started ? (a.started < b.started ? 1 : -1) : firstBatch(b) - firstBatch(a),
    )
  }

  /** One run by its run id. */
  async run(runId: string): Promise<QueryRun | undefined> {
    return (await this.runs()).find((r) => r.runId === runId)
  }

  /** The progress kept in `dir`, in batch order (a batch whose file was purged meanwhile is skipped). */
  private async readProgress(dir: string): Promise<ProgressLogEntry[]> {
    const log = new FileMetadataLog(this.fs, progressDir(dir), progressLogCodec)
    const out: ProgressLogEntry[] = []
    for (const batchId of await log.listBatchIds()) {
      const entry = await log.get(batchId)
      if (entry !== undefined) out.push(entry)
    }
    return out
  }
}

/** One run per run id in `progress`, each with its progress in batch order. */
function runsOf(dir: string, progress: readonly ProgressLogEntry[]): QueryRun[] {
  const byRun = new Map<string, ProgressLogEntry[]>()
  for (const p of progress) byRun.set(p.runId, [...(byRun.get(p.runId) ?? []), p])
  return [...byRun.values()].map((ps) => {
    const first = ps[0]
    return Object.freeze({
      id: first.id,
      runId: first.runId,
      name: typeof first.name === 'string' ? first.name : null,
      status: 'stopped' as const,
      started: typeof first.timestamp === 'string' ? first.timestamp : '',
      batches: ps.length,
      lastError: null,
      explain: `(read from the checkpoint ${dir}: the plan is not kept there)`,
      graph: EMPTY_GRAPH,
      progress: Object.freeze(ps) as unknown as readonly StreamingQueryProgress[],
    })
  })
}
